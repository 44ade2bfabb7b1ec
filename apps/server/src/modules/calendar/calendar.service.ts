import { workingPeriodSchema, type CalendarDayInput, type CalendarDeadline, type CalendarDeadlineQuery, type CalendarHoursInput, type CalendarYear } from '@redgrid/contracts';
import { z } from 'zod';
import type { Actor, RequestContext } from '../../platform/context.ts';
import { forbidden, validationFailed } from '../../platform/errors.ts';
import { read, write, type Repository } from '../../platform/unit-of-work.ts';
import {
  createWorkingClock,
  dayOfDate,
  DEFAULT_WORKING_PERIODS,
  hhmmOf,
  minutesOf,
  type CalendarException,
  type CalendarYearSpec,
  type WorkingClock,
  type WorkingPeriod,
} from '../../platform/working-time.ts';
import { calendarRepository } from './calendar.repository.ts';

/**
 * The working-time calendar: one for the deployment (every area's time limits run on the same clock),
 * readable by anyone signed in, edited by a system admin or an area admin of a district (or a level
 * above): a community's admin may not move the whole district's deadlines. Every change is an audit row.
 */

const EDITOR_LEVELS = new Set(['country', 'province', 'city', 'district']);

/** The calendar's own rule, on top of the `calendar.manage` permission. */
export function canEditCalendar(actor: Actor): boolean {
  if (!actor.permissions.has('calendar.manage')) return false;
  return actor.roles.some((r) => r.role === 'system_admin' || (r.role === 'area_admin' && EDITOR_LEVELS.has(r.areaLevel)));
}

function requireEditor(actor: Actor): void {
  if (!canEditCalendar(actor)) throw forbidden('工作日历由系统管理员或区（县）级以上管理员维护');
}

const storedPeriods = z.array(workingPeriodSchema).min(1).max(4);

function periodsOf(stored: unknown): WorkingPeriod[] {
  return storedPeriods.parse(stored).map((p) => ({ start: minutesOf(p.start), end: minutesOf(p.end) }));
}

function periodsJson(periods: readonly WorkingPeriod[]): string {
  return JSON.stringify(periods.map((p) => ({ start: hhmmOf(p.start), end: hhmmOf(p.end) })));
}

/** Anything that hands out repositories: a request's unit of work or the system's. */
interface UnitLike {
  use<R>(repository: Repository<R>): R;
}

let cached: { key: string; clock: WorkingClock } | null = null;

/**
 * The clock bound to the stored calendar, for other modules' use cases (deadlines, overdue, KPI): read
 * in the caller's own unit of work. Built once per calendar revision (one small query checks it), so
 * an edit — in this process or another — is seen by the next use case.
 */
export function workingClockFor(unit: UnitLike): Promise<WorkingClock> {
  // Once per unit of work: a use case that asks twice (an action's deadlines, then its answer) reads once.
  let clock = clockOfUnit.get(unit);
  if (!clock) clockOfUnit.set(unit, (clock = loadClock(unit)));
  return clock;
}

const clockOfUnit = new WeakMap<UnitLike, Promise<WorkingClock>>();

async function loadClock(unit: UnitLike): Promise<WorkingClock> {
  const calendar = unit.use(calendarRepository);
  const revisions = await calendar.revisions();
  const key = revisions.map((r) => `${r.year}:${r.revision}`).join(',');
  if (cached?.key === key) return cached.clock;
  const [years, days] = await Promise.all([calendar.allYears(), calendar.allDays()]);
  const exceptions = new Map<number, Map<string, CalendarException>>();
  for (const d of days) {
    const year = Number(d.day.slice(0, 4));
    let map = exceptions.get(year);
    if (!map) exceptions.set(year, (map = new Map()));
    map.set(d.day, d.kind);
  }
  const spec = new Map<number, CalendarYearSpec>(years.map((y) => [y.year, { periods: periodsOf(y.periods), exceptions: exceptions.get(y.year) ?? new Map() }]));
  const clock = createWorkingClock({ years: spec });
  cached = { key, clock };
  return clock;
}

/** The clock for a request (signed in). */
export async function workingClock(ctx: RequestContext): Promise<WorkingClock> {
  return read(ctx, 'signed_in', (unit) => workingClockFor(unit));
}

