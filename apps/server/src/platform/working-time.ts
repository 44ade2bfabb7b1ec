import type { TimeLimitUnit } from '@redgrid/contracts';
import { AppError } from './errors.ts';

/**
 * The working-time clock (工作时 / 工作日), pure arithmetic on a calendar: which dates are working
 * days (weekends off, public holidays off, make-up working days 调休上班 on) and the working periods of
 * a working day (default 08:30–12:00 and 13:30–17:30, 7.5 h), all in Beijing time (UTC+8, no DST),
 * whatever the server's zone: instants are UTC milliseconds shifted by a fixed offset, no local-time
 * method of Date is used.
 *
 * Rules (docs/ARCHITECTURE.md, "Working time"):
 * - work_hours: counted only inside working periods; a limit reached exactly at the end of a period
 *   falls due at that end (17:30), not at the next morning's start.
 * - work_days: the day of the start is not counted, the limit falls due at the close of the last
 *   working period of the Nth working day after it (民法典 第二百零一条、第二百零三条: "开始的当日不计入",
 *   "有业务时间的，停止业务活动的时间为截止时间"); the rule of 12345 hotlines and 行政许可 time limits.
 * - pauses (挂账, suspension) are intervals whose working time does not count; an open pause stops
 *   the clock (the deadline is unknown until it ends).
 * - an extension of N working days moves a deadline to the same working-clock position N working
 *   days later (a deadline at 17:30 stays at 17:30, one at 11:00 stays at 11:00).
 *
 * Fast: each year is precomputed once (working flag and running count of working days per date), so
 * a deadline is a few array reads and a binary search. Bounded: limits, pauses and the years a
 * search may walk are capped; a calendar with no working time ahead is an error, never a loop.
 */

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const BEIJING_OFFSET_MS = 8 * HOUR_MS;

export const CALENDAR_MIN_YEAR = 2000;
export const CALENDAR_MAX_YEAR = 2100;
export const MAX_WORK_DAYS = 365;
export const MAX_WORK_HOURS = 10_000;
export const MAX_PAUSES = 1_000;
/** Consecutive years without a working day after which a search gives up. */
const MAX_EMPTY_YEARS = 2;

export type CalendarException = 'holiday' | 'workday';

/** A working period of a day, in minutes after Beijing midnight: [start, end). */
export interface WorkingPeriod {
  readonly start: number;
  readonly end: number;
}

/** One year of the calendar: dates that differ from the weekend rule, and the working periods. */
export interface CalendarYearSpec {
  /** 'YYYY-MM-DD' (Beijing) → holiday (a day off, weekend or not) or workday (调休上班 on a weekend). */
  readonly exceptions: ReadonlyMap<string, CalendarException>;
  readonly periods: readonly WorkingPeriod[];
}

export interface CalendarSpec {
  /** Years configured; a year not listed has weekends off, no holidays and the default periods. */
  readonly years: ReadonlyMap<number, CalendarYearSpec>;
  readonly defaultPeriods?: readonly WorkingPeriod[];
}

/** 08:30–12:00 and 13:30–17:30: 7.5 working hours. */
export const DEFAULT_WORKING_PERIODS: readonly WorkingPeriod[] = [
  { start: 8 * 60 + 30, end: 12 * 60 },
  { start: 13 * 60 + 30, end: 17 * 60 + 30 },
];

/** An interval the clock does not run in (挂账); `to: null` is a suspension still open. */
export interface Pause {
  readonly from: Date;
  readonly to: Date | null;
}

export interface DeadlineInput {
  readonly start: Date;
  readonly amount: number;
  readonly unit: TimeLimitUnit;
  readonly pauses?: readonly Pause[];
  /** Approved extensions, in working days (延期). */
  readonly extensionDays?: number;
}

export type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeup_workday';

