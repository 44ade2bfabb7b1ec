import { sql } from 'kysely';
import type { RequestContext, Scope } from './context.ts';
import type { FieldCipher } from './crypto.ts';
import { OWNERS, ownedBy, type Db, type OwnedTable } from './data-access.ts';
import { asSystem } from './unit-of-work.ts';

/**
 * The re-encryption job of a key rotation (`npm run data:rekey`). It walks each target table by id
 * (keyset, in batches), re-encrypts every value not under the current data key and recomputes its
 * blind index under the current index key. Each batch is one transaction that also stores the
 * target's cursor in `maintenance_jobs`, so a crash loses at most the batch in flight and the next
 * run continues after the last committed one; a run after a finished one walks again and rewrites
 * nothing. A row is rewritten only if it still holds what the batch read (compare-and-set), so the
 * live app may keep writing meanwhile: what it writes is under the current keys already.
 */

/** An encrypted column ("sm4:…" values or null) and the blind-index column computed from the same value. */
export interface RekeyField {
  encrypted: string;
  blindIndex?: string;
}

/** A table holding encrypted values: modules name theirs in their front door (`rekeyTargets`). */
export interface RekeyTarget {
  table: string;
  /** A unique column the job walks in order (the primary key). */
  id: string;
  fields: readonly RekeyField[];
}

export interface RekeyTargetState {
  /** The last id done (as text), null before the first batch. */
  cursor: string | null;
  /** Rows read so far in this run. */
  scanned: number;
  /** Rows whose values or indexes were rewritten in this run. */
  rewritten: number;
  done: boolean;
}

export interface RekeyOptions {
  /** The job's row in maintenance_jobs; 'rekey' unless two rotations must be told apart. */
  job?: string;
  /** Rows a batch (and transaction); default 1,000. */
  batchSize?: number;
  /** Stops between batches (the CLI aborts on SIGINT); the run resumes from the last committed batch. */
  signal?: AbortSignal;
  /** After each committed batch. */
  onBatch?: (progress: { job: string; table: string; state: RekeyTargetState }) => void;
}

export interface RekeyResult {
  job: string;
  /** False when stopped by the signal before every target was walked. */
  finished: boolean;
  /** True when this run continued an unfinished one. */
  resumed: boolean;
  /** Batches committed by this call. */
  batches: number;
  targets: Record<string, RekeyTargetState>;
}

type JobState = Record<string, RekeyTargetState>;
interface JobParams {
  keyId: string;
  /** HMAC of a constant under the current index key: tells index keys apart without revealing them. */
  index: string;
}

const fresh = (): RekeyTargetState => ({ cursor: null, scanned: 0, rewritten: 0, done: false });

function isOwned(table: string): table is OwnedTable {
  return Object.hasOwn(OWNERS, table);
}

/** The scope predicate of a target row (`t`): the system scope reaches every row of an owned table. */
function scopeOf(scope: Scope, table: string) {
  return isOwned(table) ? ownedBy(scope, `${table} as t`) : sql<boolean>`true`;
}

const jobRepository = (db: Db) => ({
  /** The job's row, locked for this transaction (created on first use). */
  async lock(name: string, at: Date) {
    await db.insertInto('maintenance_jobs').values({ name, state: '{}', params: '{}', runs: 0, started_at: at, updated_at: at }).onConflict((oc) => oc.column('name').doNothing()).execute();
    return db.selectFrom('maintenance_jobs').selectAll().where('name', '=', name).forUpdate().executeTakeFirstOrThrow();
  },
  async save(name: string, at: Date, fields: { state: JobState; params?: JobParams; runs?: number; startedAt?: Date; finishedAt?: Date | null }) {
    await db
      .updateTable('maintenance_jobs')
      .set({
        state: JSON.stringify(fields.state),
        updated_at: at,
        ...(fields.params ? { params: JSON.stringify(fields.params) } : {}),
        ...(fields.runs !== undefined ? { runs: fields.runs } : {}),
        ...(fields.startedAt ? { started_at: fields.startedAt } : {}),
        ...(fields.finishedAt !== undefined ? { finished_at: fields.finishedAt } : {}),
      })
      .where('name', '=', name)
      .execute();
  },
});

