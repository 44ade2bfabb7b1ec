import { createHmac } from 'node:crypto';
import type { AuditCheckpoint } from '@redgrid/contracts';
import { sql, type Kysely, type Selectable } from 'kysely';
import { sm2 } from 'sm-crypto-v2';
import type { AppConfig } from '../config.ts';
import type { Database } from '../db/engine.ts';
import type { AuditHeadTable, DB } from '../db/types.ts';
import type { RequestContext } from './context.ts';
import { unrestricted, type Db } from './data-access.ts';
import { hashHex, hmacHex, safeEqual, type HashAlg } from './crypto.ts';
import { AppError } from './errors.ts';
import type { Tx } from './transaction.ts';

/**
 * Serialises the operator's chain tools (seal, re-anchor, checkpoint) with one another; any constant unique
 * to this use. Appends serialise on the head's row lock, which these tools take as well.
 */
const AUDIT_LOCK = 7_461_001;
export const GENESIS_HASH = '0'.repeat(64);
/** The migration that created the head; the process applying it anchors an existing log. */
const ANCHOR_MIGRATION = '0006_audit_anchor';

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

/**
 * How a row's hash was made. 'sm3'/'sha256': a plain hash, only rows written before migration 0006
 * (anyone can recompute those, so they are as safe as the keyed row after them and the head).
 * 'hmac-sm3'/'hmac-sha256': keyed with REDGRID_AUDIT_KEY, every row written since.
 */
export type RowHashAlg = HashAlg | 'hmac-sm3' | 'hmac-sha256';
type KeyedAlg = 'hmac-sm3' | 'hmac-sha256';
const isKeyed = (alg: string): alg is KeyedAlg => alg === 'hmac-sm3' || alg === 'hmac-sha256';
const isRowAlg = (alg: string): alg is RowHashAlg => alg === 'sm3' || alg === 'sha256' || isKeyed(alg);

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
  alg: RowHashAlg;
}

/** Order of the SM2 curve's base point (GB/T 32918.5). */
const SM2_N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;

/**
 * Keys derived from REDGRID_AUDIT_KEY, one per job, always with SM3 (so REDGRID_AUDIT_HASH may change
 * without changing keys): the rows' HMAC, the head's MAC, and the SM2 key pair that signs checkpoints.
 */
export class AuditKeys {
  readonly row: Buffer;
  readonly head: Buffer;
  readonly #signingSeed: Buffer;
  #pair: { privateKey: string; publicKey: string } | null = null;

  constructor(auditKey: Buffer) {
    if (auditKey.length < 16) throw new Error('audit key must be at least 16 bytes');
    const derive = (label: string) => createHmac('sm3', auditKey).update(label).digest();
    this.row = derive('redgrid:audit-row');
    this.head = derive('redgrid:audit-head');
    this.#signingSeed = derive('redgrid:audit-checkpoint-sm2');
  }

