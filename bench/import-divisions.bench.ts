/**
 * Division import benchmark: the national statistical division file (663,128 rows) through the
 * product's importDivisionsCsv, against a plain COPY of the same file on the same engine.
 *
 *   node --import tsx bench/import-divisions.bench.ts [file.csv[.gz]] [--pg postgres://postgres@127.0.0.1:5432/postgres] [--skip-embedded] [--write]
 *   npm run bench -- import-divisions -- --pg postgres://postgres@127.0.0.1:5432/postgres --write
 *
 * Embedded: PGlite in memory, migrated. PostgreSQL (with --pg or DATABASE_URL): a database the run
 * creates and drops. The baseline is COPY into an unindexed table with the file's four columns:
 * `COPY … FROM '/dev/blob'` on PGlite, `COPY … FROM STDIN` over the wire on PostgreSQL (the same path
 * the data of an upload would take). The import is end to end: bytes in, validated, every area
 * inserted with its path, one change row and one audit row. `--write` replaces the "Division import"
 * section of docs/benchmarks.md with the results.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { permissionsOf, type DivisionImportReport } from '@redgrid/contracts';
import { sql } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { systemContext } from '../apps/server/src/boot.ts';
import { testConfig } from '../apps/server/src/config.ts';
import { openEmbedded, openPostgres, type Database } from '../apps/server/src/db/engine.ts';
import { migrate } from '../apps/server/src/db/migrate.ts';
import { importDivisionsCsv } from '../apps/server/src/modules/area/area-import.service.ts';
import { scopeFromRoles, type ActorRole, type RequestContext } from '../apps/server/src/platform/context.ts';
import { FieldCipher } from '../apps/server/src/platform/crypto.ts';

const DEFAULT_FILE = new URL('../../shared/data/divisions/china_5level_2021.csv.gz', import.meta.url);
const DOC = new URL('../docs/benchmarks.md', import.meta.url);
const SECTION = '## Division import';
const COPY_RUNS = 3;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { pg: { type: 'string' }, 'skip-embedded': { type: 'boolean', default: false }, write: { type: 'boolean', default: false } },
});
const filePath = positionals[0] ?? DEFAULT_FILE.pathname;
const raw = readFileSync(filePath);
const csv = filePath.endsWith('.gz') ? gunzipSync(raw) : raw;
const rows = csv.toString('utf8').split('\n').filter((line) => line.trim() !== '').length - 1;
const pgUrl = values.pg ?? process.env.DATABASE_URL;

interface EngineResult {
  engine: string;
  version: string;
  copyMs: number[];
  importMs: number;
  reimportMs: number;
  report: DivisionImportReport;
}

async function timeIt<T>(work: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const value = await work();
  return [performance.now() - started, value];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const STAGING = 'CREATE TABLE division_copy (code text, name text, level int, parent_code text)';

/** Baseline on the embedded engine: COPY from a blob into an unindexed table, on a fresh PGlite. */
async function embeddedCopy(): Promise<number[]> {
  const pglite = await PGlite.create({ extensions: { postgis } });
  try {
    await pglite.exec(STAGING);
    const runs: number[] = [];
    for (let i = 0; i < COPY_RUNS; i += 1) {
      await pglite.exec('TRUNCATE division_copy');
      const [ms] = await timeIt(() => pglite.query(`COPY division_copy FROM '/dev/blob' WITH (FORMAT csv, HEADER true)`, [], { blob: new Blob([csv]) }));
      runs.push(ms);
    }
    const { rows: counted } = await pglite.query<{ n: number }>('SELECT count(*)::int AS n FROM division_copy');
    if (counted[0]?.n !== rows) throw new Error(`COPY loaded ${counted[0]?.n} rows, expected ${rows}`);
    return runs;
  } finally {
    await pglite.close();
  }
}

/** What pg's connection offers a query in COPY IN mode (not in @types/pg; pg-copy-streams uses the same calls). */
interface CopyInConnection {
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

function isCopyInConnection(c: unknown): c is CopyInConnection {
  return typeof c === 'object' && c !== null && 'sendCopyFromChunk' in c && typeof c.sendCopyFromChunk === 'function' && 'endCopyFrom' in c && typeof c.endCopyFrom === 'function';
}

/** `COPY … FROM STDIN` with the plain pg client: a query that answers the server's CopyInResponse with the bytes. */
class CopyFromBuffer extends pg.Query {
  constructor(
    text: string,
    private readonly data: Buffer,
  ) {
    super(text);
  }

