import { z } from 'zod';
import { AREA_LEVELS } from './area.ts';
import { PERMISSIONS, ROLES } from './roles.ts';

export const loginRequestSchema = z
  .object({
    username: z.string().trim().min(1, '请输入用户名').max(64),
    password: z.string().min(1, '请输入密码').max(128),
  })
  .strict()
  .meta({ id: 'LoginRequest' });
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const roleAssignmentViewSchema = z.object({
  role: z.enum(ROLES),
  areaId: z.number().int(),
  areaCode: z.string(),
  areaName: z.string(),
  areaLevel: z.enum(AREA_LEVELS),
  /** The department of a dept_staff assignment; absent or null for every other role. */
  departmentId: z.number().int().nullable().optional(),
  departmentName: z.string().nullable().optional(),
});
export type RoleAssignmentView = z.infer<typeof roleAssignmentViewSchema>;

export const meSchema = z
  .object({
    id: z.number().int(),
    username: z.string(),
    displayName: z.string(),
    roles: z.array(roleAssignmentViewSchema),
    permissions: z.array(z.enum(PERMISSIONS)),
    assignableRoles: z.array(z.enum(ROLES)),
    mustChangePassword: z.boolean(),
  })
  .meta({ id: 'Me' });
export type Me = z.infer<typeof meSchema>;

export const sessionResponseSchema = z
  .object({ user: meSchema, csrfToken: z.string(), expiresAt: z.string() })
  .meta({ id: 'Session' });
export type SessionResponse = z.infer<typeof sessionResponseSchema>;

/** The console's session probe: the session, or null when nobody is signed in (200 either way). */
export const sessionStateSchema = z.object({ session: sessionResponseSchema.nullable() }).meta({ id: 'SessionState' });
export type SessionState = z.infer<typeof sessionStateSchema>;

export const changePasswordSchema = z
  .object({ currentPassword: z.string().min(1).max(128), newPassword: z.string().min(1).max(128) })
  .strict();

/** Sent on every cookie-authenticated write; the value comes from the session response. */
export const CSRF_HEADER = 'x-csrf-token';
export const SESSION_COOKIE = 'rg_session';

export const metaSchema = z
  .object({
    name: z.literal('redgrid'),
    version: z.string(),
    mode: z.enum(['demo', 'production']),
    engine: z.enum(['embedded', 'postgres']),
    demoAccounts: z
      .array(z.object({ username: z.string(), password: z.string(), description: z.string() }))
      .nullable(),
    /** The deployment's defaults (REDGRID_PASSWORD_MIN_*); the policy in force is `GET /api/auth/password-policy`. */
    passwordPolicy: z.object({ minLength: z.number().int(), minClasses: z.number().int() }),
    /** Optional raster base map ({z}/{x}/{y} URL template); the map works without one. */
    baseMapUrl: z.string().nullable(),
    gridHouseholds: z.object({ min: z.number().int(), max: z.number().int() }),
  })
  .meta({ id: 'Meta' });
export type Meta = z.infer<typeof metaSchema>;

/** The password rules in force (the security admin's, else the deployment's), public: forms show them as hints. */
export const passwordPolicyViewSchema = z
  .object({ minLength: z.number().int(), minClasses: z.number().int() })
  .meta({ id: 'PasswordPolicyInForce' });
export type PasswordPolicyView = z.infer<typeof passwordPolicyViewSchema>;

export const healthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    db: z.object({ ok: z.boolean(), engine: z.enum(['embedded', 'postgres']), latencyMs: z.number() }),
    uptimeSeconds: z.number(),
  })
  .meta({ id: 'Health' });
