import { z } from 'zod';
import { AREA_LEVELS } from './area.ts';
import { idSchema, isoDateTime, pageOf, pageQuerySchema } from './common.ts';
import { DEPARTMENT_KINDS } from './organisation-kinds.ts';

/**
 * Functional departments (职能部门) for "社区吹哨、部门报到": a district's bureau (区城管局) or a town's
 * station or office (派出所, 城管中队, 市场监管所). A department belongs to the area that set it up and
 * serves one or more areas inside that area's subtree; cases of a kind are routed to the department of
 * that kind serving the nearest enclosing area.
 */
export const DEPARTMENT_LEVELS = ['district', 'town'] as const;
export type DepartmentLevel = (typeof DEPARTMENT_LEVELS)[number];

export const DEPARTMENT_LEVEL_LABELS = {
  district: { 'zh-CN': '区（县）级部门', 'en-US': 'District department' },
  town: { 'zh-CN': '街道（镇）站所', 'en-US': 'Town station or office' },
} as const satisfies Record<DepartmentLevel, { 'zh-CN': string; 'en-US': string }>;

/** The area level a department of each level belongs to. */
export const DEPARTMENT_OWNER_LEVEL = { district: 'district', town: 'street' } as const satisfies Record<DepartmentLevel, (typeof AREA_LEVELS)[number]>;

/** Levels of the areas a department may serve (not buildings or units). */
export const DEPARTMENT_SERVED_LEVELS = ['district', 'street', 'community', 'grid'] as const;

/** A department's office phone: a public number (landline with area code, hotline, or mobile), not personal data. */
export const officePhoneSchema = z.string().trim().regex(/^[0-9][0-9-]{4,19}$/, '请输入办公电话，如 0519-88001234');

export const departmentNameSchema = z.string().trim().min(1, '请输入部门名称').max(60, '部门名称最多 60 个字符');

const areaRefSchema = z.object({ id: z.number().int(), name: z.string(), code: z.string(), level: z.enum(AREA_LEVELS) });

export const departmentStaffSchema = z.object({
  userId: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  /** The area the staff member's role sits on (their area scope). */
  areaName: z.string(),
  disabled: z.boolean(),
});

export const departmentViewSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    kind: z.enum(DEPARTMENT_KINDS),
    level: z.enum(DEPARTMENT_LEVELS),
    /** The area that set the department up and owns it. */
    area: areaRefSchema,
    phone: z.string().nullable(),
    active: z.boolean(),
    servedAreas: z.array(areaRefSchema),
    /** Accounts whose dept_staff assignment names this department (those in the caller's scope). */
    staff: z.array(departmentStaffSchema),
    abilities: z.object({ manage: z.boolean() }),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
  })
  .meta({ id: 'Department' });
export type DepartmentView = z.infer<typeof departmentViewSchema>;

export const departmentPageSchema = pageOf(departmentViewSchema).meta({ id: 'DepartmentPage' });

export const departmentListQuerySchema = pageQuerySchema
  .extend({
    kind: z.enum(DEPARTMENT_KINDS).optional(),
    /** Departments at work in this area: owned by or serving an area in its subtree. */
    areaId: idSchema.optional(),
    active: z.enum(['true', 'false']).optional(),
    q: z.string().trim().min(1).max(60).optional(),
  })
  .strict();
export type DepartmentListQuery = z.infer<typeof departmentListQuerySchema>;

const servedAreaIdsSchema = z.array(idSchema).min(1, '至少选择一个服务区域').max(200, '服务区域最多 200 个');

export const createDepartmentSchema = z
  .object({
    name: departmentNameSchema,
    kind: z.enum(DEPARTMENT_KINDS),
    level: z.enum(DEPARTMENT_LEVELS),
    areaId: idSchema,
    phone: officePhoneSchema.nullish(),
    servedAreaIds: servedAreaIdsSchema,
  })
  .strict();
export type CreateDepartment = z.infer<typeof createDepartmentSchema>;

export const updateDepartmentSchema = z
  .object({
    name: departmentNameSchema.optional(),
    kind: z.enum(DEPARTMENT_KINDS).optional(),
    phone: officePhoneSchema.nullable().optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: '没有要修改的字段' });
export type UpdateDepartment = z.infer<typeof updateDepartmentSchema>;

export const setDepartmentActiveSchema = z.object({ active: z.boolean() }).strict();
export const setDepartmentAreasSchema = z.object({ areaIds: servedAreaIdsSchema }).strict();
