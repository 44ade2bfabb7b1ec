/**
 * Case KPI benchmark (issue 10 "Numbers": KPI pages p95 < 100 ms at 1M cases), on PostgreSQL, on a database
 * already loaded with cases by the lifecycle bench (this bench loads nothing; load one first, kept):
 *
 *   node --import tsx bench/case-lifecycle.bench.ts --pg postgres://postgres@127.0.0.1:5432 --db case_lifecycle_bench --keep-db --seconds 1
 *   node --import tsx bench/case-kpi.bench.ts --pg postgres://postgres@127.0.0.1:5432 --db case_lifecycle_bench [--samples 30]
 *
 * The database is migrated first (a kept one gets the KPI facts and sums of 0034, backfilled, timed). Then the
 * KPI page through the real requests (buildApp + inject, signed in as the demo's street admin, district admin
 * and 城管 staff): the headline (GET /api/cases/kpi), the breakdowns by child area, department and person, one
 * drill-down list, for the street and the district over the last quarter — p50 / p95 beside bare queries in the
 * same run (`SELECT 1`, one case by id, the sums of the district's quarter). Timings are reported, never asserted.
 */
import { execSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { CASE_AREA_FIGURES, CSRF_HEADER, SESSION_COOKIE } from '@redgrid/contracts';
import { buildApp } from '../apps/server/src/app.ts';
import { testConfig } from '../apps/server/src/config.ts';
import { openPostgres } from '../apps/server/src/db/engine.ts';
import { migrate } from '../apps/server/src/db/migrate.ts';
import type { AppDeps } from '../apps/server/src/platform/context.ts';
import { FieldCipher } from '../apps/server/src/platform/crypto.ts';

const { values } = parseArgs({
  options: {
    pg: { type: 'string' },
    db: { type: 'string' },
    samples: { type: 'string', default: '30' },
  },
});
const SAMPLES = Number(values.samples);
const base = values.pg ?? process.env.DATABASE_URL;
if (!base || !values.db) {
  console.error('case-kpi: --pg postgres://… --db NAME of a database loaded by bench/case-lifecycle.bench.ts --keep-db');
  process.exit(2);
}

const f = (n: number, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits });
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const stats = (xs: number[]) => `${f(percentile(sorted(xs), 50))} / **${f(percentile(sorted(xs), 95))}**`;
const p95 = (xs: number[]) => percentile(sorted(xs), 95);
const load = () => execSync('uptime').toString().trim().replace(/^.*load average: /, '');

