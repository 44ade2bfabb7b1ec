import { z } from 'zod';
import { idSchema, pageOf, pageQuerySchema } from './common.ts';

export const AUDIT_ACTIONS = ['create', 'update', 'delete', 'read_sensitive', 'login', 'login_failed', 'logout', 'lock', 'assign_roles', 'reset_password', 'change_password', 'unlock', 'revoke_session', 'create_grid', 'split', 'merge', 'redraw', 'retire', 'import', 'denied'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** What an audit row is about (`entity`): every value the server writes. `api` is a refused request (action `denied`). */
export const AUDIT_ENTITIES = ['user', 'area', 'area_change', 'division_edition', 'demo_seed', 'audit_chain', 'security_policy', 'work_calendar', 'case', 'api'] as const;
export type AuditEntity = (typeof AUDIT_ENTITIES)[number];

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
    /** The object's name and code as the trail records them (or, for accounts and areas, as they are named now). */
    objectName: z.string().nullable(),
    objectCode: z.string().nullable(),
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

/** Everyone who appears as the actor of a row of the trail, for the actor picker. */
export const auditActorSchema = z.object({ id: z.number().int(), name: z.string(), rows: z.number().int() }).meta({ id: 'AuditActor' });
export type AuditActor = z.infer<typeof auditActorSchema>;
export const auditActorListSchema = z.object({ items: z.array(auditActorSchema) }).meta({ id: 'AuditActorList' });

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
