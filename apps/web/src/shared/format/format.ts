import { AREA_LEVEL_LABELS, AREA_LEVELS, type AreaLevel } from '@redgrid/contracts';
import dayjs from 'dayjs';
import type { Language } from '../i18n/i18n';

const DATE_TIME_FORMAT: Record<Language, string> = {
  // What Chinese users expect on government systems: 2026-11-22 14:05.
  'zh-CN': 'YYYY-MM-DD HH:mm',
  'en-US': 'YYYY-MM-DD HH:mm',
};

/** A timestamp as the user reads it, or the dash when there is none or it is not a date. */
export function formatDateTime(iso: string | null | undefined, language: Language, withSeconds = false): string {
  if (!iso) return '—';
  const value = dayjs(iso);
  if (!value.isValid()) return '—';
  return value.format(withSeconds ? `${DATE_TIME_FORMAT[language]}:ss` : DATE_TIME_FORMAT[language]);
}

export function areaLevelLabel(level: AreaLevel, language: Language): string {
  return AREA_LEVEL_LABELS[level][language];
}

/** Counts areas per level, top level first, skipping levels with none ("6 个街道/乡镇"). */
export function countByLevel(areas: readonly { level: AreaLevel }[]): { level: AreaLevel; count: number }[] {
  const counts = new Map<AreaLevel, number>();
  for (const area of areas) counts.set(area.level, (counts.get(area.level) ?? 0) + 1);
  return AREA_LEVELS.filter((level) => counts.has(level)).map((level) => ({ level, count: counts.get(level) ?? 0 }));
}

/** Pretty JSON for audit before/after snapshots; keeps strings readable instead of quoted twice. */
export function formatJson(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value, null, 2);
  } catch {
    return String(value);
  }
}

/** The time-of-day greeting key (morning before 12, afternoon before 18). */
export function greetingPart(hour: number): 'greetingMorning' | 'greetingAfternoon' | 'greetingEvening' {
  if (hour < 12) return 'greetingMorning';
  if (hour < 18) return 'greetingAfternoon';
  return 'greetingEvening';
}
