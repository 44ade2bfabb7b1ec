import { afterEach, describe, expect, it } from 'vitest';
import type { TimeLimitUnit } from '@redgrid/contracts';
import { AppError } from './errors.ts';
import { beijingDate, createWorkingClock, DEFAULT_WORKING_PERIODS, type CalendarException, type CalendarSpec, type Pause } from './working-time.ts';

/** A Beijing wall-clock time, 'YYYY-MM-DD HH:MM'. */
const bj = (s: string) => new Date(`${s.replace(' ', 'T')}:00+08:00`);
/** An instant shown as Beijing wall-clock time, 'YYYY-MM-DD HH:MM'. */
const show = (d: Date | null) => (d === null ? null : new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' '));

/**
 * 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04), typed in here independently of the migration
 * that seeds it, so the two check each other.
 */
function range(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d = new Date(d.getTime() + 86_400_000)) out.push(d.toISOString().slice(0, 10));
  return out;
}
const OFFICIAL_2026 = new Map<string, CalendarException>([
  ...range('2026-01-01', '2026-01-03').map((d) => [d, 'holiday'] as const),
  ['2026-01-04', 'workday'],
  ...range('2026-02-15', '2026-02-23').map((d) => [d, 'holiday'] as const),
  ['2026-02-14', 'workday'],
  ['2026-02-28', 'workday'],
  ...range('2026-04-04', '2026-04-06').map((d) => [d, 'holiday'] as const),
  ...range('2026-05-01', '2026-05-05').map((d) => [d, 'holiday'] as const),
  ['2026-05-09', 'workday'],
  ...range('2026-06-19', '2026-06-21').map((d) => [d, 'holiday'] as const),
  ...range('2026-09-25', '2026-09-27').map((d) => [d, 'holiday'] as const),
  ...range('2026-10-01', '2026-10-07').map((d) => [d, 'holiday'] as const),
  ['2026-09-20', 'workday'],
  ['2026-10-10', 'workday'],
]);

const weekendsOnly = createWorkingClock({ years: new Map() });
const official = createWorkingClock({ years: new Map([[2026, { exceptions: OFFICIAL_2026, periods: DEFAULT_WORKING_PERIODS }]]) });

describe('working hours (工作时)', () => {
  it.each<[string, number, string, string]>([
    ['2026-03-06 16:00', 4, '2026-03-09 11:00', 'Friday 16:00 + 4 h: 1.5 h on Friday, 2.5 h on Monday'],
    ['2026-03-09 09:00', 3, '2026-03-09 12:00', 'due at the end of the morning, not at 13:30'],
    ['2026-03-09 11:00', 2, '2026-03-09 14:30', 'the lunch break does not count'],
    ['2026-03-07 10:00', 1, '2026-03-09 09:30', 'started on a Saturday: counted from Monday 08:30'],
    ['2026-03-06 18:00', 7.5, '2026-03-09 17:30', 'started after hours: one full day is Monday'],
    ['2026-03-09 07:00', 0.5, '2026-03-09 09:00', 'started before hours'],
    ['2026-03-09 12:40', 0.25, '2026-03-09 13:45', 'started in the lunch break'],
    ['2026-03-09 08:30', 15, '2026-03-10 17:30', 'two full days'],
    ['2026-03-09 10:00', 15, '2026-03-11 10:00', '6 h on Monday, 7.5 on Tuesday, 1.5 on Wednesday'],
  ])('%s + %s h → %s (%s)', (start, hours, due) => {
    expect(show(weekendsOnly.addWorkingTime(bj(start), hours, 'work_hours'))).toBe(due);
  });

  it('counts across the 国庆 golden week and works its make-up days', () => {
    expect(show(official.addWorkingTime(bj('2026-09-30 16:00'), 4, 'work_hours'))).toBe('2026-10-08 11:00');
    // Saturday 10-10 is a make-up working day (调休上班).
    expect(show(official.addWorkingTime(bj('2026-10-09 16:00'), 2, 'work_hours'))).toBe('2026-10-10 09:00');
    // Sunday 09-20 is a make-up working day, Saturday 09-19 is not.
    expect(show(official.addWorkingTime(bj('2026-09-18 16:00'), 4, 'work_hours'))).toBe('2026-09-20 11:00');
  });
});

