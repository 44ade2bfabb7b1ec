import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { systemContext } from '../../boot.ts';
import { testConfig } from '../../config.ts';
import type { Database } from '../../db/engine.ts';
import type { AppDeps } from '../../platform/context.ts';
import { FieldCipher } from '../../platform/crypto.ts';
import type { App } from '../../platform/http.ts';
import { seedDemo } from '../../seed/demo.ts';
import { areaIdByCode, createTestDatabase, loginAs, TestClock, type Session } from '../../../test/harness.ts';

/**
 * A household's visits in one query, however many there are: the app runs on a database handle that
 * counts the statements it sends, and the page of five visits costs what the page of one did.
 */

class StatementCounter implements KyselyPlugin {
  count = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.count += 1;
    return args.node;
  }
  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

const counter = new StatementCounter();
let database: Database;
let app: App;
let worker: Session;
let householdId: number;

beforeAll(async () => {
  database = await createTestDatabase();
  const counted: Database = { ...database, kind: database.kind, db: database.db.withPlugin(counter), execScript: (s) => database.execScript(s), ping: () => database.ping(), close: () => database.close() };
  const clock = new TestClock();
  const config = testConfig({});
  const deps: AppDeps = { config, database: counted, cipher: new FieldCipher(config.dataKeys), clock: clock.read };
  app = await buildApp(deps, { logger: false });
  await seedDemo(systemContext(deps, app.log), { editions: false, residents: false });
  worker = await loginAs(app, 'zb_g1_worker');
  const grid = await areaIdByCode(database, '320412001001001');
  const created = await app.inject({ method: 'POST', url: '/api/basedata/households', headers: worker.headers, payload: { areaId: grid, householdNo: 'VISIT-N1' } });
  expect(created.statusCode, created.body).toBe(201);
  householdId = created.json<{ id: number }>().id;
}, 180_000);
afterAll(async () => {
  await app?.close();
  await database?.close();
});

async function visit(day: string, findings: string) {
  const res = await app.inject({ method: 'POST', url: '/api/basedata/visits', headers: worker.headers, payload: { householdId, visitedOn: day, kind: 'routine', findings } });
  expect(res.statusCode, res.body).toBe(200);
}

async function listVisits() {
  const before = counter.count;
  const res = await app.inject({ url: `/api/basedata/households/${householdId}/visits`, headers: worker.headers });
  expect(res.statusCode).toBe(200);
  return { statements: counter.count - before, visits: res.json<{ visitedOn: string; findings: string; workerName: string; proposals: number }[]>() };
}

describe("a household's visits", () => {
  it('cost the same statements for one visit as for five, newest first, with the worker and proposals', async () => {
    await visit('2026-11-02', '第一次');
    const one = await listVisits();
    expect(one.visits).toHaveLength(1);
    for (const [i, day] of ['2026-11-05', '2026-11-09', '2026-11-12', '2026-11-18'].entries()) await visit(day, `第${i + 2}次`);
    const five = await listVisits();
    expect(five.visits.map((v) => v.visitedOn)).toEqual(['2026-11-18', '2026-11-12', '2026-11-09', '2026-11-05', '2026-11-02']);
    expect(five.visits.every((v) => v.workerName === '吴敏' && v.proposals === 0)).toBe(true);
    expect(five.statements).toBe(one.statements);
  });
});