  /** d = seed mod (n − 1) + 1, so the private key lies in [1, n − 1] as GB/T 32918 requires. */
  get signing(): { privateKey: string; publicKey: string } {
    if (!this.#pair) {
      const d = (BigInt(`0x${this.#signingSeed.toString('hex')}`) % (SM2_N - 1n)) + 1n;
      const privateKey = d.toString(16).padStart(64, '0');
      this.#pair = { privateKey, publicKey: sm2.getPublicKeyFromPrivateKey(privateKey) };
    }
    return this.#pair;
  }
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

/** A row's hash. A keyed algorithm needs the keys: without them nobody can produce a row that verifies. */
export function chainHash(f: ChainFields, keys?: AuditKeys): string {
  if (!isKeyed(f.alg)) return hashHex(f.alg, canonicalJson(f));
  if (!keys) throw new Error('a keyed audit hash needs the audit key');
  return hmacHex(f.alg === 'hmac-sm3' ? 'sm3' : 'sha256', keys.row, canonicalJson(f));
}

type HeadRow = Selectable<AuditHeadTable>;
interface HeadFields {
  lastId: number;
  lastHash: string;
  rowCount: number;
  alg: KeyedAlg;
}

function headMac(h: HeadFields, keys: AuditKeys): string {
  return hmacHex(h.alg === 'hmac-sm3' ? 'sm3' : 'sha256', keys.head, canonicalJson({ ...h, kind: 'redgrid:audit-head' }));
}

function headMacValid(head: HeadRow, keys: AuditKeys): boolean {
  if (head.mac === null || head.mac_alg === null || !isKeyed(head.mac_alg)) return false;
  const expected = headMac({ lastId: head.last_id, lastHash: head.last_hash, rowCount: head.row_count, alg: head.mac_alg }, keys);
  return safeEqual(expected, head.mac);
}

/** A head never given its MAC: a fresh install before its first audit row. */
function isPristine(head: HeadRow): boolean {
  return head.mac === null && head.last_id === 0 && head.row_count === 0 && head.last_hash === GENESIS_HASH;
}

/**
 * Writes stop while the chain's anchor is broken (fail closed): appending to a forged head and MACing it
 * would launder the forgery. The reason goes to the log; the caller sees a clear 503.
 */
function chainBroken(reason: string): AppError {
  return new AppError('unavailable', '审计链校验失败，系统暂停写入；请审计管理员运行 npm run audit:verify', { reason });
}

/**
 * The head, row-locked until commit (this lock is what serialises appends, so the chain's order is the
 * commit order), checked: its MAC holds, or it is the pristine head of an empty log.
 */
async function lockedHead(tx: Tx, keys: AuditKeys): Promise<HeadRow> {
  const head = await tx.selectFrom('audit_head').selectAll().forUpdate().executeTakeFirst();
  if (!head) throw chainBroken('audit_head row is missing');
  if (head.mac === null) {
    if (!isPristine(head)) throw chainBroken('audit_head has no MAC but the log is not empty');
  } else if (!headMacValid(head, keys)) {
    throw chainBroken('audit_head fails its MAC');
  }
  return head;
}

function normalise(value: unknown): unknown {
  return value === undefined || value === null ? null : JSON.parse(canonicalJson(value));
}

/**
 * An audit event as it stood when the use case recorded it: who, from where, and its before/after as
 * values (a later change to the objects passed does not reach the row). Its id, time and hash are
 * given when it is appended.
 */
export type PendingAudit = Omit<ChainFields, 'id' | 'at' | 'prevHash' | 'alg'> & { clock: () => Date };

/** Records an event for a later `appendAuditRows` in the same transaction. */
export function pendingAudit(ctx: RequestContext, event: AuditEvent): PendingAudit {
  return {
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
    clock: ctx.clock,
  };
}

/** The keys of one audit key, derived once per process (three HMACs, and the SM2 pair when asked). */
const derivedKeys = new Map<string, AuditKeys>();
function auditKeysOf(auditKey: Buffer): AuditKeys {
  const id = auditKey.toString('base64');
  let keys = derivedKeys.get(id);
  if (!keys) {
    if (derivedKeys.size >= 16) derivedKeys.clear();
    derivedKeys.set(id, (keys = new AuditKeys(auditKey)));
  }
  return keys;
}

/**
 * Appends audit rows, in the order given, inside the caller's transaction; they commit or roll back with
 * the change. The rows follow the head (not the table's last row), and the head advances in the same
 * transaction: a row deleted from the tail leaves the head pointing past the table. From the head's
 * read to the commit every other appender waits, so units of work call this last, just before commit:
 * one statement to lock and read the head, then one per row (the row and the head's advance together —
 * the head's guard lets it move one row at a time).
 */
export async function appendAuditRows(tx: Tx, config: Pick<AppConfig, 'auditKey' | 'auditHash'>, rows: readonly PendingAudit[]): Promise<void> {
  if (rows.length === 0) return;
  const keys = auditKeysOf(config.auditKey);
  const head = await lockedHead(tx, keys);
  const alg: KeyedAlg = config.auditHash === 'sha256' ? 'hmac-sha256' : 'hmac-sm3';
  let last: HeadFields = { lastId: head.last_id, lastHash: head.last_hash, rowCount: head.row_count, alg };
  for (const row of rows) {
    // Named one by one: every field here is hashed, and only these.
    const fields: ChainFields = {
      id: last.lastId + 1,
      at: row.clock().toISOString(),
      actorId: row.actorId,
      actorName: row.actorName,
      action: row.action,
      entity: row.entity,
      entityId: row.entityId,
      areaId: row.areaId,
      ip: row.ip,
      requestId: row.requestId,
      before: row.before,
      after: row.after,
      prevHash: last.lastHash,
      alg,
    };
    const hash = chainHash(fields, keys);
    const next: HeadFields = { lastId: fields.id, lastHash: hash, rowCount: last.rowCount + 1, alg };
    const advanced = await tx
      .with('appended', (db) =>
        db
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
            hash,
            hash_alg: alg,
          })
          .returning('id'),
      )
      // Joined to the inserted row, so the insert has run when the head's guard looks for it.
      .updateTable('audit_head')
      .from('appended')
      .set({ last_id: next.lastId, last_hash: next.lastHash, row_count: next.rowCount, mac_alg: alg, mac: headMac(next, keys), updated_at: fields.at })
      // Read back rather than counted: the embedded engine reports no count for a statement opening with WITH.
      .returning('audit_head.last_id')
      .executeTakeFirst();
    if (advanced?.last_id !== next.lastId) throw chainBroken('audit_head did not advance');
    last = next;
  }
}

