/**
 * Geography benchmarks: point location and vector tiles over a synthetic city of 20,000 grids.
 *
 *   node --import tsx bench/geo.bench.ts [--pg postgres://postgres@127.0.0.1:5432] [--grids 20000] [--points 100000]
 *
 * Runs on the embedded engine (PGlite, in memory) and, with --pg (or DATABASE_URL), on PostgreSQL in a
 * database it creates and drops. Every figure is paired with a baseline measured in the same run on
 * the same engine, so ratios stay meaningful on a busy machine.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../apps/server/src/app.ts';
import { testConfig } from '../apps/server/src/config.ts';
import { openEmbedded, openPostgres, type Database } from '../apps/server/src/db/engine.ts';
import { migrate } from '../apps/server/src/db/migrate.ts';
import { areaGeoRepository, areaTileRepository } from '../apps/server/src/modules/area/index.ts';
import { FieldCipher } from '../apps/server/src/platform/crypto.ts';
import { hashPassword } from '../apps/server/src/platform/password.ts';
import { seededRandom } from '../apps/server/src/modules/geo/index.ts';
import { restricted } from '../apps/server/src/platform/data-access.ts';

const { values } = parseArgs({
  options: { pg: { type: 'string' }, 'keep-db': { type: 'string' }, 'build-only': { type: 'boolean', default: false }, grids: { type: 'string', default: '20000' }, points: { type: 'string', default: '100000' }, 'skip-embedded': { type: 'boolean', default: false } },
});
const GRID_COUNT = Number(values.grids);
const POINTS = Number(values.points);
const COLS = 200;
const ROWS = Math.ceil(GRID_COUNT / COLS);
const BBOX = { west: 120.0, east: 120.6, south: 31.5, north: 31.9 };
const CELL_W = (BBOX.east - BBOX.west) / COLS;
const CELL_H = (BBOX.north - BBOX.south) / ROWS;

/** Lattice nodes jittered deterministically, shared by neighbouring cells, so the grids tile without gaps. */
function node(i: number, j: number): [number, number] {
  const r = seededRandom(7, `n${i},${j}`);
  const edge = i === 0 || j === 0 || i === COLS || j === ROWS;
  const jx = edge ? 0 : (r() - 0.5) * CELL_W * 0.3;
  const jy = edge ? 0 : (r() - 0.5) * CELL_H * 0.3;
  return [BBOX.west + i * CELL_W + jx, BBOX.north - j * CELL_H + jy];
}

function mid(a: [number, number], b: [number, number], key: string, onBorder: boolean): [number, number] {
  const r = seededRandom(11, key);
  const k = onBorder ? 0 : (r() - 0.5) * 0.2;
  return [(a[0] + b[0]) / 2 + k * CELL_W * 0.3, (a[1] + b[1]) / 2 + k * CELL_H * 0.3];
}

/** A cell as an 8-vertex ring (corners and jittered edge midpoints), counter-clockwise. */
function cell(i: number, j: number): string {
  const nw = node(i, j), ne = node(i + 1, j), se = node(i + 1, j + 1), sw = node(i, j + 1);
  const n = mid(nw, ne, `h${i},${j}`, j === 0);
  const s = mid(sw, se, `h${i},${j + 1}`, j + 1 === ROWS);
  const w = mid(nw, sw, `v${i},${j}`, i === 0);
  const e = mid(ne, se, `v${i + 1},${j}`, i + 1 === COLS);
  const ring = [nw, w, sw, s, se, e, ne, n, nw].map(([x, y]) => `${x.toFixed(7)} ${y.toFixed(7)}`).join(',');
  return `MULTIPOLYGON(((${ring})))`;
}

