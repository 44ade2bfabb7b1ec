import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportJob } from '@redgrid/contracts';
import { areaIdByCode, loginAs, useTestApp, type Session } from '../../../../test/harness.ts';
import { importRunners } from '../../exchange/index.ts';
import { parseOrderTime } from './hotline-import.ts';

/**
 * The 12345 channel end to end: the desk enters a work order, the grid worker sees it with the caller
 * masked (a confidential one without the caller at all), the same number twice is one case, a past
 * deadline is refused; an import of the platform's file with bad rows, imported twice; the reply and its
 * export; and the household-visit channel (a visit's problem becomes a case, a retried visit no second one).
 */

const filesDir = await mkdtemp(path.join(tmpdir(), 'hotline-import-'));
const ctx = useTestApp({ filesDir });
afterAll(async () => rm(filesDir, { recursive: true, force: true }));

const GRID1 = '320412001001001';
let desk: Session;
let worker: Session;
let district: Session;
let gridId: number;
let districtId: number;
let item: string;
let point: { lng: number; lat: number };

type Json = Record<string, unknown> & { error?: { code: string; details: { fields?: Record<string, string[]> } | null } };

async function call(s: Session, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) {
  const res = await ctx.t.app.inject({ method, url, headers: s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: (res.body ? res.json() : null) as Json, text: res.body };
}

/** Hours after the test clock's now, as an ISO instant. */
function inHours(h: number): string {
  return new Date(ctx.t.clock.now.getTime() + h * 3600_000).toISOString();
}

function order(extra: Record<string, unknown> = {}) {
  return { externalNo: 'GD20261120001', receivedAt: inHours(-1), categories: ['城市管理', '市容环境', '占道经营'], content: '站北花园南门有流动摊贩占道经营，早晚高峰影响通行', callerName: '张三丰', callerPhone: '17012345678', address: '站北花园南门', gridId, dueAt: inHours(20), confidential: false, replyRequired: true, ...extra };
}

async function caseCount(externalNo: string): Promise<number> {
  const r = await sql<{ n: string }>`SELECT count(*) AS n FROM cases WHERE external_no = ${externalNo}`.execute(ctx.t.database.db);
  return Number(r.rows[0]!.n);
}

beforeAll(async () => {
  [desk, worker, district] = await Promise.all([loginAs(ctx.t.app, 'zb_admin'), loginAs(ctx.t.app, 'zb_g1_worker'), loginAs(ctx.t.app, 'jk_admin')]);
  gridId = await areaIdByCode(ctx.t.database, GRID1);
  districtId = (await ctx.t.database.db.selectFrom('areas').select('id').where('level', '=', 'district').where('code', 'like', '320412%').executeTakeFirstOrThrow()).id;
  const db = ctx.t.database.db;
  item = (await sql<{ code: string }>`SELECT code FROM affair_items WHERE name = '私搭乱建' LIMIT 1`.execute(db)).rows[0]!.code;
  const p = await sql<{ lng: number; lat: number }>`
    SELECT ST_X(ST_PointOnSurface(b.geom)) AS lng, ST_Y(ST_PointOnSurface(b.geom)) AS lat
      FROM area_boundaries b JOIN areas a ON a.id = b.area_id WHERE a.code = ${GRID1} AND b.valid_to IS NULL`.execute(db);
  point = { lng: Number(p.rows[0]!.lng), lat: Number(p.rows[0]!.lat) };
});

describe('the 12345 category map', () => {
  it('is kept by the district and read by the desk below it', async () => {
    // A community's desk may not set the district's map.
    expect((await call(desk, 'PUT', '/api/hotline/categories', { areaId: districtId, categoryPath: '城市管理/市容环境', itemCode: item })).status).toBe(404);
    const saved = await call(district, 'PUT', '/api/hotline/categories', { areaId: districtId, categoryPath: '城市管理 / 市容环境', itemCode: item });
    expect(saved.status, saved.text).toBe(200);
    const bad = await call(district, 'PUT', '/api/hotline/categories', { areaId: districtId, categoryPath: '其他', itemCode: 'NO-SUCH' });
    expect(bad.status).toBe(400);
    const map = await call(desk, 'GET', '/api/hotline/categories');
    expect(map.body).toMatchObject({ editable: false, district: { id: districtId } });
    expect(map.body.items).toEqual([expect.objectContaining({ categoryPath: '城市管理/市容环境', itemCode: item, itemName: '私搭乱建' })]);
  });
});

describe('a 12345 work order entered at the desk', () => {
  let caseId: number;

  it('becomes a case in the grid, its category mapped, the caller masked for the grid worker', async () => {
    const res = await call(desk, 'POST', '/api/cases/hotline', order());
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ channel: 'hotline_12345', itemCode: item, state: 'reported', grid: { id: gridId }, external: { number: 'GD20261120001', confidential: false, replyRequired: true }, reporter: { name: '12345热线', phoneMasked: '170****5678' } });
    caseId = res.body.id as number;

    const inbox = await call(worker, 'GET', '/api/cases?view=mine');
    expect((inbox.body.items as { id: number }[]).map((c) => c.id)).toContain(caseId);
    const seen = await call(worker, 'GET', `/api/cases/${caseId}`);
    expect(seen.status).toBe(200);
    expect(seen.text).not.toContain('张三丰');
    expect(seen.text).not.toContain('17012345678');
    const side = await call(worker, 'GET', `/api/cases/${caseId}/hotline`);
    expect(side.body).toMatchObject({ externalNo: 'GD20261120001', categoryPath: '城市管理/市容环境/占道经营', caller: { nameMasked: '张*丰', phoneMasked: '170****5678' }, isDesk: false, dueState: 'near' });
    // The grid worker is not the desk: no reveal, no reply.
    expect((await call(worker, 'POST', `/api/cases/${caseId}/hotline/reveal`, { field: 'phone', reason: '回访诉求人' })).status).toBe(403);
  });

  it('entered again with the same number is the same case, never a second one', async () => {
    const again = await call(desk, 'POST', '/api/cases/hotline', order({ content: '重复登记' }));
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(caseId);
    expect(await caseCount('GD20261120001')).toBe(1);
  });

  it('refuses a deadline in the past, and an unmapped category without an item', async () => {
    const past = await call(desk, 'POST', '/api/cases/hotline', order({ externalNo: 'GD20261120002', dueAt: inHours(-2) }));
    expect(past.status).toBe(400);
    expect(past.body.error?.details?.fields?.dueAt?.[0]).toContain('办理时限已过');
    const unmapped = await call(desk, 'POST', '/api/cases/hotline', order({ externalNo: 'GD20261120003', categories: ['教育', '招生'] }));
    expect(unmapped.status).toBe(400);
    expect(unmapped.body.error?.details?.fields?.itemCode?.[0]).toContain('教育/招生');
    // The operator picks the item: filed.
    expect((await call(desk, 'POST', '/api/cases/hotline', order({ externalNo: 'GD20261120003', categories: ['教育', '招生'], itemCode: item }))).status).toBe(201);
    expect(await caseCount('GD20261120002')).toBe(0);
  });

  it('confidential: the grid worker sees nothing of the caller, the desk reveals them on the audit trail', async () => {
    const res = await call(desk, 'POST', '/api/cases/hotline', order({ externalNo: 'GD20261120004', callerName: '李秘密', callerPhone: '17087654321', confidential: true, location: { ...point, crs: 'wgs84', source: 'map' }, gridId: undefined }));
    expect(res.status, res.text).toBe(201);
    const id = res.body.id as number;
    const seen = await call(worker, 'GET', `/api/cases/${id}`);
    expect(seen.status).toBe(200);
    expect(seen.body.reporter).toMatchObject({ name: '12345热线', phoneMasked: null });
    const side = await call(worker, 'GET', `/api/cases/${id}/hotline`);
    expect(side.body).toMatchObject({ confidential: true, caller: null });
    for (const t of [seen.text, side.text]) {
      expect(t).not.toContain('李');
      expect(t).not.toContain('4321');
    }
    const deskSide = await call(desk, 'GET', `/api/cases/${id}/hotline`);
    expect(deskSide.body).toMatchObject({ caller: { nameMasked: '李*密', phoneMasked: '170****4321' }, isDesk: true });
    expect((await call(desk, 'POST', `/api/cases/${id}/hotline/reveal`, { field: 'phone', reason: '短' })).status).toBe(400);
    const shown = await call(desk, 'POST', `/api/cases/${id}/hotline/reveal`, { field: 'phone', reason: '回访诉求人核实情况' });
    expect(shown.body).toEqual({ field: 'phone', value: '17087654321' });
    const trail = await sql<{ n: string }>`SELECT count(*) AS n FROM audit_log WHERE action = 'reveal' AND entity = 'case' AND entity_id = ${String(id)}`.execute(ctx.t.database.db);
    expect(Number(trail.rows[0]!.n)).toBe(1);
  });

  it('takes the reply that goes back, lists the orders by deadline and exports the replies', async () => {
    const pending = await call(desk, 'GET', '/api/cases/hotline?reply=pending');
    expect((pending.body.items as { caseId: number }[]).map((o) => o.caseId)).toContain(caseId);
    expect((await call(worker, 'PUT', `/api/cases/${caseId}/hotline/reply`, { content: 'x', result: 'resolved' })).status).toBe(403);
    const replied = await call(desk, 'PUT', `/api/cases/${caseId}/hotline/reply`, { content: '已联系城管中队清理摊贩，并告知诉求人', result: 'resolved' });
    expect(replied.status, replied.text).toBe(200);
    expect(replied.body.reply).toMatchObject({ result: 'resolved', content: '已联系城管中队清理摊贩，并告知诉求人' });
    // Writing the reply moves no workflow state.
    expect((await call(desk, 'GET', `/api/cases/${caseId}`)).body.state).toBe('reported');
    const near = await call(desk, 'GET', '/api/cases/hotline?due=near');
    expect((near.body.items as { caseId: number; dueState: string }[]).find((o) => o.caseId === caseId)?.dueState).toBe('near');
    expect((await call(desk, 'GET', '/api/cases/hotline?due=overdue')).body.items).toEqual([]);
    const file = await ctx.t.app.inject({ url: '/api/cases/hotline/replies/export?format=csv', headers: desk.headers });
    expect(file.statusCode).toBe(200);
    const lines = file.body.replace(/^\uFEFF/, '').split(/\r?\n/);
    // Under the exporter's watermark line, the columns 12345 takes.
    expect(lines[0]).toContain('导出人');
    expect(lines.some((l) => l.startsWith('工单编号,回复内容,办理结果,办结时间'))).toBe(true);
    expect(lines.find((l) => l.startsWith('GD20261120001,'))).toContain('已解决');
  });
});

