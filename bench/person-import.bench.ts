/**
 * 实有人口 import benchmark: N synthetic persons (default 1,000,000, 1 % of them bad) from a CSV file
 * through the real import path — the HTTP upload streamed to disk, the dry run (every row parsed and
 * validated, the database checks, the error report) and the apply (the persons kind's applyBatch in
 * batches of 5,000 inside write units, run by the exchange engine's background runner: SM4 sealing,
 * HMAC-SM3 blind indexes, masks and pinyin in a worker thread while the database writes the batch
 * before, then persons, households, heads and history rows as array INSERTs, the job's cursor).
 *
 *   node --import tsx bench/person-import.bench.ts [--rows 1000000] [--bad 10000] [--pg postgres://postgres@127.0.0.1:5432] [--db NAME] [--skip-embedded]
 *   npm run bench -- person-import -- --rows 100000 --pg postgres://postgres@127.0.0.1:5432
 *
 * The embedded engine runs on a data directory on disk (as a deployment does); PostgreSQL in a database
 * this script creates and drops (named --db NAME, else redgrid_bench_<random>). Baseline, same run, same engine: a plain `COPY … FROM STDIN (FORMAT csv)`
 * of the same file into a bare table of the file's 14 text columns (in chunks of whole lines, so the
 * file never sits in memory). Peak RSS: process.memoryUsage().rss sampled every 100 ms during the
 * import (on the embedded engine that includes the database itself, which lives in this process).
 * Timings are reported, never asserted.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { writeHeapSnapshot } from 'node:v8';
import { sql } from 'kysely';
import pg from 'pg';
import type { ImportJob } from '@redgrid/contracts';
import { buildApp } from '../apps/server/src/app.ts';
import { testConfig } from '../apps/server/src/config.ts';
import { copyFrom } from '../apps/server/src/db/copy.ts';
import { openEmbedded, openPostgres, type Database } from '../apps/server/src/db/engine.ts';
import { migrate } from '../apps/server/src/db/migrate.ts';
import { namePinyin, PERSON_IMPORT_FIELDS, sealPersons } from '../apps/server/src/modules/basedata/index.ts';
import { importRunners } from '../apps/server/src/modules/exchange/index.ts';
import { FieldCipher } from '../apps/server/src/platform/crypto.ts';
import { heapBoundStats } from '../apps/server/src/platform/heap-bound.ts';
import { hashPassword } from '../apps/server/src/platform/password.ts';
import { csvLine, syntheticResidents } from '../apps/server/src/cli/synthetic-residents.ts';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' }, bad: { type: 'string' }, grids: { type: 'string', default: '200' }, pg: { type: 'string' }, db: { type: 'string' }, 'skip-embedded': { type: 'boolean', default: false }, 'heap-probe': { type: 'boolean', default: false } },
});
const ROWS = Number(values.rows);
const BAD = values.bad === undefined ? Math.round(ROWS / 100) : Number(values.bad);
const GRIDS = Number(values.grids);
const work = await mkdtemp(path.join(tmpdir(), 'person-import-bench-'));
const gridCodes = Array.from({ length: GRIDS }, (_, k) => `990100001${String(1 + Math.floor(k / 20)).padStart(3, '0')}${String(1 + (k % 20)).padStart(3, '0')}`);

const f = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });
const mb = (bytes: number) => `${f(bytes / 1024 / 1024)} MB`;
/** The machine's load average (1 / 5 / 15 min) with the time, as `uptime` says it: the figures are a share of a shared machine. */
const load = () => `${new Date().toISOString().slice(11, 16)} UTC load ${loadavg().map((l) => l.toFixed(2)).join(' / ')}`;

