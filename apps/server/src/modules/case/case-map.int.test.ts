import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { loginAs, useTestApp, type Session } from '../../../test/harness.ts';

const ctx = useTestApp();

const GRID1 = '320412001001001';

interface CaseMapBody {
  type: string;
  features: { id: number; geometry: { type: string; coordinates: [number, number] }; properties: { id: number; caseNo: string; title: string; urgency: string; alarm: string; supervision: string | null; state: string; dueRedAt: string | null } }[];
  truncated: boolean;
  unlocated: { gridId: number; gridName: string | null; count: number }[];
}
type Refusal = { error: { code: string; message: string; details: { fields?: Record<string, string[]> } | null } };

let g1Worker: Session;
let communityWorker: Session;
let secretary: Session;
let cgStaff: Session;
let otherWorker: Session;
let grid1: { id: number; lng: number; lat: number };
let grid2: { id: number; lng: number; lat: number };
let lanshan: { lng: number; lat: number };
let itemCode: string;
const ids: Record<'g1' | 'g2' | 'lsh' | 'g1NoPoint', number> = { g1: 0, g2: 0, lsh: 0, g1NoPoint: 0 };
type Counts = { open: number; overdue: number; warned: number; redCards: number; yellowCards: number; reportedToday: number };
/** What the fixtures held before this file reported its cases (a demo may come with cases of its own). */
const before: { zb?: Counts; grid1?: Counts; cg?: Counts; unlocatedGrid1: number } = { unlocatedGrid1: 0 };

