import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { CASE_AREA_FIGURES, CASE_DEPARTMENT_FIGURES, CASE_PERSON_FIGURES, type CaseKpi, type CaseKpiBreakdown } from '@redgrid/contracts';
import type { Scope } from '../../platform/context.ts';
import { ownedBy, restricted } from '../../platform/data-access.ts';
import { asGuest, systemContext } from '../../platform/unit-of-work.ts';
import { areaIdByCode, loginAs, userIdByName, useTestApp, type Session } from '../../../test/harness.ts';
import { timelineAreaFigures } from './case-kpi-figures.ts';
import { caseKpiRepository } from './case-kpi.repository.ts';
import { fileCase } from './case.service.ts';

/**
 * The KPI page end to end: the breakdowns per child area, department and person, the patrol rates, every
 * figure's drill-down equal to its count, the scope of each reader, and the XLSX export. Cases are made
 * through the real paths: a grid worker's phone report and workflow actions over HTTP, and a resident's and
 * a 12345 operator's filings through the one filing path (fileCase).
 */

const ctx = useTestApp();
const GRID1 = '320412001001001';
const COMMUNITY = '320412001001';
const PERIOD = 'from=2026-11-01&to=2026-11-30';

interface Detail {
  id: number;
  version: number;
  state: string;
}

let worker: Session;
let secretary: Session;
let cgStaff: Session;
let police: Session;
let street: Session;
let otherWorker: Session;
let point: { lng: number; lat: number };
let itemCode: string;
let communityId: number;
let streetId: number;
let gridPath: string;

async function call<T>(s: Session, method: 'GET' | 'POST', url: string, payload?: unknown): Promise<{ status: number; body: T }> {
  const res = await ctx.t.app.inject({ method, url, headers: s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.json() as T };
}
const act = async (s: Session, id: number, body: Record<string, unknown>): Promise<Detail & { status: number }> => {
  const res = await call<Detail>(s, 'POST', `/api/cases/${id}/actions`, body);
  return { ...res.body, status: res.status };
};
const tick = () => ctx.t.clock.advanceMinutes(7);

async function report(extra: Record<string, unknown> = {}): Promise<Detail> {
  tick();
  const res = await call<Detail>(worker, 'POST', '/api/cases', { itemCode, title: '楼道堆放杂物', description: '2 单元楼道堆放纸箱，堵塞通道', location: { ...point, crs: 'wgs84', source: 'gps' }, ...extra });
  expect(res.status).toBe(201);
  return res.body;
}

/** A case another channel brought in (a resident's report, a 12345 work order), filed as those channels file. */
async function fileFrom(channel: 'resident' | 'hotline_12345', title: string): Promise<number> {
  tick();
  const system = systemContext(ctx.t.deps, ctx.t.app.log);
  const row = await asGuest(system, { name: channel === 'resident' ? '居民' : '12345热线', permissions: ['case.report'], areaPaths: [gridPath] }, (unit) =>
    fileCase(unit, ctx.t.clock.read(), { channel, itemCode, title, description: `${title}（${channel}）`, location: { ...point, crs: 'wgs84', source: 'map' }, reporter: { userId: null, sealed: null, anonymous: true }, actorName: channel === 'resident' ? '居民' : '12345热线' }),
  );
  return row.id;
}

async function photo(id: number): Promise<string> {
  const jpeg = await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 30, g: 120, b: 40 } } }).jpeg().toBuffer();
  const boundary = `----kpi${randomBytes(6).toString('hex')}`;
  const payload = Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="scene.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`), jpeg, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  const res = await ctx.t.app.inject({ method: 'POST', url: `/api/attachments?ownerType=case&ownerId=${id}&purpose=photo&clientKey=kpi-photo-${id}`, headers: { ...worker.headers, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload });
  expect(res.statusCode).toBe(201);
  return res.json<{ id: string }>().id;
}