export interface WorkingClock {
  /** The kind of a Beijing date ('YYYY-MM-DD'). */
  dayKind(date: string): DayKind;
  isWorkingDay(date: string): boolean;
  /** Working hours of a working day in that year. */
  hoursPerDay(year: number): number;
  /** The deadline `amount` working hours or days after `start` (no pauses, no extensions). */
  addWorkingTime(start: Date, amount: number, unit: TimeLimitUnit): Date;
  /** The deadline with pauses not counted and extensions added; null while an open pause stops the clock. */
  deadline(input: DeadlineInput): Date | null;
  /** Working hours from `a` to `b` (negative when `b` is earlier), pauses not counted. */
  workingHoursBetween(a: Date, b: Date, pauses?: readonly Pause[]): number;
  /** The same in milliseconds. */
  workingMsBetween(a: Date, b: Date, pauses?: readonly Pause[]): number;
  /** A deadline moved by `days` working days, at the same working-clock position. */
  extendDeadline(deadline: Date, days: number): Date;
}

interface YearTable {
  readonly year: number;
  /** Day index (days since 1970-01-01, Beijing) of 1 January. */
  readonly firstDay: number;
  readonly length: number;
  /** Working periods in ms after Beijing midnight. */
  readonly periods: readonly { start: number; end: number }[];
  /** Working ms of a working day. */
  readonly dayMs: number;
  readonly kinds: Uint8Array;
  /** cum[i] = working days among the year's days [0, i). */
  readonly cum: Int32Array;
  readonly workingDays: number;
  readonly totalMs: number;
}

const KIND_CODES: readonly DayKind[] = ['workday', 'weekend', 'holiday', 'makeup_workday'];
const WORKDAY = 0;
const WEEKEND = 1;
const HOLIDAY = 2;
const MAKEUP = 3;

function isWorking(kind: number): boolean {
  return kind === WORKDAY || kind === MAKEUP;
}

function invalid(message: string): AppError {
  return new AppError('validation_failed', message);
}

/** Day index (Beijing) of an instant, and the ms since that Beijing midnight. */
function beijingDay(ms: number): { day: number; inDay: number } {
  const shifted = ms + BEIJING_OFFSET_MS;
  const day = Math.floor(shifted / DAY_MS);
  return { day, inDay: shifted - day * DAY_MS };
}

