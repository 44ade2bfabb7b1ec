import { pinyin } from 'pinyin-pro';

/** 'zhangsan' and 'zs' for 张三 (surnames read as surnames: 曾 zeng, 单 shan), for prefix search. */
export function namePinyin(name: string): { full: string; initials: string } {
  const options = { toneType: 'none', type: 'array', surname: 'head', nonZh: 'removed' } as const;
  const full = pinyin(name, options).join('').toLowerCase().replace(/[^a-z]/g, '');
  const initials = pinyin(name, { ...options, pattern: 'first' }).join('').toLowerCase().replace(/[^a-z]/g, '');
  return { full, initials };
}

const BEIJING = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar date in Beijing ('YYYY-MM-DD'), whatever the server's zone. */
export function beijingToday(now: Date): string {
  return BEIJING.format(now);
}

/** Whole years from a birth date to a day (both 'YYYY-MM-DD'). */
export function ageOn(birthDate: string | null, today: string): number | null {
  if (!birthDate) return null;
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

/** Adds days to a 'YYYY-MM-DD' date. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
