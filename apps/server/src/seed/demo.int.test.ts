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
  // The whole demo (residents and the quarter of cases): minutes on a loaded 2-core machine.
}, 300_000);
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

describe('the demo quarter of cases', () => {
  it('is what the use cases would have written: each case the fold of its timeline, its columns its snapshot, its point in its grid', async () => {
    const { foldTimeline: fold, eventOfRow } = await import('../modules/case/index.ts');
    expect(seeded.cases.cases).toBeGreaterThan(150);
    expect(seeded.cases.open).toBeGreaterThan(5);
    const db = t.database.db;
    const events = await sql<{ caseId: number; seq: number; action: string; holderLevel: string; holderAreaId: number | null; holderDepartmentId: number | null; payload: unknown; attachmentIds: string[] }>`
      SELECT case_id::int AS "caseId", seq, action, holder_level AS "holderLevel", holder_area_id::int AS "holderAreaId", holder_department_id::int AS "holderDepartmentId", payload, attachment_ids AS "attachmentIds"
        FROM case_events ORDER BY case_id, seq`.execute(db);
    const cases = await sql<{ id: number; state: string; holderLevel: string; holderAreaId: number | null; holderDepartmentId: number | null; supervision: string | null; selfHandled: boolean; rating: string | null; version: number; snapshot: { state: string; holder: { level: string; areaId: number | null; departmentId: number | null }; supervision: string | null; selfHandled: boolean; rating: string | null } }>`
      SELECT id::int AS id, state, holder_level AS "holderLevel", holder_area_id::int AS "holderAreaId", holder_department_id::int AS "holderDepartmentId", supervision, self_handled AS "selfHandled", rating, version, snapshot FROM cases ORDER BY id`.execute(db);
    const byCase = new Map<number, typeof events.rows>();
    for (const e of events.rows) byCase.set(e.caseId, [...(byCase.get(e.caseId) ?? []), e]);
    for (const c of cases.rows) {
      const timeline = byCase.get(c.id) ?? [];
      expect(timeline.map((e) => e.seq)).toEqual(timeline.map((_e, i) => i + 1));
      expect(fold(timeline.map(eventOfRow))).toEqual(c.snapshot);
      const s = c.snapshot;
      expect({ state: c.state, holderLevel: c.holderLevel, holderAreaId: c.holderAreaId, holderDepartmentId: c.holderDepartmentId, supervision: c.supervision, selfHandled: c.selfHandled, rating: c.rating }).toEqual({ state: s.state, holderLevel: s.holder.level, holderAreaId: s.holder.areaId, holderDepartmentId: s.holder.departmentId, supervision: s.supervision, selfHandled: s.selfHandled, rating: s.rating });
      // Every recorded action raised the version once, as the use cases do.
      expect(c.version).toBe(timeline.length - (timeline.filter((e) => e.action === 'supervise' && (e.payload as { automatic?: boolean }).automatic).length));
    }
    // Each on-the-spot closure shows its photo, an attachment of its own case.
    const photos = await sql<{ n: number; bad: number }>`
      SELECT count(*)::int AS n, count(*) FILTER (WHERE a.id IS NULL OR a.owner_id <> e.case_id OR a.mime <> 'image/jpeg')::int AS bad
        FROM case_events e LEFT JOIN attachments a ON a.id::text = e.attachment_ids[1] WHERE e.action = 'self_close'`.execute(db);
    expect(photos.rows[0]!.n).toBeGreaterThan(50);
    expect(photos.rows[0]!.bad).toBe(0);
    const outside = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM cases c JOIN area_boundaries b ON b.area_id = c.grid_id AND b.valid_to IS NULL WHERE NOT ST_Contains(b.geom, c.location)`.execute(db);
    expect(outside.rows[0]!.n).toBe(0);
  });

  it("fills each demo account's inbox and gives the KPI page a quarter shaped like Qingcao's", async () => {
    for (const username of ['zb_worker', 'zb_g1_worker', 'zb_admin', 'qsy_admin', 'pcs_staff', 'cg_staff']) {
      const s = await loginAs(t.app, username);
      const mine = (await get(s, '/api/cases?view=mine&limit=50')).json<{ items: unknown[] }>();
      const area = (await get(s, '/api/cases?view=area&limit=50')).json<{ items: unknown[] }>();
      expect({ username, mine: mine.items.length > 0, area: area.items.length > 0 }).toEqual({ username, mine: true, area: true });
    }
    const street = await sql<{ id: number }>`SELECT id::int AS id FROM areas WHERE code = '320412001000'`.execute(t.database.db);
    const qsy = await loginAs(t.app, 'qsy_admin');
    const today = new Date(t.clock.now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    const from = new Date(t.clock.now.getTime() + 8 * 3600_000 - 92 * 86_400_000).toISOString().slice(0, 10);
    const kpi = (await get(qsy, `/api/cases/kpi?areaId=${street.rows[0]!.id}&from=${from}&to=${today}`)).json<{ figures: { reported: number; selfHandled: number; escalated: { community: number; town: number }; dispatched: number; yellowCards: number; redCards: number; open: number; rated: number; satisfactionRate: number } }>();
    const f = kpi.figures;
    expect(f.selfHandled / f.reported).toBeGreaterThan(0.6);
    expect(f.escalated.community).toBeGreaterThan(20);
    expect(f.escalated.town).toBeGreaterThanOrEqual(3);
    expect(f.dispatched).toBeGreaterThan(5);
    expect(f.yellowCards + f.redCards).toBeGreaterThan(0);
    expect(f.redCards).toBe(1);
    expect(f.open).toBeGreaterThan(5);
    expect(f.satisfactionRate).not.toBeNull();
    // The 不满意 one was reopened (its rating cleared) and is being handled again.
    const reopened = await sql<{ state: string }>`SELECT c.state FROM cases c JOIN case_events e ON e.case_id = c.id WHERE e.action = 'reopen'`.execute(t.database.db);
    expect(reopened.rows.map((r) => r.state)).toEqual(['handling']);
  });
});
