import { AREA_LEVEL_LABELS, AREA_LEVELS, type AreaLevel } from '@redgrid/contracts';
import type { Language } from '../i18n/i18n';

/**
 * China keeps one time zone, and officials compare what the console shows with paper records and
 * with the server's own messages ("锁定至 12:35"): show Beijing time whatever the device is set to.
 */
export const DISPLAY_TIME_ZONE = 'Asia/Shanghai';

const formatters = new Map<boolean, Intl.DateTimeFormat>();

function formatterFor(withSeconds: boolean): Intl.DateTimeFormat {
  let formatter = formatters.get(withSeconds);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: DISPLAY_TIME_ZONE,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      ...(withSeconds ? { second: '2-digit' } : {}),
      hourCycle: 'h23',
    });
    formatters.set(withSeconds, formatter);
  }
  return formatter;
}

/**
 * A timestamp as Chinese users write it (2026-11-22 14:05), or a dash when there is none. The
 * numeric form reads the same in both languages, so `language` only matters for future formats.
 */
export function formatDateTime(iso: string | null | undefined, _language: Language, withSeconds = false): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '—';
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const part of formatterFor(withSeconds).formatToParts(ms)) parts[part.type] = part.value;
  const date = `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
  return withSeconds ? `${date}:${parts.second}` : date;
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

/**
 * A surface as officials speak of it: square metres up to 10,000 (一万平方米), then km² with two
 * decimals. Coverage gaps are often a few square metres, districts hundreds of km².
 */
export function formatAreaM2(m2: number, language: Language): string {
  if (!Number.isFinite(m2)) return '—';
  if (Math.abs(m2) < 10_000) return `${Math.round(m2).toLocaleString(language)} m²`;
  return `${(m2 / 1_000_000).toLocaleString(language, { minimumFractionDigits: 2, maximumFractionDigits: 2 })} km²`;
}

/** A distance: metres below a kilometre, then km with one decimal. */
export function formatDistance(meters: number, language: Language): string {
  if (!Number.isFinite(meters)) return '—';
  if (meters < 1000) return `${Math.round(meters).toLocaleString(language)} m`;
  return `${(meters / 1000).toLocaleString(language, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} km`;
}

/** A share (0–1) as a percentage with one decimal, never rounding a gap away to 100%. */
export function formatShare(share: number, language: Language): string {
  const percent = Math.floor(share * 1000) / 10;
  return `${percent.toLocaleString(language, { minimumFractionDigits: 1, maximumFractionDigits: 1 })}%`;
}

/** A file size: bytes, KB or MB (binary units, as file managers show them), one decimal past KB. */
export function formatBytes(bytes: number, language: Language): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${Math.round(bytes).toLocaleString(language)} B`;
  const kb = bytes / 1024;
  if (kb < 1024) return `${kb.toLocaleString(language, { maximumFractionDigits: 1 })} KB`;
  return `${(kb / 1024).toLocaleString(language, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} MB`;
}

/** How long something took: milliseconds below a second, then seconds with one decimal, then minutes. */
export function formatDuration(ms: number, language: Language): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms).toLocaleString(language)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toLocaleString(language, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}
