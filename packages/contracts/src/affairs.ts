import { z } from 'zod';
import { idSchema } from './common.ts';
import { DEPARTMENT_KINDS, HANDLING_LEVELS, TIME_LIMIT_UNITS, type TimeLimitUnit } from './organisation-kinds.ts';

/**
 * The catalogue of grid affairs (网事清单, issue 10): a district's tree of categories and items, each
 * item with the level that normally handles it, the kind of department responsible, its filing
 * (立案) and closing (结案) conditions, yellow and red time limits for accepting and for handling on
 * the working-time calendar (optionally per area grade A/B/C), custom fields, whether residents may
 * report it and whether it may skip a level. The case workflow reads items through the affairs
 * module's front door.
 */

/** Area grade of 数字城管 time limits: A 核心区 (core), B, C 一般区 (general). */
export const AREA_GRADES = ['A', 'B', 'C'] as const;
export type AreaGrade = (typeof AREA_GRADES)[number];
export const AREA_GRADE_LABELS = {
  A: { 'zh-CN': 'A 类（核心区）', 'en-US': 'Grade A (core)' },
  B: { 'zh-CN': 'B 类', 'en-US': 'Grade B' },
  C: { 'zh-CN': 'C 类（一般区）', 'en-US': 'Grade C (general)' },
} as const satisfies Record<AreaGrade, { 'zh-CN': string; 'en-US': string }>;

/** The urgency a case of this item starts with (一般 / 紧急 / 特急). */
export const AFFAIR_URGENCIES = ['normal', 'urgent', 'critical'] as const;
export type AffairUrgency = (typeof AFFAIR_URGENCIES)[number];
export const AFFAIR_URGENCY_LABELS = {
  normal: { 'zh-CN': '一般', 'en-US': 'Normal' },
  urgent: { 'zh-CN': '紧急', 'en-US': 'Urgent' },
  critical: { 'zh-CN': '特急', 'en-US': 'Critical' },
} as const satisfies Record<AffairUrgency, { 'zh-CN': string; 'en-US': string }>;

/** Types of a custom field an item asks for when a case is reported. */
export const CUSTOM_FIELD_TYPES = ['text', 'number', 'date', 'select', 'boolean'] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];
export const CUSTOM_FIELD_TYPE_LABELS = {
  text: { 'zh-CN': '文本', 'en-US': 'Text' },
  number: { 'zh-CN': '数字', 'en-US': 'Number' },
  date: { 'zh-CN': '日期', 'en-US': 'Date' },
  select: { 'zh-CN': '选项', 'en-US': 'Choice' },
  boolean: { 'zh-CN': '是/否', 'en-US': 'Yes/no' },
} as const satisfies Record<CustomFieldType, { 'zh-CN': string; 'en-US': string }>;

/**
 * Largest limit per unit: a working year. A handling limit longer than that is a project, not a case
 * (the longest in the field's lists: 私搭乱建 demolition, 20 working days).
 */
export const TIME_LIMIT_MAX = { work_hours: 2000, work_days: 250 } as const satisfies Record<TimeLimitUnit, number>;
export const TIME_LIMIT_UNIT_LABELS = {
  work_hours: { 'zh-CN': '工作时', 'en-US': 'working hours' },
  work_days: { 'zh-CN': '工作日', 'en-US': 'working days' },
} as const satisfies Record<TimeLimitUnit, { 'zh-CN': string; 'en-US': string }>;

/** Category codes: two digits a level, up to three levels (01, 0101, 010101). */
export const affairCategoryCodeSchema = z.string().trim().regex(/^(\d{2}){1,3}$/, '类别编码为 2、4 或 6 位数字（每级 2 位）');
/** Item codes: letters, digits and dashes, unique within a district's catalogue. */
export const affairItemCodeSchema = z.string().trim().regex(/^[0-9A-Za-z][0-9A-Za-z-]{0,19}$/, '事项编码为 1–20 位字母、数字或短横线');

const limitValue = z.number({ error: '请填写时限' }).int('时限为整数').min(1, '时限须大于 0');

export const customFieldSchema = z
  .object({
    key: z.string().regex(/^[a-z][a-z0-9_]{0,29}$/, '字段键为小写字母开头的字母、数字或下划线（最多 30 位）'),
    label: z.string().trim().min(1, '请填写字段名称').max(30),
    type: z.enum(CUSTOM_FIELD_TYPES),
    options: z.array(z.string().trim().min(1).max(30)).max(30).default([]),
    required: z.boolean().default(false),
  })
  .strict()
  .superRefine((f, ctx) => {
    if (f.type === 'select' && f.options.length < 2) ctx.addIssue({ code: 'custom', path: ['options'], message: '选项字段至少需要 2 个选项' });
    if (f.type !== 'select' && f.options.length > 0) ctx.addIssue({ code: 'custom', path: ['options'], message: '只有选项字段才有选项' });
    if (new Set(f.options).size !== f.options.length) ctx.addIssue({ code: 'custom', path: ['options'], message: '选项不能重复' });
  });