  handleCopyInResponse(connection: unknown): void {
    if (!isCopyInConnection(connection)) throw new Error('this pg version cannot COPY FROM STDIN');
    for (let i = 0; i < this.data.length; i += 1 << 20) connection.sendCopyFromChunk(this.data.subarray(i, i + (1 << 20)));
    connection.endCopyFrom();
  }
}

function copyIn(client: pg.Client, text: string, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const query = new CopyFromBuffer(text, data);
    query.on('end', () => resolve());
    query.on('error', reject);
    client.query(query);
  });
}

async function postgresCopy(url: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(STAGING);
    const runs: number[] = [];
    for (let i = 0; i < COPY_RUNS; i += 1) {
      await client.query('TRUNCATE division_copy');
      const [ms] = await timeIt(() => copyIn(client, 'COPY division_copy FROM STDIN WITH (FORMAT csv, HEADER true)', csv));
      runs.push(ms);
    }
    const counted = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM division_copy');
    if (counted.rows[0]?.n !== rows) throw new Error(`COPY loaded ${counted.rows[0]?.n} rows, expected ${rows}`);
    await client.query('DROP TABLE division_copy');
    return runs;
  } finally {
    await client.end();
  }
}

/**
 * A national system admin, as a deployment for the whole country has one: the country root
 * 000000000000 (new provinces are placed under it) and an account holding system_admin there.
 */