/** The file, written once, streamed: what `npm run data:generate` writes. */
async function writeFile(file: string): Promise<void> {
  const out = createWriteStream(file);
  out.write(`\uFEFF${csvLine(PERSON_IMPORT_FIELDS.map((x) => x.label))}`);
  let buffer = '';
  for (const p of syntheticResidents({ count: ROWS, bad: BAD, areaCodes: gridCodes, householdPrefix: 'BJ' })) {
    buffer += csvLine(PERSON_IMPORT_FIELDS.map((x) => p.cells[x.key] ?? ''));
    if (buffer.length > 1 << 16) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
}

/** A district, a street, 10 communities and GRIDS grids with the codes the file names. */
async function buildDistrict(database: Database): Promise<number> {
  const db = database.db;
  const root = await db.insertInto('areas').values({ code: '990100000000', name: '基准区', level: 'district', parent_id: null }).returning('id').executeTakeFirstOrThrow();
  const street = await db.insertInto('areas').values({ code: '990100001000', name: '基准街道', level: 'street', parent_id: root.id }).returning('id').executeTakeFirstOrThrow();
  const communities = new Map<string, number>();
  for (const code of gridCodes) {
    const c = code.slice(0, 12);
    if (!communities.has(c)) {
      const row = await db.insertInto('areas').values({ code: c, name: `基准社区${communities.size + 1}`, level: 'community', parent_id: street.id }).returning('id').executeTakeFirstOrThrow();
      communities.set(c, row.id);
    }
  }
  await db
    .insertInto('areas')
    .values(gridCodes.map((code, k) => ({ code, name: `网格${k + 1}`, level: 'grid' as const, parent_id: communities.get(code.slice(0, 12))!, grid_type: 'comprehensive' as const, households: 400 })))
    .execute();
  return root.id;
}

/** COPY of the same file into a bare 14-column table, in chunks of whole lines (about 8 MB each). */
async function copyBaseline(database: Database, file: string): Promise<{ ms: number; rows: number }> {
  const db = database.db;
  await sql.raw(`CREATE TABLE person_copy (${PERSON_IMPORT_FIELDS.map((x) => `"${x.key}" text`).join(', ')})`).execute(db);
  const started = performance.now();
  let rows = 0;
  let carry = Buffer.alloc(0);
  let first = true;
  const statement = 'COPY person_copy FROM STDIN WITH (FORMAT csv)';
  for await (const chunk of createReadStream(file, { highWaterMark: 8 << 20 }) as AsyncIterable<Buffer>) {
    let bytes = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    if (first) {
      bytes = bytes.subarray(bytes.indexOf(0x0a) + 1); // the BOM and the header line
      first = false;
    }
    const cut = bytes.lastIndexOf(0x0a) + 1;
    carry = Buffer.from(bytes.subarray(cut));
    if (cut > 0) rows += await copyFrom(db, statement, bytes.subarray(0, cut));
  }
  if (carry.length > 0) rows += await copyFrom(db, statement, carry);
  const ms = performance.now() - started;
  await sql`DROP TABLE person_copy`.execute(db);
  return { ms, rows };
}

/**
 * Diagnostics (not part of the figures): with `--heap-probe` (and node's --expose-gc) the live main-thread heap
 * after a full collection at the end of each phase, and a heap snapshot of it (HEAP_SNAPSHOT_DIR).
 */
async function probe(when: string): Promise<void> {
  if (!values['heap-probe']) return;
  const gc = (globalThis as { gc?: () => void }).gc;
  const before = process.memoryUsage();
  gc?.();
  const after = process.memoryUsage();
  console.log(`probe ${when}: heap used ${mb(before.heapUsed)} → ${mb(after.heapUsed)} after a full GC (heap total ${mb(after.heapTotal)}), rss ${mb(before.rss)} → ${mb(after.rss)}`);
  if (process.env.HEAP_SNAPSHOT_DIR) console.log(`  snapshot ${writeHeapSnapshot(path.join(process.env.HEAP_SNAPSHOT_DIR, `${when.replace(/\W+/g, '-')}.heapsnapshot`))}`);
}

async function run(label: string, database: Database, file: string): Promise<string[]> {
  await migrate(database);
  const rootId = await buildDistrict(database);
  const version = (await sql<{ v: string }>`SELECT split_part(version(), ' on ', 1) AS v`.execute(database.db)).rows[0]?.v ?? '?';
  const filesDir = await mkdtemp(path.join(work, 'files-'));
  const config = testConfig({ databaseUrl: null, filesDir, importMaxBytes: 4 * 1024 * 1024 * 1024 });
  const deps = { config, database, cipher: new FieldCipher(config.dataKeys), clock: () => new Date() };
  const app = await buildApp(deps, { logger: { level: 'error' } });
  const runner = importRunners.get(deps)!;
  const user = await database.db.insertInto('users').values({ username: 'bench', display_name: '基准', password_hash: await hashPassword('Bench#2026x'), home_area_id: rootId }).returning('id').executeTakeFirstOrThrow();
  await database.db.insertInto('role_assignments').values({ user_id: user.id, role: 'area_admin', area_id: rootId }).execute();
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'bench', password: 'Bench#2026x' } });
  const headers = { cookie: login.cookies.map((c) => `${c.name}=${c.value}`).join('; '), 'x-csrf-token': login.json<{ csrfToken: string }>().csrfToken };
  const job = async (id: number) => (await app.inject({ url: `/api/imports/jobs/${id}`, headers })).json<ImportJob>();

  const idleRss = process.memoryUsage().rss;
  let peak = idleRss;
  // The peak of each phase too: upload, dry run, apply.
  const phasePeaks = [idleRss, idleRss, idleRss];
  // What the process held at each phase's peak: the main thread's V8 heap, and the rest (native memory,
  // the seal worker's isolate, buffers).
  const atPeak: NodeJS.MemoryUsage[] = [process.memoryUsage(), process.memoryUsage(), process.memoryUsage()];
  let phase = 0;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    peak = Math.max(peak, usage.rss);
    if (usage.rss > phasePeaks[phase]!) {
      phasePeaks[phase] = usage.rss;
      atPeak[phase] = usage;
    }
  }, 100);
  const loadBefore = load();
  const t0 = performance.now();
  const up = await app.inject({
    method: 'POST',
    url: `/api/imports/kinds/persons/jobs?areaId=${rootId}&fileName=persons.csv`,
    headers: { ...headers, 'content-type': 'application/octet-stream' },
    payload: createReadStream(file),
  });
  if (up.statusCode !== 201) throw new Error(`upload answered ${up.statusCode}: ${up.body}`);
  const id = up.json<ImportJob>().id;
  const t1 = performance.now();
  phase = 1;
  const check = await app.inject({ method: 'POST', url: `/api/imports/jobs/${id}/check`, headers, payload: {} });
  if (check.statusCode !== 200) throw new Error(`check answered ${check.statusCode}: ${check.body}`);
  await runner.idle();
  const checked = await job(id);
  const t2 = performance.now();
  if (checked.status !== 'checked') throw new Error(`dry run ended ${checked.status}: ${checked.failure}`);
  await probe('after the dry run');
  phase = 2;
  const apply = await app.inject({ method: 'POST', url: `/api/imports/jobs/${id}/apply`, headers, payload: {} });
  if (apply.statusCode !== 200) throw new Error(`apply answered ${apply.statusCode}: ${apply.body}`);
  await runner.idle();
  const applied = await job(id);
  const t3 = performance.now();
  clearInterval(sampler);
  if (applied.status !== 'applied') throw new Error(`apply ended ${applied.status}: ${applied.failure}`);
  await probe('after the apply');
  const persons = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM persons`.execute(database.db)).rows[0]?.n);
  const households = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM households`.execute(database.db)).rows[0]?.n);
  await app.close();
  const idleHeap = process.memoryUsage();
  const heapLine = (u: NodeJS.MemoryUsage) => `rss ${mb(u.rss)} = main heap ${mb(u.heapTotal)} (used ${mb(u.heapUsed)}) + external ${mb(u.external)} + other ${mb(u.rss - u.heapTotal - u.external)}`;
  const collected = heapBoundStats();
  console.log(`${label}: full collections after batches (heap-bound.ts, main thread): ${collected.collections}, ${f(collected.ms)} ms in all`);
  console.log(`${label}: memory at each phase's peak — upload: ${heapLine(atPeak[0]!)}; dry run: ${heapLine(atPeak[1]!)}; apply: ${heapLine(atPeak[2]!)}; after: ${heapLine(idleHeap)}`);
  console.log(`${label}: upload ${f(t1 - t0)} ms, dry run ${f(t2 - t1)} ms (${checked.counts.good} good, ${checked.counts.bad} bad), apply ${f(t3 - t2)} ms (${applied.counts.created} created), ${persons} persons, ${households} households, peak RSS ${mb(peak)} (before the upload ${mb(idleRss)}; upload / dry run / apply ${phasePeaks.map(mb).join(' / ')})`);

  const loadAfterImport = load();
  const copy = await copyBaseline(database, file);
  console.log(`${label}: load before the import ${loadBefore}; after it ${loadAfterImport}; after the COPY ${load()}`);
  if (copy.rows !== ROWS) throw new Error(`COPY loaded ${copy.rows} rows, expected ${ROWS}`);
  const total = t3 - t0;
  const good = applied.counts.created;
  return [
    `| ${label}: ${version} | ${f(ROWS)} (${f(checked.counts.bad)} bad) | ${f(t1 - t0)} ms | ${f(t2 - t1)} ms (${f(ROWS / ((t2 - t1) / 1000))} rows/s) | ${f(t3 - t2)} ms (${f(good / ((t3 - t2) / 1000))} rows/s) | **${f(ROWS / (total / 1000))} rows/s** (${f(total / 1000, 1)} s) | ${f(copy.ms)} ms (${f(ROWS / (copy.ms / 1000))} rows/s) | **${(copy.ms / total).toFixed(3)}** (apply alone ${(copy.ms / (t3 - t2)).toFixed(3)}) | **${mb(peak)}** (idle ${mb(idleRss)}; dry run ${mb(phasePeaks[1]!)}, apply ${mb(phasePeaks[2]!)}) | ${f(persons)} persons, ${f(households)} households |`,
  ];
}

