/**
 * Case lifecycle benchmark (issue 10 "Numbers"): on PostgreSQL with N cases already stored (default
 * 1,000,000, generated in bulk with SQL over the demo district's 295 grids: a year of reports, most closed
 * on the spot or after escalation, some whistled to departments, a few percent open in every state, with
 * their timelines), full lifecycles run through the real use cases in-process — reportCase → accept →
 * escalate → accept (community) → dispatch → acknowledge → handle (department) → verify_pass (closed),
 * plus a search of the community's inbox for the new case — by the demo's people (站北社区's grid worker
 * and secretary, 戚墅堰城管中队), `--concurrency` lifecycles at a time for `--seconds`. Then the inbox
 * (GET /api/cases?view=mine and view=area) and the KPI page (GET /api/cases/kpi for the street and the
 * district over a quarter) through the real requests, p50 / p95 / p99, beside bare queries in the same run
 * (`SELECT 1`, one case by id). Timings are reported, never asserted.
 *
 *   node --import tsx bench/case-lifecycle.bench.ts --pg postgres://postgres@127.0.0.1:5432 [--cases 1000000] [--seconds 30] [--concurrency 4]
 *   npm run bench -- case-lifecycle -- --pg postgres://postgres@127.0.0.1:5432
 *
 * A database `case_lifecycle_bench` is created and dropped (`--db NAME` names it, `--keep-db` keeps it,
 * `--reuse-db` measures again on a kept one without loading).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { CSRF_HEADER, SESSION_COOKIE, type CaseActionRequest } from '@redgrid/contracts';
import { buildApp } from '../apps/server/src/app.ts';
import { systemContext } from '../apps/server/src/boot.ts';
import { testConfig } from '../apps/server/src/config.ts';
import { openPostgres, type Database } from '../apps/server/src/db/engine.ts';
import { migrate } from '../apps/server/src/db/migrate.ts';
import { actOnCase, listCases, reportCase } from '../apps/server/src/modules/case/index.ts';
import { actorFromRoles, scopeFromRoles, type AppDeps, type RequestContext } from '../apps/server/src/platform/context.ts';
import { listOwnRoles } from '../apps/server/src/platform/cross-scope.repository.ts';
import { FieldCipher } from '../apps/server/src/platform/crypto.ts';
import { withActor } from '../apps/server/src/platform/unit-of-work.ts';
import { seedDemo } from '../apps/server/src/seed/demo.ts';

const { values } = parseArgs({
  options: {
    pg: { type: 'string' },
    cases: { type: 'string', default: '1000000' },
    seconds: { type: 'string', default: '30' },
    concurrency: { type: 'string', default: '4' },
    samples: { type: 'string', default: '200' },
    'kpi-samples': { type: 'string', default: '10' },
    db: { type: 'string', default: 'case_lifecycle_bench' },
    'keep-db': { type: 'boolean', default: false },
    'reuse-db': { type: 'boolean', default: false },
    trace: { type: 'boolean', default: false },
  },
});
const CASES = Number(values.cases);
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);
const SAMPLES = Number(values.samples);
const KPI_SAMPLES = Number(values['kpi-samples']);

const f = (n: number, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits });
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `${f(percentile(s, 50))} / ${f(percentile(s, 95))} / ${f(percentile(s, 99))}`;
};
const p95 = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 95);

/**
 * `--trace`: every statement a lifecycle step sends, counted and timed per step (round trip as the client
 * sees it), to show where a step's time goes. Off by default: the wrapper itself costs a little.
 */
const stepOfQuery = new AsyncLocalStorage<string>();
const traced = new Map<string, Map<string, { n: number; ms: number }>>();
if (values.trace) {
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const stepName = stepOfQuery.getStore();
    const out = query.apply(this, args);
    if (stepName && out instanceof Promise) {
      const head = args[0];
      const text = (typeof head === 'string' ? head : ((head as { text?: string } | undefined)?.text ?? '?')).replace(/\s+/g, ' ').slice(0, 110);
      const t0 = performance.now();
      const note = () => {
        const perStep = traced.get(stepName) ?? new Map<string, { n: number; ms: number }>();
        const s = perStep.get(text) ?? { n: 0, ms: 0 };
        s.n += 1;
        s.ms += performance.now() - t0;
        perStep.set(text, s);
        traced.set(stepName, perStep);
      };
      out.then(note, note);
    }
    return out;
  } as typeof pg.Client.prototype.query;
}

