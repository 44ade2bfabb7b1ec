/**
 * Open311 POST throughput: service requests filed over HTTP against the real server (Fastify listening
 * on a port, keep-alive clients in a worker thread), each through the whole path — api_key check, the
 * catalogue, gridAtPoint, a guest unit, fileCase (grid, item, working clock, case number, the case, its
 * first timeline event, the audit row). Points are spread over the demo district's 295 grids. The
 * baseline, measured in the same run against the same server: GET /api/health (HTTP + Fastify and a
 * database ping), and POSTs refused for a bad api_key (the HTTP and parsing part of a POST). The three
 * run in turns (`--rounds`, each a slice of `--seconds`), so a shared machine's changing load falls on all
 * of them alike. On PostgreSQL it also counts the statements of a POST and samples what the server's
 * sessions do meanwhile (running, waiting for a lock, for the WAL, for the server's next statement).
 *
 *   node --import tsx bench/open311.bench.ts [--pg postgres://postgres@127.0.0.1:5432] [--seconds 20] [--rounds 3] [--connections 32] [--skip-embedded] [--db NAME] [--pool 16]
 *   npm run bench -- open311 -- --pg postgres://postgres@127.0.0.1:5432
 *
 * PostgreSQL: a database `open311_bench` (`--db NAME`) is created and dropped (`--keep-db` keeps it).
 */
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../apps/server/src/app.ts';
import { systemContext } from '../apps/server/src/boot.ts';
import { testConfig } from '../apps/server/src/config.ts';
import { openEmbedded, openPostgres, type Database } from '../apps/server/src/db/engine.ts';
import { migrate } from '../apps/server/src/db/migrate.ts';
import { DEMO_OPEN311_KEY } from '../apps/server/src/modules/open311/index.ts';
import type { AppDeps } from '../apps/server/src/platform/context.ts';
import { FieldCipher } from '../apps/server/src/platform/crypto.ts';
import { seedDemo } from '../apps/server/src/seed/demo.ts';

const { values } = parseArgs({
  options: { pg: { type: 'string' }, seconds: { type: 'string', default: '20' }, connections: { type: 'string', default: '32' }, 'skip-embedded': { type: 'boolean', default: false }, 'keep-db': { type: 'boolean', default: false }, db: { type: 'string', default: 'open311_bench' }, port: { type: 'string', default: '3145' }, rounds: { type: 'string', default: '3' }, pool: { type: 'string', default: '16' } },
});
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const CONNECTIONS = Number(values.connections);

interface Load {
  requests: number;
  ok: number;
  failed: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  firstError: string | null;
}

