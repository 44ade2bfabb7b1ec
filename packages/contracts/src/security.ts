import { z } from 'zod';
import { idSchema, pageOf, pageQuerySchema } from './common.ts';

export const sessionViewSchema = z
  .object({
    id: z.string(),
    userId: z.number().int(),
    username: z.string(),
    displayName: z.string(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    createdAt: z.string(),
    lastSeenAt: z.string(),
    expiresAt: z.string(),
    current: z.boolean(),
  })
  .meta({ id: 'SessionView' });
export type SessionView = z.infer<typeof sessionViewSchema>;
export const sessionPageSchema = pageOf(sessionViewSchema).meta({ id: 'SessionPage' });
export const sessionListQuerySchema = pageQuerySchema.extend({ userId: idSchema.optional() }).strict();
export const sessionIdParamsSchema = z.object({ id: z.string().regex(/^[0-9a-f]{64}$/, '会话 id 格式不对') }).strict();

export const securitySettingsSchema = z
  .object({
    passwordPolicy: z.object({ minLength: z.number().int(), minClasses: z.number().int() }),
    lockout: z.object({ attempts: z.number().int(), minutes: z.number().int() }),
    idleTimeoutMinutes: z.number().int(),
    sessionMaxHours: z.number().int(),
    auditHash: z.enum(['sm3', 'sha256']),
    /** When the security admin last set the policy; null while the deployment's defaults hold. */
    policySetAt: z.string().nullable(),
    lockedAccounts: z.array(z.object({ id: z.number().int(), username: z.string(), lockedUntil: z.string() })),
  })
  .meta({ id: 'SecuritySettings' });

/** One failed sign-in (or the one that locked the account) of an account, from the audit trail. */
export const loginFailureSchema = z
  .object({ at: z.string(), ip: z.string().nullable(), locked: z.boolean(), failedAttempts: z.number().int().nullable() })
  .meta({ id: 'LoginFailure' });
export const loginFailureTrailSchema = z
  .object({ userId: z.number().int(), username: z.string(), items: z.array(loginFailureSchema) })
  .meta({ id: 'LoginFailureTrail' });
export type LoginFailureTrail = z.infer<typeof loginFailureTrailSchema>;

/**
 * Refused requests (403, or 404 on a record the caller's scope hides) per signed-in account:
 * in the last `windowMinutes` and the last 24 hours; `probing` when the window holds `threshold` or more.
 */
export const probingReportSchema = z
  .object({
    windowMinutes: z.number().int(),
    threshold: z.number().int(),
    items: z.array(
      z.object({
        userId: z.number().int(),
        username: z.string(),
        recent: z.number().int(),
        day: z.number().int(),
        lastAt: z.string(),
        probing: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'ProbingReport' });
export type ProbingReport = z.infer<typeof probingReportSchema>;

/**
 * The password and lockout policy the security admin sets (the same bounds as the deployment's
 * REDGRID_PASSWORD_MIN_LENGTH 8–64, _MIN_CLASSES 1–4, REDGRID_LOCKOUT_ATTEMPTS 1–100, _MINUTES 1–1440).
 */
export const securityPolicyInputSchema = z
  .object({
    passwordPolicy: z
      .object({
        minLength: z.number().int().min(8, '密码最短长度不能少于 8 位').max(64, '密码最短长度不能超过 64 位'),
        minClasses: z.number().int().min(1, '字符类别至少 1 类').max(4, '字符类别最多 4 类'),
      })
      .strict(),
    lockout: z
      .object({
        attempts: z.number().int().min(1, '失败次数至少 1 次').max(100, '失败次数最多 100 次'),
        minutes: z.number().int().min(1, '锁定时长至少 1 分钟').max(1440, '锁定时长最多 1440 分钟'),
      })
      .strict(),
  })
  .strict()
  .meta({ id: 'SecurityPolicyInput' });
export type SecurityPolicyInput = z.infer<typeof securityPolicyInputSchema>;
