import { z } from 'zod';
import { idSchema, pageOf, pageQuerySchema } from './common.ts';

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
    actorId: idSchema.optional(),
  })
  .strict();
export type AuditListQuery = z.infer<typeof auditListQuerySchema>;

/**
 * A signed statement of where the audit chain stood: "at `at`, the chain had `rowCount` rows and row
 * `lastId` had hash `lastHash`". Stored off the machine, it later proves that rows up to `lastId` are still
 * there unchanged (a rollback or rewrite of the database is caught). SM2 signature (GB/T 32918, SM3 with
 * the signer's Z value, default user id) over the canonical JSON of the other fields; DER-encoded, hex.
 */
export const auditCheckpointSchema = z
  .object({
    format: z.literal('redgrid-audit-checkpoint/1'),
    lastId: z.number().int().min(0),
    lastHash: z.string().regex(/^[0-9a-f]{64}$/),
    rowCount: z.number().int().min(0),
    at: z.iso.datetime(),
    alg: z.literal('sm2-sm3'),
    /** The signer's SM2 public key (uncompressed, hex); pin it where checkpoints are kept. */
    publicKey: z.string().regex(/^04[0-9a-f]{128}$/),
    signature: z.string().regex(/^[0-9a-f]{16,400}$/),
  })
  .strict()
  .meta({ id: 'AuditCheckpoint' });
export type AuditCheckpoint = z.infer<typeof auditCheckpointSchema>;