/** The client: a worker thread with its own event loop, `connections` loops of fetch for `seconds`. */
const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, method, bodies, headers, seconds, connections, expect } = workerData;
const latencies = [];
let ok = 0, failed = 0, firstError = null, i = 0;
const end = Date.now() + seconds * 1000;
async function loop() {
  while (Date.now() < end) {
    const body = bodies ? bodies[i++ % bodies.length] : undefined;
    const t0 = performance.now();
    try {
      const res = await fetch(url, { method, headers, body });
      const text = await res.text();
      latencies.push(performance.now() - t0);
      if (res.status === expect) ok++; else { failed++; firstError ??= res.status + ' ' + text.slice(0, 200); }
    } catch (e) { failed++; firstError ??= String(e); }
  }
}
const started = Date.now();
Promise.all(Array.from({ length: connections }, loop)).then(() => {
  parentPort.postMessage({ ok, failed, seconds: (Date.now() - started) / 1000, latencies, firstError });
});
`;

interface Slice {
  ok: number;
  failed: number;
  seconds: number;
  latencies: number[];
  firstError: string | null;
}

/** Slices of one kind of request, run in turn with the other kinds, summed into one row. */
function summed(slices: readonly Slice[]): Load {
  const ok = slices.reduce((n, x) => n + x.ok, 0);
  const failed = slices.reduce((n, x) => n + x.failed, 0);
  const seconds = slices.reduce((n, x) => n + x.seconds, 0);
  const latencies = slices.flatMap((x) => x.latencies).sort((a, b) => a - b);
  const q = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]! : 0);
  return { requests: ok + failed, ok, failed, perSecond: ok / seconds, p50: q(0.5), p95: q(0.95), p99: q(0.99), firstError: slices.find((x) => x.firstError)?.firstError ?? null };
}

function load(opts: { url: string; method: 'GET' | 'POST'; bodies?: string[]; headers?: Record<string, string>; seconds: number; expect: number }): Promise<Slice> {
  return new Promise((resolve, reject) => {
    const w = new Worker(CLIENT, { eval: true, workerData: { ...opts, connections: CONNECTIONS } });
    w.once('message', (m: Slice) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

/**
 * The statements the server sends to PostgreSQL while `counting` is set, by their opening words: pg's
 * client patched for this benchmark only (the server's own code is untouched).
 */
let counting: Map<string, number> | null = null;
const clientQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  if (counting) {
    const first = args[0];
    const text = typeof first === 'string' ? first : first && typeof first === 'object' && 'text' in first ? String(first.text) : '?';
    const key = text.replace(/\s+/g, ' ').trim().slice(0, 90);
    counting.set(key, (counting.get(key) ?? 0) + 1);
  }
  return Reflect.apply(clientQuery, this, args) as unknown;
} as typeof clientQuery;

/** Statements per POST, from `n` POSTs one after another (PostgreSQL only). */
async function countStatements(url: string, bodies: string[], headers: Record<string, string>, n = 20): Promise<void> {
  counting = new Map();
  for (let i = 0; i < n; i += 1) await (await fetch(url, { method: 'POST', headers, body: bodies[(i * 7) % bodies.length]! })).text();
  const counted = counting;
  counting = null;
  const total = [...counted.values()].reduce((a, b) => a + b, 0);
  console.log(`  statements per POST: ${(total / n).toFixed(1)} (${n} POSTs one at a time)`);
  for (const [text, times] of counted) console.log(`    ${(times / n).toFixed(1)} × ${text}`);
}

/**
 * What the server's PostgreSQL sessions are doing while POSTs run, sampled every 20 ms from a connection of
 * its own: on the CPU, waiting for a lock (the audit chain's head, a case number), waiting for the WAL
 * (commits), or inside a transaction waiting for the server to send its next statement.
 */
async function backendSampler(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const totals = new Map<string, number>();
  let samples = 0;
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<void> | null = null;
  const sample = async () => {
    const { rows } = await client.query<{ what: string; n: string }>(`
      SELECT CASE WHEN state = 'idle in transaction' THEN 'in a transaction, waiting for the server'
                  WHEN state <> 'active' THEN 'idle'
                  WHEN wait_event_type = 'Lock' THEN 'waiting for a lock (' || wait_event || ')'
                  WHEN wait_event IN ('WALWrite', 'WALSync', 'WALInitSync', 'WALInitWrite') OR wait_event_type = 'LWLock' AND wait_event LIKE 'WAL%' THEN 'waiting for the WAL (commit)'
                  WHEN wait_event_type = 'Client' THEN 'reading the next message'
                  WHEN wait_event_type IS NULL THEN 'running'
                  ELSE 'other wait (' || wait_event_type || ')' END AS what, count(*) AS n
        FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
       GROUP BY 1`);
    samples += 1;
    for (const r of rows) totals.set(r.what, (totals.get(r.what) ?? 0) + Number(r.n));
  };
  return {
    start: () => {
      timer = setInterval(() => {
        inFlight ??= sample()
          .catch(() => undefined)
          .finally(() => (inFlight = null));
      }, 20);
    },
    stop: () => {
      if (timer) clearInterval(timer);
      timer = null;
    },
    async report(): Promise<string> {
      await inFlight;
      await client.end();
      const lines = [...totals].sort((a, b) => b[1] - a[1]).map(([what, n]) => `    ${(n / samples).toFixed(2)} ${what}`);
      return `  PostgreSQL sessions during the POSTs (mean of ${samples} samples):\n${lines.join('\n')}`;
    },
  };
}

async function run(label: string, database: Database, sampleUrl?: string): Promise<string[]> {
  console.log(`${label}: migrating and seeding the demo district …`);
  await migrate(database);
  const config = testConfig({ scheduler: false, databaseUrl: null });
  const deps: AppDeps = { config, database, cipher: new FieldCipher(config.dataKeys), clock: () => new Date() };
  const app = await buildApp(deps, { logger: false });
  await seedDemo(systemContext(deps, app.log), { editions: false, residents: false });
  // Statistics after the seed, as the server's own start would have after a day of autovacuum.
  await sql`ANALYZE`.execute(database.db);
  const item = (await sql<{ code: string }>`SELECT code FROM affair_items WHERE name = '消防安全隐患'`.execute(database.db)).rows[0]!.code;
  const points = (
    await sql<{ lng: number; lat: number }>`
      SELECT ST_X(ST_PointOnSurface(b.geom)) AS lng, ST_Y(ST_PointOnSurface(b.geom)) AS lat
        FROM area_boundaries b WHERE b.valid_to IS NULL AND b.area_level = 'grid' ORDER BY b.area_id`.execute(database.db)
  ).rows;
  const bodies = points.map((p, i) =>
    new URLSearchParams({ api_key: DEMO_OPEN311_KEY, service_code: item, lat: String(p.lat), long: String(p.lng), 'attribute[kind]': '其他', description: `基准测试 ${i}：楼道堆放杂物`, first_name: '三', last_name: '张', phone: '17012345678' }).toString(),
  );
  const refused = bodies.map((b) => b.replace(DEMO_OPEN311_KEY, 'not-a-key-0000'));
  const address = await app.listen({ port: Number(values.port), host: '127.0.0.1' });
  const form = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
  try {
    // Warm-up: the catalogue cache, the working clock, the JIT.
    await load({ url: `${address}/open311/v2/requests.json`, method: 'POST', bodies, headers: form, seconds: 3, expect: 200 });
    if (database.kind === 'postgres') await countStatements(`${address}/open311/v2/requests.json`, bodies, form);
    // In turn, a slice of each at a time, so a change in the machine's load falls on all three alike.
    const slices: { health: Slice[]; bad: Slice[]; posts: Slice[] } = { health: [], bad: [], posts: [] };
    const slice = SECONDS / ROUNDS;
    const sampler = sampleUrl ? await backendSampler(sampleUrl) : null;
    for (let round = 0; round < ROUNDS; round += 1) {
      slices.health.push(await load({ url: `${address}/api/health`, method: 'GET', seconds: slice, expect: 200 }));
      slices.bad.push(await load({ url: `${address}/open311/v2/requests.json`, method: 'POST', bodies: refused, headers: form, seconds: slice, expect: 403 }));
      sampler?.start();
      slices.posts.push(await load({ url: `${address}/open311/v2/requests.json`, method: 'POST', bodies, headers: form, seconds: slice, expect: 200 }));
      sampler?.stop();
    }
    if (sampler) console.log(await sampler.report());
    const [health, bad, posts] = [summed(slices.health), summed(slices.bad), summed(slices.posts)];
    const filed = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM cases WHERE channel = 'open311'`.execute(database.db)).rows[0]!.n);
    const row = (name: string, l: Load) =>
      `| ${label} | ${name} | ${l.ok.toLocaleString('en')} | ${l.failed} | **${l.perSecond.toFixed(0)}** | ${l.p50.toFixed(1)} / ${l.p95.toFixed(1)} / ${l.p99.toFixed(1)} |`;
    for (const [name, l] of [['GET /api/health (baseline)', health], ['POST refused, bad api_key (baseline)', bad], ['POST /open311/v2/requests.json', posts]] as const) {
      if (l.firstError) console.log(`  ${name}: first unexpected answer: ${l.firstError}`);
    }
    console.log(`  cases filed through Open311: ${filed}`);
    return [row('GET /api/health (baseline)', health), row('POST refused, bad api_key (baseline)', bad), row('POST /open311/v2/requests.json', posts)];
  } finally {
    await app.close();
  }
}

const lines = [`| engine | request | answered as expected | other | per second | latency p50 / p95 / p99 (ms) |`, '| --- | --- | --- | --- | --- | --- |'];
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
  const name = values.db;
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) throw new Error('--db: a lower-case identifier');
  const admin = new URL(pgBase);
  admin.pathname = '/postgres';
  const adminClient = new pg.Client({ connectionString: admin.toString() });
  await adminClient.connect();
  await adminClient.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await adminClient.query(`CREATE DATABASE "${name}"`);
  const target = new URL(pgBase);
  target.pathname = `/${name}`;
  const database = await openPostgres(target.toString(), Number(values.pool));
  try {
    lines.push(...(await run('PostgreSQL', database, target.toString())));
  } finally {
    await database.close();
    if (!values['keep-db']) await adminClient.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await adminClient.end();
  }
}
console.log(`\nOpen311 POST benchmark — ${new Date().toISOString().slice(0, 10)}, ${CONNECTIONS} connections, ${SECONDS} s each in ${ROUNDS} turns\n`);
console.log(lines.join('\n'));
