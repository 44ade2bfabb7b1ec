import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { loginAs, useTestApp, type Session } from '../../../test/harness.ts';
import { fold } from './case-workflow.ts';
import { eventOfRow } from './case.service.ts';

/**
 * Routing and feedback (issue 10): duplicate suggestions (并单) before reporting and on a case, merging done
 * right, rerouting to another grid and recategorising, following a case, and the working hours left.
 */
const ctx = useTestApp();

const GRID1 = '320412001001001';
const GRID2 = '320412001001002';
/** Metres per degree of latitude near 31.7° N (close enough for 30 m / 80 m offsets). */
const M_PER_DEG_LAT = 110_900;

interface Detail {
  id: number;
  caseNo: string;
  state: string;
  version: number;
  itemCode: string;
  itemName: string;
  holder: { level: string; name: string | null };
  grid: { id: number; name: string | null };
  mergedInto: number | null;
  dueRedAt: string | null;
  workHoursLeft: number | null;
  following: boolean;
  followers: number;
  allowedActions: string[];
  timeline: { action: string; payload: Record<string, unknown> }[];
}
type Refusal = { error: { code: string; message: string; details: { allowed?: string[]; fields?: Record<string, string[]> } | null } };
interface Duplicates {
  radiusM: number;
  windowHours: number;
  items: { id: number; caseNo: string; distanceM: number; following: boolean; workHoursLeft: number | null }[];
}

let g1Worker: Session;
let communityWorker: Session;
let secretary: Session;
let otherWorker: Session;
let point: { lng: number; lat: number };
let building: string;
let garbage: string;
let grid2: { id: number; lng: number; lat: number };