/**
 * The sealing ceiling: rows a second one thread seals (SM4 of the ID number and the phone, HMAC-SM3
 * blind indexes, masks, pinyin) as the import does now (encryptMany, one SM4 context a slice) and as
 * it did before (a cipher object and a random draw per value) — what bounds the import once the
 * database writes are cheap.
 */
async function sealCeiling(): Promise<string> {
  const cipher = new FieldCipher(randomBytes(16));
  const rows = [...syntheticResidents({ count: 20_000, bad: 0, areaCodes: gridCodes, householdPrefix: 'SC' })].map((p, i) => ({ rowNumber: i + 2, idValue: p.cells.idNumber!, phone: p.cells.phone || null, name: p.cells.name! }));
  const t0 = performance.now();
  for (const r of rows) {
    cipher.encrypt(r.idValue);
    cipher.blindIndexCandidates(r.idValue);
    if (r.phone) {
      cipher.encrypt(r.phone);
      cipher.blindIndex(r.phone);
    }
    namePinyin(r.name);
  }
  const t1 = performance.now();
  await sealPersons(cipher, rows);
  const t2 = performance.now();
  return `sealing in one thread, 20,000 rows: ${f(rows.length / ((t2 - t1) / 1000))} rows/s (encryptMany, as the import seals now), ${f(rows.length / ((t1 - t0) / 1000))} rows/s (a cipher object per value, as before)`;
}