/** Every case a drill-down lists, page after page. */
async function drill(s: Session, query: string): Promise<number[]> {
  const ids: number[] = [];
  let offset: number | null = 0;
  while (offset !== null) {
    const res: { status: number; body: { items: { id: number }[]; next: number | null } } = await call(s, 'GET', `/api/cases?${query}&limit=100&offset=${offset}`);
    expect(res.status).toBe(200);
    ids.push(...res.body.items.map((c) => c.id));
    offset = res.body.next;
  }
  return ids;
}

const made: Record<string, number> = {};

/** The six readers of this file, in the order of the tuple they are assigned from. */
function signIn(): Promise<[Session, Session, Session, Session, Session, Session]> {
  return Promise.all([loginAs(ctx.t.app, 'zb_g1_worker'), loginAs(ctx.t.app, 'zb_admin'), loginAs(ctx.t.app, 'cg_staff'), loginAs(ctx.t.app, 'pcs_staff'), loginAs(ctx.t.app, 'qsy_admin'), loginAs(ctx.t.app, 'lsh_worker')]);
}

beforeAll(async () => {
  [worker, secretary, cgStaff, police, street, otherWorker] = await signIn();
  const db = ctx.t.database.db;
  const p = await sql<{ lng: number; lat: number; path: string }>`
    SELECT ST_X(ST_PointOnSurface(b.geom)) AS lng, ST_Y(ST_PointOnSurface(b.geom)) AS lat, a.path
      FROM area_boundaries b JOIN areas a ON a.id = b.area_id WHERE a.code = ${GRID1} AND b.valid_to IS NULL`.execute(db);
  point = { lng: Number(p.rows[0]!.lng), lat: Number(p.rows[0]!.lat) };
  gridPath = p.rows[0]!.path;
  itemCode = (await sql<{ code: string }>`SELECT code FROM affair_items WHERE name = '私搭乱建' LIMIT 1`.execute(db)).rows[0]!.code;
  communityId = await areaIdByCode(ctx.t.database, COMMUNITY);
  streetId = (await sql<{ id: number }>`SELECT parent_id::int AS id FROM areas WHERE code = ${COMMUNITY}`.execute(db)).rows[0]!.id;

  // A: closed on the spot by the worker who found it.
  const a = await report();
  expect((await act(worker, a.id, { action: 'self_close', result: '已清理', attachmentIds: [await photo(a.id)] })).status).toBe(200);
  made.selfClosed = a.id;
  // B: up to the community, whistled to 城管, handled there, verified by the worker.
  const b = await report();
  await act(worker, b.id, { action: 'escalate', to: { level: 'community' }, reason: '需执法' });
  expect(await act(secretary, b.id, { action: 'accept' })).toMatchObject({ state: 'accepted' });
  expect((await act(secretary, b.id, { action: 'dispatch' }))).toMatchObject({ state: 'dispatched' });
  await act(cgStaff, b.id, { action: 'acknowledge' });
  expect((await act(cgStaff, b.id, { action: 'handle', result: '已拆除' })).state).toBe('handled');
  expect((await act(worker, b.id, { action: 'verify_pass' })).state).toBe('closed');
  made.whistled = b.id;
  // C: found three days ago, reported now: not on time.
  const found = new Date(ctx.t.clock.read().getTime() - 3 * 86_400_000).toISOString();
  made.late = (await report({ discoveredAt: found })).id;
  // D: refused as not a real problem.
  const d = await report();
  expect((await act(worker, d.id, { action: 'reject', reason: '经核实不属实' })).state).toBe('rejected');
  made.rejected = d.id;
  // E: a resident found something the patrol had not: a missed report (漏报).
  made.missed = await fileFrom('resident', '绿地有人私搭棚屋');
  // The test clock moved on while the cases were made: fresh sessions for the readers.
  [worker, secretary, cgStaff, police, street, otherWorker] = await signIn();
});

