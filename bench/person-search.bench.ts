/**
 * 实有人口 search benchmark: N synthetic persons (default 2,000,000 on PostgreSQL) sealed with the real
 * functions (SM4 identity numbers and phones, HMAC-SM3 blind indexes, masks, pinyin) and bulk-loaded
 * with COPY into the migrated `persons` table (all its indexes in place); then searches by identity
 * number, by phone, by name prefix and by address (building and room, as a grid worker types it) through the real request — GET /api/basedata/persons?q=…, session,
 * scope, service (searchPersons), repository and audit row, injected in-process — as a district area
 * admin and as a grid worker of one grid. p50 / p95 / p99 per kind, beside a bare indexed lookup
 * (`SELECT id FROM persons WHERE id_bidx = $1`) and `SELECT 1` in the same run; then EXPLAIN ANALYZE of
 * the repository's search SQL for each kind.
 *
 *   node --import tsx bench/person-search.bench.ts --pg postgres://postgres@127.0.0.1:5432 [--rows 2000000] [--embedded-rows 0]
 *   npm run bench -- person-search -- --pg postgres://postgres@127.0.0.1:5432
 *
 * PostgreSQL in a database this script creates and drops (--keep-db NAME keeps it; --reuse-db NAME measures
 * again on a database kept so, without loading). `--embedded-rows N`
 * also runs the embedded engine (in memory) with N persons. Timings are reported, never asserted.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import type { PersonPage } from '@redgrid/contracts';
import { buildApp } from '../apps/server/src/app.ts';
import { csvLine, syntheticResidents } from '../apps/server/src/cli/synthetic-residents.ts';
import { testConfig } from '../apps/server/src/config.ts';
import { copyFrom } from '../apps/server/src/db/copy.ts';
import { openEmbedded, openPostgres, type Database } from '../apps/server/src/db/engine.ts';
import { migrate } from '../apps/server/src/db/migrate.ts';
import { addressTerms, namePinyin } from '../apps/server/src/modules/basedata/index.ts';
import { FieldCipher } from '../apps/server/src/platform/crypto.ts';
import { maskIdentityNumber, maskPhone } from '../apps/server/src/platform/masking.ts';
import { hashPassword } from '../apps/server/src/platform/password.ts';

const { values } = parseArgs({
  options: {
    pg: { type: 'string' },
    rows: { type: 'string', default: '2000000' },
    'embedded-rows': { type: 'string', default: '0' },
    grids: { type: 'string', default: '400' },
    samples: { type: 'string', default: '300' },
    'keep-db': { type: 'string' },
    'reuse-db': { type: 'string' },
  },
});
const GRIDS = Number(values.grids);
const SAMPLES = Number(values.samples);
const gridCodes = Array.from({ length: GRIDS }, (_, k) => `990100001${String(1 + Math.floor(k / 20)).padStart(3, '0')}${String(1 + (k % 20)).padStart(3, '0')}`);
const POPULATION: Record<string, string> = { 户籍人口: 'registered', 流动人口: 'floating', 寄住人员: 'lodging', 未落户人员: 'unsettled' };
const RESIDENCE: Record<string, string> = { 人户同在: 'together', 户在人不在: 'registered_absent', 人在户不在: 'present_unregistered' };
const COLUMNS = ['area_id', 'name', 'name_pinyin', 'name_initials', 'id_enc', 'id_bidx', 'id_masked', 'birth_date', 'sex', 'phone_enc', 'phone_bidx', 'phone_masked', 'population_type', 'residence_status', 'relation_to_head', 'registration_region', 'ethnicity', 'education', 'occupation', 'current_address', 'registration_address'];

/** The machine's load average (1 / 5 / 15 min) with the time, as `uptime` says it. */
const loadNow = () => `${new Date().toISOString().slice(11, 16)} UTC load ${loadavg().map((l) => l.toFixed(2)).join(' / ')}`;
const f = (n: number, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits });
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `${f(percentile(s, 50))} / ${f(percentile(s, 95))} / ${f(percentile(s, 99))}`;
};