/** Appends one audit row now, inside the caller's transaction (units of work collect theirs and append at the end). */
export async function appendAudit(tx: Tx, ctx: RequestContext, event: AuditEvent): Promise<void> {
  await appendAuditRows(tx, ctx.config, [pendingAudit(ctx, event)]);
}

/**
 * Migration 0006 records where an existing log ends but cannot MAC it (the database has no key). The
 * process that applied it does, right after: only then, because a head without a MAC found later could
 * be an attacker's reset. Call after every `migrate()` that runs with the configuration.
 */
export async function anchorAuditChainAfterMigration(database: Database, config: Pick<AppConfig, 'auditKey' | 'auditHash'>, applied: readonly string[]): Promise<boolean> {
  if (!applied.includes(ANCHOR_MIGRATION)) return false;
  return sealAuditHead(database.db, config);
}

/**
 * Gives a head without a MAC its MAC, as it stands, after checking that the table agrees with it. Trusts
 * the unkeyed rows up to there: for the process that applied 0006, or an operator's explicit
 * `audit:checkpoint --anchor` on a log that was migrated by other means.
 */
export async function sealAuditHead(db: Kysely<DB>, config: Pick<AppConfig, 'auditKey' | 'auditHash'>): Promise<boolean> {
  const keys = auditKeysOf(config.auditKey);
  return db.transaction().execute(async (tx) => {
    await sql`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`.execute(tx);
    const head = await tx.selectFrom('audit_head').selectAll().forUpdate().executeTakeFirst();
    if (!head) throw new Error('audit_head row is missing');
    if (head.mac !== null) return false;
    const tail = await tx
      .selectFrom('audit_log')
      .select([sql<number>`count(*)::int`.as('n'), sql<number | null>`max(id)`.as('last')])
      .executeTakeFirstOrThrow();
    const last = tail.last === null ? null : await tx.selectFrom('audit_log').select('hash').where('id', '=', tail.last).executeTakeFirst();
    if (tail.n !== head.row_count || (tail.last ?? 0) !== head.last_id || (last?.hash ?? GENESIS_HASH) !== head.last_hash) {
      throw new Error(`audit_head (${head.row_count} rows up to id ${head.last_id}) disagrees with audit_log (${tail.n} rows up to id ${tail.last ?? 0}); not anchoring`);
    }
    const alg: KeyedAlg = config.auditHash === 'sha256' ? 'hmac-sha256' : 'hmac-sm3';
    const mac = headMac({ lastId: head.last_id, lastHash: head.last_hash, rowCount: head.row_count, alg }, keys);
    await tx.updateTable('audit_head').set({ mac_alg: alg, mac }).execute();
    return true;
  });
}

