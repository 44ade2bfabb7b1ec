import { z } from 'zod';
import { casePointSchema } from './case.ts';
import { CASE_STATES } from './case-workflow.ts';

/**
 * The 12345 hotline channel (issue 10): a work order entered at the desk or imported from the 12345
 * platform's export becomes a case (channel hotline_12345) with its external number, category levels as
 * 12345 sent them, urgency, deadline, confidential and reply-required flags; the desk writes the reply
 * that goes back, and exports the replies for the platform.
 */

const iso = (label: string) => z.iso.datetime({ offset: true, message: `${label}格式不正确` });

/** A 12345 work order number (工单编号): letters, digits and - _ /. */
export const hotlineNumberSchema = z.string().trim().min(1, '请填写工单编号').max(40, '工单编号最多 40 位').regex(/^[A-Za-z0-9_\-/]+$/, '工单编号只含字母、数字和 - _ /');

/** 12345's category levels (一级/二级/三级分类 …), as it sends them. */
export const hotlineCategoriesSchema = z.array(z.string().trim().min(1).max(60, '分类名称最多 60 个字').regex(/^[^/]+$/, '分类名称不能含 /')).max(5, '最多 5 级分类');

export const HOTLINE_RESULTS = ['resolved', 'unresolved', 'partly_resolved'] as const;
export type HotlineResult = (typeof HOTLINE_RESULTS)[number];
/** The words 12345 platforms use for a result (办理结果). */
export const HOTLINE_RESULT_LABELS: Record<HotlineResult, string> = { resolved: '已解决', unresolved: '未解决', partly_resolved: '部分解决' };

export const hotlineOrderInputSchema = z
  .object({
    externalNo: hotlineNumberSchema,
    /** When 12345 received the call (受理时间). */
    receivedAt: iso('受理时间'),
    categories: hotlineCategoriesSchema.default([]),
    /** Our catalogue item: when 12345's categories are not mapped yet, the operator picks it. */
    itemCode: z.string().trim().min(1).max(20).optional(),
    title: z.string().trim().min(1).max(100, '标题最多 100 个字').optional(),
    content: z.string().trim().min(1, '请填写诉求内容').max(4000, '诉求内容最多 4000 个字'),
    callerName: z.string().trim().max(50, '诉求人最多 50 个字').optional(),
    callerPhone: z.string().trim().regex(/^[0-9+\-\s()]{5,20}$/, '联系电话格式不正确').optional(),
    address: z.string().trim().max(200, '地址最多 200 个字').optional(),
    /** The place, if 12345 sent one or the operator picked it on the map; else a grid. */
    location: casePointSchema.optional(),
    gridId: z.number().int().positive().optional(),
    urgency: z.enum(['normal', 'urgent', 'emergency']).default('normal'),
    /** 12345's own deadline (办理时限): not in the past. */
    dueAt: iso('办理时限'),
    /** 保密: the caller is seen by the desk only, not by the grid or the departments. */
    confidential: z.boolean().default(false),
    /** 需回复: the desk writes a reply that goes back to 12345. */
    replyRequired: z.boolean().default(true),
  })
  .strict()
  .refine((v) => v.location !== undefined || v.gridId !== undefined, { message: '请在地图上选择位置或选择网格', path: ['gridId'] });
export type HotlineOrderInput = z.input<typeof hotlineOrderInputSchema>;

export const hotlineCallerSchema = z.object({ nameMasked: z.string().nullable(), phoneMasked: z.string().nullable() });

export const hotlineReplyViewSchema = z.object({
  content: z.string(),
  result: z.enum(HOTLINE_RESULTS),
  repliedAt: z.string(),
  repliedBy: z.string(),
});

/** Near its 12345 deadline (within 24 hours), past it, or neither; a closed order is never near or overdue. */
export const HOTLINE_DUE_STATES = ['none', 'ok', 'near', 'overdue'] as const;

/** One 12345 order on the desk's list. */
export const hotlineOrderSchema = z
  .object({
    caseId: z.number().int(),
    caseNo: z.string(),
    externalNo: z.string(),
    title: z.string(),
    itemName: z.string(),
    categoryPath: z.string().nullable(),
    state: z.enum(CASE_STATES),
    gridName: z.string().nullable(),
    urgency: z.enum(['normal', 'urgent', 'emergency']),
    receivedAt: z.string(),
    dueAt: z.string().nullable(),
    dueState: z.enum(HOTLINE_DUE_STATES),
    closedAt: z.string().nullable(),
    confidential: z.boolean(),
    replyRequired: z.boolean(),
    caller: hotlineCallerSchema,
    reply: hotlineReplyViewSchema.nullable(),
  })
  .meta({ id: 'HotlineOrder' });
