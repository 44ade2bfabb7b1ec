import { z } from 'zod';
import { idSchema, pageOf, pageQuerySchema } from './common.ts';
import { roleAssignmentViewSchema } from './auth.ts';
import { ROLES } from './roles.ts';

/** Mainland mobile numbers: 11 digits starting with 1[3-9]. */
export const cnMobileSchema = z.string().trim().regex(/^1[3-9]\d{9}$/, '请输入 11 位手机号');

/** A role on an area; a dept_staff assignment names its department (部门报到), no other role carries one. */
export const roleAssignmentInputSchema = z.object({ role: z.enum(ROLES), areaId: idSchema, departmentId: idSchema.nullish() }).strict();
export type RoleAssignmentInput = z.infer<typeof roleAssignmentInputSchema>;

export const userViewSchema = z
  .object({
    id: z.number().int(),
    username: z.string(),
    displayName: z.string(),
    /** Always masked (138****5678); the full number needs user.reveal_phone and is audited. */
    phoneMasked: z.string().nullable(),
    homeAreaId: z.number().int(),
    homeAreaName: z.string(),
    disabled: z.boolean(),
    lockedUntil: z.string().nullable(),
    lastLoginAt: z.string().nullable(),
    createdAt: z.string(),
    roles: z.array(roleAssignmentViewSchema),
    abilities: z.object({ update: z.boolean(), assignRoles: z.boolean(), resetPassword: z.boolean(), revealPhone: z.boolean() }),
  })
  .meta({ id: 'User' });
export type UserView = z.infer<typeof userViewSchema>;

export const userPageSchema = pageOf(userViewSchema).meta({ id: 'UserPage' });

export const userListQuerySchema = pageQuerySchema
  .extend({
    q: z.string().trim().min(1).max(50).optional(),
    areaId: idSchema.optional(),
    role: z.enum(ROLES).optional(),
  })
  .strict();
export type UserListQuery = z.infer<typeof userListQuerySchema>;

export const usernameSchema = z
  .string()
  .trim()
  .min(3, '用户名至少 3 个字符')
  .max(32, '用户名最多 32 个字符')
  .regex(/^[a-zA-Z][a-zA-Z0-9_.-]*$/, '用户名以字母开头，只含字母、数字、_ . -');

export const createUserSchema = z
  .object({
    username: usernameSchema,
    displayName: z.string().trim().min(1, '请输入姓名').max(50),
    password: z.string().min(1).max(128),
    phone: cnMobileSchema.nullish(),
    homeAreaId: idSchema,
    roles: z.array(roleAssignmentInputSchema).max(20).default([]),
  })
  .strict()
  .meta({ id: 'CreateUser' });
export type CreateUser = z.infer<typeof createUserSchema>;

export const updateUserSchema = z
  .object({
    displayName: z.string().trim().min(1).max(50).optional(),
    phone: cnMobileSchema.nullable().optional(),
    disabled: z.boolean().optional(),
    homeAreaId: idSchema.optional(),
    /** Lifts a login lockout before it runs out. */
    unlock: z.literal(true).optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: '没有要修改的字段' })
  .meta({ id: 'UpdateUser' });
export type UpdateUser = z.infer<typeof updateUserSchema>;

export const setRolesSchema = z.object({ roles: z.array(roleAssignmentInputSchema).max(20) }).strict().meta({ id: 'SetRoles' });
export const resetPasswordSchema = z.object({ newPassword: z.string().min(1).max(128) }).strict();
export const revealPhoneSchema = z.object({ phone: z.string().nullable() }).meta({ id: 'RevealedPhone' });
