/**
 * Periods of the KPI page (pure): this month, this quarter (the default: assessments are quarterly), or a
 * custom range — as Beijing dates, whatever the device's zone, `to` inclusive as the server reads it.
 */
export type PeriodPreset = 'month' | 'quarter' | 'custom';

export interface Period {
  from: string;
  to: string;
}

const BEIJING_MS = 8 * 3600_000;

/** The Beijing calendar date of an instant (YYYY-MM-DD). */
export function beijingDate(now: Date): string {
  return new Date(now.getTime() + BEIJING_MS).toISOString().slice(0, 10);
}

function lastDay(year: number, month0: number): string {
  return new Date(Date.UTC(year, month0 + 1, 0)).toISOString().slice(0, 10);
}

/** The month or quarter holding `now` in Beijing, first to last day. */
export function presetPeriod(preset: Exclude<PeriodPreset, 'custom'>, now: Date): Period {
  const [y, m] = beijingDate(now).split('-').map(Number) as [number, number];
  const first = preset === 'month' ? m - 1 : Math.floor((m - 1) / 3) * 3;
  const last = preset === 'month' ? m - 1 : first + 2;
  return { from: `${y}-${String(first + 1).padStart(2, '0')}-01`, to: lastDay(y, last) };
}

/** A period from the address bar, or the default (this quarter) when it is missing or malformed. */
export function periodFromParams(params: URLSearchParams, now: Date): { preset: PeriodPreset; period: Period } {
  const from = params.get('from');
  const to = params.get('to');
  const date = /^\d{4}-\d{2}-\d{2}$/;
  if (from && to && date.test(from) && date.test(to) && from <= to) {
    for (const preset of ['month', 'quarter'] as const) {
      const p = presetPeriod(preset, now);
      if (p.from === from && p.to === to) return { preset, period: p };
    }
    return { preset: 'custom', period: { from, to } };
  }
  return { preset: 'quarter', period: presetPeriod('quarter', now) };
}

/** A share as the page shows it: "72.5%", or "—" without a denominator. */
export function formatRate(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(1)}%`;
}