async function yearView(unit: UnitLike & { actor: Actor }, year: number): Promise<CalendarYear> {
  const calendar = unit.use(calendarRepository);
  const [row, days, clock] = await Promise.all([calendar.findYear(year), calendar.daysOf(year), workingClockFor(unit)]);
  const periods = row ? periodsOf(row.periods) : DEFAULT_WORKING_PERIODS;
  let workingDays = 0;
  const first = Date.UTC(year, 0, 1);
  const count = (Date.UTC(year + 1, 0, 1) - first) / 86_400_000;
  for (let i = 0; i < count; i += 1) if (clock.isWorkingDay(new Date(first + i * 86_400_000).toISOString().slice(0, 10))) workingDays += 1;
  return {
    year,
    configured: row !== undefined,
    periods: periods.map((p) => ({ start: hhmmOf(p.start), end: hhmmOf(p.end) })),
    hoursPerDay: clock.hoursPerDay(year),
    workingDays,
    exceptions: days.map((d) => ({ date: d.day, kind: d.kind, name: d.name })),
    source: row?.source ?? null,
    updatedAt: row ? new Date(row.updatedAt).toISOString() : null,
    canManage: canEditCalendar(unit.actor),
  };
}

export async function getCalendarYear(ctx: RequestContext, year: number): Promise<CalendarYear> {
  return read(ctx, 'signed_in', (unit) => yearView(unit, year));
}

function isWeekend(date: string): boolean {
  const weekday = (dayOfDate(date) + 4) % 7;
  return weekday === 0 || weekday === 6;
}

/** Marks a date a holiday (放假) or a make-up working day (调休上班), with its name. */
export async function setCalendarDay(ctx: RequestContext, date: string, input: CalendarDayInput): Promise<CalendarYear> {
  return write(ctx, 'calendar.manage', async (unit) => {
    requireEditor(unit.actor);
    if (input.kind === 'workday' && !isWeekend(date)) throw validationFailed({ kind: ['调休上班只能设在周六或周日：工作日本来就上班'] });
    const year = Number(date.slice(0, 4));
    const calendar = unit.use(calendarRepository);
    await calendar.lockYear(year, periodsJson(DEFAULT_WORKING_PERIODS));
    const before = await calendar.findDay(date);
    await calendar.putDay({ day: date, year, kind: input.kind, name: input.name });
    await calendar.touch(year, ctx.clock(), unit.actor.id);
    await unit.audit({
      action: before ? 'update' : 'create',
      entity: 'work_calendar',
      entityId: date,
      before: before ? { kind: before.kind, name: before.name } : null,
      after: { kind: input.kind, name: input.name },
    });
    return yearView(unit, year);
  });
}

/** Returns a date to the weekend rule (a weekday works, a Saturday or Sunday is off). */
export async function removeCalendarDay(ctx: RequestContext, date: string): Promise<CalendarYear> {
  return write(ctx, 'calendar.manage', async (unit) => {
    requireEditor(unit.actor);
    const year = Number(date.slice(0, 4));
    const calendar = unit.use(calendarRepository);
    await calendar.lockYear(year, periodsJson(DEFAULT_WORKING_PERIODS));
    const before = await calendar.findDay(date);
    if (before) {
      await calendar.deleteDay(date);
      await calendar.touch(year, ctx.clock(), unit.actor.id);
      await unit.audit({ action: 'delete', entity: 'work_calendar', entityId: date, before: { kind: before.kind, name: before.name }, after: null });
    }
    return yearView(unit, year);
  });
}

/** Sets the working periods of every working day of a year. */
export async function setWorkingHours(ctx: RequestContext, year: number, input: CalendarHoursInput): Promise<CalendarYear> {
  return write(ctx, 'calendar.manage', async (unit) => {
    requireEditor(unit.actor);
    const calendar = unit.use(calendarRepository);
    const periods = input.periods.map((p) => ({ start: minutesOf(p.start), end: minutesOf(p.end) }));
    const row = await calendar.lockYear(year, periodsJson(DEFAULT_WORKING_PERIODS));
    const before = storedPeriods.parse(row.periods);
    await calendar.setPeriods(year, periodsJson(periods));
    await calendar.touch(year, ctx.clock(), unit.actor.id);
    await unit.audit({ action: 'update', entity: 'work_calendar', entityId: String(year), before: { periods: before }, after: { periods: input.periods } });
    return yearView(unit, year);
  });
}

/** Tries the clock: the deadline of a limit started at a given time, with approved extensions. */
export async function tryDeadline(ctx: RequestContext, q: CalendarDeadlineQuery): Promise<CalendarDeadline> {
  return read(ctx, 'signed_in', async (unit) => {
    const clock = await workingClockFor(unit);
    const start = new Date(q.start);
    // No pauses here, so the clock cannot be stopped: deadline() answers an instant.
    const deadline = clock.deadline({ start, amount: q.amount, unit: q.unit, extensionDays: q.extensionDays }) ?? start;
    return {
      start: start.toISOString(),
      deadline: deadline.toISOString(),
      unit: q.unit,
      amount: q.amount,
      extensionDays: q.extensionDays,
      workingHours: clock.workingHoursBetween(start, deadline),
    };
  });
}