describe('12345 work orders imported from the platform file', () => {
  const header = ['工单编号', '受理时间', '诉求人', '联系电话', '问题分类', '诉求内容', '发生地址', '经度', '纬度', '网格编码', '紧急程度', '办理时限', '是否保密', '是否需要回复'];
  function rows(): string[][] {
    const good = Array.from({ length: 8 }, (_, i) => [`IMP2026${String(i).padStart(4, '0')}`, '2026-11-20 08:30', `王${i}`, `1700000${String(1000 + i)}`, '城市管理/市容环境/乱堆乱放', `第 ${i} 号楼下堆放杂物`, '站北花园', i % 2 ? String(point.lng) : '', i % 2 ? String(point.lat) : '', i % 2 ? '' : GRID1, i === 3 ? '紧急' : '一般', '2026-11-25 17:00', i === 5 ? '是' : '否', '是']);
    const bad = [
      ['IMP2026BAD1', '2026-11-20 08:30', '赵甲', '', '教育/招生入学', '孩子入学问题', '站北', '', '', GRID1, '一般', '2026-11-25', '否', '是'],
      ['IMP2026BAD2', '2026-11-20 08:30', '赵乙', '', '城市管理/市容环境', '没有位置的工单', '不详', '', '', '', '一般', '2026-11-25', '否', '是'],
    ];
    return [header, ...good.slice(0, 4), bad[0]!, ...good.slice(4), bad[1]!];
  }
  const csv = (r: string[][]) => Buffer.from(`\uFEFF${r.map((x) => x.join(',')).join('\n')}\n`, 'utf8');

  async function importFile(file: Buffer): Promise<{ checked: ImportJob; applied: ImportJob; report: string }> {
    const community = await areaIdByCode(ctx.t.database, '320412001001');
    const up = await ctx.t.app.inject({ method: 'POST', url: `/api/imports/kinds/hotline_orders/jobs?areaId=${community}&fileName=12345.csv`, headers: { ...desk.headers, 'content-type': 'application/octet-stream' }, payload: file });
    expect(up.statusCode, up.body).toBe(201);
    const job = up.json<ImportJob>();
    expect(job.missing).toEqual([]);
    expect((await call(desk, 'POST', `/api/imports/jobs/${job.id}/check`, {})).status).toBe(200);
    await importRunners.get(ctx.t.deps)!.idle();
    const checked = (await call(desk, 'GET', `/api/imports/jobs/${job.id}`)).body as unknown as ImportJob;
    const report = (await ctx.t.app.inject({ url: `/api/imports/jobs/${job.id}/errors`, headers: desk.headers })).body;
    expect((await call(desk, 'POST', `/api/imports/jobs/${job.id}/apply`, {})).status).toBe(200);
    await importRunners.get(ctx.t.deps)!.idle();
    const applied = (await call(desk, 'GET', `/api/imports/jobs/${job.id}`)).body as unknown as ImportJob;
    return { checked, applied, report };
  }

  it('files the 8 good rows, reports the 2 bad ones with their reasons, and files nothing twice on a re-import', async () => {
    const first = await importFile(csv(rows()));
    expect(first.checked.counts).toMatchObject({ total: 10, good: 8, bad: 2 });
    expect(first.report).toContain('教育/招生入学');
    expect(first.report).toContain('无法确定网格');
    expect(first.applied.counts).toMatchObject({ created: 8 });
    const n = await sql<{ n: string }>`SELECT count(*) AS n FROM cases WHERE channel = 'hotline_12345' AND external_no LIKE 'IMP2026%'`.execute(ctx.t.database.db);
    expect(Number(n.rows[0]!.n)).toBe(8);
    const confidential = await call(worker, 'GET', `/api/cases/${(await ctx.t.database.db.selectFrom('cases').select('id').where('external_no', '=', 'IMP20260005').executeTakeFirstOrThrow()).id}/hotline`);
    expect(confidential.body).toMatchObject({ confidential: true, caller: null });

    const again = await importFile(csv(rows()));
    expect(again.applied.counts).toMatchObject({ created: 0 });
    const m = await sql<{ n: string }>`SELECT count(*) AS n FROM cases WHERE external_no LIKE 'IMP2026%'`.execute(ctx.t.database.db);
    expect(Number(m.rows[0]!.n)).toBe(8);
  });

  it('reads the times 12345 platforms write, in Beijing time', () => {
    expect(parseOrderTime('2026-12-07 09:30')?.toISOString()).toBe('2026-12-07T01:30:00.000Z');
    expect(parseOrderTime('2026/12/7 9:05:30')?.toISOString()).toBe('2026-12-07T01:05:30.000Z');
    expect(parseOrderTime('2026年12月7日')?.toISOString()).toBe('2026-12-06T16:00:00.000Z');
    expect(parseOrderTime('2026-12-07', true)?.toISOString()).toBe('2026-12-07T15:59:59.000Z');
    expect(parseOrderTime('2026-02-30 10:00')).toBeNull();
    expect(parseOrderTime('下周一')).toBeNull();
  });
});

