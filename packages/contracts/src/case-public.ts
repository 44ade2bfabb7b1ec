import { z } from 'zod';
import { CASE_RATINGS } from './case-workflow.ts';

/**
 * The resident's reporting channel (居民随手拍, issue 10): a report without an account, its photos, and
 * tracking by the case number and a code. What a resident sees of a case is its public form: the stage in
 * plain words, which level has it and when, the result when closed — never a staff member's or a
 * reporter's name, never a phone.
 */

const clientKey = z.string().trim().min(8, '客户端标识至少 8 位').max(64).regex(/^[A-Za-z0-9_-]+$/, '客户端标识只能含字母、数字、_ 和 -');

/** A tracking code as the resident writes it down: 10 characters, shown as two groups of five (AB3DE-FG7HK). */
export const TRACKING_CODE_LENGTH = 10;
/** Characters of a tracking code: Crockford's base 32 (no I, L, O, U: nothing to misread). */
export const TRACKING_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A typed code as the server compares it: upper case, spaces and dashes dropped, and the letters people
 * confuse with digits read as those digits (O → 0, I and L → 1), as Crockford's base 32 reads them.
 */
export function normaliseTrackingCode(raw: string): string {
  return raw.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

/** The code shown to the resident: two groups of five. */
export function formatTrackingCode(code: string): string {
  return code.length === TRACKING_CODE_LENGTH ? `${code.slice(0, 5)}-${code.slice(5)}` : code;
}

export const trackingCodeSchema = z
  .string()
  .trim()
  .max(40)
  .transform(normaliseTrackingCode)
  .pipe(z.string().regex(new RegExp(`^[${TRACKING_CODE_ALPHABET}]{${TRACKING_CODE_LENGTH}}$`), '查询码为 10 位字母和数字'));

export const publicCaseNoSchema = z.string().trim().toUpperCase().regex(/^SJ\d{14}$/, '受理编号格式为 SJ 加 14 位数字');

/** The place of the problem: a point picked on the map or given by the phone's GPS. */
export const publicPointSchema = z.object({
  lng: z.number().min(-180).max(180),
  lat: z.number().min(-90).max(90),
  crs: z.enum(['wgs84', 'gcj02']).default('wgs84'),
  source: z.enum(['gps', 'map']).default('map'),
});

export const publicReportSchema = z
  .object({
    itemCode: z.string().trim().min(1, '请选择问题类型').max(20),
    /** Derived from the description when left empty. */
    title: z.string().trim().max(100, '标题最多 100 个字').optional(),
    description: z.string().trim().min(5, '请描述问题（至少 5 个字）').max(2000, '描述最多 2000 个字'),
    location: publicPointSchema,
    address: z.string().trim().max(200, '地址最多 200 个字').optional(),
    name: z.string().trim().max(30, '姓名最多 30 个字').optional(),
    phone: z.string().trim().max(30).optional(),
    /** Reported without name or phone (both must then be left out). */
    anonymous: z.boolean().default(false),
    /** One report from a phone that retries is one case. */
    clientKey,
  })
  .refine((r) => !r.anonymous || (!r.name && !r.phone), { message: '匿名上报时不填写姓名和电话', path: ['anonymous'] });
export type PublicReportInput = z.input<typeof publicReportSchema>;

export const publicReportAnswerSchema = z
  .object({
    caseNo: z.string(),
    /** The secret code that, with the case number, opens the tracking page (shown once; keep it). */
    trackingCode: z.string(),
    /** `/track/<caseNo>?t=<code>` on this site. */
    trackingPath: z.string(),
    /** Photos may still be added (POST …/photos) for a short while after filing. */
    photosAllowed: z.number().int(),
  })
  .meta({ id: 'PublicReportAnswer' });
export type PublicReportAnswer = z.infer<typeof publicReportAnswerSchema>;

export const publicCaseParamsSchema = z.object({ caseNo: publicCaseNoSchema });
export const publicTrackQuerySchema = z.object({ t: trackingCodeSchema });
export const publicPhotoQuerySchema = z.object({ t: trackingCodeSchema, clientKey });
export const publicPhotoParamsSchema = z.object({ caseNo: publicCaseNoSchema, photoId: z.uuid('照片编号不正确') });

/** Where a case is, in a resident's words. */
export const PUBLIC_CASE_STAGES = ['received', 'accepted', 'handling', 'closed', 'closed_unfixed', 'not_accepted', 'merged'] as const;
export type PublicCaseStage = (typeof PUBLIC_CASE_STAGES)[number];

export const PUBLIC_CASE_STAGE_LABELS = {
  received: { 'zh-CN': '已提交，待受理', 'en-US': 'Received, awaiting acceptance' },
  accepted: { 'zh-CN': '已受理', 'en-US': 'Accepted' },
  handling: { 'zh-CN': '处理中', 'en-US': 'Being handled' },
  closed: { 'zh-CN': '已办结', 'en-US': 'Resolved' },
  closed_unfixed: { 'zh-CN': '已办结（未能解决）', 'en-US': 'Closed – could not be fixed' },
  not_accepted: { 'zh-CN': '不予受理', 'en-US': 'Not accepted' },
  merged: { 'zh-CN': '已与同一问题合并办理', 'en-US': 'Merged with the same problem' },
} as const satisfies Record<PublicCaseStage, { 'zh-CN': string; 'en-US': string }>;

/** The steps a resident sees on the timeline. */
export const PUBLIC_STEPS = ['reported', 'accepted', 'escalated', 'dispatched', 'handling', 'handled', 'verified', 'rework', 'suspended', 'resumed', 'closed', 'closed_unfixed', 'not_accepted', 'merged', 'rated', 'reopened'] as const;
export type PublicStep = (typeof PUBLIC_STEPS)[number];

export const PUBLIC_STEP_LABELS = {
  reported: { 'zh-CN': '提交上报', 'en-US': 'Reported' },
  accepted: { 'zh-CN': '受理', 'en-US': 'Accepted' },
  escalated: { 'zh-CN': '转上级办理', 'en-US': 'Passed up' },
  dispatched: { 'zh-CN': '派至职能部门', 'en-US': 'Sent to a department' },
  handling: { 'zh-CN': '部门接单处理', 'en-US': 'Department at work' },
  handled: { 'zh-CN': '处理完成，待核实', 'en-US': 'Handled, being checked' },
  verified: { 'zh-CN': '核实通过', 'en-US': 'Checked' },
  rework: { 'zh-CN': '核实未通过，继续处理', 'en-US': 'Check failed, more work' },
  suspended: { 'zh-CN': '暂缓办理', 'en-US': 'On hold' },
  resumed: { 'zh-CN': '恢复办理', 'en-US': 'Resumed' },
  closed: { 'zh-CN': '办结', 'en-US': 'Resolved' },
  closed_unfixed: { 'zh-CN': '办结（未能解决）', 'en-US': 'Closed – not fixed' },
  not_accepted: { 'zh-CN': '不予受理', 'en-US': 'Not accepted' },
  merged: { 'zh-CN': '合并办理', 'en-US': 'Merged' },
  rated: { 'zh-CN': '您的评价', 'en-US': 'Your rating' },
  reopened: { 'zh-CN': '重新办理', 'en-US': 'Reopened' },
} as const satisfies Record<PublicStep, { 'zh-CN': string; 'en-US': string }>;

export const publicCaseSchema = z
  .object({
    caseNo: z.string(),
    itemName: z.string(),
    title: z.string(),
    description: z.string(),
    address: z.string().nullable(),
    stage: z.enum(PUBLIC_CASE_STAGES),
    reportedAt: z.string(),
    closedAt: z.string().nullable(),
    /** The level that has it now, by its public name (站北社区, 戚墅堰城管中队). */
    handledBy: z.string().nullable(),
    timeline: z.array(z.object({ step: z.enum(PUBLIC_STEPS), at: z.string(), by: z.string().nullable(), note: z.string().nullable() })),
    /** What was done, once the case is closed (or the reason it was not accepted). */
    result: z.string().nullable(),
    rating: z.enum(CASE_RATINGS).nullable(),
    mayRate: z.boolean(),
    mayReopen: z.boolean(),
    /** The resident's photos and the handling's, EXIF-free copies only. */
    photos: z.array(z.object({ id: z.string(), url: z.string() })),
    photosAllowed: z.number().int(),
  })
  .meta({ id: 'PublicCase' });
export type PublicCase = z.infer<typeof publicCaseSchema>;

export const publicRateSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('rate'), rating: z.enum(CASE_RATINGS), comment: z.string().trim().max(500, '评价最多 500 个字').optional() }),
  z.object({ action: z.literal('reopen'), reason: z.string().trim().min(2, '请说明还有什么问题').max(500, '最多 500 个字') }),
]);
export type PublicRateInput = z.input<typeof publicRateSchema>;

export const publicPhotoAnswerSchema = z.object({ id: z.string(), url: z.string(), photosAllowed: z.number().int() }).meta({ id: 'PublicPhoto' });
export type PublicPhotoAnswer = z.infer<typeof publicPhotoAnswerSchema>;
export const publicPhotoUploadSchema = z.object({ photo: publicPhotoAnswerSchema });

/** Photos a resident may add to their report, and for how long after filing. */
export const PUBLIC_MAX_PHOTOS = 3;
export const PUBLIC_PHOTO_WINDOW_MINUTES = 60;
