import { z } from 'zod';
import { TIME_LIMIT_UNITS } from './organisation-kinds.ts';

/**
 * The working-time calendar (工作日历): per year, public holidays and make-up working days (调休上班) with
 * their names, and the working periods of a working day, in Beijing time. Time limits in 工作时 / 工作日
 * are counted on it.
 */

export const CALENDAR_MIN_YEAR = 2000;
export const CALENDAR_MAX_YEAR = 2100;
/** A time limit's upper bounds (the clock refuses larger ones). */
export const MAX_LIMIT_WORK_DAYS = 365;
export const MAX_LIMIT_WORK_HOURS = 10_000;

/** holiday: a day off (weekend or not); workday: a weekend day worked (调休上班). */
export const CALENDAR_EXCEPTION_KINDS = ['holiday', 'workday'] as const;
export type CalendarExceptionKind = (typeof CALENDAR_EXCEPTION_KINDS)[number];

/** What a date is on the calendar, for display. */
export const CALENDAR_DAY_KINDS = ['workday', 'weekend', 'holiday', 'makeup_workday'] as const;
export type CalendarDayKind = (typeof CALENDAR_DAY_KINDS)[number];

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, '时间格式应为 HH:MM（00:00–24:00）');
const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));

export const calendarDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), '日期不存在')
  .refine((d) => Number(d.slice(0, 4)) >= CALENDAR_MIN_YEAR && Number(d.slice(0, 4)) <= CALENDAR_MAX_YEAR, `年份应在 ${CALENDAR_MIN_YEAR}–${CALENDAR_MAX_YEAR} 之间`);

export const calendarYearParamsSchema = z.object({ year: z.coerce.number().int().min(CALENDAR_MIN_YEAR).max(CALENDAR_MAX_YEAR) }).strict();
export const calendarDayParamsSchema = z.object({ date: calendarDateSchema }).strict();

export const workingPeriodSchema = z.object({ start: hhmm, end: hhmm }).strict();
export type WorkingPeriodInput = z.infer<typeof workingPeriodSchema>;

/** 1 to 4 periods, each ending after it starts, in order and not overlapping. */
export const calendarHoursInputSchema = z
  .object({
    periods: z
      .array(workingPeriodSchema)
      .min(1, '至少一个工作时段')
      .max(4, '最多四个工作时段')
      .superRefine((periods, ctx) => {
        let previousEnd = -1;
        periods.forEach((p, i) => {
          const start = minutes(p.start);
          const end = minutes(p.end);
          if (end <= start) ctx.addIssue({ code: 'custom', path: [i, 'end'], message: '结束时间应晚于开始时间' });
          else if (start < previousEnd) ctx.addIssue({ code: 'custom', path: [i, 'start'], message: '工作时段应按先后排列且不重叠' });
          previousEnd = Math.max(previousEnd, end);
        });
      }),
  })
  .strict();
export type CalendarHoursInput = z.infer<typeof calendarHoursInputSchema>;

export const calendarDayInputSchema = z
  .object({
    kind: z.enum(CALENDAR_EXCEPTION_KINDS),
    name: z.string().trim().min(1, '请填写名称（如 春节、国庆节调休上班）').max(20, '名称最多 20 个字'),
  })
  .strict();
export type CalendarDayInput = z.infer<typeof calendarDayInputSchema>;

export const calendarExceptionSchema = z
  .object({ date: z.string(), kind: z.enum(CALENDAR_EXCEPTION_KINDS), name: z.string() })
  .meta({ id: 'CalendarException' });
export type CalendarException = z.infer<typeof calendarExceptionSchema>;

export const calendarYearSchema = z
  .object({
    year: z.number().int(),
    /** False: nothing stored for the year — weekends off, no holidays, the default periods. */
    configured: z.boolean(),
    periods: z.array(z.object({ start: z.string(), end: z.string() })),
    hoursPerDay: z.number(),
    workingDays: z.number().int(),
    exceptions: z.array(calendarExceptionSchema),
    source: z.string().nullable(),
    updatedAt: z.string().nullable(),
    /** Whether the caller may edit the calendar (the server's own rule). */
    canManage: z.boolean(),
  })
  .meta({ id: 'CalendarYear' });
export type CalendarYear = z.infer<typeof calendarYearSchema>;

/** Try the clock: a deadline from a start, a limit and approved extensions. */
export const calendarDeadlineQuerySchema = z
  .object({
    start: z.string().datetime({ offset: true, message: '开始时间应为 ISO 8601 时间（带时区）' }),
    amount: z.coerce.number().min(0).max(MAX_LIMIT_WORK_HOURS),
    unit: z.enum(TIME_LIMIT_UNITS),
    extensionDays: z.coerce.number().int().min(0).max(MAX_LIMIT_WORK_DAYS).default(0),
  })
  .strict()
  .superRefine((q, ctx) => {
    if (q.unit === 'work_days' && (!Number.isInteger(q.amount) || q.amount > MAX_LIMIT_WORK_DAYS)) {
      ctx.addIssue({ code: 'custom', path: ['amount'], message: `工作日时限应为 0–${MAX_LIMIT_WORK_DAYS} 的整数` });
    }
  });
export type CalendarDeadlineQuery = z.infer<typeof calendarDeadlineQuerySchema>;

export const calendarDeadlineSchema = z
  .object({
    start: z.string(),
    deadline: z.string(),
    unit: z.enum(TIME_LIMIT_UNITS),
    amount: z.number(),
    extensionDays: z.number().int(),
    /** Working hours from the start to the deadline. */
    workingHours: z.number(),
  })
  .meta({ id: 'CalendarDeadline' });
export type CalendarDeadline = z.infer<typeof calendarDeadlineSchema>;
