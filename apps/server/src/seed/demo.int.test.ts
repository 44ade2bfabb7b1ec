import { readFileSync } from 'node:fs';
import { divisionCompareSchema, divisionEditionListSchema, divisionListSchema } from '@redgrid/contracts';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../boot.ts';
import { verifyAuditChain } from '../platform/audit.ts';
import { createTestApp, loginAs, type Session, type TestApp } from '../../test/harness.ts';
import { DEMO_ACCOUNTS } from './demo-accounts.ts';
import { DEMO_EDITIONS, jingkaiDivisions, seedDemo, seedDemoEditions, type DemoSeedCounts } from './demo.ts';

/** Data rows of a bundled file (its header excluded). */
const dataRows = (file: string) => readFileSync(new URL(`./data/${file}`, import.meta.url), 'utf8').trimEnd().split('\n').length - 1;

let t: TestApp;
let seeded: DemoSeedCounts;
let admin: Session;

beforeAll(async () => {
  t = await createTestApp({}, { seed: false });
  seeded = await seedDemo(systemContext(t.deps, t.app.log));
  admin = await loginAs(t.app, 'admin');
});
afterAll(async () => t?.close());

const get = (session: Session, url: string) => t.app.inject({ method: 'GET', url, headers: session.headers });

async function libraryFigures() {
  const { rows } = await sql<{ editions: number; divisions: number; audit: number }>`
    SELECT (SELECT count(*)::int FROM division_editions) AS editions,
           (SELECT count(*)::int FROM divisions) AS divisions,
           (SELECT count(*)::int FROM audit_log) AS audit`.execute(t.database.db);
  return rows[0];
}

describe('demo seed', () => {
  it('seeds the district, its grids and accounts', () => {
    expect(seeded).toMatchObject({ areas: jingkaiDivisions().length, users: DEMO_ACCOUNTS.length, grids: 295 });
    expect(seeded.buildings).toBeGreaterThan(0);
  });

  it('loads the library editions 2021 and 2023 from the bundled files, every row, as the system admin', async () => {
    expect(seeded.editions).toEqual(['2021', '2023']);
    expect(DEMO_EDITIONS.map((e) => dataRows(e.file))).toEqual([1140, 75]);
    const list = divisionEditionListSchema.parse((await get(admin, '/api/divisions/editions')).json());
    const byName = new Map(list.items.map((e) => [e.name, e]));
    expect(byName.get('2021')).toMatchObject({
      source: 'changzhou_3204_5level_2021.csv',
      codeLength: 12,
      rowCount: 1140,
      countsByLevel: { province: 1, city: 1, district: 7, street: 67, community: 1064 },
      maxLevel: 'community',
      importedBy: { displayName: '系统管理员' },
    });
    expect(byName.get('2023')).toMatchObject({
      source: 'changzhou_3204_4level_2023.csv',
      codeLength: 12,
      rowCount: 75,
      countsByLevel: { province: 1, city: 1, district: 6, street: 67, community: 0 },
      maxLevel: 'street',
      importedBy: { displayName: '系统管理员' },
    });
    const audit = await t.database.db.selectFrom('audit_log').select(['actor_name']).where('entity', '=', 'division_edition').where('action', '=', 'import').execute();
    expect(audit).toEqual([{ actor_name: 'admin' }, { actor_name: 'admin' }]);
    expect((await verifyAuditChain(t.database.db, t.deps.config.auditKey)).ok).toBe(true);
  });

  it('gives the divisions page something to browse and compare', async () => {
    const list = divisionEditionListSchema.parse((await get(admin, '/api/divisions/editions')).json());
    const id = (name: string) => list.items.find((e) => e.name === name)?.id ?? 0;
    const zb = divisionListSchema.parse((await get(admin, `/api/divisions?edition=${id('2021')}&q=${encodeURIComponent('站北')}`)).json());
    expect(zb.items.find((d) => d.code === '320412001001')).toMatchObject({ name: '站北社区居民委员会', level: 'community' });
    const diff = divisionCompareSchema.parse((await get(admin, `/api/divisions/compare?from=${id('2021')}&to=${id('2023')}&under=320400000000`)).json());
    expect(diff.counts.added + diff.counts.removed + diff.counts.renamed).toBeGreaterThan(0);
    expect(diff.counts.unchanged).toBeGreaterThan(50);
  });

  it('loading the editions again loads nothing and changes nothing', async () => {
    const before = await libraryFigures();
    expect(await seedDemoEditions(systemContext(t.deps, t.app.log))).toEqual([]);
    expect(await libraryFigures()).toEqual(before);
  });
});
