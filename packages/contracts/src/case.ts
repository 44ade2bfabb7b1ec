import { z } from 'zod';
import { CASE_ACTIONS, CASE_CHANNELS, CASE_RATINGS, CASE_STATES, SUPERVISION_GRADES } from './case-workflow.ts';
import { DEPARTMENT_KINDS, HANDLING_LEVELS } from './organisation-kinds.ts';
import { CASE_KPI_FIGURES, caseDepartmentFiguresSchema, casePatrolSchema, casePersonFiguresSchema } from './case-kpi.ts';

/** The requests and answers of the case API (issue 10). */

const clientKey = z.string().trim().min(8, '客户端标识至少 8 位').max(80).regex(/^[A-Za-z0-9._:-]+$/, '客户端标识只能含字母、数字和 ._:-');
const text = (max: number, label: string) => z.string().trim().min(1, `请填写${label}`).max(max, `${label}最多 ${max} 个字`);

/** A point as the device or the map gave it, with its coordinate system (Chinese web maps use GCJ-02). */
export const casePointSchema = z.object({
  lng: z.number().min(-180).max(180),
  lat: z.number().min(-90).max(90),
  crs: z.enum(['wgs84', 'gcj02']).default('wgs84'),
  source: z.enum(['gps', 'map']).default('gps'),
});

export const reportCaseSchema = z.object({
  itemCode: z.string().trim().min(1, '请选择事项').max(20),
  title: text(100, '标题'),
  description: text(4000, '描述'),
  address: z.string().trim().max(200, '地址最多 200 个字').optional(),
  location: casePointSchema.optional(),
  urgency: z.enum(['normal', 'urgent', 'emergency']).optional(),
  customFields: z.record(z.string().max(40), z.union([z.string().max(500), z.number(), z.boolean(), z.null()])).default({}),
  clientKey: clientKey.optional(),
  /** When the reporter found the problem (the phone form began its draft then); the on-time report rate reads it. */
  discoveredAt: z.iso.datetime({ offset: true, message: '发现时间格式不正确' }).optional(),
});
export type ReportCaseInput = z.input<typeof reportCaseSchema>;

const holderTarget = z.object({ level: z.enum(['community', 'town', 'district']) });

/** One action on a case; `version` is the case version the person was looking at (a stale one → 409). */
export const caseActionSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('accept') }),
  z.object({ action: z.literal('reject'), reason: text(500, '理由') }),
  z.object({ action: z.literal('self_close'), result: text(2000, '处置结果') }),
  z.object({ action: z.literal('escalate'), to: holderTarget, reason: text(500, '理由') }),
  /** To the department of this kind serving the case's place (the item's kind when none is named). */
  z.object({ action: z.literal('dispatch'), departmentKind: z.enum(DEPARTMENT_KINDS).optional(), note: z.string().trim().max(500).optional() }),
  z.object({ action: z.literal('acknowledge') }),
  z.object({ action: z.literal('return'), reason: text(500, '退单理由') }),
  z.object({ action: z.literal('handle'), result: text(2000, '处置结果') }),
  z.object({ action: z.literal('verify_pass'), note: z.string().trim().max(500).optional() }),
  z.object({ action: z.literal('verify_fail'), reason: text(500, '理由') }),
  z.object({ action: z.literal('request_extension'), workDays: z.number().int().min(1, '至少 1 个工作日').max(30, '最多 30 个工作日'), reason: text(500, '理由') }),
  z.object({ action: z.literal('approve_extension') }),
  z.object({ action: z.literal('deny_extension'), reason: text(500, '理由') }),
  z.object({ action: z.literal('suspend'), reason: text(500, '挂账理由') }),
  z.object({ action: z.literal('resume') }),
  z.object({ action: z.literal('supervise'), grade: z.enum(SUPERVISION_GRADES), note: text(500, '督办意见') }),
  z.object({ action: z.literal('instruct'), note: text(1000, '批示') }),
  z.object({ action: z.literal('expedite'), note: z.string().trim().max(500).optional() }),
  z.object({ action: z.literal('reroute'), itemCode: z.string().trim().min(1).max(20).optional(), gridId: z.number().int().positive().optional(), reason: text(500, '理由') }),
  z.object({ action: z.literal('merge'), intoCaseId: z.number().int().positive() }),
  z.object({ action: z.literal('close_unfixed'), reason: text(500, '理由') }),
  z.object({ action: z.literal('rate'), rating: z.enum(CASE_RATINGS), comment: z.string().trim().max(500).optional() }),
  z.object({ action: z.literal('reopen'), reason: text(500, '理由') }),
  z.object({ action: z.literal('comment'), note: text(1000, '备注') }),
]);
export const caseActionRequestSchema = z.intersection(
  caseActionSchema,
  z.object({
    version: z.number().int().positive().optional(),
    /** Files already attached to the case (POST /api/attachments?ownerType=case) that this step shows. */
    attachmentIds: z.array(z.string().min(1).max(64)).max(9, '最多 9 个附件').default([]),
    clientKey: clientKey.optional(),
  }),
);
export type CaseActionRequest = z.input<typeof caseActionRequestSchema>;