const file = path.join(work, 'persons.csv');
const genStarted = performance.now();
await writeFile(file);
console.log(`file: ${f(ROWS)} rows, ${mb((await stat(file)).size)}, written in ${f((performance.now() - genStarted) / 1000, 1)} s`);

const lines = [
  '| engine | rows | upload (streamed to disk) | dry run | apply | **whole import** (upload + dry run + apply) | COPY of the same file into a bare table | **ratio COPY / import** | **peak RSS** | result |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
];
try {
  if (!values['skip-embedded']) {
    const dataDir = await mkdtemp(path.join(work, 'pglite-'));
    const embedded = await openEmbedded({ dataDir });
    try {
      lines.push(...(await run('embedded (PGlite, on disk)', embedded, file)));
    } finally {
      await embedded.close();
    }
  }
  const pgBase = values.pg ?? process.env.DATABASE_URL;
  if (pgBase) {
    const name = values.db ?? `redgrid_bench_${randomBytes(4).toString('hex')}`;
    const admin = new URL(pgBase);
    admin.pathname = '/postgres';
    const adminClient = new pg.Client({ connectionString: admin.toString() });
    await adminClient.connect();
    await adminClient.query(`CREATE DATABASE "${name}"`);
    const target = new URL(pgBase);
    target.pathname = `/${name}`;
    const database = await openPostgres(target.toString());
    try {
      lines.push(...(await run('PostgreSQL', database, file)));
    } finally {
      await database.close();
      await adminClient.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await adminClient.end();
    }
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
console.log(`\nPerson import benchmark — ${new Date().toISOString().slice(0, 10)}, ${f(ROWS)} rows\n`);
console.log(lines.join('\n'));
console.log(`\n${await sealCeiling()}`);