async function buildCity(database: Database): Promise<{ rootPath: string }> {
  const db = database.db;
  const root = await db.insertInto('areas').values({ code: '990100000000', name: '基准市辖区', level: 'district', parent_id: null }).returning(['id', 'path']).executeTakeFirstOrThrow();
  // 10x10 cells per community, 2x2 communities per street.
  const streetOf = (i: number, j: number) => Math.floor(i / 20) + Math.floor(j / 20) * (COLS / 20);
  const communityOf = (i: number, j: number) => Math.floor(i / 10) + Math.floor(j / 10) * (COLS / 10);
  const streets = new Map<number, number>();
  const communities = new Map<number, number>();
  const codes: string[] = [], names: string[] = [], parents: number[] = [], shapes: string[] = [], households: number[] = [];
  const rand = seededRandom(3, 'households');
  let made = 0;
  for (let j = 0; j < ROWS && made < GRID_COUNT; j += 1) {
    for (let i = 0; i < COLS && made < GRID_COUNT; i += 1, made += 1) {
      const s = streetOf(i, j);
      if (!streets.has(s)) {
        const row = await db.insertInto('areas').values({ code: `990100${String(s + 1).padStart(3, '0')}000`, name: `街道${s + 1}`, level: 'street', parent_id: root.id }).returning('id').executeTakeFirstOrThrow();
        streets.set(s, row.id);
      }
      const c = communityOf(i, j);
      if (!communities.has(c)) {
        const row = await db.insertInto('areas').values({ code: `990100${String(s + 1).padStart(3, '0')}${String(c + 1).padStart(3, '0')}`, name: `社区${c + 1}`, level: 'community', parent_id: streets.get(s) ?? 0 }).returning('id').executeTakeFirstOrThrow();
        communities.set(c, row.id);
      }
      codes.push(`G${String(made + 1).padStart(6, '0')}`);
      names.push(`网格${made + 1}`);
      parents.push(communities.get(c) ?? 0);
      shapes.push(cell(i, j));
      households.push(300 + Math.floor(rand() * 200));
    }
  }
  await sql`
    WITH g AS (
      INSERT INTO areas (code, name, level, parent_id, grid_type, households)
      SELECT code, name, 'grid', parent_id, 'comprehensive', households
        FROM unnest(${codes}::text[], ${names}::text[], ${parents}::bigint[], ${households}::int[]) AS t(code, name, parent_id, households)
      RETURNING id, code)
    INSERT INTO area_boundaries (area_id, geom, valid_from)
    SELECT g.id, ST_GeomFromText(s.wkt, 4326), now() FROM g JOIN unnest(${codes}::text[], ${shapes}::text[]) AS s(code, wkt) ON s.code = g.code`.execute(db);
  // Communities, streets and the district get the union of their grids, as real boundaries nest.
  for (const level of ['community', 'street', 'district'] as const) {
    await sql`
      INSERT INTO area_boundaries (area_id, geom, valid_from)
      SELECT p.id, ST_Multi(ST_Union(b.geom)), now()
        FROM areas p JOIN areas c ON c.parent_id = p.id JOIN area_boundaries b ON b.area_id = c.id AND b.valid_to IS NULL
       WHERE p.level = ${level} GROUP BY p.id`.execute(db);
  }
  await sql`ANALYZE`.execute(db);
  return { rootPath: root.path };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function timeIt<T>(work: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const value = await work();
  return [performance.now() - t0, value];
}

function tileOf(lng: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const rad = (lat * Math.PI) / 180;
  return [Math.floor(((lng + 180) / 360) * n), Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n)];
}