async function timed(fn: () => Promise<unknown>, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

const target = new URL(base);
target.pathname = `/${values.db}`;
const database = await openPostgres(target.toString(), 8);
const config = testConfig({ scheduler: false, databaseUrl: null, filesDir: '/tmp/kpi-bench-files' });
const deps: AppDeps = { config, database, cipher: new FieldCipher(config.dataKeys), clock: () => new Date() };
try {
  const t0 = performance.now();
  const applied = await migrate(database);
  if (applied.length) {
    // The rewrite of 0035 leaves no page all-visible until autovacuum passes: the sampled index then reads the heap.
    await sql`VACUUM (ANALYZE) cases`.execute(database.db);
    await sql`VACUUM (ANALYZE) case_kpi_days`.execute(database.db);
  }
  console.log(`migrated ${applied.join(', ') || '(nothing to apply)'} in ${f((performance.now() - t0) / 1000)} s`);
  const app = await buildApp(deps, { logger: false });
  try {
    const db = database.db;
    const stored = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM cases`.execute(db)).rows[0]!.n);
    const area = async (code: string) => (await sql<{ id: number; path: string }>`SELECT id::int AS id, path FROM areas WHERE code = ${code}`.execute(db)).rows[0]!;
    const street = await area('320412001000');
    const district = await area('320412000000');
    const today = new Date(Date.now() + 8 * 3600_000);
    const from = new Date(today.getTime() - 91 * 86_400_000).toISOString().slice(0, 10);
    const to = today.toISOString().slice(0, 10);
    const [fromAt, toAt] = [new Date(`${from}T00:00:00+08:00`), new Date(Date.parse(`${to}T00:00:00+08:00`) + 86_400_000)];
    const quarterOf = async (path: string) =>
      Number((await sql<{ n: string }>`SELECT count(*) AS n FROM cases c JOIN areas g ON g.id = c.grid_id WHERE g.path LIKE ${`${path}%`} AND c.reported_at >= ${fromAt} AND c.reported_at < ${toAt}`.execute(db)).rows[0]!.n);
    const inexact = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM cases c WHERE NOT case_kpi_exact(c.kpi_mixed, c.kpi_event_grid, c.grid_id, c.kpi_patrol_merged)`.execute(db)).rows[0]!.n);
    console.log(`\n${f(stored, 0)} cases stored; the quarter ${from} – ${to}: ${f(await quarterOf(street.path), 0)} cases in the street, ${f(await quarterOf(district.path), 0)} in the district; ${f(inexact, 0)} cases outside the sums`);
    console.log(`load at start: ${load()}`);

    const login = async (username: string) => {
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'Redgrid@2026' } });
      const body = res.json<{ csrfToken: string }>();
      const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE)!;
      return { cookie: `${SESSION_COOKIE}=${cookie.value}`, [CSRF_HEADER]: body.csrfToken };
    };
    const period = `from=${from}&to=${to}`;
    const reads: [string, string, string][] = [
      ['qsy_admin', 'KPI headline, street', `/api/cases/kpi?areaId=${street.id}&${period}`],
      ['jk_admin', 'KPI headline, district', `/api/cases/kpi?areaId=${district.id}&${period}`],
      ['qsy_admin', 'breakdown by area, street', `/api/cases/kpi/breakdown?areaId=${street.id}&${period}&by=area`],
      ['jk_admin', 'breakdown by area, district', `/api/cases/kpi/breakdown?areaId=${district.id}&${period}&by=area`],
      ['qsy_admin', 'breakdown by department, street', `/api/cases/kpi/breakdown?areaId=${street.id}&${period}&by=department`],
      ['jk_admin', 'breakdown by department, district', `/api/cases/kpi/breakdown?areaId=${district.id}&${period}&by=department`],
      ['qsy_admin', 'breakdown by person, street', `/api/cases/kpi/breakdown?areaId=${street.id}&${period}&by=person`],
      ['jk_admin', 'breakdown by person, district', `/api/cases/kpi/breakdown?areaId=${district.id}&${period}&by=person`],
      ['cg_staff', 'KPI headline, 城管 staff (street)', `/api/cases/kpi?areaId=${street.id}&${period}`],
      ['jk_admin', 'drill-down escalatedTown, district (20)', `/api/cases?figure=escalatedTown&areaId=${district.id}&${period}&limit=20`],
    ];

    const ids = (await sql<{ id: number }>`SELECT id FROM cases TABLESAMPLE SYSTEM (1) LIMIT ${SAMPLES}`.execute(db)).rows.map((r) => r.id);
    const bareOne = await timed(() => sql`SELECT 1`.execute(db), SAMPLES * 3);
    let i = 0;
    const bareCase = await timed(() => sql`SELECT id, state, snapshot FROM cases WHERE id = ${ids[i++ % ids.length]!}`.execute(db), SAMPLES * 3);
    const sums = sql`SELECT ${sql.join(CASE_AREA_FIGURES.map((k) => sql`sum(r.${sql.ref(k.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`))})`))} FROM case_kpi_days r JOIN areas g ON g.id = r.grid_id
                    WHERE g.path LIKE ${`${district.path}%`} AND r.day >= ${from}::date AND r.day <= ${to}::date`;
    const bareSums = await timed(() => sums.execute(db), SAMPLES);
    const rows: string[] = [];
    rows.push(`| bare \`SELECT 1\` | ${stats(bareOne)} | |`);
    rows.push(`| bare case by id | ${stats(bareCase)} | 1 |`);
    rows.push(`| bare sums of the district's quarter (case_kpi_days) | ${stats(bareSums)} | ${f(p95(bareSums) / p95(bareCase))} |`);
    const sessions = new Map<string, Record<string, string>>();
    for (const [user, name, url] of reads) {
      if (!sessions.has(user)) sessions.set(user, await login(user));
      const headers = sessions.get(user)!;
      const t0 = performance.now();
      const first = await app.inject({ method: 'GET', url, headers });
      const once = performance.now() - t0;
      if (first.statusCode !== 200) {
        rows.push(`| ${name} | answered ${first.statusCode} | |`);
        continue;
      }
      // A read slower than a second is sampled 5 times, not SAMPLES (its p95 is then its slowest).
      const xs = await timed(() => app.inject({ method: 'GET', url, headers }), once > 1000 ? 5 : SAMPLES);
      rows.push(`| ${name} | ${stats(xs)} | ${f(p95(xs) / p95(bareCase))} |`);
    }
    console.log(`\n| read (${SAMPLES} samples) | p50 / p95 (ms) | p95 ÷ bare case-by-id p95 |\n| --- | --- | --- |`);
    for (const r of rows) console.log(r);
    console.log(`\nload at end: ${load()}`);
  } finally {
    await app.close();
  }
} finally {
  await database.close();
}