/** SQL of one target: its id type (from the catalog), a locked batch after a cursor, and the rewrite. */
const targetRepository = (target: RekeyTarget) => (db: Db, scope: Scope) => {
  const table = sql.table(`${target.table}`);
  const idRef = sql.ref(`t.${target.id}`);
  return {
    async idType(): Promise<string> {
      const { rows } = await sql<{ type: string | null }>`SELECT format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a
        WHERE a.attrelid = to_regclass(${target.table}) AND a.attname = ${target.id} AND NOT a.attisdropped`.execute(db);
      const type = rows[0]?.type;
      if (!type || !/^[a-z0-9 _(),]+$/.test(type)) throw new Error(`rekey target ${target.table}.${target.id} not found`);
      return type;
    },
    async batchAfter(cursor: string | null, size: number) {
      const columns = target.fields.flatMap((f, i) => [
        sql`${sql.ref(`t.${f.encrypted}`)} AS ${sql.ref(`e${i}`)}`,
        f.blindIndex ? sql`${sql.ref(`t.${f.blindIndex}`)} AS ${sql.ref(`b${i}`)}` : sql`NULL::text AS ${sql.ref(`b${i}`)}`,
      ]);
      const after = cursor === null ? sql`true` : sql`${idRef} > ${cursor}`;
      const { rows } = await sql<Record<string, string | null>>`SELECT ${idRef}::text AS id, ${sql.join(columns)}
        FROM ${table} AS t WHERE ${scopeOf(scope, target.table)} AND ${after}
        ORDER BY ${idRef} LIMIT ${size}`.execute(db);
      return rows;
    },
    /**
     * Writes the new values where each row still holds what was read (compare-and-set): a value the
     * app changed meanwhile was written under the current keys already and is left alone.
     */
    async rewrite(idType: string, rows: Resealed[]): Promise<number> {
      if (rows.length === 0) return 0;
      const sets = target.fields.flatMap((f, i) => [
        sql`${sql.ref(f.encrypted)} = ${sql.ref(`v.e${i}`)}`,
        ...(f.blindIndex ? [sql`${sql.ref(f.blindIndex)} = ${sql.ref(`v.b${i}`)}`] : []),
      ]);
      const arrays = target.fields.flatMap((_, i) => [
        sql`${rows.map((r) => r.values[i] ?? null)}::text[]`,
        sql`${rows.map((r) => r.indexes[i] ?? null)}::text[]`,
        sql`${rows.map((r) => r.read[i] ?? null)}::text[]`,
      ]);
      const names = target.fields.flatMap((_, i) => [sql.ref(`e${i}`), sql.ref(`b${i}`), sql.ref(`o${i}`)]);
      const unchanged = target.fields.map((f, i) => sql`${sql.ref(`t.${f.encrypted}`)} IS NOT DISTINCT FROM ${sql.ref(`v.o${i}`)}`);
      const result = await sql`UPDATE ${table} AS t SET ${sql.join(sets)}
        FROM unnest(${rows.map((r) => r.id)}::${sql.raw(idType)}[], ${sql.join(arrays)}) AS v(id, ${sql.join(names)})
        WHERE ${idRef} = v.id AND ${sql.join(unchanged, sql` AND `)} AND ${scopeOf(scope, target.table)}`.execute(db);
      return Number(result.numAffectedRows ?? 0);
    },
  };
};

interface Resealed {
  id: string;
  /** Per field: the value to write, its blind index, and the value read (the compare-and-set guard). */
  values: (string | null)[];
  indexes: (string | null)[];
  read: (string | null)[];
}

