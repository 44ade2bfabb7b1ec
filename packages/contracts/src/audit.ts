import { z } from 'zod';
import { pageOf, pageQuerySchema } from './common.ts';

export const AUDIT_ACTIONS = ['create', 'update', 'delete', 'read_sensitive', 'login', 'login_failed', 'logout', 'lock', 'assign_roles', 'reset_password', 'change_password', 'unlock', 'revoke_session', 'create_grid', 'split', 'merge', 'redraw', 'retire', 'import'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const auditEntrySchema = z
  .object({
    id: z.number().int(),
    at: z.string(),
    actorId: z.number().int().nullable(),
    actorName: z.string().nullable(),
    action: z.string(),
    entity: z.string(),
    entityId: z.string().nullable(),
    areaId: z.number().int().nullable(),
    ip: z.string().nullable(),
    requestId: z.string().nullable(),
    before: z.unknown().nullable(),
    after: z.unknown().nullable(),
    hash: z.string(),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditPageSchema = pageOf(auditEntrySchema).meta({ id: 'AuditPage' });
export const auditListQuerySchema = pageQuerySchema
  .extend({
    entity: z.string().max(50).optional(),
    action: z.string().max(50).optional(),
    actorId: z.coerce.number().int().positive().optional(),
  })
  .strict();
export type AuditListQuery = z.infer<typeof auditListQuerySchema>;