export interface HeadPosition {
  lastId: number;
  lastHash: string;
  rowCount: number;
}

/**
 * The way back to service after tampering was found (appends stop while the head fails its MAC): once the
 * evidence is kept (audit:verify's report, a copy of the database), moves the head to where the table now
 * ends, with a fresh MAC, and appends a row (entity 'audit_chain') recording the head before and after, so
 * the break stays visible in the chain itself. Rows edited or missing in the middle stay reported by
 * audit:verify; a cut tail is from then on shown by that row and by checkpoints taken before. The head's guard trigger is switched off for this one statement, inside the transaction, which
 * needs the table owner's rights: an operator's act (`audit:checkpoint --reanchor`), never the app's.
 */
export async function reanchorAuditChain(database: Database, ctx: RequestContext): Promise<{ before: HeadPosition | null; after: HeadPosition }> {
  const keys = auditKeysOf(ctx.config.auditKey);
  return database.db.transaction().execute(async (tx) => {
    await sql`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`.execute(tx);
    const old = await tx.selectFrom('audit_head').selectAll().forUpdate().executeTakeFirst();
    const tail = await tx
      .selectFrom('audit_log')
      .select([sql<number>`count(*)::int`.as('n'), sql<number | null>`max(id)`.as('last')])
      .executeTakeFirstOrThrow();
    const lastRow = tail.last === null ? undefined : await tx.selectFrom('audit_log').select('hash').where('id', '=', tail.last).executeTakeFirst();
    const alg: KeyedAlg = ctx.config.auditHash === 'sha256' ? 'hmac-sha256' : 'hmac-sm3';
    const after: HeadPosition = { lastId: tail.last ?? 0, lastHash: lastRow?.hash ?? GENESIS_HASH, rowCount: tail.n };
    const mac = headMac({ ...after, alg }, keys);
    const values = { last_id: after.lastId, last_hash: after.lastHash, row_count: after.rowCount, mac_alg: alg, mac, updated_at: ctx.clock() };
    await sql`ALTER TABLE audit_head DISABLE TRIGGER audit_head_advance_only`.execute(tx);
    if (old) await tx.updateTable('audit_head').set(values).execute();
    else await tx.insertInto('audit_head').values(values).execute();
    await sql`ALTER TABLE audit_head ENABLE TRIGGER audit_head_advance_only`.execute(tx);
    const before = old ? { lastId: old.last_id, lastHash: old.last_hash, rowCount: old.row_count } : null;
    await appendAudit(tx, ctx, {
      action: 'update',
      entity: 'audit_chain',
      before: old ? { ...before, macValid: headMacValid(old, keys) } : null,
      after: { ...after, reason: 'reanchored by an operator after tampering was found' },
      actorOverride: { id: null, name: 'cli:audit-checkpoint --reanchor' },
    });
    return { before, after };
  });
}

const CHECKPOINT_FORMAT = 'redgrid-audit-checkpoint/1';

function checkpointMessage(c: Omit<AuditCheckpoint, 'signature' | 'alg'>): string {
  return canonicalJson({ format: c.format, lastId: c.lastId, lastHash: c.lastHash, rowCount: c.rowCount, at: c.at, publicKey: c.publicKey });
}

/**
 * Signs where the chain stands now. Refuses when the head fails its MAC or the table's tail disagrees
 * with it, so a checkpoint never vouches for a tampered state. Runs under the append lock in the
 * caller's transaction (`tx` must be one), so no append lands between reading the head and its tail row.
 */