function yearOfDay(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

/** 'YYYY-MM-DD' of a Beijing day index. */
export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The Beijing calendar date of an instant, 'YYYY-MM-DD'. */
export function beijingDate(instant: Date): string {
  return dateOfDay(beijingDay(instant.getTime()).day);
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day index of a 'YYYY-MM-DD' date; throws on a date that does not exist. */
export function dayOfDate(date: string): number {
  const m = DATE_RE.exec(date);
  if (!m) throw invalid(`日期格式应为 YYYY-MM-DD：${date}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (dateOfDay(ms / DAY_MS) !== date) throw invalid(`日期不存在：${date}`);
  return ms / DAY_MS;
}

/** Checks working periods: inside the day, each longer than zero, in order, not overlapping. */
export function checkPeriods(periods: readonly WorkingPeriod[]): string | null {
  if (periods.length === 0 || periods.length > 4) return '每天应有 1 至 4 个工作时段';
  let previousEnd = -1;
  for (const p of periods) {
    if (!Number.isInteger(p.start) || !Number.isInteger(p.end) || p.start < 0 || p.end > 24 * 60) return '工作时段应在 00:00 至 24:00 之间';
    if (p.end <= p.start) return '工作时段的结束应晚于开始';
    if (p.start < previousEnd) return '工作时段应按时间先后排列且不重叠';
    previousEnd = p.end;
  }
  return null;
}

function buildYear(year: number, spec: CalendarYearSpec | undefined, defaults: readonly WorkingPeriod[]): YearTable {
  const firstDay = Date.UTC(year, 0, 1) / DAY_MS;
  const length = Date.UTC(year + 1, 0, 1) / DAY_MS - firstDay;
  const periods = spec?.periods ?? defaults;
  const problem = checkPeriods(periods);
  if (problem) throw invalid(`${year} 年的工作时段有误：${problem}`);
  const kinds = new Uint8Array(length);
  const cum = new Int32Array(length + 1);
  for (let i = 0; i < length; i += 1) {
    const weekday = (firstDay + i + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
    kinds[i] = weekday === 0 || weekday === 6 ? WEEKEND : WORKDAY;
  }
  for (const [date, exception] of spec?.exceptions ?? []) {
    const i = dayOfDate(date) - firstDay;
    if (i < 0 || i >= length) throw invalid(`${date} 不在 ${year} 年内`);
    kinds[i] = exception === 'holiday' ? HOLIDAY : kinds[i] === WEEKEND ? MAKEUP : WORKDAY;
  }
  for (let i = 0; i < length; i += 1) cum[i + 1] = (cum[i] ?? 0) + (isWorking(kinds[i] ?? WEEKEND) ? 1 : 0);
  const msPeriods = periods.map((p) => ({ start: p.start * MINUTE_MS, end: p.end * MINUTE_MS }));
  const dayMs = msPeriods.reduce((sum, p) => sum + p.end - p.start, 0);
  const workingDays = cum[length] ?? 0;
  return { year, firstDay, length, periods: msPeriods, dayMs, kinds, cum, workingDays, totalMs: workingDays * dayMs };
}

/** Working ms of a working day elapsed at `inDay` ms after midnight. */
function elapsedInDay(t: YearTable, inDay: number): number {
  let sum = 0;
  for (const p of t.periods) {
    if (inDay <= p.start) break;
    sum += Math.min(inDay, p.end) - p.start;
  }
  return sum;
}

/** The earliest ms after midnight at which `elapsed` (0 < elapsed ≤ dayMs) working ms have passed. */
function inDayAt(t: YearTable, elapsed: number): number {
  let left = elapsed;
  for (const p of t.periods) {
    const len = p.end - p.start;
    if (left <= len) return p.start + left;
    left -= len;
  }
  const last = t.periods[t.periods.length - 1];
  return last ? last.end : 0;
}

/** Builds the clock for a calendar; year tables are computed on first use and kept. */
export function createWorkingClock(spec: CalendarSpec): WorkingClock {
  const defaults = spec.defaultPeriods ?? DEFAULT_WORKING_PERIODS;
  const tables = new Map<number, YearTable>();

  function table(year: number): YearTable {
    if (year < CALENDAR_MIN_YEAR || year > CALENDAR_MAX_YEAR) {
      throw new AppError('validation_failed', `工作日历只覆盖 ${CALENDAR_MIN_YEAR}–${CALENDAR_MAX_YEAR} 年（${year} 年不在其中）`);
    }
    let t = tables.get(year);
    if (!t) {
      t = buildYear(year, spec.years.get(year), defaults);
      tables.set(year, t);
    }
    return t;
  }

  function noWorkingTime(from: number): AppError {
    return new AppError('conflict', `工作日历自 ${from} 年起连续多年没有工作日，无法计算期限`);
  }

  /** Working ms of the year elapsed at instant `ms` (which lies in that year). */
  function ordinal(t: YearTable, day: number, inDay: number): number {
    const i = day - t.firstDay;
    const base = (t.cum[i] ?? 0) * t.dayMs;
    return isWorking(t.kinds[i] ?? WEEKEND) ? base + elapsedInDay(t, inDay) : base;
  }

  function position(ms: number): { t: YearTable; day: number; inDay: number; ord: number } {
    const { day, inDay } = beijingDay(ms);
    const t = table(yearOfDay(day));
    return { t, day, inDay, ord: ordinal(t, day, inDay) };
  }

  /** The day index of the k-th (0-based) working day of `year`, walking into later years. */
  function workingDayAt(year: number, k: number): { t: YearTable; day: number } {
    let y = year;
    let left = k;
    let empty = 0;
    for (;;) {
      const t = table(y);
      if (left < t.workingDays) {
        // smallest i with cum[i + 1] > left
        let lo = 0;
        let hi = t.length - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if ((t.cum[mid + 1] ?? 0) > left) hi = mid;
          else lo = mid + 1;
        }
        return { t, day: t.firstDay + lo };
      }
      left -= t.workingDays;
      empty = t.workingDays === 0 ? empty + 1 : 0;
      if (empty >= MAX_EMPTY_YEARS) throw noWorkingTime(y - empty + 1);
      y += 1;
    }
  }

  /** The earliest instant at which `amount` working ms have passed since instant `ms` (amount ≥ 0). */
  function addMs(ms: number, amount: number): number {
    if (amount <= 0) return ms;
    const p = position(ms);
    let t = p.t;
    let target = p.ord + amount;
    let empty = 0;
    while (target > t.totalMs) {
      target -= t.totalMs;
      empty = t.totalMs === 0 ? empty + 1 : 0;
      if (empty >= MAX_EMPTY_YEARS) throw noWorkingTime(t.year - empty + 1);
      t = table(t.year + 1);
    }
    const k = Math.ceil(target / t.dayMs) - 1;
    const { day } = workingDayAt(t.year, k);
    const elapsed = target - k * t.dayMs;
    return day * DAY_MS + inDayAt(t, elapsed) - BEIJING_OFFSET_MS;
  }

  /** Working ms from `a` to `b` (a ≤ b), no pauses. */
  function rawBetween(a: number, b: number): number {
    if (b <= a) return 0;
    const pa = position(a);
    const pb = position(b);
    if (pa.t.year === pb.t.year) return pb.ord - pa.ord;
    let sum = pa.t.totalMs - pa.ord;
    for (let y = pa.t.year + 1; y < pb.t.year; y += 1) sum += table(y).totalMs;
    return sum + pb.ord;
  }

  function endOfWorkingDay(t: YearTable, day: number): number {
    return day * DAY_MS + inDayAt(t, t.dayMs) - BEIJING_OFFSET_MS;
  }

  /** Close of the Nth working day after the Beijing date of `ms` (n ≥ 1). */
  function addDays(ms: number, n: number): number {
    const { day } = beijingDay(ms);
    const t = table(yearOfDay(day));
    const counted = t.cum[day - t.firstDay + 1] ?? 0;
    const found = workingDayAt(t.year, counted + n - 1);
    return endOfWorkingDay(found.t, found.day);
  }

  function extendMs(ms: number, days: number): number {
    if (days === 0) return ms;
    const { t, day, inDay } = position(ms);
    const i = day - t.firstDay;
    let k: number;
    let year = t.year;
    let elapsed: number;
    const inside = isWorking(t.kinds[i] ?? WEEKEND) ? elapsedInDay(t, inDay) : 0;
    if (inside > 0) {
      k = t.cum[i] ?? 0;
      elapsed = inside;
    } else {
      // Before the first period or on a day off: the deadline stands at the close of the last working day.
      let before = t.cum[i] ?? 0;
      let empty = 0;
      while (before === 0) {
        year -= 1;
        const previous = table(year);
        before = previous.workingDays;
        empty = before === 0 ? empty + 1 : 0;
        if (empty >= MAX_EMPTY_YEARS) throw noWorkingTime(year);
      }
      k = before - 1;
      elapsed = Number.POSITIVE_INFINITY;
    }
    const found = workingDayAt(year, k + days);
    return found.day * DAY_MS + inDayAt(found.t, Math.min(elapsed, found.t.dayMs)) - BEIJING_OFFSET_MS;
  }

  function checkInstant(d: Date, what: string): number {
    const ms = d.getTime();
    if (!Number.isFinite(ms)) throw invalid(`${what}不是有效的时间`);
    return ms;
  }

  function checkAmount(amount: number, unit: TimeLimitUnit): void {
    if (!Number.isFinite(amount) || amount < 0) throw invalid('时限不能为负数');
    if (unit === 'work_days') {
      if (!Number.isInteger(amount)) throw invalid('工作日时限应为整数');
      if (amount > MAX_WORK_DAYS) throw invalid(`工作日时限不能超过 ${MAX_WORK_DAYS} 个工作日`);
    } else if (amount > MAX_WORK_HOURS) {
      throw invalid(`工作时时限不能超过 ${MAX_WORK_HOURS} 个工作时`);
    }
  }

  function checkDays(days: number): void {
    if (!Number.isInteger(days) || days < 0 || days > MAX_WORK_DAYS) throw invalid(`延期应为 0 至 ${MAX_WORK_DAYS} 个工作日`);
  }

  /** Pauses sorted and merged; an open pause swallows everything after its start. */
  function mergePauses(pauses: readonly Pause[]): { from: number; to: number }[] {
    if (pauses.length > MAX_PAUSES) throw invalid(`挂账区间不能超过 ${MAX_PAUSES} 段`);
    const list = pauses.map((p) => {
      const from = checkInstant(p.from, '挂账开始');
      const to = p.to === null ? Number.POSITIVE_INFINITY : checkInstant(p.to, '挂账结束');
      if (to < from) throw invalid('挂账结束早于开始');
      return { from, to };
    });
    list.sort((x, y) => x.from - y.from);
    const merged: { from: number; to: number }[] = [];
    for (const p of list) {
      const last = merged[merged.length - 1];
      if (last && p.from <= last.to) last.to = Math.max(last.to, p.to);
      else merged.push({ ...p });
    }
    return merged;
  }

  function between(a: number, b: number, pauses: readonly Pause[]): number {
    if (b < a) return -between(b, a, pauses);
    let sum = rawBetween(a, b);
    for (const p of mergePauses(pauses)) {
      const from = Math.max(p.from, a);
      const to = Math.min(p.to, b);
      if (to > from) sum -= rawBetween(from, to);
    }
    return sum;
  }

  function amountMs(start: number, amount: number, unit: TimeLimitUnit): number {
    checkAmount(amount, unit);
    if (amount === 0) return 0;
    return unit === 'work_hours' ? Math.round(amount * HOUR_MS) : rawBetween(start, addDays(start, amount));
  }

  return {
    dayKind(date) {
      const day = dayOfDate(date);
      const t = table(yearOfDay(day));
      return KIND_CODES[t.kinds[day - t.firstDay] ?? WEEKEND] ?? 'weekend';
    },
    isWorkingDay(date) {
      const day = dayOfDate(date);
      const t = table(yearOfDay(day));
      return isWorking(t.kinds[day - t.firstDay] ?? WEEKEND);
    },
    hoursPerDay(year) {
      return table(year).dayMs / HOUR_MS;
    },
    addWorkingTime(start, amount, unit) {
      const ms = checkInstant(start, '开始时间');
      checkAmount(amount, unit);
      if (amount === 0) return new Date(ms);
      return new Date(unit === 'work_days' ? addDays(ms, amount) : addMs(ms, Math.round(amount * HOUR_MS)));
    },
    deadline({ start, amount, unit, pauses = [], extensionDays = 0 }) {
      const s = checkInstant(start, '开始时间');
      checkDays(extensionDays);
      if (pauses.length === 0) {
        // The common case, directly: the same instants as the walk below gives without pauses.
        checkAmount(amount, unit);
        const base = amount === 0 ? s : unit === 'work_days' ? addDays(s, amount) : addMs(s, Math.round(amount * HOUR_MS));
        return new Date(extensionDays > 0 ? extendMs(base, extensionDays) : base);
      }
      let remaining = amountMs(s, amount, unit);
      if (extensionDays > 0) {
        const base = addMs(s, remaining);
        remaining += rawBetween(base, extendMs(base, extensionDays));
      }
      let cursor = s;
      for (const p of mergePauses(pauses)) {
        if (p.to <= cursor) continue;
        const pauseStart = Math.max(p.from, cursor);
        const available = rawBetween(cursor, pauseStart);
        if (remaining <= available) return new Date(addMs(cursor, remaining));
        remaining -= available;
        if (p.to === Number.POSITIVE_INFINITY) return null;
        cursor = p.to;
      }
      return new Date(addMs(cursor, remaining));
    },
    workingHoursBetween(a, b, pauses = []) {
      return between(checkInstant(a, '开始时间'), checkInstant(b, '结束时间'), pauses) / HOUR_MS;
    },
    workingMsBetween(a, b, pauses = []) {
      return between(checkInstant(a, '开始时间'), checkInstant(b, '结束时间'), pauses);
    },
    extendDeadline(deadline, days) {
      checkDays(days);
      return new Date(extendMs(checkInstant(deadline, '期限'), days));
    },
  };
}

/** 'HH:MM' ↔ minutes after midnight, for stored and displayed periods. */
export function minutesOf(hhmm: string): number {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(hhmm);
  if (!m) throw invalid(`时间格式应为 HH:MM：${hhmm}`);
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  if (minutes > 24 * 60) throw invalid(`时间不能晚于 24:00：${hhmm}`);
  return minutes;
}

export function hhmmOf(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