async function call<T>(s: Session, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown): Promise<{ status: number; body: T }> {
  const res = await ctx.t.app.inject({ method, url, headers: s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.json() as T };
}
const act = (s: Session, id: number, body: Record<string, unknown>) => call<Detail & Refusal>(s, 'POST', `/api/cases/${id}/actions`, body);
const north = (metres: number) => ({ lng: point.lng, lat: point.lat + metres / M_PER_DEG_LAT });

async function report(s: Session, extra: Record<string, unknown> = {}, at: { lng: number; lat: number } = point) {
  const res = await call<Detail & Refusal>(s, 'POST', '/api/cases', { itemCode: building, title: '绿地私搭棚屋', description: '3 栋北侧绿地有人搭棚', location: { ...at, crs: 'wgs84', source: 'gps' }, ...extra });
  expect(res.status).toBe(201);
  return res.body;
}
const duplicatesAt = (s: Session, at: { lng: number; lat: number }, item = building) => call<Duplicates & Refusal>(s, 'GET', `/api/cases/duplicates?itemCode=${item}&lng=${at.lng}&lat=${at.lat}`);

async function notificationsOf(username: string, kind: string, link: string) {
  const r = await sql<{ title: string }>`
    SELECT n.title FROM notifications n JOIN users u ON u.id = n.recipient_id WHERE u.username = ${username} AND n.kind = ${kind} AND n.link = ${link} ORDER BY n.id`.execute(ctx.t.database.db);
  return r.rows.map((x) => x.title);
}

beforeAll(async () => {
  [g1Worker, communityWorker, secretary, otherWorker] = await Promise.all([loginAs(ctx.t.app, 'zb_g1_worker'), loginAs(ctx.t.app, 'zb_worker'), loginAs(ctx.t.app, 'zb_admin'), loginAs(ctx.t.app, 'lsh_worker')]);
  const db = ctx.t.database.db;
  const inside = (code: string) => sql<{ id: number; lng: number; lat: number }>`
    SELECT a.id::int AS id, ST_X(ST_PointOnSurface(b.geom)) AS lng, ST_Y(ST_PointOnSurface(b.geom)) AS lat
      FROM area_boundaries b JOIN areas a ON a.id = b.area_id WHERE a.code = ${code} AND b.valid_to IS NULL`.execute(db);
  const p = (await inside(GRID1)).rows[0]!;
  point = { lng: Number(p.lng), lat: Number(p.lat) };
  const q = (await inside(GRID2)).rows[0]!;
  grid2 = { id: q.id, lng: Number(q.lng), lat: Number(q.lat) };
  const items = await sql<{ name: string; code: string }>`SELECT name, code FROM affair_items WHERE name IN ('私搭乱建', '暴露垃圾')`.execute(db);
  building = items.rows.find((r) => r.name === '私搭乱建')!.code;
  garbage = items.rows.find((r) => r.name === '暴露垃圾')!.code;
});

describe('duplicate suggestions (并单)', () => {
  it('offers an open case of the same item within 50 m — not at 80 m, not of another item, not a finished one, not outside the scope', async () => {
    const open = await report(g1Worker);
    const finished = await report(g1Worker);
    expect((await act(g1Worker, finished.id, { action: 'reject', reason: '重复上报' })).body.state).toBe('rejected');

    const near = await duplicatesAt(g1Worker, north(30));
    expect(near.status).toBe(200);
    expect(near.body).toMatchObject({ radiusM: 50, windowHours: 72 });
    const found = near.body.items.find((c) => c.id === open.id);
    expect(found?.distanceM).toBeGreaterThan(27);
    expect(found?.distanceM).toBeLessThan(33);
    // The reporter follows their own report from the start.
    expect(found?.following).toBe(true);
    expect(near.body.items.map((c) => c.id)).not.toContain(finished.id);

    expect((await duplicatesAt(g1Worker, north(80))).body.items.map((c) => c.id)).not.toContain(open.id);
    expect((await duplicatesAt(g1Worker, north(30), garbage)).body.items.map((c) => c.id)).not.toContain(open.id);
    // Another community's grid worker is told nothing of it.
    const outside = await duplicatesAt(otherWorker, north(30));
    expect(outside.status).toBe(200);
    expect(outside.body.items.map((c) => c.id)).not.toContain(open.id);
    // A point off the globe is a clear 400.
    expect((await call<Refusal>(g1Worker, 'GET', `/api/cases/duplicates?itemCode=${building}&lng=999&lat=31`)).status).toBe(400);
  });

  it('lists the candidates on a case waiting to be taken on, and the district may widen the radius', async () => {
    const first = await report(g1Worker);
    const second = await report(communityWorker, {}, north(70));
    const before = await call<Duplicates>(g1Worker, 'GET', `/api/cases/${second.id}/duplicates`);
    expect(before.body.items.map((c) => c.id)).not.toContain(first.id);
    const district = await sql<{ id: number }>`SELECT id::int AS id FROM areas WHERE code = '320412000000'`.execute(ctx.t.database.db);
    await sql`INSERT INTO case_duplicate_rules (area_id, radius_m, window_hours) VALUES (${district.rows[0]!.id}, 100, 24)`.execute(ctx.t.database.db);
    try {
      const after = await call<Duplicates>(g1Worker, 'GET', `/api/cases/${second.id}/duplicates`);
      expect(after.body).toMatchObject({ radiusM: 100, windowHours: 24 });
      expect(after.body.items.map((c) => c.id)).toContain(first.id);
      expect(after.body.items.map((c) => c.id)).not.toContain(second.id);
    } finally {
      await sql`DELETE FROM case_duplicate_rules`.execute(ctx.t.database.db);
    }
  });
});

describe('merging (并单)', () => {
  it('merges a duplicate into an open case: its reporter follows the survivor and is told, the survivor notes it, a retry changes nothing', async () => {
    const survivor = await report(g1Worker);
    const duplicate = await report(communityWorker, {}, north(10));
    const merged = await act(g1Worker, duplicate.id, { action: 'merge', intoCaseId: survivor.id });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({ state: 'merged', mergedInto: survivor.id });

    const after = await call<Detail>(communityWorker, 'GET', `/api/cases/${survivor.id}`);
    expect(after.body.following).toBe(true);
    expect(after.body.timeline.at(-1)).toMatchObject({ action: 'merge_in', payload: { fromCaseNo: duplicate.caseNo } });
    expect(await notificationsOf('zb_worker', 'case.merged', `/cases/${survivor.id}`)).toEqual([`您上报的事件已并入 ${survivor.caseNo}`]);

    // Sent again (a flaky connection, no client key): the same answer, nothing written twice.
    const again = await act(g1Worker, duplicate.id, { action: 'merge', intoCaseId: survivor.id });
    expect(again.status).toBe(200);
    const rows = await sql<{ n: number }>`SELECT count(*)::int AS n FROM case_events WHERE case_id = ${survivor.id} AND action = 'merge_in'`.execute(ctx.t.database.db);
    expect(rows.rows[0]!.n).toBe(1);
    expect(await notificationsOf('zb_worker', 'case.merged', `/cases/${survivor.id}`)).toHaveLength(1);

    // The survivor's stored snapshot is still the fold of its timeline (the merge_in row changes nothing).
    const events = await sql<{ action: string; holderLevel: string; holderAreaId: number | null; holderDepartmentId: number | null; payload: unknown; attachmentIds: string[] }>`
      SELECT action, holder_level AS "holderLevel", holder_area_id::int AS "holderAreaId", holder_department_id::int AS "holderDepartmentId", payload, attachment_ids AS "attachmentIds"
        FROM case_events WHERE case_id = ${survivor.id} ORDER BY seq`.execute(ctx.t.database.db);
    const stored = await sql<{ snapshot: unknown }>`SELECT snapshot FROM cases WHERE id = ${survivor.id}`.execute(ctx.t.database.db);
    expect(fold(events.rows.map(eventOfRow))).toEqual(stored.rows[0]!.snapshot);
  });

  it('refuses a merge into itself, into a finished or merged case, into a case out of reach, and a cycle', async () => {
    const a = await report(g1Worker);
    const b = await report(g1Worker);
    const self = await act(g1Worker, a.id, { action: 'merge', intoCaseId: a.id });
    expect(self.status).toBe(400);
    const closed = await report(g1Worker);
    await act(g1Worker, closed.id, { action: 'reject', reason: '不属实' });
    expect((await act(g1Worker, a.id, { action: 'merge', intoCaseId: closed.id })).status).toBe(409);
    // A case of another community (reported there by its own grid worker) is out of reach: 404, as if it did not exist.
    const far = await sql<{ lng: number; lat: number }>`
      SELECT ST_X(ST_PointOnSurface(b.geom)) AS lng, ST_Y(ST_PointOnSurface(b.geom)) AS lat
        FROM users u JOIN role_assignments r ON r.user_id = u.id JOIN areas c ON c.id = r.area_id
        JOIN areas g ON g.path LIKE c.path || '%' AND g.level = 'grid' JOIN area_boundaries b ON b.area_id = g.id AND b.valid_to IS NULL
       WHERE u.username = 'lsh_worker' ORDER BY g.code LIMIT 1`.execute(ctx.t.database.db);
    const theirs = await report(otherWorker, {}, { lng: Number(far.rows[0]!.lng), lat: Number(far.rows[0]!.lat) });
    expect((await act(g1Worker, a.id, { action: 'merge', intoCaseId: theirs.id })).status).toBe(404);
    expect((await act(g1Worker, a.id, { action: 'merge', intoCaseId: 99_999_999 })).status).toBe(404);
    // b into a, then a into b would be a cycle: b is merged, so a cannot go into it.
    expect((await act(g1Worker, b.id, { action: 'merge', intoCaseId: a.id })).status).toBe(200);
    const cycle = await act(g1Worker, a.id, { action: 'merge', intoCaseId: b.id });
    expect(cycle.status).toBe(409);
    expect(cycle.body.error.message).toContain('已并单');
  });

  it('lets one of two merges at once win — a into b and b into a — and the other gets a 409', async () => {
    const a = await report(g1Worker);
    const b = await report(g1Worker);
    const [x, y] = await Promise.all([act(g1Worker, a.id, { action: 'merge', intoCaseId: b.id }), act(g1Worker, b.id, { action: 'merge', intoCaseId: a.id })]);
    expect([x.status, y.status].sort()).toEqual([200, 409]);
    const states = await sql<{ state: string }>`SELECT state FROM cases WHERE id IN (${a.id}, ${b.id}) ORDER BY state`.execute(ctx.t.database.db);
    expect(states.rows.map((r) => r.state)).toEqual(['merged', 'reported']);
  });
});

describe('rerouting and recategorising (改派)', () => {
  it('moves a case that landed in the wrong grid to the right one: that grid holds it, its workers are told, the old grid worker no longer has it', async () => {
    const c = await report(g1Worker);
    // A grid worker of one grid cannot send it to a grid outside their scope.
    const refused = await act(g1Worker, c.id, { action: 'reroute', gridId: grid2.id, reason: '位置在第2网格' });
    expect(refused.status).toBe(403);
    // Someone covering both grids (the community's grid worker) can.
    const moved = await act(communityWorker, c.id, { action: 'reroute', gridId: grid2.id, reason: '位置在第2网格' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ state: 'reported', holder: { level: 'grid' }, grid: { id: grid2.id } });
    expect(moved.body.holder.name).toBe(moved.body.grid.name);
    expect(moved.body.timeline.at(-1)).toMatchObject({ action: 'reroute', payload: { reason: '位置在第2网格', gridName: moved.body.grid.name } });
    expect(await notificationsOf('zb_leader', 'case.rerouted', `/cases/${c.id}`)).toHaveLength(1);
    expect((await call(g1Worker, 'GET', `/api/cases/${c.id}`)).status).toBe(404);
    expect((await act(g1Worker, c.id, { action: 'accept' })).status).toBe(404);
    expect((await act(communityWorker, c.id, { action: 'accept' })).body.state).toBe('accepted');
    // Nothing to change is not a reroute; a district or street is not a grid.
    expect((await act(communityWorker, c.id, { action: 'reroute', reason: '无' })).status).toBe(400);
    const street = await sql<{ id: number }>`SELECT id::int AS id FROM areas WHERE code = '320412001000'`.execute(ctx.t.database.db);
    expect((await act(communityWorker, c.id, { action: 'reroute', gridId: street.rows[0]!.id, reason: 'x' })).status).toBe(400);
  });

  it('recategorises: the new item, its limits and deadlines on the working clock', async () => {
    const c = await report(g1Worker);
    await act(g1Worker, c.id, { action: 'accept' });
    const fresh = await report(g1Worker, { itemCode: garbage });
    const changed = await act(g1Worker, c.id, { action: 'reroute', itemCode: garbage, reason: '实为暴露垃圾' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ state: 'reported', itemCode: garbage, itemName: '暴露垃圾' });
    // A new acceptance step from now, on the new item's limits: the same deadline as a report of it now.
    expect(changed.body.dueRedAt).toBe(fresh.dueRedAt);
    expect(changed.body.dueRedAt).not.toBe(c.dueRedAt);
    expect(changed.body.timeline.at(-1)).toMatchObject({ action: 'reroute', payload: { previousItem: '私搭乱建', itemName: '暴露垃圾' } });
  });
});

describe('following (关注)', () => {
  it('lets staff of the area follow and unfollow; a follower is told once of a change of state, not of a comment', async () => {
    const c = await report(g1Worker);
    expect(c.following).toBe(true);
    const on = await call<{ following: boolean; followers: number }>(secretary, 'POST', `/api/cases/${c.id}/follow`);
    expect(on.body).toEqual({ following: true, followers: 2 });
    expect((await call(secretary, 'POST', `/api/cases/${c.id}/follow`)).body).toEqual({ following: true, followers: 2 });
    const list = await call<{ items: { id: number }[] }>(secretary, 'GET', '/api/cases?view=following&limit=100');
    expect(list.body.items.map((x) => x.id)).toContain(c.id);

    await act(g1Worker, c.id, { action: 'comment', note: '已联系物业' });
    expect(await notificationsOf('zb_admin', 'case.updated', `/cases/${c.id}`)).toEqual([]);
    await act(g1Worker, c.id, { action: 'accept', clientKey: 'accept-follow-1' });
    await act(g1Worker, c.id, { action: 'accept', clientKey: 'accept-follow-1' });
    expect(await notificationsOf('zb_admin', 'case.updated', `/cases/${c.id}`)).toEqual([`您关注的事件 ${c.caseNo}：已受理`]);

    const off = await call<{ following: boolean; followers: number }>(secretary, 'DELETE', `/api/cases/${c.id}/follow`);
    expect(off.body).toEqual({ following: false, followers: 1 });
    expect((await call<{ items: { id: number }[] }>(secretary, 'GET', '/api/cases?view=following&limit=100')).body.items.map((x) => x.id)).not.toContain(c.id);
    // Out of reach: as if it did not exist.
    expect((await call(otherWorker, 'POST', `/api/cases/${c.id}/follow`)).status).toBe(404);
  });
});

describe('time left in working hours', () => {
  it('shows the working hours to the red deadline on the case and in the inbox, negative once overdue', async () => {
    const c = await report(g1Worker, { itemCode: garbage });
    expect(c.workHoursLeft).toEqual(expect.any(Number));
    expect(c.workHoursLeft!).toBeGreaterThan(0);
    // 暴露垃圾: accepted within 8 working hours at most (red).
    expect(c.workHoursLeft!).toBeLessThanOrEqual(8);
    const inbox = await call<{ items: { id: number; workHoursLeft: number | null }[] }>(g1Worker, 'GET', '/api/cases?view=area&limit=100');
    expect(inbox.body.items.find((x) => x.id === c.id)?.workHoursLeft).toBe(c.workHoursLeft);
    ctx.t.clock.advanceMinutes(60 * 24 * 14);
    const later = await loginAs(ctx.t.app, 'zb_g1_worker');
    const overdue = await call<Detail>(later, 'GET', `/api/cases/${c.id}`);
    expect(overdue.body.workHoursLeft!).toBeLessThan(-8);
  });
});