export async function createAuditCheckpoint(tx: Kysely<DB>, auditKey: Buffer, now: Date): Promise<AuditCheckpoint> {
  const keys = auditKeysOf(auditKey);
  await sql`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`.execute(tx);
  // The head's row lock is the one appends take: none lands between this read and the tail's.
  const head = await tx.selectFrom('audit_head').selectAll().forUpdate().executeTakeFirst();
  if (head && head.last_id === 0 && head.row_count === 0 && (head.mac === null || headMacValid(head, keys))) {
    throw new AppError('conflict', '审计日志尚无记录，无法生成检查点');
  }
  if (!head || !headMacValid(head, keys)) throw new AppError('conflict', '审计链头校验失败，可能已被篡改；请运行 npm run audit:verify');
  const tail = await tx
    .selectFrom('audit_log')
    .select(['id', 'hash'])
    .where('id', '>=', head.last_id)
    .orderBy('id', 'desc')
    .limit(2)
    .execute();
  if (tail.length !== 1 || tail[0]?.id !== head.last_id || tail[0].hash !== head.last_hash) {
    throw new AppError('conflict', '审计日志末尾与链头不符，可能已被删改；请运行 npm run audit:verify');
  }
  const body = { format: CHECKPOINT_FORMAT, lastId: head.last_id, lastHash: head.last_hash, rowCount: head.row_count, at: now.toISOString(), publicKey: keys.signing.publicKey } as const;
  const signature = sm2.doSignature(checkpointMessage(body), keys.signing.privateKey, { hash: true, der: true, publicKey: body.publicKey });
  return { ...body, alg: 'sm2-sm3', signature };
}

/**
 * The chain as a unit of work's repository (`write(ctx, 'audit.read', (u) => u.use(auditChainRepository))`):
 * its head and newest row belong to no area, so no scope applies; the unit's transaction holds the lock.
 */
export function auditChainRepository(db: Db) {
  return {
    checkpoint: (auditKey: Buffer, now: Date) => createAuditCheckpoint(unrestricted(db), auditKey, now),
  };
}

/** The public key checkpoints are signed with; pin it wherever checkpoints are kept. */
export function auditCheckpointPublicKey(auditKey: Buffer): string {
  return auditKeysOf(auditKey).signing.publicKey;
}

/** Whether a checkpoint carries a valid signature by this installation's audit key. */
export function checkpointSignatureValid(checkpoint: AuditCheckpoint, auditKey: Buffer): boolean {
  const publicKey = auditCheckpointPublicKey(auditKey);
  if (checkpoint.publicKey !== publicKey) return false;
  try {
    return sm2.doVerifySignature(checkpointMessage(checkpoint), checkpoint.signature, publicKey, { hash: true, der: true });
  } catch {
    return false;
  }
}

export type AuditProblemKind = 'modified' | 'missing' | 'broken_link' | 'tail_missing' | 'head_mismatch' | 'checkpoint_mismatch';

export interface AuditProblem {
  id: number;
  kind: AuditProblemKind;
  message: string;
}

export interface AuditVerification {
  ok: boolean;
  checked: number;
  lastId: number;
  /** What the head records; null when it is missing. */
  head: { lastId: number; rowCount: number; sealed: boolean } | null;
  checkpoints: number;
  problems: AuditProblem[];
}

export interface NamedCheckpoint {
  /** How the report names it (a file name); never personal data. */
  name: string;
  checkpoint: AuditCheckpoint;
}

/**
 * Walks the whole chain in id order and holds it against its head and any checkpoints. An edited row
 * no longer matches its (keyed) hash; a deleted row leaves a gap and a broken link; rows deleted from the
 * tail, or all of them, leave the head pointing past the table; a head edited to match fails its MAC;
 * a rollback to an earlier consistent state contradicts a later checkpoint. Reads in batches.
 * Messages carry ids, counts and kinds only: no actor names, no payloads.
 */