async function nationalAdmin(database: Database): Promise<RequestContext> {
  const db = database.db;
  const root = await db.insertInto('areas').values({ code: '000000000000', name: '中华人民共和国', level: 'country', parent_id: null }).returning(['id', 'path']).executeTakeFirstOrThrow();
  const user = await db.insertInto('users').values({ username: 'bench', display_name: '基准', password_hash: '-', home_area_id: root.id }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('role_assignments').values({ user_id: user.id, role: 'system_admin', area_id: root.id }).execute();
  const config = testConfig({ databaseUrl: null });
  const deps = { config, database, cipher: new FieldCipher(config.dataKey), clock: () => new Date() };
  const roles: ActorRole[] = [{ role: 'system_admin', areaId: root.id, areaCode: '000000000000', areaName: '中华人民共和国', areaLevel: 'country', areaPath: root.path }];
  return {
    ...systemContext(deps, pino({ level: 'silent' })),
    actor: { id: user.id, username: 'bench', displayName: '基准', roles, permissions: new Set(permissionsOf(['system_admin'])), mustChangePassword: false, sessionId: null },
    scope: scopeFromRoles(roles),
  };
}

async function productImport(database: Database): Promise<Pick<EngineResult, 'importMs' | 'reimportMs' | 'report' | 'version'>> {
  await migrate(database);
  const { rows: about } = await sql<{ v: string }>`SELECT split_part(version(), ' on ', 1) || ', PostGIS ' || postgis_lib_version() AS v`.execute(database.db);
  const ctx = await nationalAdmin(database);
  const [importMs, report] = await timeIt(() => importDivisionsCsv(ctx, csv));
  if (!report.applied || report.created !== rows) throw new Error(`import did not apply: ${report.message} ${JSON.stringify(report.errors.slice(0, 5))}`);
  const [reimportMs, again] = await timeIt(() => importDivisionsCsv(ctx, csv));
  if (again.applied || again.unchanged !== rows) throw new Error(`re-import changed something: ${again.message}`);
  const { rows: counted } = await sql<{ n: number; bad: number }>`
    SELECT count(*)::int AS n,
           count(*) FILTER (WHERE a.parent_id IS NOT NULL AND a.path <> p.path || a.id || '/')::int AS bad
      FROM areas a LEFT JOIN areas p ON p.id = a.parent_id WHERE a.level <> 'country'`.execute(database.db);
  if (counted[0]?.n !== rows || counted[0]?.bad !== 0) throw new Error(`after the import: ${JSON.stringify(counted[0])}`);
  return { importMs, reimportMs, report, version: about[0]?.v ?? '?' };
}

async function runEmbedded(): Promise<EngineResult> {
  const copyMs = await embeddedCopy();
  const database = await openEmbedded();
  try {
    return { engine: 'embedded (PGlite, in memory)', copyMs, ...(await productImport(database)) };
  } finally {
    await database.close();
  }
}

async function runPostgres(url: string): Promise<EngineResult> {
  const name = `rg_bench_import_${randomBytes(4).toString('hex')}`;
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const target = new URL(url);
  target.pathname = `/${name}`;
  const adminClient = new pg.Client({ connectionString: admin.toString() });
  await adminClient.connect();
  await adminClient.query(`CREATE DATABASE "${name}"`);
  try {
    const copyMs = await postgresCopy(target.toString());
    const database = await openPostgres(target.toString(), 2);
    try {
      return { engine: 'PostgreSQL', copyMs, ...(await productImport(database)) };
    } finally {
      await database.close();
    }
  } finally {
    await adminClient.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await adminClient.end();
  }
}

const results: EngineResult[] = [];
if (!values['skip-embedded']) results.push(await runEmbedded());
if (pgUrl) results.push(await runPostgres(pgUrl));

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const perSecond = (ms: number) => (rows / ms) * 1000;
const cpu = os.cpus();
// Other work on the machine moves these figures; the load average says how busy it was.
const load = os.loadavg().map((l) => l.toFixed(1)).join(' / ');
const command = `node --import tsx bench/import-divisions.bench.ts${positionals[0] ? ` ${positionals[0]}` : ''}${pgUrl ? ' --pg <url>' : ''}`;
const table = [
  '| engine | COPY (median of 3) | import | import rows/s | ratio import / COPY | re-import (no change) |',
  '| --- | --- | --- | --- | --- | --- |',
  ...results.map((r) => {
    const copy = median(r.copyMs);
    return `| ${r.engine}: ${r.version} | ${fmt(copy)} ms (${fmt(perSecond(copy))} rows/s) | ${fmt(r.importMs)} ms | ${fmt(perSecond(r.importMs))} | ${(copy / r.importMs).toFixed(3)} | ${fmt(r.reimportMs)} ms |`;
  }),
];
const section = [
  SECTION,
  '',
  `File: the national 5-level statistical division file (2021), ${fmt(rows)} rows, ${(csv.length / 1e6).toFixed(1)} MB. ` +
    'COPY: into an unindexed table with the file\'s four columns (PGlite: `COPY … FROM \'/dev/blob\'`; PostgreSQL: `COPY … FROM STDIN` from this process). ' +
    'Import: `importDivisionsCsv` end to end as a national system admin — decode, parse, validate every row against the file and the database, ' +
    'insert level by level into `areas` (6 indexes, the path trigger, the parent foreign key), one `area_changes` row and one audit row, in one transaction. ' +
    'Target ratio ≥ 0.5.',
  '',
  ...table,
  '',
  'Where the time goes (measured once, 2026-11-22, `EXPLAIN ANALYZE` of the community level, 618,133 rows, into a table already holding the 44,995 rows above it): ' +
    'PostgreSQL 14.9 s = path trigger 2.8 s + parent foreign-key checks 2.6 s + heap and index inserts ≈ 9.5 s (the four secondary indexes of `areas` ≈ 5.5 s of that); ' +
    'PGlite 31.5 s = path trigger 6.0 s + foreign key 4.6 s + heap and indexes ≈ 21 s. Parsing and validating the file in JS takes 1.2–1.5 s, the code lookup 0.4 s (first import). ' +
    'A COPY into an unindexed table does none of this work, and on PostgreSQL reading the CSV in JS alone takes longer than the whole COPY, so ≥ 0.5 is out of reach for an import that validates and inserts into the live, indexed tree. ' +
    'The path trigger is not worth replacing: letting rows that arrive with a precomputed path skip it (`WHEN (NEW.path = \'\')`) and checking all paths in one statement-level join instead ' +
    'measured −12 % on PGlite and no gain on PostgreSQL (the ids must then come from the sequence and the check is a join of its own). ' +
    'Dropping and rebuilding the secondary indexes inside the transaction would save more, but locks every reader out of `areas` for the duration, so the import does not do it.',
  '',
  `Machine: ${cpu[0]?.model.trim() ?? '?'}, ${cpu.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, ${os.type()} ${os.release()}, Node ${process.version}; load average ${load} (1/5/15 min) at the end of the run. ` +
    `Date: ${new Date().toISOString().slice(0, 10)}. Command: \`${command}\` (or \`npm run bench -- import-divisions -- --pg <url> --write\`).`,
  '',
];
console.log(`\n${section.join('\n')}`);

if (values.write) {
  const current = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '# Benchmarks\n\nEach section is written by its benchmark in `bench/` (`npm run bench`).\n';
  const start = current.indexOf(`${SECTION}\n`);
  let next = start < 0 ? -1 : current.indexOf('\n## ', start + SECTION.length);
  if (next >= 0) next += 1;
  const updated = start < 0 ? `${current.trimEnd()}\n\n${section.join('\n')}` : `${current.slice(0, start)}${section.join('\n')}${next >= 0 ? `\n${current.slice(next)}` : ''}`;
  writeFileSync(DOC, updated);
  console.log(`written to ${DOC.pathname}`);
}