describe('the household-visit channel', () => {
  it('files a visit’s problem as a case in the household’s grid, once, however often the phone retries', async () => {
    const created = await call(worker, 'POST', '/api/basedata/households', { areaId: gridId, householdNo: 'HOTLINE-V1' });
    expect(created.status, created.text).toBe(201);
    const householdId = created.body.id as number;
    const visit = { householdId, visitedOn: '2026-11-20', kind: 'routine', findings: '楼道堆放杂物', problems: [{ itemCode: item, description: '一楼楼道私自搭建储物间，堵塞消防通道' }], clientKey: 'visit-retry-0001' };
    const first = await call(worker, 'POST', '/api/basedata/visits', visit);
    expect(first.status, first.text).toBe(200);
    const cases = first.body.cases as { id: number; caseNo: string }[];
    expect(cases).toHaveLength(1);
    const detail = await call(worker, 'GET', `/api/cases/${cases[0]!.id}`);
    expect(detail.body).toMatchObject({ channel: 'household_visit', grid: { id: gridId }, customFields: { visitId: first.body.id }, state: 'reported' });
    const again = await call(worker, 'POST', '/api/basedata/visits', visit);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.cases).toEqual(cases);
    const n = await sql<{ n: string }>`SELECT count(*) AS n FROM cases WHERE channel = 'household_visit' AND custom_fields->>'visitId' = ${String(first.body.id)}`.execute(ctx.t.database.db);
    expect(Number(n.rows[0]!.n)).toBe(1);
    // A problem with an unknown item: the whole visit is refused, its error beside the problem.
    const bad = await call(worker, 'POST', '/api/basedata/visits', { ...visit, clientKey: 'visit-retry-0002', problems: [{ itemCode: 'NO-SUCH', description: '未知事项' }] });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error?.details?.fields ?? {})).toContain('problems.0.itemCode');
  });
});