describe('the KPIs of an area, broken down', () => {
  it('counts the patrol rates: on-time reports and problems others found first', async () => {
    const res = await call<CaseKpi>(secretary, 'GET', `/api/cases/kpi?areaId=${communityId}&${PERIOD}`);
    expect(res.status).toBe(200);
    // Four worker reports (one of them three days late), one resident report the patrol missed.
    expect(res.body.figures.patrol).toEqual({ reported: 4, onTime: 3, missed: 1, missedRate: 0.2, onTimeReportRate: 0.75 });
    expect(res.body.figures).toMatchObject({ reported: 5, selfHandled: 1, rejected: 1, dispatched: 1, closed: 2, escalated: { community: 1, town: 0, district: 0 } });
  });

  it('breaks down by child area, department and person, each row drilling down to exactly its cases', async () => {
    const byArea = await call<CaseKpiBreakdown & { by: 'area' }>(street, 'GET', `/api/cases/kpi/breakdown?areaId=${streetId}&${PERIOD}&by=area`);
    expect(byArea.status).toBe(200);
    const zb = byArea.body.rows.find((r) => r.id === communityId)!;
    expect(zb.name).toContain('站北社区');
    expect(zb.figures).toMatchObject({ reported: 5, selfHandled: 1, closed: 2 });
    // Every active community of the street is listed, with or without cases.
    expect(byArea.body.rows.length).toBeGreaterThan(1);
    expect(byArea.body.rows.filter((r) => r.id !== communityId).every((r) => r.figures.reported === 0)).toBe(true);

  });
});

/** The count of each area figure, read the way the page reads it. */
async function areaCounts(s: Session, areaId: number): Promise<Record<string, number>> {
  const res = await call<CaseKpi>(s, 'GET', `/api/cases/kpi?areaId=${areaId}&${PERIOD}`);
  const f = res.body.figures;
  return {
    reported: f.reported,
    accepted: f.accepted,
    rejected: f.rejected,
    shouldHandle: f.shouldHandle,
    selfHandled: f.selfHandled,
    escalatedCommunity: f.escalated.community,
    escalatedTown: f.escalated.town,
    escalatedDistrict: f.escalated.district,
    dispatched: f.dispatched,
    handled: f.handled,
    closed: f.closed,
    closedUnfixed: f.closedUnfixed,
    overdue: f.overdue,
    yellowCards: f.yellowCards,
    redCards: f.redCards,
    open: f.open,
    patrolReported: f.patrol.reported,
    reportedOnTime: f.patrol.onTime,
    missed: f.patrol.missed,
  };
}

