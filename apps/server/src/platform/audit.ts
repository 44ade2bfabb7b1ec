import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import type { RequestContext } from './context.ts';
import { hashHex, type HashAlg } from './crypto.ts';
import type { Tx } from './transaction.ts';

/** Serialises appends so the chain order is the commit order; any constant unique to this use. */
const AUDIT_LOCK = 7_461_001;
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEvent {
  action: string;
  entity: string;
  entityId?: string | number | null;
  areaId?: number | null;
  before?: unknown;
  after?: unknown;
  /** For events without a logged-in actor (a failed login names the attempted account). */
  actorOverride?: { id: number | null; name: string | null };
}

interface ChainFields {
  id: number;
  at: string;
  actorId: number | null;
  actorName: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  areaId: number | null;
  ip: string | null;
  requestId: string | null;
  before: unknown;
  after: unknown;
  prevHash: string;
  alg: HashAlg;
}

/** JSON with sorted keys, so a value hashes the same after a round trip through jsonb. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function chainHash(f: ChainFields): string {
  return hashHex(f.alg, canonicalJson(f));
}

function normalise(value: unknown): unknown {
  return value === undefined || value === null ? null : JSON.parse(canonicalJson(value));
}

/** Appends one audit row inside the caller's transaction; it commits or rolls back with the change. */
export async function appendAudit(tx: Tx, ctx: RequestContext, event: AuditEvent): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`.execute(tx);
  const last = await tx.selectFrom('audit_log').select(['id', 'hash']).orderBy('id', 'desc').limit(1).executeTakeFirst();
  const alg = ctx.config.auditHash;
  const fields: ChainFields = {
    id: (last?.id ?? 0) + 1,
    at: ctx.clock().toISOString(),
    actorId: event.actorOverride ? event.actorOverride.id : (ctx.actor?.id ?? null),
    actorName: event.actorOverride ? event.actorOverride.name : (ctx.actor?.username ?? null),
    action: event.action,
    entity: event.entity,
    entityId: event.entityId === undefined || event.entityId === null ? null : String(event.entityId),
    areaId: event.areaId ?? null,
    ip: ctx.ip,
    requestId: ctx.requestId,
    before: normalise(event.before),
    after: normalise(event.after),
    prevHash: last?.hash ?? GENESIS_HASH,
    alg,
  };
  await tx
    .insertInto('audit_log')
    .values({
      id: fields.id,
      at: fields.at,
      actor_id: fields.actorId,
      actor_name: fields.actorName,
      action: fields.action,
      entity: fields.entity,
      entity_id: fields.entityId,
      area_id: fields.areaId,
      ip: fields.ip,
      request_id: fields.requestId,
      before: fields.before === null ? null : JSON.stringify(fields.before),
      after: fields.after === null ? null : JSON.stringify(fields.after),
      prev_hash: fields.prevHash,
      hash: chainHash(fields),
      hash_alg: alg,
    })
    .execute();
}

export interface AuditProblem {
  id: number;
  kind: 'modified' | 'missing' | 'broken_link';
  message: string;
}

export interface AuditVerification {
  ok: boolean;
  checked: number;
  lastId: number;
  problems: AuditProblem[];
}

/**
 * Walks the whole chain in id order: an edited row no longer matches its hash, a deleted row
 * leaves a gap in the ids and a broken link. Reads in batches, so a long log stays cheap in memory.
 */
export async function verifyAuditChain(db: Kysely<DB>, batchSize = 2000): Promise<AuditVerification> {
  const problems: AuditProblem[] = [];
  let expectedId = 1;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('id', '>=', expectedId)
      .orderBy('id')
      .limit(batchSize)
      .execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      if (row.id !== expectedId) {
        problems.push({ id: expectedId, kind: 'missing', message: `rows ${expectedId}–${row.id - 1} are missing` });
      }
      if (row.prev_hash !== prevHash) {
        problems.push({ id: row.id, kind: 'broken_link', message: `row ${row.id} does not link to the row before it` });
      }
      const recomputed = chainHash({
        id: row.id,
        at: new Date(row.at).toISOString(),
        actorId: row.actor_id,
        actorName: row.actor_name,
        action: row.action,
        entity: row.entity,
        entityId: row.entity_id,
        areaId: row.area_id,
        ip: row.ip,
        requestId: row.request_id,
        before: normalise(row.before),
        after: normalise(row.after),
        prevHash: row.prev_hash,
        alg: row.hash_alg as HashAlg,
      });
      if (recomputed !== row.hash) {
        problems.push({ id: row.id, kind: 'modified', message: `row ${row.id} was changed after it was written` });
      }
      prevHash = row.hash;
      expectedId = row.id + 1;
      checked += 1;
    }
  }
  return { ok: problems.length === 0, checked, lastId: expectedId - 1, problems };
}
