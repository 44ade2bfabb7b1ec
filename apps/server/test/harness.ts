import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { CSRF_HEADER, SESSION_COOKIE, type SessionResponse } from '@redgrid/contracts';
import { afterAll, beforeAll, inject } from 'vitest';
import { buildApp } from '../src/app.ts';
import { systemContext } from '../src/boot.ts';
import { testConfig, type AppConfig } from '../src/config.ts';
import { openEmbedded, openPostgres, type Database } from '../src/db/engine.ts';
import { seedDemo } from '../src/seed/demo.ts';
import type { AppDeps } from '../src/platform/context.ts';
import { FieldCipher } from '../src/platform/crypto.ts';
import type { App } from '../src/platform/http.ts';
import { adminUrl, databaseName, withDatabase } from './pg-admin.ts';
import { withName } from './global-setup.ts';
import { TEST_EPOCH } from './test-epoch.ts';

/**
 * A migrated database of its own for one test file: a PGlite snapshot or a PostgreSQL template clone;
 * `seeded`: the one with the demo district already seeded (see global-setup.ts).
 */
export async function createTestDatabase({ seeded = false } = {}): Promise<Database> {
  const template = inject(seeded ? 'dbTemplateSeeded' : 'dbTemplate');
  const url = process.env.DATABASE_URL;
  if (url) {
    const name = `${databaseName(url)}_t${randomBytes(4).toString('hex')}`;
    await withDatabase(adminUrl(url), (c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
    const db = await openPostgres(withName(url, name), 4);
    return {
      ...db,
      kind: db.kind,
      db: db.db,
      async close() {
        await db.close();
        await withDatabase(adminUrl(url), (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
      },
    };
  }
  return openEmbedded({ loadDataDir: new Blob([readFileSync(template)]) });
}

/** A clock the test moves by hand; time never comes from the wall clock in tests. */
export class TestClock {
  constructor(public now = new Date(TEST_EPOCH)) {}
  readonly read = (): Date => new Date(this.now);
  advanceMinutes(minutes: number): void {
    this.now = new Date(this.now.getTime() + minutes * 60_000);
  }
}

export interface TestApp {
  app: App;
  deps: AppDeps;
  clock: TestClock;
  database: Database;
  close(): Promise<void>;
}

/**
 * The real app on a fresh database with the demo district seeded (deterministic). The library's demo
 * editions only when asked for: the division library's tests load their own under the same names; the
 * demo residents (two communities of people, houses and visits) only when asked for, as they take a
 * few seconds per file.
 */
/**
 * Settings the demo seed never reads (it writes through the cipher, the audit chain and the password
 * hasher): a file overriding only these may start from the seeded template.
 */
const SEED_NEUTRAL: ReadonlySet<keyof AppConfig> = new Set(['filesDir', 'storage', 'trustProxy', 'webDist', 'baseMapUrl', 'loginRateLimit', 'publicRateLimit', 'bodyLimitBytes', 'timeouts', 'metricsToken', 'caseAutoCard', 'logLevel', 'sms'] as (keyof AppConfig)[]);

export async function createTestApp(overrides: Partial<AppConfig> = {}, { seed = true, editions = false, residents = false } = {}): Promise<TestApp> {
  const preseeded = seed && !editions && !residents && (Object.keys(overrides) as (keyof AppConfig)[]).every((k) => SEED_NEUTRAL.has(k));
  const database = await createTestDatabase({ seeded: preseeded });
  const clock = new TestClock();
  const config = testConfig(overrides);
  const deps: AppDeps = { config, database, cipher: new FieldCipher(config.dataKeys), clock: clock.read };
  // REDGRID_TEST_LOG=error shows server-side errors while debugging a test.
  const app = await buildApp(deps, { logger: process.env.REDGRID_TEST_LOG ? { level: process.env.REDGRID_TEST_LOG } : false });
  if (seed && !preseeded) await seedDemo(systemContext(deps, app.log), { editions, residents });
  return {
    app,
    deps,
    clock,
    database,
    async close() {
      await app.close();
      await database.close();
    },
  };
}

export interface Session {
  cookie: string;
  csrf: string;
  body: SessionResponse;
  /** Headers for a write in this session. */
  headers: Record<string, string>;
}

export async function loginAs(app: App, username: string, password = 'Redgrid@2026'): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE);
  if (!cookie) throw new Error('no session cookie');
  const body = res.json<SessionResponse>();
  const cookieHeader = `${SESSION_COOKIE}=${cookie.value}`;
  return { cookie: cookieHeader, csrf: body.csrfToken, body, headers: { cookie: cookieHeader, [CSRF_HEADER]: body.csrfToken } };
}

export async function areaIdByCode(database: Database, code: string): Promise<number> {
  const row = await database.db.selectFrom('areas').select('id').where('code', '=', code).executeTakeFirstOrThrow();
  return row.id;
}

export async function userIdByName(database: Database, username: string): Promise<number> {
  const row = await database.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow();
  return row.id;
}

/**
 * The one preamble of an integration file: the app on its own database for the whole file, closed
 * after it. Read `ctx.t` inside tests and hooks (it is set once `beforeAll` has run).
 *
 *   const ctx = useTestApp();
 *   it('…', async () => { const res = await ctx.t.app.inject(…) });
 */
export function useTestApp(overrides: Partial<AppConfig> = {}, options: { seed?: boolean; editions?: boolean; residents?: boolean } = {}): { readonly t: TestApp } {
  let app: TestApp | undefined;
  beforeAll(async () => {
    app = await createTestApp(overrides, options);
  }, 180_000);
  afterAll(async () => app?.close());
  return {
    get t(): TestApp {
      if (!app) throw new Error('useTestApp: the app is not ready (read ctx.t inside tests or hooks)');
      return app;
    },
  };
}