export const caseEventViewSchema = z.object({
  seq: z.number().int(),
  action: z.enum(CASE_ACTIONS),
  actorName: z.string(),
  actorLevel: z.string().nullable(),
  fromState: z.enum(CASE_STATES).nullable(),
  toState: z.enum(CASE_STATES),
  holder: z.object({ level: z.enum(HANDLING_LEVELS), name: z.string().nullable() }),
  payload: z.record(z.string(), z.unknown()),
  attachmentIds: z.array(z.string()),
  at: z.string(),
});
export type CaseEventView = z.infer<typeof caseEventViewSchema>;

export const caseSummarySchema = z.object({
  id: z.number().int(),
  caseNo: z.string(),
  channel: z.enum(CASE_CHANNELS),
  itemCode: z.string(),
  itemName: z.string(),
  title: z.string(),
  address: z.string().nullable(),
  state: z.enum(CASE_STATES),
  holder: z.object({ level: z.enum(HANDLING_LEVELS), areaId: z.number().int().nullable(), departmentId: z.number().int().nullable(), name: z.string().nullable() }),
  grid: z.object({ id: z.number().int(), name: z.string().nullable() }),
  urgency: z.enum(['normal', 'urgent', 'emergency']),
  supervision: z.enum(SUPERVISION_GRADES).nullable(),
  expedited: z.boolean(),
  /** Against the deadline of the step in force: none / yellow (warning passed) / red (overdue). */
  alarm: z.enum(['none', 'yellow', 'red']),
  stepKind: z.enum(['accept', 'handle', 'verify', 'none']),
  dueYellowAt: z.string().nullable(),
  dueRedAt: z.string().nullable(),
  reportedAt: z.string(),
  closedAt: z.string().nullable(),
  lng: z.number().nullable(),
  lat: z.number().nullable(),
  version: z.number().int(),
  /**
   * Working hours (the working-time clock) to the red deadline of the step in force, one decimal; negative
   * when overdue ("剩余 6.5 工作小时" / "已超期 2 工作小时"); null without a running deadline.
   */
  workHoursLeft: z.number().nullable(),
});
export type CaseSummary = z.infer<typeof caseSummarySchema>;

export const caseDetailSchema = caseSummarySchema
  .extend({
    description: z.string(),
    locationSource: z.enum(['gps', 'map', 'reporter_grid', 'hotline']),
    reporter: z.object({ name: z.string().nullable(), phoneMasked: z.string().nullable(), anonymous: z.boolean(), isMe: z.boolean() }),
    external: z.object({ source: z.string(), number: z.string(), dueAt: z.string().nullable(), confidential: z.boolean(), replyRequired: z.boolean() }).nullable(),
    customFields: z.record(z.string(), z.unknown()),
    selfHandled: z.boolean(),
    rating: z.enum(CASE_RATINGS).nullable(),
    counts: z.object({ escalations: z.number().int(), dispatches: z.number().int(), returns: z.number().int(), reworks: z.number().int(), extensions: z.number().int(), reopens: z.number().int(), supervisions: z.number().int() }),
    extensionPending: z.number().int().nullable(),
    mergedInto: z.number().int().nullable(),
    /** Whether this person follows the case (关注), and how many do. */
    following: z.boolean(),
    followers: z.number().int(),
    timeline: z.array(caseEventViewSchema),
    department: z.object({ id: z.number().int(), name: z.string() }).nullable(),
    /** What this person may do now: the server's own decision, for the buttons. */
    allowedActions: z.array(z.enum(CASE_ACTIONS)),
  })
  .meta({ id: 'CaseDetail' });
export type CaseDetail = z.infer<typeof caseDetailSchema>;