describe('working days (工作日): the start day is not counted, due at the close of the Nth working day', () => {
  it.each<[CalendarSpec | 'official' | 'plain', string, number, string]>([
    ['plain', '2026-03-09 10:00', 1, '2026-03-10 17:30'],
    ['plain', '2026-03-06 16:00', 1, '2026-03-09 17:30'],
    ['plain', '2026-03-07 10:00', 1, '2026-03-09 17:30'],
    ['plain', '2026-03-06 08:00', 5, '2026-03-13 17:30'],
    ['plain', '2026-03-09 23:30', 1, '2026-03-10 17:30'],
    ['official', '2026-09-30 10:00', 3, '2026-10-10 17:30'],
    ['official', '2026-02-13 10:00', 2, '2026-02-24 17:30'],
    ['official', '2026-04-03 09:00', 1, '2026-04-07 17:30'],
    ['official', '2026-12-31 09:00', 1, '2027-01-01 17:30'],
  ])('%s: %s + %s working days → %s', (which, start, days, due) => {
    const clock = which === 'official' ? official : weekendsOnly;
    expect(show(clock.addWorkingTime(bj(start), days, 'work_days'))).toBe(due);
  });

  it('names each day of the 2026 schedule', () => {
    expect(official.dayKind('2026-10-01')).toBe('holiday');
    expect(official.dayKind('2026-10-10')).toBe('makeup_workday');
    expect(official.dayKind('2026-10-11')).toBe('weekend');
    expect(official.dayKind('2026-10-12')).toBe('workday');
    expect(official.dayKind('2026-01-04')).toBe('makeup_workday');
    expect(official.isWorkingDay('2026-02-14')).toBe(true);
    expect(official.isWorkingDay('2026-02-23')).toBe(false);
    // 2026: 261 weekdays, 19 of them holidays, 6 make-up days → 248 working days.
    expect(range('2026-01-01', '2026-12-31').filter((d) => official.isWorkingDay(d))).toHaveLength(248);
  });
});

describe('working time between two instants', () => {
  it('counts working hours only, signed', () => {
    expect(official.workingHoursBetween(bj('2026-09-30 08:30'), bj('2026-10-08 17:30'))).toBe(15);
    expect(official.workingHoursBetween(bj('2026-10-08 17:30'), bj('2026-09-30 08:30'))).toBe(-15);
    expect(official.workingHoursBetween(bj('2026-10-03 10:00'), bj('2026-10-05 10:00'))).toBe(0);
  });

  it('crosses into a year without a stored calendar, which has weekends off and no holidays', () => {
    // 2027-01-01 is a Friday; with no 2027 schedule stored it is a working day.
    expect(official.workingHoursBetween(bj('2026-12-31 16:00'), bj('2027-01-04 09:30'))).toBe(10);
  });

  it('is the inverse of adding working hours', () => {
    let seed = 20261007;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 500; i += 1) {
      const start = new Date(bj('2026-01-01 00:00').getTime() + Math.floor(next() * 360 * 24 * 60) * 60_000);
      const hours = Math.round(next() * 400) / 4;
      const due = official.addWorkingTime(start, hours, 'work_hours');
      expect(official.workingHoursBetween(start, due), `${start.toISOString()} + ${hours}`).toBeCloseTo(hours, 9);
      expect(due.getTime()).toBeGreaterThanOrEqual(start.getTime());
    }
  });
});

