import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { loginAs, useTestApp, type Session } from '../../../test/harness.ts';
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { fold } from './case-workflow.ts';
import { eventOfRow } from './case.service.ts';

const ctx = useTestApp();

/** A photo as a phone takes it (a plain red JPEG). */
function cameraJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 200, g: 30, b: 40 } } }).jpeg({ quality: 80 }).toBuffer();
}

/** A multipart/form-data body with one file part, as a phone's browser sends it. */
function multipart(fileName: string, content: Buffer, contentType: string): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----redgrid${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${contentType}\r\n\r\n`, 'utf8');
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  return { payload: Buffer.concat([head, content, tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
const GRID1 = '320412001001001';

interface Detail {
  id: number;
  caseNo: string;
  state: string;
  version: number;
  holder: { level: string; name: string | null; departmentId: number | null };
  grid: { id: number; name: string | null };
  department: { id: number; name: string } | null;
  allowedActions: string[];
  counts: { escalations: number; dispatches: number; returns: number; reworks: number; reopens: number };
  rating: string | null;
  dueYellowAt: string | null;
  timeline: { action: string; actorName: string; toState: string }[];
}
type Refusal = { error: { code: string; message: string; details: { allowed?: string[]; fields?: Record<string, string[]> } | null } };

let worker: Session;
let secretary: Session;
let cgStaff: Session;
let police: Session;
let otherWorker: Session;
let point: { lng: number; lat: number };
let illegalBuilding: string;

async function call<T>(s: Session, method: 'GET' | 'POST', url: string, payload?: unknown): Promise<{ status: number; body: T }> {
  const res = await ctx.t.app.inject({ method, url, headers: s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.json() as T };
}
const act = (s: Session, id: number, body: Record<string, unknown>) => call<Detail & Refusal>(s, 'POST', `/api/cases/${id}/actions`, body);

async function report(s: Session, extra: Record<string, unknown> = {}) {
  return call<Detail & Refusal>(s, 'POST', '/api/cases', { itemCode: illegalBuilding, title: '小区绿地私自搭建棚屋', description: '3 栋北侧绿地有人用彩钢板搭棚，约 10 平方米', location: { ...point, crs: 'wgs84', source: 'gps' }, ...extra });
}

beforeAll(async () => {
  [worker, secretary, cgStaff, police, otherWorker] = await Promise.all([loginAs(ctx.t.app, 'zb_g1_worker'), loginAs(ctx.t.app, 'zb_admin'), loginAs(ctx.t.app, 'cg_staff'), loginAs(ctx.t.app, 'pcs_staff'), loginAs(ctx.t.app, 'lsh_worker')]);
  const db = ctx.t.database.db;
  const p = await sql<{ lng: number; lat: number }>`
    SELECT ST_X(ST_PointOnSurface(b.geom)) AS lng, ST_Y(ST_PointOnSurface(b.geom)) AS lat
      FROM area_boundaries b JOIN areas a ON a.id = b.area_id WHERE a.code = ${GRID1} AND b.valid_to IS NULL`.execute(db);
  point = { lng: Number(p.rows[0]!.lng), lat: Number(p.rows[0]!.lat) };
  const item = await sql<{ code: string }>`SELECT code FROM affair_items WHERE name = '私搭乱建' LIMIT 1`.execute(db);
  illegalBuilding = item.rows[0]!.code;
});

describe('a case from the grid to a department and back to the reporter', () => {
  it('is routed by its location, deduplicated by its client key, and climbs one level at a time', async () => {
    const first = await report(worker, { clientKey: 'phone-retry-0001' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ state: 'reported', holder: { level: 'grid' }, grid: { name: expect.stringContaining('1') } });
    expect(first.body.caseNo).toMatch(/^SJ\d{8}\d{6}$/);
    expect(first.body.dueYellowAt).not.toBeNull();
    // A flaky phone sends it again: the same case, not a second one.
    const again = await report(worker, { clientKey: 'phone-retry-0001' });
    expect(again.body.id).toBe(first.body.id);
    const id = first.body.id;

    expect((await act(worker, id, { action: 'accept' })).body.state).toBe('accepted');
    // A grid does not whistle departments: refused with what it could do instead.
    const whistle = await act(worker, id, { action: 'dispatch' });
    expect(whistle.status).toBe(403);
    expect(whistle.body.error.details?.allowed).toContain('escalate');
    // Nor skip a level this item does not allow.
    const skip = await act(worker, id, { action: 'escalate', to: { level: 'town' }, reason: '需执法' });
    expect(skip.status).toBe(400);
    const up = await act(worker, id, { action: 'escalate', to: { level: 'community' }, reason: '需城管执法' });
    expect(up.body).toMatchObject({ state: 'reported', holder: { level: 'community', name: expect.stringContaining('站北社区') } });
    // The grid worker no longer holds it.
    expect((await act(worker, id, { action: 'accept' })).status).toBe(403);

    // The community accepts and whistles: routing finds the 城管 of its place.
    expect((await act(secretary, id, { action: 'accept' })).body.state).toBe('accepted');
    const sent = await act(secretary, id, { action: 'dispatch' });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ state: 'dispatched', holder: { level: 'department' }, department: { name: '戚墅堰城管中队' } });

    // The department whistled in reads the whole story, from the report on, and who reported it.
    const seen = await call<Detail & { reporter: { name: string | null } }>(cgStaff, 'GET', `/api/cases/${id}`);
    expect(seen.body.timeline[0]!.action).toBe('report');
    expect(seen.body.reporter.name).toBe('吴敏');
    // The police station serves the same street but was not whistled: it does not see the case.
    expect((await call(police, 'GET', `/api/cases/${id}`)).status).toBe(404);
    // Another community's grid worker does not either.
    expect((await call(otherWorker, 'GET', `/api/cases/${id}`)).status).toBe(404);

    // 城管 reports in, then returns it as not theirs: back to the community that whistled.
    expect((await act(cgStaff, id, { action: 'acknowledge' })).body.state).toBe('handling');
    const back = await act(cgStaff, id, { action: 'return', reason: '属物业管理范围' });
    expect(back.body).toMatchObject({ state: 'accepted', holder: { level: 'community' } });
    // After the return 城管 can no longer act on it.
    expect((await act(cgStaff, id, { action: 'handle', result: 'x' })).status).toBe(403);

    // Whistled again, handled this time, verified by the grid worker, rated by the reporter.
    await act(secretary, id, { action: 'dispatch', departmentKind: 'urban_management' });
    await act(cgStaff, id, { action: 'acknowledge' });
    expect((await act(cgStaff, id, { action: 'handle', result: '已责令拆除，现场恢复绿地' })).body.state).toBe('handled');
    const verified = await act(worker, id, { action: 'verify_pass' });
    expect(verified.body.state).toBe('closed');
    expect(verified.body.allowedActions).toContain('rate');

    const rated = await act(worker, id, { action: 'rate', rating: 'unsatisfied', comment: '棚子又搭起来了' });
    expect(rated.body.rating).toBe('unsatisfied');
    const reopened = await act(worker, id, { action: 'reopen', reason: '棚子又搭起来了' });
    expect(reopened.body).toMatchObject({ state: 'handling', holder: { level: 'department' }, rating: null });
    expect(reopened.body.counts).toMatchObject({ escalations: 1, dispatches: 2, returns: 1, reopens: 1 });

    // A closed-state action on an open case: 409 naming the actions allowed now.
    const wrong = await act(worker, id, { action: 'rate', rating: 'satisfied' });
    expect(wrong.status).toBe(409);
    expect(wrong.body.error.details?.allowed).toEqual(expect.any(Array));

    // The timeline tells the whole story, and the stored case is its fold.
    const detail = await call<Detail>(worker, 'GET', `/api/cases/${id}`);
    expect(detail.body.timeline.map((e) => e.action)).toEqual(['report', 'accept', 'escalate', 'accept', 'dispatch', 'acknowledge', 'return', 'dispatch', 'acknowledge', 'handle', 'verify_pass', 'rate', 'reopen']);
    const rows = await sql<{ action: string; holderLevel: string; holderAreaId: number | null; holderDepartmentId: number | null; payload: unknown; attachmentIds: string[] }>`
      SELECT action, holder_level AS "holderLevel", holder_area_id::int AS "holderAreaId", holder_department_id::int AS "holderDepartmentId", payload, attachment_ids AS "attachmentIds"
        FROM case_events WHERE case_id = ${id} ORDER BY seq`.execute(ctx.t.database.db);
    const stored = await sql<{ snapshot: unknown }>`SELECT snapshot FROM cases WHERE id = ${id}`.execute(ctx.t.database.db);
    expect(fold(rows.rows.map(eventOfRow))).toEqual(stored.rows[0]!.snapshot);
  });

  it('closes on the spot (自办自结) with the photo taken there, and shows it on the step', async () => {
    const created = await report(worker);
    const id = created.body.id;
    const body = multipart('现场.jpg', await cameraJpeg(), 'image/jpeg');
    const up = await ctx.t.app.inject({ method: 'POST', url: `/api/attachments?ownerType=case&ownerId=${id}&purpose=photo&clientKey=case-photo-0001`, headers: { ...worker.headers, ...body.headers }, payload: body.payload });
    expect(up.statusCode).toBe(201);
    const photo = up.json<{ id: string }>().id;
    const closed = await act(worker, id, { action: 'self_close', result: '已劝离，棚屋当场拆除', attachmentIds: [photo] });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ state: 'closed', selfHandled: true, holder: { level: 'grid' } });
    // A photo of another case is not evidence for this one.
    const other = await report(worker);
    const borrowed = await act(worker, other.body.id, { action: 'self_close', result: '已处理', attachmentIds: [photo] });
    expect(borrowed.status).toBe(400);
    // A finished case takes no more files.
    const late = multipart('补拍.jpg', await cameraJpeg(), 'image/jpeg');
    const refused = await ctx.t.app.inject({ method: 'POST', url: `/api/attachments?ownerType=case&ownerId=${id}&purpose=photo&clientKey=case-photo-0002`, headers: { ...worker.headers, ...late.headers }, payload: late.payload });
    expect(refused.statusCode).toBe(409);
  });

  it('lets one of two people acting at the same moment win and tells the other', async () => {
    const created = await report(worker);
    const id = created.body.id;
    const [a, b] = await Promise.all([act(worker, id, { action: 'accept', version: created.body.version }), act(worker, id, { action: 'reject', reason: '重复上报', version: created.body.version })]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const events = await sql<{ n: number }>`SELECT count(*)::int AS n FROM case_events WHERE case_id = ${id}`.execute(ctx.t.database.db);
    expect(events.rows[0]!.n).toBe(2);
  });

  it('makes a retried action a no-op', async () => {
    const created = await report(worker);
    const id = created.body.id;
    const once = await act(worker, id, { action: 'comment', note: '已联系物业', clientKey: 'comment-key-1' });
    const twice = await act(worker, id, { action: 'comment', note: '已联系物业', clientKey: 'comment-key-1' });
    expect(twice.status).toBe(200);
    expect(twice.body.timeline).toHaveLength(once.body.timeline.length);
  });

  it('refuses a point outside every grid, a closure on the spot without a photo, and an unknown item', async () => {
    const far = await report(worker, { location: { lng: 87.6, lat: 43.8, crs: 'wgs84', source: 'map' } });
    expect(far.status).toBe(400);
    expect(far.body.error.details?.fields?.location).toBeDefined();
    const unknown = await report(worker, { itemCode: '9999' });
    expect(unknown.status).toBe(400);
    const created = await report(worker);
    const noPhoto = await act(worker, created.body.id, { action: 'self_close', result: '已清理' });
    expect(noPhoto.status).toBe(400);
    expect(noPhoto.body.error.details?.fields?.attachments).toBeDefined();
  });

  it('puts the overdue and supervised first in the inbox of the level holding them', async () => {
    const mine = await call<{ items: { id: number; state: string; holder: { level: string } }[] }>(secretary, 'GET', '/api/cases?view=area&limit=50');
    expect(mine.status).toBe(200);
    expect(mine.body.items.length).toBeGreaterThan(0);
    const theirs = await call<{ items: { id: number }[] }>(cgStaff, 'GET', '/api/cases?view=area&limit=50');
    // 城管 sees only what was whistled to it.
    const whistled = await sql<{ id: number }>`SELECT id::int AS id FROM cases WHERE department_id IS NOT NULL`.execute(ctx.t.database.db);
    expect(theirs.body.items.map((c) => c.id).sort()).toEqual(whistled.rows.map((r) => r.id).sort());
  });

  it('finds a case by its number (typed in any case) or by words of its title, only within the reader\'s scope', async () => {
    const filed = await report(worker, { title: '消防通道被占用（编号查找）' });
    expect(filed.status).toBe(201);
    type Page = { items: { id: number; caseNo: string }[] };
    const byNumber = await call<Page>(secretary, 'GET', `/api/cases?view=area&q=${filed.body.caseNo.toLowerCase()}`);
    expect(byNumber.body.items.map((c) => c.id)).toEqual([filed.body.id]);
    const byTitle = await call<Page>(secretary, 'GET', `/api/cases?view=area&q=${encodeURIComponent('编号查找')}`);
    expect(byTitle.body.items.map((c) => c.id)).toEqual([filed.body.id]);
    // Another community's worker: the number names nothing they may read.
    const outside = await call<Page>(otherWorker, 'GET', `/api/cases?view=area&q=${filed.body.caseNo}`);
    expect(outside.body.items).toEqual([]);
  });
});

describe('the KPI page', () => {
  it('counts what happened to the community\'s cases with the evaluation formulas', async () => {
    const db = ctx.t.database.db;
    const community = await sql<{ id: number }>`SELECT id::int AS id FROM areas WHERE code = '320412001001'`.execute(db);
    const res = await call<{ figures: Record<string, unknown> & { escalated: Record<string, number> } } & Refusal>(secretary, 'GET', `/api/cases/kpi?areaId=${community.rows[0]!.id}&from=2026-11-01&to=2026-12-31`);
    expect(res.status).toBe(200);
    const truth = await sql<{ reported: number; self: number; closed: number; rejected: number }>`
      SELECT count(*)::int AS reported, count(*) FILTER (WHERE self_handled)::int AS self, count(*) FILTER (WHERE state IN ('closed', 'closed_unfixed'))::int AS closed, count(*) FILTER (WHERE state IN ('rejected', 'merged'))::int AS rejected FROM cases`.execute(db);
    const t = truth.rows[0]!;
    expect(res.body.figures).toMatchObject({ reported: t.reported, selfHandled: t.self, closed: t.closed, shouldHandle: t.reported - t.rejected });
    expect(res.body.figures.selfHandledRate).toBeCloseTo(t.self / t.reported, 3);
    // The whistled case climbed once to the community; one case was dispatched (twice, counted once).
    expect(res.body.figures.escalated).toEqual({ community: 1, town: 0, district: 0 });
    expect(res.body.figures.dispatched).toBe(1);
    // A grid worker cannot read a community's KPIs outside their grid; a bad period is a clear 400.
    expect((await call(secretary, 'GET', `/api/cases/kpi?areaId=${community.rows[0]!.id}&from=2026-12-31&to=2026-11-01`)).status).toBe(400);
  });
});

describe('the working-time clock', () => {
  it('tells the reporter at acceptance, then alerts and yellow-cards a case left past its red deadline — once', async () => {
    const communityWorker = await loginAs(ctx.t.app, 'zb_worker');
    const created = await report(communityWorker);
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect((await act(worker, id, { action: 'accept' })).body.state).toBe('accepted');
    const db = ctx.t.database.db;
    const told = await sql<{ kind: string; title: string }>`
      SELECT n.kind, n.title FROM notifications n JOIN users u ON u.id = n.recipient_id WHERE u.username = 'zb_worker' AND n.kind = 'case.accepted'`.execute(db);
    expect(told.rows[0]?.title).toContain(created.body.caseNo);

    const { schedulerFor } = await import('../../platform/scheduler.ts');
    const scheduler = schedulerFor(ctx.t.deps, ctx.t.app.log);
    ctx.t.clock.advanceMinutes(60 * 24 * 90);
    await scheduler.runDue(ctx.t.clock.read());
    // Ninety days on, the sessions have expired: sign in again.
    worker = await loginAs(ctx.t.app, 'zb_g1_worker');
    const after = await call<Detail & { alarm: string; supervision: string | null }>(worker, 'GET', `/api/cases/${id}`);
    expect(after.body).toMatchObject({ alarm: 'red', supervision: 'yellow', state: 'accepted' });
    expect(after.body.timeline.slice(-2).map((e) => [e.action, e.actorName])).toEqual([
      ['overdue_alert', '系统'],
      ['supervise', '系统'],
    ]);
    const alerted = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM notifications n JOIN users u ON u.id = n.recipient_id WHERE u.username = 'zb_g1_worker' AND n.kind = 'case.overdue' AND n.link = ${`/cases/${id}`}`.execute(db);
    expect(alerted.rows[0]!.n).toBe(1);

    // A second run finds nothing new to say.
    ctx.t.clock.advanceMinutes(5);
    await scheduler.runDue(ctx.t.clock.read());
    const again = await call<Detail>(worker, 'GET', `/api/cases/${id}`);
    expect(again.body.timeline).toHaveLength(after.body.timeline.length);

    // Handling it starts a new step with its own deadlines and a quiet alarm.
    const handled = await act(worker, id, { action: 'handle', result: '已清理' });
    expect(handled.body).toMatchObject({ state: 'handled', alarm: 'none', stepKind: 'verify' });
  });

  it('takes the per-grade time limits of its item when its community is graded', async () => {
    const db = ctx.t.database.db;
    const ungraded = await report(worker, { clientKey: 'grade-test-before' });
    expect(ungraded.status).toBe(201);
    const item = await sql<{ accept_yellow: number; accept_red: number }>`SELECT accept_yellow, accept_red FROM affair_items WHERE code = ${illegalBuilding} LIMIT 1`.execute(db);
    expect(item.rows[0]!.accept_red).toBeGreaterThan(1);
    await sql`UPDATE affair_items SET grade_limits = ${JSON.stringify({ A: { acceptYellow: 1, acceptRed: 1, handleYellow: 1, handleRed: 2 } })}::jsonb WHERE code = ${illegalBuilding}`.execute(db);
    await sql`UPDATE areas SET grade = 'A' WHERE code = '320412001001'`.execute(db);
    try {
      const graded = await report(worker, { clientKey: 'grade-test-after' });
      expect(graded.status).toBe(201);
      const dueOf = (d: Detail & { dueRedAt?: string | null }) => Date.parse(d.dueRedAt ?? '');
      // Filed at the same moment: the grade-A limit (1 unit to accept) ends before the item's own.
      expect(dueOf(graded.body)).toBeLessThan(dueOf(ungraded.body));
    } finally {
      await sql`UPDATE areas SET grade = NULL WHERE code = '320412001001'`.execute(db);
      await sql`UPDATE affair_items SET grade_limits = '{}'::jsonb WHERE code = ${illegalBuilding}`.execute(db);
    }
  });
});