export async function verifyAuditChain(
  db: Kysely<DB>,
  auditKey: Buffer,
  { checkpoints = [], batchSize = 2000 }: { checkpoints?: readonly NamedCheckpoint[]; batchSize?: number } = {},
): Promise<AuditVerification> {
  const keys = auditKeysOf(auditKey);
  const problems: AuditProblem[] = [];
  const head = (await db.selectFrom('audit_head').selectAll().executeTakeFirst()) ?? null;
  // The hashes the head and the checkpoints speak of, collected during the walk.
  const wanted = new Map<number, string | null>();
  if (head) wanted.set(head.last_id, null);
  for (const c of checkpoints) wanted.set(c.checkpoint.lastId, null);

  let expectedId = 1;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  let firstKeyed: number | null = null;
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
      let intact = false;
      if (isRowAlg(row.hash_alg)) {
        if (isKeyed(row.hash_alg)) firstKeyed ??= row.id;
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
          alg: row.hash_alg,
        }, keys);
        intact = safeEqual(recomputed, row.hash);
      }
      if (!intact) {
        problems.push({ id: row.id, kind: 'modified', message: `row ${row.id} was changed after it was written` });
      } else if (firstKeyed !== null && !isKeyed(row.hash_alg)) {
        problems.push({ id: row.id, kind: 'modified', message: `row ${row.id} carries an unkeyed hash after keyed rows began at ${firstKeyed}: rewritten` });
      }
      if (wanted.has(row.id)) wanted.set(row.id, row.hash);
      prevHash = row.hash;
      expectedId = row.id + 1;
      checked += 1;
    }
  }
  const lastId = expectedId - 1;

  if (!head) {
    problems.push({ id: lastId, kind: 'head_mismatch', message: 'the head record (audit_head) is missing' });
  } else {
    if (head.mac === null) {
      if (!isPristine(head) || checked > 0) {
        problems.push({ id: head.last_id, kind: 'head_mismatch', message: 'the head has no MAC although the log has rows: reset or never anchored (see audit:checkpoint --anchor)' });
      }
    } else if (!headMacValid(head, keys)) {
      problems.push({ id: head.last_id, kind: 'head_mismatch', message: 'the head fails its MAC: it was edited' });
    }
    if (lastId < head.last_id) {
      problems.push({
        id: lastId + 1,
        kind: 'tail_missing',
        message: lastId === 0
          ? `every row is missing: the head records ${head.row_count} rows up to id ${head.last_id}, the table is empty`
          : `rows ${lastId + 1}–${head.last_id} at the tail are missing: the head records ${head.row_count} rows up to id ${head.last_id}`,
      });
    } else if (lastId > head.last_id) {
      problems.push({ id: head.last_id + 1, kind: 'head_mismatch', message: `rows ${head.last_id + 1}–${lastId} lie beyond the head: not appended through the chain` });
    }
    const atHead = wanted.get(head.last_id);
    if (atHead !== undefined && atHead !== null && atHead !== head.last_hash) {
      problems.push({ id: head.last_id, kind: 'head_mismatch', message: `row ${head.last_id} does not have the hash the head records` });
    }
    if (checked !== head.row_count) {
      problems.push({ id: head.last_id, kind: 'head_mismatch', message: `the head records ${head.row_count} rows, the table has ${checked}` });
    }
  }

  for (const { name, checkpoint: c } of checkpoints) {
    const label = `checkpoint ${name} (row ${c.lastId}, ${c.at})`;
    if (!checkpointSignatureValid(c, auditKey)) {
      problems.push({ id: c.lastId, kind: 'checkpoint_mismatch', message: `${label}: signature invalid or signed by another key` });
      continue;
    }
    const found = wanted.get(c.lastId);
    if (c.lastId > 0 && (found === undefined || found === null)) {
      problems.push({ id: c.lastId, kind: 'checkpoint_mismatch', message: `${label}: row ${c.lastId} is gone: the log was rolled back or truncated` });
    } else if (c.lastId > 0 && found !== c.lastHash) {
      problems.push({ id: c.lastId, kind: 'checkpoint_mismatch', message: `${label}: row ${c.lastId} has a different hash: the log was rewritten` });
    }
    if (head && (head.last_id < c.lastId || head.row_count < c.rowCount)) {
      problems.push({ id: c.lastId, kind: 'checkpoint_mismatch', message: `${label}: the head (${head.row_count} rows up to id ${head.last_id}) is behind the checkpoint (${c.rowCount} rows): rolled back` });
    }
  }

  return {
    ok: problems.length === 0,
    checked,
    lastId,
    head: head ? { lastId: head.last_id, rowCount: head.row_count, sealed: head.mac !== null } : null,
    checkpoints: checkpoints.length,
    problems,
  };
}