export type CustomField = z.infer<typeof customFieldSchema>;

/** The four limits of one grade, in the item's units. */
export const gradeLimitsSchema = z
  .object({ acceptYellow: limitValue, acceptRed: limitValue, handleYellow: limitValue, handleRed: limitValue })
  .strict();
export type GradeLimits = z.infer<typeof gradeLimitsSchema>;

export const copyToSchema = z
  .object({
    levels: z.array(z.enum(HANDLING_LEVELS)).max(HANDLING_LEVELS.length).default([]),
    departmentKinds: z.array(z.enum(DEPARTMENT_KINDS)).max(DEPARTMENT_KINDS.length).default([]),
  })
  .strict();
export type CopyTo = z.infer<typeof copyToSchema>;

/** Yellow before red, both above 0 and at most a working year; the field paths name what is wrong. */
function checkLimits(
  v: { acceptUnit: TimeLimitUnit; handleUnit: TimeLimitUnit; acceptYellow: number; acceptRed: number; handleYellow: number; handleRed: number; gradeLimits: Partial<Record<AreaGrade, GradeLimits>> },
  ctx: z.RefinementCtx,
) {
  const pair = (path: (string | number)[], unit: TimeLimitUnit, yellow: number, red: number, label: string) => {
    const max = TIME_LIMIT_MAX[unit];
    const unitName = TIME_LIMIT_UNIT_LABELS[unit]['zh-CN'];
    if (yellow >= red) ctx.addIssue({ code: 'custom', path: [...path, `${label}Yellow`], message: '黄灯时限须小于红灯时限' });
    if (yellow > max) ctx.addIssue({ code: 'custom', path: [...path, `${label}Yellow`], message: `最多 ${max} ${unitName}` });
    if (red > max) ctx.addIssue({ code: 'custom', path: [...path, `${label}Red`], message: `最多 ${max} ${unitName}` });
  };
  pair([], v.acceptUnit, v.acceptYellow, v.acceptRed, 'accept');
  pair([], v.handleUnit, v.handleYellow, v.handleRed, 'handle');
  for (const grade of AREA_GRADES) {
    const g = v.gradeLimits[grade];
    if (!g) continue;
    pair(['gradeLimits', grade], v.acceptUnit, g.acceptYellow, g.acceptRed, 'accept');
    pair(['gradeLimits', grade], v.handleUnit, g.handleYellow, g.handleRed, 'handle');
  }
}

function checkCustomFields(fields: readonly CustomField[], ctx: z.RefinementCtx) {
  const seen = new Set<string>();
  fields.forEach((f, i) => {
    if (seen.has(f.key)) ctx.addIssue({ code: 'custom', path: ['customFields', i, 'key'], message: `字段键 ${f.key} 重复` });
    seen.add(f.key);
  });
}

const itemFields = {
  code: affairItemCodeSchema,
  name: z.string().trim().min(1, '请填写事项名称').max(60, '事项名称最多 60 个字'),
  categoryId: idSchema,
  handlingLevel: z.enum(HANDLING_LEVELS),
  departmentKind: z.enum(DEPARTMENT_KINDS).nullable().default(null),
  filingConditions: z.string().trim().max(1000, '最多 1000 个字').default(''),
  closingConditions: z.string().trim().max(1000, '最多 1000 个字').default(''),
  acceptYellow: limitValue,
  acceptRed: limitValue,
  acceptUnit: z.enum(TIME_LIMIT_UNITS),
  handleYellow: limitValue,
  handleRed: limitValue,
  handleUnit: z.enum(TIME_LIMIT_UNITS),
  gradeLimits: z.partialRecord(z.enum(AREA_GRADES), gradeLimitsSchema).default({}),
  customFields: z.array(customFieldSchema).max(20, '最多 20 个自定义字段').default([]),
  residentReportable: z.boolean().default(false),
  maySkipLevel: z.boolean().default(false),
  copyTo: copyToSchema.default({ levels: [], departmentKinds: [] }),
  urgencyDefault: z.enum(AFFAIR_URGENCIES).default('normal'),
  cjtCode: z.string().trim().regex(/^\d{2}(\d{2})?$/, 'CJ/T 214 编码为 2 或 4 位数字（大类 + 小类）').nullable().default(null),
  active: z.boolean().default(true),
};

/** A new item, or an item replaced whole (PUT). No `.meta({id})`: it has defaults. */
export const affairItemInputSchema = z
  .object(itemFields)
  .strict()
  .superRefine((v, ctx) => {
    checkLimits(v, ctx);
    checkCustomFields(v.customFields, ctx);
  });
export type AffairItemInput = z.input<typeof affairItemInputSchema>;
export type AffairItemData = z.output<typeof affairItemInputSchema>;