async function run(label: string, database: Database): Promise<string[]> {
  await migrate(database);
  const [buildMs, { rootPath }] = await timeIt(() => buildCity(database));
  if (values['build-only']) return [`| ${label} | build only | ${buildMs} ms | root ${rootPath} |`];
  const scope = { areas: [rootPath], departments: [], partyOrgs: [] };
  const db = database.db;
  // The repositories as a unit of work hands them out: the same handle type, the caller's scope.
  const geo = areaGeoRepository(restricted(db), scope);
  const tileRepository = areaTileRepository(restricted(db), scope);
  const rand = seededRandom(5, 'points');
  const lngs: number[] = [], lats: number[] = [];
  for (let k = 0; k < POINTS; k += 1) {
    lngs.push(BBOX.west + rand() * (BBOX.east - BBOX.west));
    lats.push(BBOX.south + rand() * (BBOX.north - BBOX.south));
  }
  // Baseline: the same arrays through the engine, making a point each, no join.
  const [baseMs] = await timeIt(() => sql`SELECT count(ST_MakePoint(lng, lat)) FROM unnest(${lngs}::float8[], ${lats}::float8[]) AS p(lng, lat)`.execute(db));
  await geo.locateMany(lngs.slice(0, 1000), lats.slice(0, 1000)); // warm the cache
  const [batchMs, ids] = await timeIt(() => geo.locateMany(lngs, lats));
  const located = ids.filter((id) => id !== null).length;

  // Single lookups through the repository, and bare SELECT 1 as the floor.
  const single: number[] = [], bare: number[] = [];
  for (let k = 0; k < 2000; k += 1) {
    const [ms] = await timeIt(() => geo.findDeepestContaining(lngs[k] ?? 0, lats[k] ?? 0));
    single.push(ms);
    const [b] = await timeIt(() => sql`SELECT 1`.execute(db));
    bare.push(b);
  }
  single.sort((a, b) => a - b);
  bare.sort((a, b) => a - b);

  // The HTTP request a phone makes: GET /api/areas/locate, session and all, injected in-process.
  const config = testConfig({ databaseUrl: null });
  const app = await buildApp({ config, database, cipher: new FieldCipher(config.dataKeys), clock: () => new Date() }, { logger: false });
  const rootId = Number(rootPath.split('/').filter(Boolean)[0]);
  const user = await db.insertInto('users').values({ username: 'bench', display_name: '基准', password_hash: await hashPassword('Bench#2026x'), home_area_id: rootId }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('role_assignments').values({ user_id: user.id, role: 'area_admin', area_id: rootId }).execute();
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'bench', password: 'Bench#2026x' } });
  const cookie = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const http: number[] = [];
  for (let k = 0; k < 1000; k += 1) {
    const [ms, res] = await timeIt(() => app.inject({ url: `/api/areas/locate?lng=${lngs[k]}&lat=${lats[k]}&crs=gcj02`, headers: { cookie } }));
    if (res.statusCode !== 200) throw new Error(`locate answered ${res.statusCode}: ${res.body}`);
    http.push(ms);
  }
  http.sort((a, b) => a - b);
  const [httpBatchMs, batchRes] = await timeIt(() =>
    app.inject({ method: 'POST', url: '/api/areas/locate', headers: { cookie, 'x-csrf-token': login.json<{ csrfToken: string }>().csrfToken }, payload: { crs: 'gcj02', points: lngs.map((x, k) => [x, lats[k] ?? 0]) } }),
  );
  if (batchRes.statusCode !== 200) throw new Error(`batch answered ${batchRes.statusCode}`);
  await app.close();

  // z12 tiles over the middle of the city.
  const [cx, cy] = tileOf((BBOX.west + BBOX.east) / 2, (BBOX.south + BBOX.north) / 2, 12);
  const tiles: number[] = [];
  let features = 0;
  await tileRepository.tile(12, cx, cy);
  for (let dx = -2; dx <= 2; dx += 1) {
    for (let dy = -2; dy <= 2; dy += 1) {
      const [ms, tile] = await timeIt(() => tileRepository.tile(12, cx + dx, cy + dy));
      tiles.push(ms);
      features = Math.max(features, tile.byteLength);
    }
  }
  tiles.sort((a, b) => a - b);

  const f = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 });
  return [
    `| ${label} | build ${GRID_COUNT.toLocaleString('en-US')} grids | ${f(buildMs / 1000)} s | |`,
    `| ${label} | batch locate, ${POINTS.toLocaleString('en-US')} points (repository SQL) | ${f(batchMs)} ms → **${f(POINTS / (batchMs / 1000))} points/s** (${located.toLocaleString('en-US')} inside) | baseline unnest+MakePoint ${f(baseMs)} ms (×${f(batchMs / baseMs)}) |`,
    `| ${label} | batch locate over HTTP (POST /api/areas/locate, GCJ-02) | ${f(httpBatchMs)} ms → ${f(POINTS / (httpBatchMs / 1000))} points/s | |`,
    `| ${label} | single locate (repository) p50 / p99 | ${f(percentile(single, 50))} / ${f(percentile(single, 99))} ms | SELECT 1 p50 / p99 ${f(percentile(bare, 50))} / ${f(percentile(bare, 99))} ms |`,
    `| ${label} | single locate request (GET /api/areas/locate, in-process) p50 / p99 | ${f(percentile(http, 50))} / **${f(percentile(http, 99))} ms** | |`,
    `| ${label} | z12 vector tile (25 tiles) mean / p95 / max | ${f(tiles.reduce((a, b) => a + b, 0) / tiles.length)} / ${f(percentile(tiles, 95))} / **${f(tiles[tiles.length - 1] ?? 0)} ms** | largest tile ${f(features / 1024)} KiB |`,
  ];
}

const lines: string[] = ['| engine | what | result | baseline |', '| --- | --- | --- | --- |'];
if (!values['skip-embedded']) {
  const embedded = await openEmbedded();
  try {
    lines.push(...(await run('embedded (PGlite)', embedded)));
  } finally {
    await embedded.close();
  }
}
const pgBase = values.pg ?? process.env.DATABASE_URL;
if (pgBase) {
  // --keep-db NAME leaves the city in a database of that name, for EXPLAIN sessions.
  const name = values['keep-db'] ?? `redgrid_bench_${randomBytes(4).toString('hex')}`;
  const admin = new URL(pgBase);
  admin.pathname = '/postgres';
  const adminClient = new pg.Client({ connectionString: admin.toString() });
  await adminClient.connect();
  await adminClient.query(`CREATE DATABASE "${name}"`);
  const target = new URL(pgBase);
  target.pathname = `/${name}`;
  const database = await openPostgres(target.toString());
  try {
    lines.push(...(await run('PostgreSQL', database)));
  } finally {
    await database.close();
    if (!values['keep-db']) await adminClient.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await adminClient.end();
  }
}
console.log(`\nGeography benchmark — ${new Date().toISOString().slice(0, 10)}, ${GRID_COUNT.toLocaleString('en-US')} grids\n`);
console.log(lines.join('\n'));