export const caseListQuerySchema = z.object({
  view: z.enum(['mine', 'area', 'overdue', 'reported_by_me', 'closed', 'following']).default('mine'),
  q: z.string().trim().max(50).optional(),
  gridId: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
  offset: z.coerce.number().int().min(0).max(10_000).default(0),
  /**
   * Drill-down from the KPI page: exactly the cases counted in `figure` for the area (and its subtree) and
   * period — of one department (`departmentId`) or one person (`personId`) when given. `view` and `q` are
   * ignored then.
   */
  figure: z.enum(CASE_KPI_FIGURES).optional(),
  areaId: z.coerce.number().int().positive().optional(),
  from: z.iso.date('日期格式应为 YYYY-MM-DD').optional(),
  to: z.iso.date('日期格式应为 YYYY-MM-DD').optional(),
  departmentId: z.coerce.number().int().positive().optional(),
  personId: z.coerce.number().int().positive().optional(),
}).refine((q) => q.figure === undefined || (q.areaId !== undefined && q.from !== undefined && q.to !== undefined), { message: '指标明细须指定区域与统计周期', path: ['areaId'] })
  .refine((q) => q.departmentId === undefined || q.personId === undefined, { message: '部门与人员只能指定一个', path: ['personId'] });

export const caseListSchema = z.object({
  items: z.array(caseSummarySchema),
  /** The offset of the next page, or null at the end. */
  next: z.number().int().nullable(),
});
export type CaseList = z.infer<typeof caseListSchema>;

/** A refused transition: 409 with `details.allowed` — the actions this person could take now. */
export const caseActionRefusalDetails = z.object({ allowed: z.array(z.enum(CASE_ACTIONS)), state: z.enum(CASE_STATES) });

/** The KPI page: one area (and its subtree) for a period of report dates (Beijing), to inclusive. */
export const caseKpiQuerySchema = z
  .object({
    areaId: z.coerce.number().int().positive(),
    from: z.iso.date('日期格式应为 YYYY-MM-DD'),
    to: z.iso.date('日期格式应为 YYYY-MM-DD'),
  })
  .refine((q) => q.from <= q.to, { message: '开始日期不能晚于结束日期', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 366 * 86_400_000, { message: '统计周期最长一年', path: ['to'] });

const rate = z.number().min(0).max(1).nullable();
export const caseKpiSchema = z
  .object({
    area: z.object({ id: z.number().int(), name: z.string() }),
    from: z.string(),
    to: z.string(),
    figures: z.object({
      reported: z.number().int(),
      accepted: z.number().int(),
      rejected: z.number().int(),
      shouldHandle: z.number().int(),
      selfHandled: z.number().int(),
      selfHandledRate: rate,
      escalated: z.object({ community: z.number().int(), town: z.number().int(), district: z.number().int() }),
      dispatched: z.number().int(),
      handled: z.number().int(),
      handlingRate: rate,
      onTimeHandlingRate: rate,
      closed: z.number().int(),
      closedUnfixed: z.number().int(),
      closureRate: rate,
      onTimeClosureRate: rate,
      reworkRate: rate,
      extensionRate: rate,
      overdue: z.number().int(),
      yellowCards: z.number().int(),
      redCards: z.number().int(),
      open: z.number().int(),
      /** Working hours from report to closure, averaged over the period's closed cases; null with none. */
      avgHandlingHours: z.number().nullable(),
      satisfactionRate: rate,
      closedWithinGridRate: rate,
      closedWithinCommunityRate: rate,
      /** The patrol workers' missed-report and on-time report rates (漏报率, 按时上报率). */
      patrol: casePatrolSchema,
    }),
  })
  .meta({ id: 'CaseKpi' });
export type CaseKpi = z.infer<typeof caseKpiSchema>;
export type CaseKpiFigures = CaseKpi['figures'];

/** One row of a breakdown: a child area, a department or a person, with its figures. */
const breakdownRow = <F extends z.ZodType>(figures: F) => z.object({ id: z.number().int(), name: z.string(), figures });

/** The KPIs of an area broken down by its child areas, the departments whistled in, or the people. */
export const caseKpiBreakdownSchema = z
  .discriminatedUnion('by', [
    z.object({ by: z.literal('area'), area: z.object({ id: z.number().int(), name: z.string() }), from: z.string(), to: z.string(), rows: z.array(breakdownRow(caseKpiSchema.shape.figures).extend({ level: z.string(), code: z.string() })) }),
    z.object({ by: z.literal('department'), area: z.object({ id: z.number().int(), name: z.string() }), from: z.string(), to: z.string(), rows: z.array(breakdownRow(caseDepartmentFiguresSchema)) }),
    z.object({ by: z.literal('person'), area: z.object({ id: z.number().int(), name: z.string() }), from: z.string(), to: z.string(), rows: z.array(breakdownRow(casePersonFiguresSchema)) }),
  ])
  .meta({ id: 'CaseKpiBreakdown' });
export type CaseKpiBreakdown = z.infer<typeof caseKpiBreakdownSchema>;