async function call<T>(s: Session, method: 'GET' | 'POST', url: string, payload?: unknown): Promise<{ status: number; body: T }> {
  const res = await ctx.t.app.inject({ method, url, headers: s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.json() as T };
}
const mapOf = (s: Session, query = '') => call<CaseMapBody & Refusal>(s, 'GET', `/api/cases/map${query ? `?${query}` : ''}`);

async function report(s: Session, title: string, at: { lng: number; lat: number } | null, urgency?: string): Promise<number> {
  const res = await call<{ id: number }>(s, 'POST', '/api/cases', { itemCode, title, description: `${title}（地图测试）`, ...(at ? { location: { ...at, crs: 'wgs84', source: 'gps' } } : {}), ...(urgency ? { urgency } : {}) });
  expect(res.status).toBe(201);
  return res.body.id;
}

/** A point inside the first area (by code) that matches, and its id. */
async function inside(where: ReturnType<typeof sql>): Promise<{ id: number; lng: number; lat: number }> {
  const r = await sql<{ id: number; lng: number; lat: number }>`
    SELECT a.id::int AS id, ST_X(ST_PointOnSurface(b.geom)) AS lng, ST_Y(ST_PointOnSurface(b.geom)) AS lat
      FROM area_boundaries b JOIN areas a ON a.id = b.area_id WHERE ${where} AND b.valid_to IS NULL ORDER BY a.code LIMIT 1`.execute(ctx.t.database.db);
  const row = r.rows[0]!;
  return { id: row.id, lng: Number(row.lng), lat: Number(row.lat) };
}

beforeAll(async () => {
  const app = ctx.t.app;
  [g1Worker, communityWorker, secretary, cgStaff, otherWorker] = await Promise.all([loginAs(app, 'zb_g1_worker'), loginAs(app, 'zb_worker'), loginAs(app, 'zb_admin'), loginAs(app, 'cg_staff'), loginAs(app, 'lsh_worker')]);
  grid1 = await inside(sql`a.code = ${GRID1}`);
  // Another grid of the same community (站北社区), and a grid of 蓝山湖社区 (where lsh_worker works).
  grid2 = await inside(sql`a.level = 'grid' AND a.code <> ${GRID1} AND a.code LIKE ${`${GRID1.slice(0, 12)}%`}`);
  lanshan = await inside(sql`a.level = 'grid' AND a.path LIKE (SELECT ar.path || '%' FROM role_assignments r JOIN users u ON u.id = r.user_id JOIN areas ar ON ar.id = r.area_id WHERE u.username = 'lsh_worker' LIMIT 1)`);
  itemCode = (await sql<{ code: string }>`SELECT code FROM affair_items WHERE name = '私搭乱建' LIMIT 1`.execute(ctx.t.database.db)).rows[0]!.code;
  before.zb = (await call<Counts>(secretary, 'GET', '/api/cases/counts')).body;
  before.grid1 = (await call<Counts>(secretary, 'GET', `/api/cases/counts?areaId=${grid1.id}`)).body;
  before.cg = (await call<Counts>(cgStaff, 'GET', '/api/cases/counts')).body;
  before.unlocatedGrid1 = (await mapOf(g1Worker)).body.unlocated.find((u) => u.gridId === grid1.id)?.count ?? 0;
  ids.g1 = await report(g1Worker, '第1网格绿地搭棚', grid1);
  ids.g2 = await report(communityWorker, '第2网格井盖缺失', grid2, 'emergency');
  ids.lsh = await report(otherWorker, '蓝山湖社区占道', lanshan);
  // Located by the reporter's grid only: no point.
  ids.g1NoPoint = await report(g1Worker, '第1网格无坐标事件', null);
}, 120_000);

describe('the case map', () => {
  it('gives a grid worker the open cases of their own grid as WGS84 points, and counts those without a point per grid', async () => {
    const res = await mapOf(g1Worker);
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('FeatureCollection');
    const mine = res.body.features.map((f) => f.id);
    expect(mine).toContain(ids.g1);
    // Not another grid's case of the same community, nor another community's, nor the one with no point.
    expect(mine).not.toContain(ids.g2);
    expect(mine).not.toContain(ids.lsh);
    expect(mine).not.toContain(ids.g1NoPoint);
    const f = res.body.features.find((x) => x.id === ids.g1)!;
    expect(f.geometry).toEqual({ type: 'Point', coordinates: [expect.closeTo(grid1.lng, 9), expect.closeTo(grid1.lat, 9)] });
    expect(f.properties).toMatchObject({ id: ids.g1, title: '第1网格绿地搭棚', state: 'reported', urgency: 'normal', alarm: 'none', caseNo: expect.stringMatching(/^SJ/) });
    expect(f.properties.dueRedAt).toEqual(expect.any(String));
    expect(res.body.truncated).toBe(false);
    // Only their own grid is counted.
    expect(res.body.unlocated).toEqual([{ gridId: grid1.id, gridName: expect.stringContaining('1'), count: before.unlocatedGrid1 + 1 }]);
  });

  it('gives the community secretary every grid of the community, and nobody another community', async () => {
    const zb = (await mapOf(secretary)).body.features.map((f) => f.id);
    expect(zb).toEqual(expect.arrayContaining([ids.g1, ids.g2]));
    expect(zb).not.toContain(ids.lsh);
    const lsh = (await mapOf(otherWorker)).body.features.map((f) => f.id);
    expect(lsh).toContain(ids.lsh);
    expect(lsh).not.toContain(ids.g1);
    // A department's staff see only what was dispatched to their department: nothing yet.
    const cg = await mapOf(cgStaff);
    expect(cg.status).toBe(200);
    expect(cg.body.features.map((f) => f.id)).not.toEqual(expect.arrayContaining([ids.g1]));
    expect(cg.body.features.map((f) => f.id)).not.toEqual(expect.arrayContaining([ids.g2]));
    expect(cg.body.unlocated.find((u) => u.gridId === grid1.id)).toBeUndefined();
  });

  it('reads only the box asked for', async () => {
    const d = 0.0005;
    const box = `${grid1.lng - d},${grid1.lat - d},${grid1.lng + d},${grid1.lat + d}`;
    const inBox = (await mapOf(secretary, `bbox=${box}`)).body.features.map((f) => f.id);
    expect(inBox).toContain(ids.g1);
    expect(inBox).not.toContain(ids.g2);
    // Elsewhere in the world: nothing.
    expect((await mapOf(secretary, 'bbox=100,20,100.5,20.5')).body.features).toEqual([]);
  });

  it('filters by state: a closed view holds none of the open cases', async () => {
    const closed = await mapOf(secretary, 'states=closed,closed_unfixed');
    expect(closed.status).toBe(200);
    expect(closed.body.features.map((f) => f.id)).not.toContain(ids.g1);
    const reported = await mapOf(secretary, 'states=reported');
    expect(reported.body.features.map((f) => f.id)).toEqual(expect.arrayContaining([ids.g1, ids.g2]));
  });

  it('caps the answer, keeps the most pressing case and says it was cut', async () => {
    const one = await mapOf(secretary, 'limit=1');
    expect(one.status).toBe(200);
    expect(one.body.features).toHaveLength(1);
    expect(one.body.truncated).toBe(true);
    // The most pressing first: the emergency before the normal one (neither is overdue or carded).
    const order = (await mapOf(secretary)).body.features.map((f) => f.id);
    expect(order.indexOf(ids.g2)).toBeLessThan(order.indexOf(ids.g1));
    expect(one.body.features[0]!.id).toBe(order[0]);
    expect((await mapOf(secretary, 'limit=5001')).status).toBe(400);
  });

  it('refuses a box that is not one, with a message saying why', async () => {
    for (const bbox of ['abc', '120,31,119,32', '120,31,121', '120,-91,121,32', '190,31,191,32', '120,31,121,NaN']) {
      const res = await mapOf(secretary, `bbox=${encodeURIComponent(bbox)}`);
      expect(res.status, bbox).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(JSON.stringify(res.body.error.details)).toMatch(/经度|纬度|范围/);
    }
    const badState = await mapOf(secretary, 'states=open');
    expect(badState.status).toBe(400);
    expect(JSON.stringify(badState.body.error)).toContain('未知的案件状态');
  });

  it('counts the open cases of an area for the dashboard, and today\'s reports, within the scope', async () => {
    const zb = await call<Counts>(secretary, 'GET', '/api/cases/counts');
    expect(zb.status).toBe(200);
    // 站北社区 gained the two cases with a point and the one without; none is overdue (the clock has not moved).
    const b = before.zb!;
    expect(zb.body).toEqual({ open: b.open + 3, overdue: b.overdue, warned: b.warned, redCards: b.redCards, yellowCards: b.yellowCards, reportedToday: b.reportedToday + 3 });
    const g1 = await call<Counts>(secretary, 'GET', `/api/cases/counts?areaId=${grid1.id}`);
    expect(g1.body).toMatchObject({ open: before.grid1!.open + 2, reportedToday: before.grid1!.reportedToday + 2 });
    expect((await call<Counts>(g1Worker, 'GET', '/api/cases/counts')).body).toMatchObject({ open: before.grid1!.open + 2 });
    // Another grid is not the grid worker's to count.
    expect((await call(g1Worker, 'GET', `/api/cases/counts?areaId=${grid2.id}`)).status).toBe(404);
    // Nothing was dispatched to 城管.
    expect((await call<Counts>(cgStaff, 'GET', '/api/cases/counts')).body).toEqual(before.cg);
  });

  it('is for those who read cases: a signed-out caller gets 401', async () => {
    const res = await ctx.t.app.inject({ method: 'GET', url: '/api/cases/map' });
    expect(res.statusCode).toBe(401);
  });
});