/**
 * N cases in bulk: reported over the last year in a grid of the district (points at the grid's inner
 * point), 92 % closed (two thirds on the spot, the rest escalated and closed by the community, a town or a
 * department), 8 % open across the states; the timeline of each (report, the escalation or dispatch, the
 * closing step). Case numbers outside the range the app's sequence hands out.
 */
async function load(db: Database, n: number): Promise<void> {
  const t0 = performance.now();
  await sql`CREATE TEMP TABLE g AS
    SELECT row_number() OVER (ORDER BY a.id) - 1 AS k, a.id, ST_PointOnSurface(b.geom) AS pt,
           (SELECT p.id FROM areas p WHERE a.path LIKE p.path || '%' AND p.level = 'community' LIMIT 1) AS community,
           (SELECT p.id FROM areas p WHERE a.path LIKE p.path || '%' AND p.level = 'street' LIMIT 1) AS street
      FROM areas a JOIN area_boundaries b ON b.area_id = a.id AND b.valid_to IS NULL WHERE a.level = 'grid'`.execute(db.db);
  const grids = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM g`.execute(db.db)).rows[0]!.n);
  const reporter = (await sql<{ id: number }>`SELECT id FROM users WHERE username = 'zb_worker'`.execute(db.db)).rows[0]!.id;
  const dept = (await sql<{ id: number }>`SELECT id FROM departments WHERE name = '戚墅堰城管中队'`.execute(db.db)).rows[0]!.id;
  const item = (await sql<{ code: string; name: string }>`SELECT code, name FROM affair_items WHERE name = '暴露垃圾'`.execute(db.db)).rows[0]!;
  // r: a uniform draw per case deciding its fate; 0–.61 self-handled, .61–.77 community, .77–.86 department, .86–.92 town, .92– open.
  await sql`
    INSERT INTO cases (case_no, tracking_token, channel, item_code, item_name, title, description, location, location_source, grid_id, state, holder_level, holder_area_id,
                       holder_department_id, department_id, snapshot, version, urgency, reporter_user_id, reported_at, accepted_at, handled_at, closed_at, step_started_at, step_kind,
                       due_yellow_at, due_red_at, self_handled, closed_level, rating, updated_at)
    SELECT 'BM' || lpad(i::text, 10, '0'), md5(i::text), 'grid_worker', ${item.code}, ${item.name}, '基准案件 ' || i, '基准测试生成的案件', g.pt, 'gps', g.id,
           x.state, x.level, CASE x.level WHEN 'grid' THEN g.id WHEN 'community' THEN g.community WHEN 'town' THEN g.street ELSE NULL END,
           CASE WHEN x.level = 'department' THEN ${dept}::bigint END, CASE WHEN x.dept THEN ${dept}::bigint END,
           jsonb_build_object('state', x.state, 'holder', jsonb_build_object('level', x.level, 'areaId', CASE x.level WHEN 'grid' THEN g.id WHEN 'community' THEN g.community WHEN 'town' THEN g.street ELSE NULL END, 'departmentId', CASE WHEN x.level = 'department' THEN ${dept}::bigint END),
                              'dispatcher', NULL, 'suspendedFrom', NULL, 'supervision', NULL, 'expedited', false, 'extensionPending', NULL, 'extensionDays', 0, 'selfHandled', x.self, 'rating', NULL, 'mergedInto', NULL,
                              'counts', jsonb_build_object('escalations', CASE WHEN x.level IN ('community', 'town') OR x.dept THEN 1 ELSE 0 END, 'dispatches', CASE WHEN x.dept THEN 1 ELSE 0 END, 'returns', 0, 'reworks', 0, 'extensions', 0, 'reopens', 0, 'supervisions', 0)),
           3, CASE WHEN i % 40 = 0 THEN 'urgent' ELSE 'normal' END, ${reporter}::bigint, t.at,
           CASE WHEN x.state <> 'reported' THEN t.at + interval '30 minutes' END, CASE WHEN x.state IN ('handled', 'closed') AND NOT x.self THEN t.at + interval '1 day' END,
           CASE WHEN x.state = 'closed' THEN t.at + interval '1 day 3 hours' END, t.at, CASE WHEN x.state = 'closed' THEN 'none' WHEN x.state IN ('reported', 'dispatched') THEN 'accept' WHEN x.state = 'handled' THEN 'verify' ELSE 'handle' END,
           CASE WHEN x.state <> 'closed' THEN t.at + interval '1 day' END, CASE WHEN x.state <> 'closed' THEN t.at + interval '2 days' END,
           x.self, CASE WHEN x.state = 'closed' THEN x.level END, CASE WHEN x.state = 'closed' AND i % 9 = 0 THEN 'satisfied' END, t.at
      FROM generate_series(1, ${n}) i
      JOIN g ON g.k = i % ${grids}
      CROSS JOIN LATERAL (SELECT ((i::bigint * 2654435761) % 1000000) / 1000000.0 AS r, now() - ((i::bigint * 40503) % 31536000) * interval '1 second' AS at) t
      CROSS JOIN LATERAL (SELECT CASE WHEN t.r < .61 THEN 'closed' WHEN t.r < .92 THEN 'closed' WHEN t.r < .94 THEN 'reported' WHEN t.r < .955 THEN 'accepted' WHEN t.r < .97 THEN 'dispatched' WHEN t.r < .985 THEN 'handling' ELSE 'handled' END AS state,
                                 CASE WHEN t.r < .61 THEN 'grid' WHEN t.r < .77 THEN 'community' WHEN t.r < .86 THEN 'department' WHEN t.r < .92 THEN 'town' WHEN t.r < .94 THEN 'grid' WHEN t.r < .955 THEN 'community' WHEN t.r < .985 THEN 'department' ELSE 'community' END AS level,
                                 t.r < .61 AS self, (t.r >= .77 AND t.r < .86) OR (t.r >= .955 AND t.r < .985) AS dept) x`.execute(db.db);
  const t1 = performance.now();
  console.log(`  ${f(n, 0)} cases in ${f((t1 - t0) / 1000)} s`);
  await sql`
    INSERT INTO case_events (case_id, seq, action, actor_id, actor_name, actor_level, from_state, to_state, holder_level, holder_area_id, holder_department_id, payload, grid_id, department_id, created_at)
    SELECT c.id, 1, 'report', c.reporter_user_id, '刘芳', 'grid', NULL::text, 'reported', 'grid', c.grid_id, NULL::bigint, '{"channel":"grid_worker"}'::jsonb, c.grid_id, NULL::bigint, c.reported_at FROM cases c WHERE c.case_no LIKE 'BM%'
    UNION ALL
    SELECT c.id, 2, 'escalate', c.reporter_user_id, '刘芳', 'grid', 'accepted', 'reported', CASE WHEN c.holder_level = 'town' THEN 'town' ELSE 'community' END, c.holder_area_id, NULL, '{"late":false}', c.grid_id, NULL, c.reported_at + interval '20 minutes'
      FROM cases c WHERE c.case_no LIKE 'BM%' AND NOT c.self_handled AND c.holder_level <> 'grid'
    UNION ALL
    SELECT c.id, 3, 'dispatch', NULL::bigint, '张秀英', 'community', 'accepted', 'dispatched', 'department', NULL::bigint, c.department_id, '{"late":false,"departmentName":"戚墅堰城管中队"}', c.grid_id, c.department_id, c.reported_at + interval '1 hour'
      FROM cases c WHERE c.case_no LIKE 'BM%' AND c.department_id IS NOT NULL
    UNION ALL
    SELECT c.id, 4, CASE WHEN c.self_handled THEN 'self_close' ELSE 'verify_pass' END, c.reporter_user_id, '刘芳', 'grid', 'handled', 'closed', c.holder_level, c.holder_area_id, c.holder_department_id, '{"late":false}', c.grid_id, c.department_id, c.closed_at
      FROM cases c WHERE c.case_no LIKE 'BM%' AND c.state = 'closed'`.execute(db.db);
  console.log(`  their timelines in ${f((performance.now() - t1) / 1000)} s`);
  // A settled database, as autovacuum leaves one: statistics, and the visibility map the inbox's index-only scans read.
  await sql`VACUUM ANALYZE`.execute(db.db);
}

/** A context acting as a demo account, built the way a login builds one. */
async function as(deps: AppDeps, app: Awaited<ReturnType<typeof buildApp>>, username: string): Promise<RequestContext> {
  const db = deps.database.db;
  const user = await db.selectFrom('users').select(['id', 'username', 'display_name']).where('username', '=', username).executeTakeFirstOrThrow();
  const roles = await listOwnRoles(db as never, user.id);
  return withActor(systemContext(deps, app.log), actorFromRoles({ id: user.id, username: user.username, displayName: user.display_name }, roles, { mustChangePassword: false, sessionId: null }), scopeFromRoles(roles));
}

async function timed(fn: () => Promise<unknown>, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

async function run(database: Database, reuse: boolean): Promise<void> {
  const config = testConfig({ scheduler: false, databaseUrl: null, filesDir: '/tmp/demo-bench-files' });
  const deps: AppDeps = { config, database, cipher: new FieldCipher(config.dataKeys), clock: () => new Date() };
  // A kept database gets the migrations added since it was loaded.
  console.log('migrating …');
  await migrate(database);
  const app = await buildApp(deps, { logger: false });
  try {
    if (!reuse) {
      await seedDemo(systemContext(deps, app.log), { editions: false, residents: false, cases: false });
      console.log(`loading ${f(CASES, 0)} cases …`);
      await load(database, CASES);
    }
    // A read that would run for minutes answers an error instead (the figures say so).
    await sql`SET statement_timeout = '120s'`.execute(database.db).catch(() => undefined);
    const stored = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM cases`.execute(database.db)).rows[0]!.n);
    const worker = await as(deps, app, 'zb_worker');
    const secretary = await as(deps, app, 'zb_admin');
    const cg = await as(deps, app, 'cg_staff');
    const db = database.db;
    const item = (await sql<{ code: string }>`SELECT code FROM affair_items WHERE name = '违规户外广告'`.execute(db)).rows[0]!.code;
    const points = (
      await sql<{ lng: number; lat: number }>`
        SELECT ST_X(ST_PointOnSurface(b.geom)) AS lng, ST_Y(ST_PointOnSurface(b.geom)) AS lat
          FROM area_boundaries b JOIN areas a ON a.id = b.area_id WHERE b.valid_to IS NULL AND a.level = 'grid' AND a.code LIKE '320412001001%'`.execute(db)
    ).rows;

    // Lifecycles, CONCURRENCY at a time.
    const steps = new Map<string, number[]>();
    const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      const r = await stepOfQuery.run(name, fn);
      const list = steps.get(name) ?? [];
      list.push(performance.now() - t0);
      steps.set(name, list);
      return r;
    };
    const act = (who: RequestContext, id: number, body: CaseActionRequest) => step(body.action, () => actOnCase(who, id, body));
    let done = 0;
    let n = 0;
    const lifecycle = async () => {
      const k = n++;
      const p = points[k % points.length]!;
      const c = await step('report', () => reportCase(worker, { itemCode: item, title: `基准生命周期 ${k}`, description: '沿街违规设置户外广告', location: { lng: p.lng, lat: p.lat, crs: 'wgs84', source: 'gps' } }));
      await act(worker, c.id, { action: 'accept' });
      await act(worker, c.id, { action: 'escalate', to: { level: 'community' }, reason: '需城管执法' });
      await act(secretary, c.id, { action: 'accept' });
      await act(secretary, c.id, { action: 'dispatch' });
      await act(cg, c.id, { action: 'acknowledge' });
      await act(cg, c.id, { action: 'handle', result: '已拆除' });
      const closed = await act(worker, c.id, { action: 'verify_pass' });
      if (closed.state !== 'closed') throw new Error(`lifecycle ended ${closed.state}`);
      const found = await step('search', () => listCases(secretary, { view: 'closed', q: c.caseNo, limit: 20 }));
      if (!found.items.some((x) => x.id === c.id)) throw new Error('search did not find the case');
      done += 1;
    };
    // Warm-up.
    for (let i = 0; i < 3; i += 1) await lifecycle();
    steps.clear();
    traced.clear();
    done = 0;
    const end = Date.now() + SECONDS * 1000;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (Date.now() < end) await lifecycle();
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    console.log(`\n${f(stored, 0)} cases stored; ${done} lifecycles in ${f(elapsed)} s at concurrency ${CONCURRENCY}: **${f(done / elapsed)} lifecycles/s** (${f((done * 9) / elapsed)} use cases/s)`);
    console.log('| step | calls | p50 / p95 / p99 (ms) |\n| --- | --- | --- |');
    for (const [name, xs] of steps) console.log(`| ${name} | ${xs.length} | ${stats(xs)} |`);
    if (values.trace) {
      for (const [name, perStep] of traced) {
        const calls = steps.get(name)?.length ?? 1;
        const all = [...perStep.entries()].sort((a, b) => b[1].ms - a[1].ms);
        const n = all.reduce((t, [, s]) => t + s.n, 0);
        console.log(`\n${name}: ${f(n / calls)} statements a call`);
        for (const [text, s] of all.slice(0, 12)) console.log(`  ${f(s.n / calls)}× ${f(s.ms / s.n, 2)} ms  ${text}`);
      }
    }

    // Inbox and KPI through the real requests, beside bare queries.
    const login = async (username: string) => {
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'Redgrid@2026' } });
      const body = res.json<{ csrfToken: string }>();
      const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE)!;
      return { cookie: `${SESSION_COOKIE}=${cookie.value}`, [CSRF_HEADER]: body.csrfToken };
    };
    const street = (await sql<{ id: number }>`SELECT id FROM areas WHERE code = '320412001000'`.execute(db)).rows[0]!.id;
    const district = (await sql<{ id: number }>`SELECT id FROM areas WHERE code = '320412000000'`.execute(db)).rows[0]!.id;
    const today = new Date(Date.now() + 8 * 3600_000);
    const from = new Date(today.getTime() - 91 * 86_400_000).toISOString().slice(0, 10);
    const to = today.toISOString().slice(0, 10);
    const reads: [string, string, string][] = [
      ['zb_admin', 'inbox view=mine (community secretary)', '/api/cases?view=mine&limit=20'],
      ['zb_admin', 'inbox view=area (community secretary)', '/api/cases?view=area&limit=20'],
      ['qsy_admin', 'inbox view=mine (street admin)', '/api/cases?view=mine&limit=20'],
      ['qsy_admin', 'inbox view=area (street admin)', '/api/cases?view=area&limit=20'],
      ['jk_admin', 'inbox view=area (district admin)', '/api/cases?view=area&limit=20'],
      ['cg_staff', 'inbox view=mine (城管 staff)', '/api/cases?view=mine&limit=20'],
      ['qsy_admin', 'KPI street, one quarter', `/api/cases/kpi?areaId=${street}&from=${from}&to=${to}`],
      ['jk_admin', 'KPI district, one quarter', `/api/cases/kpi?areaId=${district}&from=${from}&to=${to}`],
    ];
    const ids = (await sql<{ id: number }>`SELECT id FROM cases TABLESAMPLE SYSTEM (1) LIMIT ${SAMPLES}`.execute(db)).rows.map((r) => r.id);
    const bareOne = await timed(() => sql`SELECT 1`.execute(db), SAMPLES);
    let i = 0;
    const bareCase = await timed(() => sql`SELECT id, state, snapshot FROM cases WHERE id = ${ids[i++ % ids.length]!}`.execute(db), SAMPLES);
    const health = await timed(() => app.inject({ method: 'GET', url: '/api/health' }), SAMPLES);
    console.log(`\n| read | p50 / p95 / p99 (ms) | p95 ÷ bare case-by-id p95 |\n| --- | --- | --- |`);
    console.log(`| bare SELECT 1 | ${stats(bareOne)} | |`);
    console.log(`| bare case by id | ${stats(bareCase)} | 1 |`);
    console.log(`| GET /api/health | ${stats(health)} | ${f(p95(health) / p95(bareCase))} |`);
    const sessions = new Map<string, Record<string, string>>();
    for (const [user, name, url] of reads) {
      if (!sessions.has(user)) sessions.set(user, await login(user));
      const headers = sessions.get(user)!;
      const t0 = performance.now();
      const first = await app.inject({ method: 'GET', url, headers });
      const once = performance.now() - t0;
      if (first.statusCode !== 200) {
        console.log(`| ${name} | answered ${first.statusCode} after ${f(once)} ms (statement timeout) | |`);
        continue;
      }
      // A read slower than 5 s is measured once (the first answer), not sampled.
      if (once > 5000) {
        console.log(`| ${name} | ${f(once)} (one request) | ${f(once / p95(bareCase))} |`);
        continue;
      }
      const xs = await timed(() => app.inject({ method: 'GET', url, headers }), name.startsWith('KPI') ? KPI_SAMPLES : SAMPLES);
      console.log(`| ${name} | ${stats(xs)} | ${f(p95(xs) / p95(bareCase))} |`);
    }
  } finally {
    await app.close();
  }
}

const base = values.pg ?? process.env.DATABASE_URL;
if (!base) {
  console.error('case-lifecycle: PostgreSQL only (--pg postgres://…)');
  process.exit(2);
}
const name = values.db;
const admin = new URL(base);
admin.pathname = '/postgres';
const adminClient = new pg.Client({ connectionString: admin.toString() });
await adminClient.connect();
if (!values['reuse-db']) {
  await adminClient.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await adminClient.query(`CREATE DATABASE "${name}"`);
}
const target = new URL(base);
target.pathname = `/${name}`;
const database = await openPostgres(target.toString(), 16);
try {
  await run(database, values['reuse-db']);
} finally {
  await database.close();
  if (!values['keep-db'] && !values['reuse-db']) await adminClient.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await adminClient.end();
}