async function buildDistrict(database: Database): Promise<{ rootId: number; gridIds: Map<string, number> }> {
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
  const grids = await db
    .insertInto('areas')
    .values(gridCodes.map((code, k) => ({ code, name: `网格${k + 1}`, level: 'grid' as const, parent_id: communities.get(code.slice(0, 12))!, grid_type: 'comprehensive' as const, households: 400 })))
    .returning(['id', 'code'])
    .execute();
  return { rootId: root.id, gridIds: new Map(grids.map((g) => [g.code, g.id])) };
}

/**
 * Sealed rows as the import writes them, loaded as a restore would: COPYed in chunks of 20,000 into an unlogged
 * staging table, then one `INSERT … SELECT` into `persons` with the address text computed set-wise (each area's
 * part once — `area_address_text`, migration 0029 — row triggers off as in a restore), with
 * the secondary indexes of `persons` dropped before and built again after (what each index holds is the same as
 * row by row; a per-row load through the trigger and the trigram index ran at ~600 rows/s).
 */
async function load(database: Database, rows: number, cipher: FieldCipher, gridIds: Map<string, number>): Promise<number> {
  const started = performance.now();
  const db = database.db;
  const pinyinCache = new Map<string, { full: string; initials: string }>();
  const indexes = (
    await sql<{ name: string; def: string }>`SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
      WHERE i.tablename = 'persons' AND i.schemaname = current_schema()
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)`.execute(db)
  ).rows;
  for (const i of indexes) await sql`DROP INDEX ${sql.ref(i.name)}`.execute(db);
  await sql.raw(`CREATE UNLOGGED TABLE bench_persons_staging AS SELECT ${COLUMNS.join(', ')} FROM persons WITH NO DATA`).execute(db);
  const statement = `COPY bench_persons_staging (${COLUMNS.join(', ')}) FROM STDIN WITH (FORMAT csv)`;
  let chunk = '';
  let inChunk = 0;
  for (const p of syntheticResidents({ count: rows, areaCodes: gridCodes })) {
    const c = p.cells;
    const id = c.idNumber!;
    const phone = c.phone ?? '';
    let py = pinyinCache.get(c.name!);
    if (!py) {
      py = namePinyin(c.name!);
      pinyinCache.set(c.name!, py);
    }
    chunk += csvLine([
      String(gridIds.get(c.areaCode!)),
      c.name!,
      py.full,
      py.initials,
      cipher.encrypt(id),
      cipher.blindIndex(id),
      maskIdentityNumber(id),
      `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
      Number(id[16]) % 2 === 1 ? 'male' : 'female',
      phone ? cipher.encrypt(phone) : '',
      phone ? cipher.blindIndex(phone) : '',
      phone ? maskPhone(phone) : '',
      POPULATION[c.populationType!] ?? 'registered',
      RESIDENCE[c.residenceStatus!] ?? 'together',
      c.relation === '户主' ? 'head' : 'other',
      id.slice(0, 6),
      c.ethnicity ?? '',
      c.education ?? '',
      c.occupation ?? '',
      c.currentAddress ?? '',
      c.registrationAddress ?? '',
    ]);
    inChunk += 1;
    if (inChunk === 20_000) {
      await copyFrom(db, statement, Buffer.from(chunk));
      chunk = '';
      inChunk = 0;
      if (p.index % 200_000 === 199_999) console.log(`  sealed and staged ${f(p.index + 1, 0)} persons, ${f((performance.now() - started) / 1000)} s`);
    }
  }
  if (inChunk > 0) await copyFrom(db, statement, Buffer.from(chunk));
  // Empty CSV fields arrive as NULL, as the import leaves them.
  // As a restore: no row triggers (the address text is given, the area ids are the district's own) — each area's
  // part of the text once (MATERIALIZED: a plain subquery is pulled up and its function called for every row).
  await db.transaction().execute(async (trx) => {
    await sql`SET LOCAL session_replication_role = replica`.execute(trx);
    await sql
      .raw(
        `INSERT INTO persons (${COLUMNS.join(', ')}, address_text)
         WITH a AS MATERIALIZED (SELECT id, area_address_text(id) AS t FROM areas)
         SELECT ${COLUMNS.map((c) => `s.${c}`).join(', ')}, address_text_of(a.t, NULL, s.current_address, s.registration_address)
           FROM bench_persons_staging AS s JOIN a ON a.id = s.area_id`,
      )
      .execute(trx);
  });
  await sql`DROP TABLE bench_persons_staging`.execute(db);
  console.log(`  persons inserted, ${f((performance.now() - started) / 1000)} s; building ${indexes.length} indexes`);
  await db.connection().execute(async (c) => {
    await sql`SET maintenance_work_mem = '512MB'`.execute(c);
    for (const i of indexes) await sql.raw(i.def).execute(c);
  });
  // Statistics for every table, as autovacuum would have them on a server that has run a while: without them
  // (areas freshly written) a one-character name search over the district planned a nested loop over every area (6.3 s).
  await sql`VACUUM (ANALYZE)`.execute(db);
  return performance.now() - started;
}

async function session(app: Awaited<ReturnType<typeof buildApp>>, database: Database, username: string, role: string, areaId: number) {
  const user = await database.db.insertInto('users').values({ username, display_name: username, password_hash: await hashPassword('Bench#2026x'), home_area_id: areaId }).returning('id').executeTakeFirstOrThrow();
  await database.db.insertInto('role_assignments').values({ user_id: user.id, role: role as 'area_admin', area_id: areaId }).execute();
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'Bench#2026x' } });
  if (login.statusCode !== 200) throw new Error(`login ${username}: ${login.statusCode} ${login.body}`);
  return { cookie: login.cookies.map((c) => `${c.name}=${c.value}`).join('; ') };
}

/** The repository's search SQL for one kind (person.repository.ts `search`, as Kysely writes it). */
function searchSql(kind: 'id' | 'phone' | 'name' | 'address', scopePath: string, value: string) {
  const terms = kind === 'address' ? addressTerms(value) : { contains: [], numbers: [] };
  const where =
    kind === 'id'
      ? sql`p.id_bidx IN (${value})`
      : kind === 'phone'
        ? sql`p.phone_bidx IN (${value})`
        : kind === 'name'
          ? sql`p.name COLLATE "C" LIKE ${`${value}%`}`
          : sql.join([...terms.contains.map((c) => sql`p.address_text LIKE ${`%${c}%`}`), ...terms.numbers.map((n) => sql`p.address_text LIKE ${`%${n}%`}`), ...(terms.numbers.length ? [sql`address_numbers(p.address_text) @> ${terms.numbers}::text[]`] : [])], sql` AND `);
  return sql`SELECT p.id, p.name, p.id_masked, p.phone_masked, p.area_id, ho.address
    FROM persons AS p LEFT JOIN households AS h ON h.id = p.household_id LEFT JOIN houses AS ho ON ho.id = h.house_id
    WHERE p.area_id IN (SELECT s.id FROM areas s WHERE s.path LIKE ANY(${[`${scopePath}%`]}::text[]))
      AND p.merged_into IS NULL AND ${where}
    ORDER BY ${kind === 'name' ? sql`p.name COLLATE "C", p.id` : sql`p.id`} LIMIT 51`;
}

/** What a grid worker types for a sampled person's home: '12幢 305室' → '12栋305'. */
function addressQuery(address: string): string {
  const m = /(\d+)幢 (\d+)室/.exec(address);
  return m ? `${m[1]}栋${m[2]}` : address;
}

/** A district loaded by an earlier run kept with --keep-db: its root and grids. */
async function loaded(database: Database): Promise<{ rootId: number; gridIds: Map<string, number> }> {
  const areas = await database.db.selectFrom('areas').select(['id', 'code', 'level']).execute();
  return { rootId: areas.find((a) => a.code === '990100000000')!.id, gridIds: new Map(areas.filter((a) => a.level === 'grid').map((a) => [a.code, a.id])) };
}

async function run(label: string, database: Database, rows: number, reuse = false): Promise<{ table: string[]; plans: string[] }> {
  const config = testConfig({ databaseUrl: null });
  const cipher = new FieldCipher(config.dataKeys);
  let district: { rootId: number; gridIds: Map<string, number> };
  if (reuse) district = await loaded(database);
  else {
    await migrate(database);
    district = await buildDistrict(database);
    const loadMs = await load(database, rows, cipher, district.gridIds);
    console.log(`${label}: ${f(rows, 0)} persons loaded in ${f(loadMs / 1000)} s`);
  }
  const { rootId, gridIds } = district;
  const deps = { config, database, cipher, clock: () => new Date() };
  const app = await buildApp(deps, { logger: { level: 'error' } });
  const gridCode = gridCodes[7]!;
  const tag = randomBytes(3).toString('hex');
  const admin = await session(app, database, `bench_admin_${tag}`, 'area_admin', rootId);
  const worker = await session(app, database, `bench_worker_${tag}`, 'grid_worker', gridIds.get(gridCode)!);

  // Samples: persons spread over the whole population; the worker's from their own grid.
  const everyone: { id: string; phone: string; name: string; address: string }[] = [];
  const mine: { id: string; phone: string; name: string; address: string }[] = [];
  const step = Math.max(1, Math.floor(rows / (SAMPLES * 4)));
  for (let i = 0; i < rows && (everyone.length < SAMPLES || mine.length < SAMPLES); i += step) {
    for (const p of syntheticResidents({ count: 1, offset: i, areaCodes: gridCodes })) {
      const s = { id: p.cells.idNumber!, phone: p.cells.phone!, name: p.cells.name!, address: p.cells.currentAddress! };
      if (everyone.length < SAMPLES && s.phone) everyone.push(s);
      if (mine.length < SAMPLES && s.phone && p.cells.areaCode === gridCode) mine.push(s);
    }
  }
  for (let i = 0; mine.length < 50 && i < rows; i += 1) {
    for (const p of syntheticResidents({ count: 1, offset: i, areaCodes: gridCodes })) if (p.cells.phone && p.cells.areaCode === gridCode) mine.push({ id: p.cells.idNumber!, phone: p.cells.phone, name: p.cells.name!, address: p.cells.currentAddress! });
  }

  const time = async (who: { cookie: string }, q: string, expectOne: boolean): Promise<number> => {
    const t0 = performance.now();
    const res = await app.inject({ url: `/api/basedata/persons?q=${encodeURIComponent(q)}&limit=50`, headers: { cookie: who.cookie } });
    const ms = performance.now() - t0;
    if (res.statusCode !== 200) throw new Error(`search answered ${res.statusCode}: ${res.body}`);
    if (expectOne && res.json<PersonPage>().items.length !== 1) throw new Error(`search for a sampled person found ${res.json<PersonPage>().items.length}`);
    return ms;
  };
  const table: string[] = [];
  const measure = async (who: { cookie: string }, whoLabel: string, samples: typeof everyone) => {
    for (const s of samples.slice(0, 20)) await time(who, s.id, true); // warm-up
    console.log(`${label}, ${whoLabel}: searches start, ${loadNow()}`);
    const byId: number[] = [], byPhone: number[] = [], byName: number[] = [], bySurname: number[] = [], byAddress: number[] = [];
    for (const s of samples) {
      byId.push(await time(who, s.id, true));
      byPhone.push(await time(who, s.phone, true));
      byName.push(await time(who, s.name.slice(0, 2), false));
      bySurname.push(await time(who, s.name.slice(0, 1), false));
      byAddress.push(await time(who, addressQuery(s.address), false));
    }
    table.push(`| ${label} | ${whoLabel} | ${samples.length} × 5 | ${stats(byId)} | ${stats(byPhone)} | ${stats(byName)} | ${stats(bySurname)} | ${stats(byAddress)} |`);
  };
  await measure(admin, 'district area admin (whole district)', everyone);
  await measure(worker, `grid worker (one grid, ${f(rows / GRIDS, 0)} persons)`, mine);
  // The request without the search: session, permission, framework (GET /api/auth/me).
  const me: number[] = [];
  for (let k = 0; k < everyone.length; k += 1) {
    const t0 = performance.now();
    await app.inject({ url: '/api/auth/me', headers: { cookie: admin.cookie } });
    me.push(performance.now() - t0);
  }
  table.push(`| ${label} | floor: GET /api/auth/me (session and framework, no search) | ${everyone.length} | ${stats(me)} | | | | |`);
  await app.close();

  // Floors: the bare indexed lookup and a round trip, same connection pool, same samples.
  const bare: number[] = [], one: number[] = [];
  for (const s of everyone) {
    const bidx = cipher.blindIndex(s.id);
    const t0 = performance.now();
    await sql`SELECT id FROM persons WHERE id_bidx = ${bidx}`.execute(database.db);
    bare.push(performance.now() - t0);
    const t1 = performance.now();
    await sql`SELECT 1`.execute(database.db);
    one.push(performance.now() - t1);
  }
  console.log(`${label}: searches and floors done, ${loadNow()}`);
  table.push(`| ${label} | floor: bare \`SELECT id FROM persons WHERE id_bidx = $1\` / \`SELECT 1\` | ${everyone.length} | ${stats(bare)} / ${stats(one)} | | | | |`);

  // The plans of the hot queries.
  const plans: string[] = [];
  const rootPath = (await sql<{ path: string }>`SELECT path FROM areas WHERE id = ${rootId}`.execute(database.db)).rows[0]!.path;
  const gridPath = (await sql<{ path: string }>`SELECT path FROM areas WHERE id = ${gridIds.get(gridCode)!}`.execute(database.db)).rows[0]!.path;
  const s = everyone[0]!;
  for (const [kind, value, scopePath, who] of [
    ['id', cipher.blindIndex(s.id), rootPath, 'district'],
    ['phone', cipher.blindIndex(s.phone), rootPath, 'district'],
    ['name', s.name.slice(0, 2), rootPath, 'district'],
    ['name', mine[0]!.name.slice(0, 2), gridPath, 'grid'],
    ['name', s.name.slice(0, 1), gridPath, 'grid'],
    ['name', s.name.slice(0, 1), rootPath, 'district'],
    ['address', addressQuery(mine[0]!.address), gridPath, 'grid'],
    ['address', addressQuery(s.address), rootPath, 'district'],
  ] as const) {
    const explained = await sql<{ 'QUERY PLAN': string }>`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${searchSql(kind, scopePath, value)}`.execute(database.db);
    plans.push(`-- ${label}, by ${kind}${kind === 'name' ? ` '${value}%'` : kind === 'address' ? ` '${value}'` : ''}, ${who} scope\n${explained.rows.map((r) => r['QUERY PLAN']).join('\n')}`);
  }
  return { table, plans };
}

const header = ['| engine | who | searches | by ID number p50 / p95 / p99 (ms) | by phone p50 / p95 / p99 | by name prefix (2 characters) p50 / p95 / p99 | by surname (1 character, 50 a page) p50 / p95 / p99 | by address (building and room, 50 a page) p50 / p95 / p99 |', '| --- | --- | --- | --- | --- | --- | --- | --- |'];
const lines = [...header];
const plans: string[] = [];
const embeddedRows = Number(values['embedded-rows']);
if (embeddedRows > 0) {
  const embedded = await openEmbedded();
  try {
    const r = await run(`embedded (PGlite), ${f(embeddedRows, 0)} persons`, embedded, embeddedRows);
    lines.push(...r.table);
    plans.push(...r.plans);
  } finally {
    await embedded.close();
  }
}
const pgBase = values.pg ?? process.env.DATABASE_URL;
if (pgBase) {
  const reuse = values['reuse-db'];
  const name = reuse ?? values['keep-db'] ?? `redgrid_bench_${randomBytes(4).toString('hex')}`;
  const admin = new URL(pgBase);
  admin.pathname = '/postgres';
  const adminClient = new pg.Client({ connectionString: admin.toString() });
  await adminClient.connect();
  if (!reuse) await adminClient.query(`CREATE DATABASE "${name}"`);
  const target = new URL(pgBase);
  target.pathname = `/${name}`;
  const database = await openPostgres(target.toString());
  try {
    const rows = reuse ? Number((await sql<{ n: string }>`SELECT count(*) AS n FROM persons`.execute(database.db)).rows[0]?.n) : Number(values.rows);
    const r = await run(`PostgreSQL, ${f(rows, 0)} persons`, database, rows, reuse !== undefined);
    lines.push(...r.table);
    plans.push(...r.plans);
  } finally {
    await database.close();
    if (!values['keep-db'] && !reuse) await adminClient.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await adminClient.end();
  }
}
console.log(`\nPerson search benchmark — ${new Date().toISOString().slice(0, 10)}\n`);
console.log(lines.join('\n'));
console.log(`\n${plans.join('\n\n')}`);