/** One row's values under the current keys; null when nothing changes. Errors name the row, never a value. */
function resealed(cipher: FieldCipher, target: RekeyTarget, row: Record<string, string | null>): Resealed | null {
  const read: (string | null)[] = [];
  const values: (string | null)[] = [];
  const indexes: (string | null)[] = [];
  let changed = false;
  target.fields.forEach((f, i) => {
    const stored = row[`e${i}`] ?? null;
    const index = row[`b${i}`] ?? null;
    read.push(stored);
    if (stored === null) {
      values.push(null);
      indexes.push(index);
      return;
    }
    let plain: string;
    try {
      plain = cipher.decrypt(stored);
    } catch (err) {
      throw new Error(`rekey: ${target.table}.${f.encrypted} of id ${row.id}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const value = cipher.needsRekey(stored) ? cipher.encrypt(plain) : stored;
    const nextIndex = f.blindIndex ? cipher.blindIndex(plain) : null;
    if (value !== stored || (f.blindIndex && nextIndex !== index)) changed = true;
    values.push(value);
    indexes.push(nextIndex);
  });
  return changed ? { id: row.id ?? '', values, indexes, read } : null;
}

/**
 * Moves every encrypted value of the targets under the current keys. Runs as the system's own work:
 * `ctx` is a system context (CLI, job), never a request's.
 */
export async function rekey(ctx: RequestContext, targets: readonly RekeyTarget[], options: RekeyOptions = {}): Promise<RekeyResult> {
  const job = options.job ?? 'rekey';
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer');
  const tables = targets.map((t) => t.table);
  if (new Set(tables).size !== tables.length) throw new Error('rekey: a table is named by two targets; list its fields in one');
  const cipher = ctx.cipher;
  const params: JobParams = { keyId: cipher.keyId, index: cipher.blindIndex('redgrid:rekey-index-fingerprint') };

  // Start or resume: a finished run, or one for other keys, starts over.
  const start = await asSystem(ctx, async (unit) => {
    const jobs = unit.use(jobRepository);
    const now = ctx.clock();
    const row = await jobs.lock(job, now);
    const before = row.params as Partial<JobParams>;
    const resumed = row.runs > 0 && row.finished_at === null && before.keyId === params.keyId && before.index === params.index;
    const state: JobState = resumed ? { ...(row.state as JobState) } : {};
    for (const t of tables) state[t] ??= fresh();
    if (resumed) {
      await jobs.save(job, now, { state });
    } else {
      await jobs.save(job, now, { state, params, runs: row.runs + 1, startedAt: now, finishedAt: null });
      await unit.audit({ action: 'rekey_start', entity: 'maintenance_job', entityId: job, after: { keyId: params.keyId, targets: tables, batchSize } });
    }
    return { resumed, state };
  });

  const idTypes = new Map<string, string>();
  let batches = 0;
  const states: JobState = start.state;
  for (const target of targets) {
    while (!states[target.table]!.done) {
      if (options.signal?.aborted) return { job, finished: false, resumed: start.resumed, batches, targets: pick(states, tables) };
      const next = await asSystem(ctx, async (unit) => {
        const jobs = unit.use(jobRepository);
        const now = ctx.clock();
        const row = await jobs.lock(job, now);
        // The stored cursor is the truth: another run of the same job may have moved it meanwhile.
        const all = row.state as JobState;
        const current = all[target.table] ?? fresh();
        if (current.done) return { all, current };
        const repo = unit.use(targetRepository(target));
        const idType = idTypes.get(target.table) ?? (await repo.idType());
        idTypes.set(target.table, idType);
        const rows = await repo.batchAfter(current.cursor, batchSize);
        const changed = rows.map((r) => resealed(cipher, target, r)).filter((r) => r !== null);
        const rewritten = await repo.rewrite(idType, changed);
        const updated: RekeyTargetState = {
          cursor: rows.at(-1)?.id ?? current.cursor,
          scanned: current.scanned + rows.length,
          rewritten: current.rewritten + rewritten,
          done: rows.length < batchSize,
        };
        const nextAll = { ...all, [target.table]: updated };
        await jobs.save(job, now, { state: nextAll });
        return { all: nextAll, current: updated };
      });
      Object.assign(states, next.all);
      batches += 1;
      options.onBatch?.({ job, table: target.table, state: next.current });
    }
  }

  await asSystem(ctx, async (unit) => {
    const jobs = unit.use(jobRepository);
    const now = ctx.clock();
    const row = await jobs.lock(job, now);
    if (row.finished_at !== null) return;
    await jobs.save(job, now, { state: row.state as JobState, finishedAt: now });
    const counts = Object.fromEntries(tables.map((t) => [t, { scanned: states[t]!.scanned, rewritten: states[t]!.rewritten }]));
    await unit.audit({ action: 'rekey_finish', entity: 'maintenance_job', entityId: job, after: { keyId: params.keyId, counts } });
  });
  return { job, finished: true, resumed: start.resumed, batches, targets: pick(states, tables) };
}

function pick(states: JobState, tables: readonly string[]): Record<string, RekeyTargetState> {
  return Object.fromEntries(tables.map((t) => [t, states[t] ?? fresh()]));
}