describe('drill-down', () => {
  it('lists, for every figure of the area, exactly the cases it counts', async () => {
    const counts = await areaCounts(secretary, communityId);
    for (const [figure, n] of Object.entries(counts)) {
      const ids = await drill(secretary, `figure=${figure}&areaId=${communityId}&${PERIOD}`);
      expect({ figure, n: ids.length }).toEqual({ figure, n });
    }
    expect(await drill(secretary, `figure=missed&areaId=${communityId}&${PERIOD}`)).toEqual([made.missed]);
    expect(await drill(secretary, `figure=selfHandled&areaId=${communityId}&${PERIOD}`)).toEqual([made.selfClosed]);
    // Every figure name of the area answers (the ones without a headline number too).
    for (const figure of CASE_AREA_FIGURES) expect((await call(secretary, 'GET', `/api/cases?figure=${figure}&areaId=${communityId}&${PERIOD}`)).status).toBe(200);
  });

  it('lists, for every figure of every department and person row, exactly the cases it counts', async () => {
    const depts = await call<CaseKpiBreakdown & { by: 'department' }>(street, 'GET', `/api/cases/kpi/breakdown?areaId=${streetId}&${PERIOD}&by=department`);
    expect(depts.body.rows.map((r) => r.name)).toEqual(['戚墅堰城管中队']);
    expect(depts.body.rows[0]!.figures).toMatchObject({ dispatched: 1, handled: 1, handledOnTime: 1, closed: 1, returned: 0, handlingRate: 1 });
    for (const row of depts.body.rows) {
      for (const figure of CASE_DEPARTMENT_FIGURES) {
        const ids = await drill(street, `figure=${figure}&departmentId=${row.id}&areaId=${streetId}&${PERIOD}`);
        expect({ figure, n: ids.length }).toEqual({ figure, n: row.figures[figure] });
      }
    }

    const people = await call<CaseKpiBreakdown & { by: 'person' }>(street, 'GET', `/api/cases/kpi/breakdown?areaId=${streetId}&${PERIOD}&by=person`);
    const workerId = await userIdByName(ctx.t.database, 'zb_g1_worker');
    const me = people.body.rows.find((r) => r.id === workerId)!;
    expect(me.figures).toMatchObject({ reported: 4, reportedOnTime: 3, missed: 1, selfHandled: 1, handled: 1, onTimeReportRate: 0.75, missedRate: 0.2 });
    const cg = people.body.rows.find((r) => r.id === cgStaff.body.user.id);
    expect(cg?.figures).toMatchObject({ handled: 1, handledOnTime: 1, reported: 0 });
    // Patrol workers of the street with nothing to count are listed too.
    expect(people.body.rows.length).toBeGreaterThan(2);
    for (const row of people.body.rows.filter((r) => r.figures.reported + r.figures.handled + r.figures.missed > 0)) {
      for (const figure of CASE_PERSON_FIGURES) {
        const ids = await drill(street, `figure=${figure}&personId=${row.id}&areaId=${streetId}&${PERIOD}`);
        expect({ who: row.name, figure, n: ids.length }).toEqual({ who: row.name, figure, n: row.figures[figure] });
      }
    }
    // A figure a dimension does not have is a clear 400.
    expect((await call(street, 'GET', `/api/cases?figure=escalatedTown&departmentId=${depts.body.rows[0]!.id}&areaId=${streetId}&${PERIOD}`)).status).toBe(400);
  });
});

describe('scope', () => {
  it('lets a department count only what was whistled to it, and nobody count outside their areas', async () => {
    const cg = await call<CaseKpi>(cgStaff, 'GET', `/api/cases/kpi?areaId=${streetId}&${PERIOD}`);
    expect(cg.status).toBe(200);
    expect(cg.body.figures.reported).toBe(1);
    expect(await drill(cgStaff, `figure=reported&areaId=${streetId}&${PERIOD}`)).toEqual([made.whistled]);
    const theirs = await call<CaseKpiBreakdown & { by: 'department' }>(police, 'GET', `/api/cases/kpi/breakdown?areaId=${streetId}&${PERIOD}&by=department`);
    expect(theirs.body.rows).toEqual([]);
    expect((await call(police, 'GET', `/api/cases/kpi?areaId=${streetId}&${PERIOD}`)).body).toMatchObject({ figures: { reported: 0 } });
    // Another community's worker: the area is not theirs.
    expect((await call(otherWorker, 'GET', `/api/cases/kpi/breakdown?areaId=${communityId}&${PERIOD}&by=person`)).status).toBe(404);
    expect((await call(otherWorker, 'GET', `/api/cases?figure=reported&areaId=${communityId}&${PERIOD}`)).status).toBe(404);
  });
});