describe('pauses (挂账) and extensions (延期)', () => {
  const pause = (from: string, to: string | null): Pause => ({ from: bj(from), to: to === null ? null : bj(to) });

  it('does not count a suspension', () => {
    // 1 h before the pause, 3 h after it.
    expect(show(weekendsOnly.deadline({ start: bj('2026-03-09 09:00'), amount: 4, unit: 'work_hours', pauses: [pause('2026-03-09 10:00', '2026-03-10 10:00')] }))).toBe('2026-03-10 14:30');
    expect(weekendsOnly.workingHoursBetween(bj('2026-03-09 08:30'), bj('2026-03-10 17:30'), [pause('2026-03-09 13:30', '2026-03-09 17:30')])).toBe(11);
  });

  it('counts overlapping pauses once and ignores those before the start', () => {
    const pauses = [pause('2026-03-09 10:00', '2026-03-09 11:00'), pause('2026-03-09 10:30', '2026-03-09 12:00'), pause('2026-03-02 09:00', '2026-03-03 09:00')];
    expect(show(weekendsOnly.deadline({ start: bj('2026-03-09 09:00'), amount: 2, unit: 'work_hours', pauses }))).toBe('2026-03-09 14:30');
    expect(weekendsOnly.workingHoursBetween(bj('2026-03-09 08:30'), bj('2026-03-09 17:30'), pauses)).toBe(5.5);
  });

  it('has no deadline while a suspension is open, unless it falls before the suspension', () => {
    expect(weekendsOnly.deadline({ start: bj('2026-03-09 09:00'), amount: 4, unit: 'work_hours', pauses: [pause('2026-03-09 10:00', null)] })).toBeNull();
    expect(show(weekendsOnly.deadline({ start: bj('2026-03-09 09:00'), amount: 0.5, unit: 'work_hours', pauses: [pause('2026-03-09 10:00', null)] }))).toBe('2026-03-09 09:30');
  });

  it('moves a working-day deadline by the working time suspended', () => {
    // Due 03-10 17:30; one full working day suspended → 03-11 17:30.
    expect(show(weekendsOnly.deadline({ start: bj('2026-03-09 10:00'), amount: 1, unit: 'work_days', pauses: [pause('2026-03-10 08:00', '2026-03-10 18:00')] }))).toBe('2026-03-11 17:30');
    expect(show(weekendsOnly.deadline({ start: bj('2026-03-09 10:00'), amount: 1, unit: 'work_days' }))).toBe('2026-03-10 17:30');
  });

  it('gives the same deadline through the pause walk when no pause matters', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const long = [pause('2025-12-01 09:00', '2025-12-02 09:00')];
    for (let i = 0; i < 300; i += 1) {
      const start = new Date(bj('2026-01-01 00:00').getTime() + Math.floor(next() * 350 * 24 * 60) * 60_000);
      const unit: TimeLimitUnit = next() < 0.5 ? 'work_days' : 'work_hours';
      const amount = unit === 'work_days' ? Math.floor(next() * 20) : Math.round(next() * 200) / 4;
      const extensionDays = Math.floor(next() * 4);
      const direct = official.deadline({ start, amount, unit, extensionDays });
      const walked = official.deadline({ start, amount, unit, extensionDays, pauses: long });
      expect(show(walked), `${start.toISOString()} ${amount} ${unit} +${extensionDays}`).toBe(show(direct));
    }
  });

  it('extends a deadline by working days at the same clock position', () => {
    expect(show(official.extendDeadline(bj('2026-09-30 17:30'), 1))).toBe('2026-10-08 17:30');
    expect(show(official.extendDeadline(bj('2026-10-09 11:00'), 1))).toBe('2026-10-10 11:00');
    expect(show(official.extendDeadline(bj('2026-10-09 12:00'), 1))).toBe('2026-10-10 12:00');
    // A deadline on a day off stands at the close of the working day before it.
    expect(show(weekendsOnly.extendDeadline(bj('2026-03-07 12:00'), 1))).toBe('2026-03-09 17:30');
    expect(show(weekendsOnly.extendDeadline(bj('2026-03-09 08:00'), 1))).toBe('2026-03-09 17:30');
    expect(show(official.deadline({ start: bj('2026-09-30 10:00'), amount: 3, unit: 'work_days', extensionDays: 2 }))).toBe('2026-10-13 17:30');
  });
});

