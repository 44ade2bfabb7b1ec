import { z } from 'zod';

/**
 * KPI breakdowns and drill-down (考核指标, issue 10): the figures of an area's cases per child area, per
 * department whistled in, per person (reporters, handlers, patrol workers), and the cases behind every
 * figure. A figure is a named predicate on a case; the count and the list of a figure are the same SQL.
 */

/** Figures of an area (the headline and the child-area breakdown), by name. */
export const CASE_AREA_FIGURES = [
  'reported',
  'accepted',
  'rejected',
  'merged',
  'shouldHandle',
  'selfHandled',
  'escalatedCommunity',
  'escalatedTown',
  'escalatedDistrict',
  'dispatched',
  'handled',
  'handledOnTime',
  'closed',
  'closedFixed',
  'closedUnfixed',
  'closedOnTime',
  'closedInGrid',
  'closedInCommunity',
  'reworked',
  'extended',
  'overdue',
  'yellowCards',
  'redCards',
  'rated',
  'satisfied',
  'open',
  'patrolReported',
  'reportedOnTime',
  'missed',
] as const;
export type CaseAreaFigure = (typeof CASE_AREA_FIGURES)[number];

/** Figures of a department: what was whistled to it and what it did with it. */
export const CASE_DEPARTMENT_FIGURES = ['dispatched', 'returned', 'handled', 'handledOnTime', 'closed', 'closedOnTime', 'reworked', 'extended', 'overdue', 'yellowCards', 'redCards', 'open'] as const;
export type CaseDepartmentFigure = (typeof CASE_DEPARTMENT_FIGURES)[number];

/** Figures of a person: their reports (patrol) and their handling. */
export const CASE_PERSON_FIGURES = ['reported', 'reportedOnTime', 'missed', 'selfHandled', 'handled', 'handledOnTime'] as const;
export type CasePersonFigure = (typeof CASE_PERSON_FIGURES)[number];

/** Every figure name a drill-down may ask for (which ones apply depends on the dimension). */
export const CASE_KPI_FIGURES = [...CASE_AREA_FIGURES, 'returned'] as const;
export type CaseKpiFigure = (typeof CASE_KPI_FIGURES)[number];

export const CASE_KPI_DIMENSIONS = ['area', 'department', 'person'] as const;
export type CaseKpiDimension = (typeof CASE_KPI_DIMENSIONS)[number];

const isoDate = z.iso.date('日期格式应为 YYYY-MM-DD');

/** A period of report dates (Beijing), inclusive, at most a year. */
const period = z.object({ areaId: z.coerce.number().int().positive(), from: isoDate, to: isoDate });
const periodRules = <T extends { from: string; to: string }>(s: z.ZodType<T>) =>
  s
    .refine((q) => q.from <= q.to, { message: '开始日期不能晚于结束日期', path: ['to'] })
    .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 366 * 86_400_000, { message: '统计周期最长一年', path: ['to'] });

export const caseKpiBreakdownQuerySchema = periodRules(period.extend({ by: z.enum(CASE_KPI_DIMENSIONS).default('area') }));
export type CaseKpiBreakdownQuery = z.input<typeof caseKpiBreakdownQuerySchema>;

export const caseKpiExportQuerySchema = periodRules(period.extend({ by: z.enum(CASE_KPI_DIMENSIONS).default('area') }));

const count = z.number().int();
const rate = z.number().min(0).max(1).nullable();

/** Patrol (巡查) figures of an area or a person: missed-report rate and on-time report rate. */
export const casePatrolSchema = z.object({
  /** Reports made by patrol (grid workers' own channels: the phone, household visits). */
  reported: count,
  /** Of those, reported within the limit after discovery (按时上报). */
  onTime: count,
  /** Problems in the grid found first by another channel (resident, 12345, Open311, staff): 漏报. */
  missed: count,
  /** 漏报率 = 漏报数 / (上报数 + 漏报数). */
  missedRate: rate,
  /** 按时上报率 = 按时上报数 / 上报数. */
  onTimeReportRate: rate,
});
export type CasePatrol = z.infer<typeof casePatrolSchema>;

export const caseDepartmentFiguresSchema = z.object({
  dispatched: count,
  returned: count,
  handled: count,
  handledOnTime: count,
  closed: count,
  closedOnTime: count,
  reworked: count,
  extended: count,
  overdue: count,
  yellowCards: count,
  redCards: count,
  open: count,
  /** 处置率 = handled / dispatched; 按期处置率; 退单率; 结案率; 返工率 = reworked / handled. */
  handlingRate: rate,
  onTimeHandlingRate: rate,
  returnRate: rate,
  closureRate: rate,
  reworkRate: rate,
});
export type CaseDepartmentFigures = z.infer<typeof caseDepartmentFiguresSchema>;

export const casePersonFiguresSchema = z.object({
  reported: count,
  reportedOnTime: count,
  missed: count,
  selfHandled: count,
  handled: count,
  handledOnTime: count,
  onTimeReportRate: rate,
  missedRate: rate,
  selfHandledRate: rate,
  onTimeHandlingRate: rate,
});
export type CasePersonFigures = z.infer<typeof casePersonFiguresSchema>;