describe('export', () => {
  it('writes the area table as XLSX with the exporter and time on top, and audits it', async () => {
    const res = await ctx.t.app.inject({ method: 'GET', url: `/api/cases/kpi/export?areaId=${streetId}&${PERIOD}&by=area`, headers: street.headers });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    const rows: string[][] = [];
    ws.eachRow((r) => rows.push((r.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
    expect(rows[0]![0]).toMatch(/^导出人：.*导出时间：/);
    const header = rows.find((r) => r[0] === '区域')!;
    const zb = rows.find((r) => r[0]!.startsWith('站北社区'))!;
    expect(zb[header.indexOf('上报数')]).toBe('5');
    expect(zb[header.indexOf('漏报率')]).toBe('20.0%');
    const audit = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE action = 'export' AND entity = 'case_kpi'`.execute(ctx.t.database.db);
    expect(audit.rows[0]!.n).toBe(1);
  });
});

describe('the facts on the case row', () => {
  it('count, for every area figure and every kind of reader, what the timeline counts — a case whistled to two departments too', async () => {
    // F: whistled to 城管, returned as not theirs, whistled to the police station: its timeline names two departments.
    const f = await report();
    await act(worker, f.id, { action: 'escalate', to: { level: 'community' }, reason: '需执法' });
    await act(secretary, f.id, { action: 'accept' });
    await act(secretary, f.id, { action: 'dispatch' });
    await act(cgStaff, f.id, { action: 'acknowledge' });
    expect((await act(cgStaff, f.id, { action: 'return', reason: '属治安范围' })).state).toBe('accepted');
    expect((await act(secretary, f.id, { action: 'dispatch', departmentKind: 'public_security' })).state).toBe('dispatched');
    [worker, secretary, cgStaff, police, street, otherWorker] = await signIn();
    const db = restricted(ctx.t.database.db);
    // Counted case by case, not from the sums: the projection is not exact for every reader of a mixed timeline.
    expect((await sql<{ summed: boolean }>`SELECT kpi_summed AS summed FROM cases WHERE id = ${f.id}`.execute(db)).rows[0]!.summed).toBe(false);

    const department = async (name: string) => (await sql<{ id: number }>`SELECT id::int AS id FROM departments WHERE name = ${name}`.execute(db)).rows[0]!.id;
    const streetPath = (await sql<{ path: string }>`SELECT path FROM areas WHERE id = ${streetId}`.execute(db)).rows[0]!.path;
    const period = { areaPath: streetPath, from: new Date('2026-11-01T00:00:00+08:00'), to: new Date('2026-12-01T00:00:00+08:00') };
    const scopes: Scope[] = [
      { areas: [streetPath], departments: [], partyOrgs: [] },
      { areas: [gridPath], departments: [], partyOrgs: [] },
      { areas: [], departments: [await department('戚墅堰城管中队')], partyOrgs: [] },
      { areas: [], departments: [await department('戚墅堰派出所')], partyOrgs: [] },
      { areas: [], departments: [await department('戚墅堰城管中队'), await department('戚墅堰派出所')], partyOrgs: [] },
    ];
    for (const scope of scopes) {
      const figures = timelineAreaFigures(scope);
      const timeline = await sql<Record<string, number>>`
        SELECT ${sql.join(CASE_AREA_FIGURES.map((k) => sql`(count(*) FILTER (WHERE ${figures[k]}))::int AS ${sql.ref(k)}`))}
          FROM cases c JOIN areas g ON g.id = c.grid_id
         WHERE ${ownedBy(scope, 'cases as c')} AND g.path LIKE ${`${streetPath}%`} AND c.reported_at >= ${period.from} AND c.reported_at < ${period.to}`.execute(db);
      expect({ scope, counts: await caseKpiRepository(db, scope).counts(period) }).toEqual({ scope, counts: timeline.rows[0] });
    }
    // The police station now counts the case whistled to it, and lists what it counts.
    const theirs = await areaCounts(police, streetId);
    expect(theirs).toMatchObject({ reported: 1, dispatched: 1 });
    for (const s of [police, secretary]) {
      const counts = await areaCounts(s, s === police ? streetId : communityId);
      for (const [figure, n] of Object.entries(counts)) {
        const ids = await drill(s, `figure=${figure}&areaId=${s === police ? streetId : communityId}&${PERIOD}`);
        expect({ figure, n: ids.length }).toEqual({ figure, n });
      }
    }
  });
});