export type HotlineOrder = z.infer<typeof hotlineOrderSchema>;

export const hotlineListQuerySchema = z.object({
  /** near: open and due within 24 h; overdue: open and past its deadline. */
  due: z.enum(['all', 'near', 'overdue']).default('all'),
  /** pending: reply required and none written yet. */
  reply: z.enum(['all', 'pending', 'replied']).default('all'),
  q: z.string().trim().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
export const hotlineListSchema = z.object({ items: z.array(hotlineOrderSchema), next: z.number().int().nullable() });
export type HotlineList = z.infer<typeof hotlineListSchema>;

/** The 12345 side of one case, as the person reading the case may see it. */
export const hotlineCaseSchema = z
  .object({
    caseId: z.number().int(),
    externalNo: z.string(),
    categoryPath: z.string().nullable(),
    dueAt: z.string().nullable(),
    dueState: z.enum(HOTLINE_DUE_STATES),
    confidential: z.boolean(),
    replyRequired: z.boolean(),
    /** Null when the order is confidential and the reader is not the 12345 desk. */
    caller: hotlineCallerSchema.nullable(),
    reply: hotlineReplyViewSchema.nullable(),
    /** The 12345 desk: may write the reply and reveal the caller (audited). */
    isDesk: z.boolean(),
  })
  .meta({ id: 'HotlineCase' });
export type HotlineCase = z.infer<typeof hotlineCaseSchema>;

export const hotlineReplyInputSchema = z
  .object({
    content: z.string().trim().min(1, '请填写回复内容').max(2000, '回复内容最多 2000 个字'),
    result: z.enum(HOTLINE_RESULTS),
    /** When the caller was answered; now when absent. */
    repliedAt: iso('回复时间').optional(),
  })
  .strict();
export type HotlineReplyInput = z.input<typeof hotlineReplyInputSchema>;

export const hotlineRevealInputSchema = z
  .object({ field: z.enum(['name', 'phone']), reason: z.string().trim().min(4, '请写明查看原因（至少 4 个字）').max(200) })
  .strict();
export const hotlineRevealedSchema = z.object({ field: z.enum(['name', 'phone']), value: z.string().nullable() });

export const hotlineRepliesExportQuerySchema = z
  .object({
    format: z.enum(['csv', 'xlsx']).default('xlsx'),
    /** Replies written from this Beijing date on (inclusive). */
    from: z.iso.date().optional(),
    to: z.iso.date().optional(),
  })
  .refine((v) => !v.from || !v.to || v.to >= v.from, { message: '结束日期不能早于开始日期', path: ['to'] });

/** 12345 category path → catalogue item (the district's map). */
export const hotlineCategoryMapEntrySchema = z.object({
  id: z.number().int(),
  areaId: z.number().int(),
  areaName: z.string(),
  categoryPath: z.string(),
  itemCode: z.string(),
  itemName: z.string().nullable(),
  updatedAt: z.string(),
});
export const hotlineCategoryMapSchema = z
  .object({
    items: z.array(hotlineCategoryMapEntrySchema),
    /** The district whose map the reader works under, and whether they may edit it. */
    district: z.object({ id: z.number().int(), name: z.string() }).nullable(),
    editable: z.boolean(),
  })
  .meta({ id: 'HotlineCategoryMap' });
export type HotlineCategoryMap = z.infer<typeof hotlineCategoryMapSchema>;

export const hotlineCategoryMapInputSchema = z
  .object({
    areaId: z.number().int().positive(),
    /** Levels joined by "/" (城市管理/市容环境/占道经营); a shorter path covers every deeper one not mapped itself. */
    categoryPath: z
      .string()
      .trim()
      .min(1, '请填写 12345 分类')
      .max(300)
      .transform((s) => s.split(/\s*[/／>＞]\s*/).filter(Boolean).join('/')),
    itemCode: z.string().trim().min(1, '请选择事项').max(20),
  })
  .strict();
export type HotlineCategoryMapInput = z.input<typeof hotlineCategoryMapInputSchema>;
export const hotlineCategoryMapSavedSchema = z.object({ id: z.number().int() });