describe('bounds', () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e instanceof AppError ? e.code : 'other';
    }
    return 'none';
  };

  it.each<[number, TimeLimitUnit]>([
    [366, 'work_days'],
    [1.5, 'work_days'],
    [-1, 'work_hours'],
    [10_001, 'work_hours'],
    [Number.NaN, 'work_hours'],
  ])('refuses a limit of %s %s', (amount, unit) => {
    expect(code(() => weekendsOnly.addWorkingTime(bj('2026-03-09 09:00'), amount, unit))).toBe('validation_failed');
  });

  it('reaches the largest limits', () => {
    // 258 weekdays left in 2026 after Monday 01-05, then 107 in 2027 (which starts on a Friday).
    expect(show(weekendsOnly.addWorkingTime(bj('2026-01-05 09:00'), 365, 'work_days'))).toBe('2027-05-31 17:30');
    const due = weekendsOnly.addWorkingTime(bj('2026-01-05 08:30'), 10_000, 'work_hours');
    expect(weekendsOnly.workingHoursBetween(bj('2026-01-05 08:30'), due)).toBe(10_000);
    expect(code(() => weekendsOnly.extendDeadline(bj('2026-01-05 09:00'), 366))).toBe('validation_failed');
  });

  it('refuses instants outside the years the calendar covers', () => {
    expect(code(() => weekendsOnly.addWorkingTime(new Date('2101-01-03T00:00:00Z'), 1, 'work_hours'))).toBe('validation_failed');
    expect(code(() => weekendsOnly.addWorkingTime(new Date(Number.NaN), 1, 'work_hours'))).toBe('validation_failed');
  });

  it('answers an error, not a hang, when no working day lies ahead', () => {
    const allOff = new Map<string, CalendarException>([...range('2026-01-01', '2026-12-31'), ...range('2027-01-01', '2027-12-31')].map((d) => [d, 'holiday'] as const));
    const spec: CalendarSpec = {
      years: new Map([
        [2026, { exceptions: new Map([...allOff].filter(([d]) => d.startsWith('2026'))), periods: DEFAULT_WORKING_PERIODS }],
        [2027, { exceptions: new Map([...allOff].filter(([d]) => d.startsWith('2027'))), periods: DEFAULT_WORKING_PERIODS }],
      ]),
    };
    const clock = createWorkingClock(spec);
    expect(code(() => clock.addWorkingTime(bj('2026-03-09 09:00'), 1, 'work_hours'))).toBe('conflict');
    expect(code(() => clock.addWorkingTime(bj('2026-03-09 09:00'), 1, 'work_days'))).toBe('conflict');
    expect(code(() => clock.extendDeadline(bj('2027-03-09 09:00'), 1))).toBe('conflict');
  });

  it('refuses periods that overlap or run backwards', () => {
    const clock = createWorkingClock({ years: new Map([[2026, { exceptions: new Map(), periods: [{ start: 600, end: 700 }, { start: 650, end: 800 }] }]]) });
    expect(code(() => clock.addWorkingTime(bj('2026-03-09 09:00'), 1, 'work_hours'))).toBe('validation_failed');
  });
});

describe('configurable working periods', () => {
  it('uses the periods of the year the day lies in', () => {
    const summer = createWorkingClock({ years: new Map([[2026, { exceptions: new Map(), periods: [{ start: 9 * 60, end: 12 * 60 }, { start: 14 * 60, end: 18 * 60 }] }]]) });
    expect(summer.hoursPerDay(2026)).toBe(7);
    expect(summer.hoursPerDay(2027)).toBe(7.5);
    expect(show(summer.addWorkingTime(bj('2026-03-09 11:00'), 2, 'work_hours'))).toBe('2026-03-09 15:00');
    expect(show(summer.addWorkingTime(bj('2026-03-09 11:00'), 1, 'work_days'))).toBe('2026-03-10 18:00');
  });
});

describe('Beijing time whatever the server zone', () => {
  const zone = process.env['TZ'];
  afterEach(() => {
    if (zone === undefined) delete process.env['TZ'];
    else process.env['TZ'] = zone;
  });

  it.each(['UTC', 'America/Los_Angeles', 'Asia/Tokyo'])('gives the same deadlines on a server in %s', (tz) => {
    process.env['TZ'] = tz;
    // 16:00 Beijing on a Friday is 08:00 UTC.
    expect(official.addWorkingTime(new Date('2026-03-06T08:00:00Z'), 4, 'work_hours').toISOString()).toBe('2026-03-09T03:00:00.000Z');
    // 23:00 UTC on a Sunday is 07:00 Beijing on Monday, a working day.
    expect(official.addWorkingTime(new Date('2026-03-08T23:00:00Z'), 1, 'work_hours').toISOString()).toBe('2026-03-09T01:30:00.000Z');
    expect(beijingDate(new Date('2026-09-30T16:30:00Z'))).toBe('2026-10-01');
    // Received at 00:30 on 10-01 Beijing (still 09-30 in UTC): the day not counted is 10-01.
    expect(show(official.addWorkingTime(new Date('2026-09-30T16:30:00Z'), 1, 'work_days'))).toBe('2026-10-08 17:30');
    expect(show(official.addWorkingTime(new Date('2026-09-30T15:30:00Z'), 1, 'work_days'))).toBe('2026-10-08 17:30');
    expect(show(official.addWorkingTime(new Date('2026-09-30T01:30:00Z'), 2, 'work_days'))).toBe('2026-10-09 17:30');
  });
});