/** An update carries the version it was read at: two editors at once, the second is told (409). */
export const affairItemUpdateSchema = z
  .object({ ...itemFields, version: z.number().int().min(1) })
  .strict()
  .superRefine((v, ctx) => {
    checkLimits(v, ctx);
    checkCustomFields(v.customFields, ctx);
  });
export type AffairItemUpdate = z.input<typeof affairItemUpdateSchema>;

export const affairCategoryInputSchema = z
  .object({
    code: affairCategoryCodeSchema,
    name: z.string().trim().min(1, '请填写类别名称').max(40, '类别名称最多 40 个字'),
    sort: z.number().int().min(0).max(9999).default(0),
  })
  .strict();
export type AffairCategoryInput = z.input<typeof affairCategoryInputSchema>;

export const affairCategoryUpdateSchema = z
  .object({
    name: z.string().trim().min(1, '请填写类别名称').max(40, '类别名称最多 40 个字').optional(),
    sort: z.number().int().min(0).max(9999).optional(),
    active: z.boolean().optional(),
  })
  .strict();

/** Which district's catalogue: the caller's own when they sit in exactly one. */
export const affairCatalogueQuerySchema = z.object({ areaId: idSchema.optional() }).strict();
export const affairCatalogueCreateQuerySchema = z.object({ areaId: idSchema }).strict();

export const affairItemSchema = z
  .object({
    id: z.number().int(),
    areaId: z.number().int(),
    code: z.string(),
    name: z.string(),
    categoryId: z.number().int(),
    categoryCode: z.string(),
    handlingLevel: z.enum(HANDLING_LEVELS),
    departmentKind: z.enum(DEPARTMENT_KINDS).nullable(),
    filingConditions: z.string(),
    closingConditions: z.string(),
    acceptYellow: z.number().int(),
    acceptRed: z.number().int(),
    acceptUnit: z.enum(TIME_LIMIT_UNITS),
    handleYellow: z.number().int(),
    handleRed: z.number().int(),
    handleUnit: z.enum(TIME_LIMIT_UNITS),
    gradeLimits: z.partialRecord(z.enum(AREA_GRADES), z.object({ acceptYellow: z.number(), acceptRed: z.number(), handleYellow: z.number(), handleRed: z.number() })),
    customFields: z.array(z.object({ key: z.string(), label: z.string(), type: z.enum(CUSTOM_FIELD_TYPES), options: z.array(z.string()), required: z.boolean() })),
    residentReportable: z.boolean(),
    maySkipLevel: z.boolean(),
    copyTo: z.object({ levels: z.array(z.enum(HANDLING_LEVELS)), departmentKinds: z.array(z.enum(DEPARTMENT_KINDS)) }),
    urgencyDefault: z.enum(AFFAIR_URGENCIES),
    cjtCode: z.string().nullable(),
    active: z.boolean(),
    version: z.number().int(),
    updatedAt: z.string(),
  })
  .meta({ id: 'AffairItem' });
export type AffairItem = z.infer<typeof affairItemSchema>;

export const affairCategorySchema = z
  .object({
    id: z.number().int(),
    code: z.string(),
    name: z.string(),
    parentId: z.number().int().nullable(),
    sort: z.number().int(),
    active: z.boolean(),
    /** Items directly in this category (active or not). */
    itemCount: z.number().int(),
  })
  .meta({ id: 'AffairCategory' });
export type AffairCategory = z.infer<typeof affairCategorySchema>;

export const affairCatalogueSchema = z
  .object({
    /** The district whose catalogue this is; null when the caller sees none. */
    owner: z.object({ id: z.number().int(), code: z.string(), name: z.string() }).nullable(),
    /** Every district whose catalogue the caller may read (a system admin sees several). */
    owners: z.array(z.object({ id: z.number().int(), code: z.string(), name: z.string() })),
    categories: z.array(affairCategorySchema),
    items: z.array(affairItemSchema),
    /** Whether the caller may edit this catalogue (the server's own check). */
    canManage: z.boolean(),
  })
  .meta({ id: 'AffairCatalogue' });
export type AffairCatalogue = z.infer<typeof affairCatalogueSchema>;

/** What the public report page may show of an item: nothing internal. */
export const publicAffairItemSchema = z.object({ code: z.string(), name: z.string(), category: z.string() }).strict();
export const publicAffairListSchema = z
  .object({ district: z.object({ code: z.string(), name: z.string() }).nullable(), items: z.array(publicAffairItemSchema) })
  .meta({ id: 'PublicAffairList' });
export type PublicAffairList = z.infer<typeof publicAffairListSchema>;
export const publicAffairQuerySchema = z.object({ district: z.string().regex(/^\d{12}$/, '区（县）代码为 12 位数字').optional() }).strict();

export const affairExportQuerySchema = z.object({ areaId: idSchema.optional(), format: z.enum(['csv', 'xlsx']).default('xlsx') }).strict();
