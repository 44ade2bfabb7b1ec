import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AffairCatalogue, AffairItem, AffairItemInput, ImportJob, PublicAffairList } from '@redgrid/contracts';
import { buildOutsideDistrict, loginAsRole, type OutsideDistrict } from '../../../test/factories.ts';
import { areaIdByCode, loginAs, useTestApp, type Session } from '../../../test/harness.ts';
import { actorFromRoles, scopeFromRoles } from '../../platform/context.ts';
import { listOwnRoles } from '../../platform/cross-scope.repository.ts';
import { read, systemContext, withActor } from '../../platform/unit-of-work.ts';
import { importRunners } from '../exchange/index.ts';
import { affairItem, limitsFor, listActiveItems } from './index.ts';

/** The catalogue of grid affairs: the demo tree, the editor's rules, XLSX round trip, the public list, scope. */

const filesDir = await mkdtemp(path.join(tmpdir(), 'affairs-'));
const ctx = useTestApp({ filesDir });
afterAll(async () => rm(filesDir, { recursive: true, force: true }));

let districtAdmin: Session;
let communityAdmin: Session;
let gridWorker: Session;
let police: Session;
let member: Session;
let districtId: number;
let out: OutsideDistrict;
let outsideAdmin: Session;

beforeAll(async () => {
  districtAdmin = await loginAs(ctx.t.app, 'jk_admin');
  communityAdmin = await loginAs(ctx.t.app, 'zb_admin');
  gridWorker = await loginAs(ctx.t.app, 'zb_g1_worker');
  police = await loginAs(ctx.t.app, 'pcs_staff');
  member = await loginAs(ctx.t.app, 'dy_member');
  districtId = await areaIdByCode(ctx.t.database, '320412000000');
  out = await buildOutsideDistrict(ctx.t.database);
  outsideAdmin = await loginAsRole(ctx.t.app, ctx.t.database, 'area_admin', out.district.id);
});

async function catalogue(session: Session, query = ''): Promise<AffairCatalogue> {
  const res = await ctx.t.app.inject({ url: `/api/affairs/catalogue${query}`, headers: session.headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<AffairCatalogue>();
}

const itemByName = (c: AffairCatalogue, name: string) => c.items.find((i) => i.name === name)!;

function editable(item: AffairItem): AffairItemInput & { version: number } {
  const { id: _id, areaId: _areaId, categoryCode: _categoryCode, updatedAt: _updatedAt, ...rest } = item;
  return rest;
}

describe('the demo catalogue', () => {
  it('is read by a grid worker and a police officer of the district as a tree of categories and 91 items', async () => {
    const c = await catalogue(gridWorker);
    expect(c.owner).toMatchObject({ id: districtId, code: '320412000000' });
    expect(c.items).toHaveLength(91);
    expect(c.canManage).toBe(false);
    const byCode = new Map(c.categories.map((x) => [x.code, x]));
    expect(byCode.get('01')?.parentId).toBeNull();
    expect(byCode.get('0102')).toMatchObject({ name: '矛盾劝解', parentId: byCode.get('01')!.id, itemCount: 13 });
    expect([...byCode.values()].filter((x) => x.parentId === byCode.get('01')!.id).map((x) => x.name)).toEqual(['民生服务', '矛盾劝解', '参与治安防控', '特殊人群', '社情民意', '政策法规宣传', '突发事件', '其它']);
    expect([...byCode.values()].filter((x) => x.parentId === byCode.get('02')!.id).map((x) => x.name)).toEqual(['市容环境', '宣传广告', '施工管理', '突发事件', '街面秩序']);
    // 小事不出网格: most items are handled in the grid.
    expect(c.items.filter((i) => i.handlingLevel === 'grid').length).toBeGreaterThan(c.items.length / 3);
    expect(itemByName(c, '暴露垃圾')).toMatchObject({ handleRed: 8, handleUnit: 'work_hours', cjtCode: '0101', departmentKind: 'urban_management', gradeLimits: { A: { handleRed: 4 } } });
    expect(itemByName(c, '积存渣土')).toMatchObject({ handleRed: 4, handleUnit: 'work_days' });
    expect(itemByName(c, '私搭乱建').customFields.map((f) => f.key)).toEqual(['area_m2', 'stage']);
    expect(itemByName(c, '火灾')).toMatchObject({ maySkipLevel: true, urgencyDefault: 'critical', copyTo: { levels: ['town', 'district'], departmentKinds: ['emergency_management'] } });
    expect((await catalogue(police)).items).toHaveLength(91);
  });

  it('is not for a party member, and its editor is the district admin', async () => {
    expect((await ctx.t.app.inject({ url: '/api/affairs/catalogue', headers: member.headers })).statusCode).toBe(403);
    expect((await catalogue(districtAdmin)).canManage).toBe(true);
    // A community's admin holds affairs.manage for their own district's catalogue only if it is theirs: it is not.
    expect((await catalogue(communityAdmin)).canManage).toBe(false);
  });
});

describe('the front door the case workflow uses', () => {
  it("finds an item by code in the catalogue above a grid worker's grid, with its rules, in the worker's own scope", async () => {
    const userId = gridWorker.body.user.id;
    const roles = await listOwnRoles(ctx.t.database.db as never, userId);
    const base = systemContext(ctx.t.deps, ctx.t.app.log);
    const worker = withActor(base, actorFromRoles({ id: userId, username: 'zb_g1_worker', displayName: '吴敏' }, roles, { mustChangePassword: false, sessionId: null }), scopeFromRoles(roles));
    const grid = await areaIdByCode(ctx.t.database, '320412001001001');
    const { item, active, byId, foreign } = await read(worker, 'affairs.read', async (unit) => {
      const found = await affairItem(unit, { code: '020101', areaId: grid });
      return {
        item: found,
        active: await listActiveItems(unit, { areaId: grid }),
        byId: found ? await affairItem(unit, { id: found.id }) : undefined,
        foreign: await affairItem(unit, { code: '020101', areaPath: `/${out.province.id}/${out.district.id}/` }),
      };
    });
    expect(item).toMatchObject({ name: '暴露垃圾', handlingLevel: 'grid', departmentKind: 'urban_management', areaId: districtId });
    expect(byId?.code).toBe('020101');
    expect(limitsFor(item!, 'A').handle).toEqual({ yellow: 2, red: 4, unit: 'work_hours' });
    expect(limitsFor(item!).handle).toEqual({ yellow: 4, red: 8, unit: 'work_hours' });
    expect(active.length).toBe(91);
    expect(foreign).toBeUndefined();
  });
});

describe('editing items and categories', () => {
  it('refuses a yellow limit not below the red one, naming the fields, and saves nothing', async () => {
    const c = await catalogue(districtAdmin);
    const item = editable(itemByName(c, '邻里纠纷'));
    const res = await ctx.t.app.inject({
      method: 'PUT',
      url: `/api/affairs/items/${itemByName(c, '邻里纠纷').id}`,
      headers: districtAdmin.headers,
      payload: { ...item, handleYellow: 5, handleRed: 5, acceptYellow: 0, gradeLimits: { B: { acceptYellow: 2, acceptRed: 1, handleYellow: 1, handleRed: 300 } } },
    });
    expect(res.statusCode).toBe(400);
    const fields = res.json<{ error: { details: { fields: Record<string, string[]> } } }>().error.details.fields;
    expect(fields.handleYellow?.[0]).toContain('黄灯时限须小于红灯时限');
    expect(fields.acceptYellow?.[0]).toContain('大于 0');
    expect(fields['gradeLimits.B.acceptYellow']?.[0]).toContain('黄灯时限须小于红灯时限');
    expect(fields['gradeLimits.B.handleRed']?.[0]).toContain('250');
    expect(itemByName(await catalogue(districtAdmin), '邻里纠纷').version).toBe(1);
  });

  it('saves an item, tells a second editor with the old version, and refuses a code already used', async () => {
    const c = await catalogue(districtAdmin);
    const found = itemByName(c, '邻里纠纷');
    const saved = await ctx.t.app.inject({ method: 'PUT', url: `/api/affairs/items/${found.id}`, headers: districtAdmin.headers, payload: { ...editable(found), handleYellow: 1, handleRed: 2, customFields: [{ key: 'parties', label: '当事人数', type: 'number', required: true }, { key: 'kind', label: '纠纷类型', type: 'select', options: ['噪音', '漏水', '占用公共空间'] }] } });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json<AffairItem>()).toMatchObject({ version: 2, handleRed: 2, customFields: [{ key: 'parties' }, { key: 'kind', options: ['噪音', '漏水', '占用公共空间'], required: false }] });
    const stale = await ctx.t.app.inject({ method: 'PUT', url: `/api/affairs/items/${found.id}`, headers: districtAdmin.headers, payload: { ...editable(found), name: '邻里矛盾' } });
    expect(stale.statusCode).toBe(409);
    const copy = { ...editable(found), code: itemByName(c, '婚姻家庭纠纷').code } as Partial<AffairItemInput & { version: number }>;
    delete copy.version;
    const taken = await ctx.t.app.inject({ method: 'POST', url: '/api/affairs/items', headers: districtAdmin.headers, payload: copy });
    expect(taken.statusCode).toBe(409);
    expect(taken.json<{ error: { details: { fields: Record<string, string[]> } } }>().error.details.fields.code).toBeDefined();
    const badSelect = await ctx.t.app.inject({ method: 'POST', url: '/api/affairs/items', headers: districtAdmin.headers, payload: { ...copy, code: 'X-1', customFields: [{ key: 'k', label: '类型', type: 'select', options: ['一'] }] } });
    expect(badSelect.statusCode).toBe(400);
    expect(Object.keys(badSelect.json<{ error: { details: { fields: Record<string, string[]> } } }>().error.details.fields)).toEqual(['customFields.0.options']);
  });

  it('deletes an empty category, refuses one with items (deactivate instead), and a sub-category without its parent', async () => {
    const created = await ctx.t.app.inject({ method: 'POST', url: `/api/affairs/categories?areaId=${districtId}`, headers: districtAdmin.headers, payload: { code: '0109', name: '试点事项' } });
    expect(created.statusCode, created.body).toBe(201);
    const cat = created.json<AffairCatalogue>().categories.find((x) => x.code === '0109')!;
    expect(cat.parentId).not.toBeNull();
    const orphan = await ctx.t.app.inject({ method: 'POST', url: `/api/affairs/categories?areaId=${districtId}`, headers: districtAdmin.headers, payload: { code: '0901', name: '无上级' } });
    expect(orphan.statusCode).toBe(400);
    const full = (await catalogue(districtAdmin)).categories.find((x) => x.code === '0108')!;
    const refused = await ctx.t.app.inject({ method: 'DELETE', url: `/api/affairs/categories/${full.id}`, headers: districtAdmin.headers });
    expect(refused.statusCode).toBe(409);
    expect(refused.json<{ error: { message: string } }>().error.message).toContain('停用');
    const deactivated = await ctx.t.app.inject({ method: 'PATCH', url: `/api/affairs/categories/${full.id}`, headers: districtAdmin.headers, payload: { active: false } });
    expect(deactivated.json<AffairCatalogue>().categories.find((x) => x.id === full.id)?.active).toBe(false);
    await ctx.t.app.inject({ method: 'PATCH', url: `/api/affairs/categories/${full.id}`, headers: districtAdmin.headers, payload: { active: true } });
    const removed = await ctx.t.app.inject({ method: 'DELETE', url: `/api/affairs/categories/${cat.id}`, headers: districtAdmin.headers });
    expect(removed.statusCode).toBe(200);
    expect(removed.json<AffairCatalogue>().categories.some((x) => x.code === '0109')).toBe(false);
  });

  it('lets no community admin or grid worker change the district catalogue', async () => {
    const c = await catalogue(districtAdmin);
    const found = itemByName(c, '道路保洁');
    const byCommunity = await ctx.t.app.inject({ method: 'PUT', url: `/api/affairs/items/${found.id}`, headers: communityAdmin.headers, payload: { ...editable(found), name: '改名' } });
    expect(byCommunity.statusCode).toBe(404);
    const newByCommunity = await ctx.t.app.inject({ method: 'POST', url: '/api/affairs/items', headers: communityAdmin.headers, payload: { ...editable(found), code: 'ZB-1', version: undefined } });
    expect(newByCommunity.statusCode).toBe(400);
    const cat = await ctx.t.app.inject({ method: 'POST', url: `/api/affairs/categories?areaId=${districtId}`, headers: communityAdmin.headers, payload: { code: '03', name: '社区自定' } });
    expect(cat.statusCode).toBe(404);
    const byWorker = await ctx.t.app.inject({ method: 'PUT', url: `/api/affairs/items/${found.id}`, headers: gridWorker.headers, payload: { ...editable(found), name: '改名' } });
    expect(byWorker.statusCode).toBe(403);
    expect(itemByName(await catalogue(gridWorker), '道路保洁')).toMatchObject({ name: '道路保洁', version: 1 });
  });
});

async function importFile(file: Buffer, fileName: string, session = districtAdmin, areaId = districtId): Promise<ImportJob> {
  const up = await ctx.t.app.inject({ method: 'POST', url: `/api/imports/kinds/affairs/jobs?areaId=${areaId}&fileName=${encodeURIComponent(fileName)}`, headers: { ...session.headers, 'content-type': 'application/octet-stream' }, payload: file });
  expect(up.statusCode, up.body).toBe(201);
  const job = up.json<ImportJob>();
  expect((await ctx.t.app.inject({ method: 'POST', url: `/api/imports/jobs/${job.id}/check`, headers: session.headers, payload: {} })).statusCode).toBe(200);
  await importRunners.get(ctx.t.deps)!.idle();
  return (await ctx.t.app.inject({ url: `/api/imports/jobs/${job.id}`, headers: session.headers })).json<ImportJob>();
}

async function apply(job: ImportJob, session = districtAdmin): Promise<ImportJob> {
  const res = await ctx.t.app.inject({ method: 'POST', url: `/api/imports/jobs/${job.id}/apply`, headers: session.headers, payload: {} });
  expect(res.statusCode, res.body).toBe(200);
  await importRunners.get(ctx.t.deps)!.idle();
  return (await ctx.t.app.inject({ url: `/api/imports/jobs/${job.id}`, headers: session.headers })).json<ImportJob>();
}

async function roundTrip(format: 'csv' | 'xlsx') {
  const before = await catalogue(districtAdmin);
  const file = await ctx.t.app.inject({ url: `/api/affairs/export?areaId=${districtId}&format=${format}`, headers: districtAdmin.headers });
  expect(file.statusCode).toBe(200);
  const checked = await importFile(file.rawPayload, `网事清单.${format}`);
  expect(checked.status, JSON.stringify(checked.preview)).toBe('checked');
  expect(checked.counts).toMatchObject({ total: before.items.length, good: before.items.length, bad: 0 });
  const done = await apply(checked);
  expect(done.status).toBe('applied');
  return { before, done, after: await catalogue(districtAdmin) };
}

describe('export and import', () => {
  it('imports its own export (CSV) with no change', async () => {
    const { before, done, after } = await roundTrip('csv');
    expect(done.counts).toMatchObject({ created: 0, updated: 0 });
    expect(after.items).toEqual(before.items);
    expect(after.categories).toEqual(before.categories);
  });

  it('reports a bad row by row, column and reason, applies the good ones, and a second import duplicates nothing', async () => {
    const csv = await ctx.t.app.inject({ url: `/api/affairs/export?areaId=${districtId}&format=csv`, headers: districtAdmin.headers });
    const lines = csv.body.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l !== '' && !l.startsWith('#') && !l.includes('导出人'));
    const header = lines[0]!;
    const row = (code: string, name: string, cat: string, path: string, level: string, yellow: string, red: string) =>
      [code, name, cat, path, level, '城管', '', '', '1', '2', '工作时', yellow, red, '工作日', '', '', '是', '否', '', '一般', '', '是'].join(',');
    const file = [
      header,
      row('030101', '共享单车堆放', '0301', '专项整治 / 非机动车', '网格', '1', '2'),
      row('030102', '坏时限', '0301', '专项整治 / 非机动车', '网格', '3', '3'),
      row('030103', '坏层级', '0301', '专项整治 / 非机动车', '小组', '1', '2'),
      row('020101', '暴露垃圾（全区统一）', '0201', '城市管理 / 市容环境', '网格', '1', '2'),
    ].join('\n');
    const checked = await importFile(Buffer.from(`\uFEFF${file}\n`, 'utf8'), '补充清单.csv');
    expect(checked.counts).toMatchObject({ total: 4, good: 2, bad: 2 });
    expect(checked.preview).toEqual([
      { row: 3, column: '处置黄灯时限', reason: expect.stringContaining('黄灯时限须小于红灯时限') },
      { row: 4, column: '处置层级', reason: expect.stringContaining('小组') },
    ]);
    const report = await ctx.t.app.inject({ url: `/api/imports/jobs/${checked.id}/errors`, headers: districtAdmin.headers });
    expect(report.body).toContain('黄灯时限须小于红灯时限');
    const done = await apply(checked);
    expect(done.counts).toMatchObject({ created: 1, updated: 1 });
    const c = await catalogue(gridWorker);
    expect(c.items).toHaveLength(92);
    expect(c.items.find((i) => i.code === '020101')).toMatchObject({ name: '暴露垃圾（全区统一）', handleUnit: 'work_days', version: 2 });
    expect(c.categories.find((x) => x.code === '0301')).toMatchObject({ name: '非机动车' });
    expect(c.categories.find((x) => x.code === '03')).toMatchObject({ name: '专项整治', parentId: null });
    const again = await apply(await importFile(Buffer.from(`\uFEFF${file}\n`, 'utf8'), '补充清单.csv'));
    expect(again.counts).toMatchObject({ created: 0, updated: 0 });
    expect((await catalogue(gridWorker)).items).toHaveLength(92);
  });

  it('refuses an import into a community (catalogues are a district’s) and by a grid worker', async () => {
    const csv = await ctx.t.app.inject({ url: `/api/affairs/export?areaId=${districtId}&format=csv`, headers: districtAdmin.headers });
    const community = await areaIdByCode(ctx.t.database, '320412001001');
    const checked = await importFile(Buffer.from(csv.body, 'utf8'), '社区.csv', communityAdmin, community);
    expect(checked.counts.good).toBe(0);
    expect(checked.preview[0]?.reason).toContain('区（县）');
    const byWorker = await ctx.t.app.inject({ method: 'POST', url: `/api/imports/kinds/affairs/jobs?areaId=${community}&fileName=x.csv`, headers: { ...gridWorker.headers, 'content-type': 'application/octet-stream' }, payload: Buffer.from(csv.body) });
    expect(byWorker.statusCode).toBe(403);
    expect((await ctx.t.app.inject({ url: `/api/affairs/export?areaId=${districtId}`, headers: gridWorker.headers })).statusCode).toBe(403);
  });
});

describe('the public list for residents', () => {
  it('shows only active resident-reportable items, with code, name and category and nothing internal', async () => {
    const res = await ctx.t.app.inject({ url: '/api/public/affairs?district=320412000000' });
    expect(res.statusCode).toBe(200);
    const list = res.json<PublicAffairList>();
    const all = await catalogue(districtAdmin);
    const reportable = all.items.filter((i) => i.residentReportable && i.active && all.categories.find((x) => x.id === i.categoryId)?.active);
    expect(list.district).toEqual({ code: '320412000000', name: expect.any(String) });
    expect(list.items.map((i) => i.code).sort()).toEqual(reportable.map((i) => i.code).sort());
    expect(list.items.length).toBeLessThan(all.items.length);
    expect(list.items.find((i) => i.name === '道路保洁')).toEqual({ code: '020102', name: '道路保洁', category: '市容环境' });
    for (const word of ['filing', 'Red', 'department', 'urban_management', '立案', 'customFields']) expect(res.body).not.toContain(word);
    // Deactivated: gone from the public list.
    const item = reportable.find((i) => i.name === '非法小广告')!;
    const off = await ctx.t.app.inject({ method: 'PUT', url: `/api/affairs/items/${item.id}`, headers: districtAdmin.headers, payload: { ...editable(item), active: false } });
    expect(off.statusCode, off.body).toBe(200);
    const after = (await ctx.t.app.inject({ url: '/api/public/affairs' })).json<PublicAffairList>();
    expect(after.items.some((i) => i.code === item.code)).toBe(false);
    expect(after.items.length).toBe(list.items.length - 1);
  });
});

describe('another district', () => {
  let outsideItem: AffairItem;

  beforeAll(async () => {
    const created = await ctx.t.app.inject({ method: 'POST', url: `/api/affairs/categories?areaId=${out.district.id}`, headers: outsideAdmin.headers, payload: { code: '01', name: '外省探针类别' } });
    expect(created.statusCode, created.body).toBe(201);
    const c = created.json<AffairCatalogue>();
    expect(c.owner?.id).toBe(out.district.id);
    const res = await ctx.t.app.inject({
      method: 'POST',
      url: '/api/affairs/items',
      headers: outsideAdmin.headers,
      payload: { code: '0101', name: '外省探针事项', categoryId: c.categories[0]!.id, handlingLevel: 'grid', acceptYellow: 1, acceptRed: 2, acceptUnit: 'work_hours', handleYellow: 1, handleRed: 2, handleUnit: 'work_days' },
    });
    expect(res.statusCode, res.body).toBe(201);
    outsideItem = res.json<AffairItem>();
  });

  it('keeps its own catalogue: the demo district sees and edits none of it, and it sees none of the demo’s', async () => {
    for (const s of [districtAdmin, gridWorker, police]) {
      const c = await catalogue(s);
      expect(c.owners.map((o) => o.id)).not.toContain(out.district.id);
      expect(JSON.stringify(c)).not.toContain('外省探针');
      expect((await ctx.t.app.inject({ url: `/api/affairs/catalogue?areaId=${out.district.id}`, headers: s.headers })).statusCode).toBe(404);
      expect((await ctx.t.app.inject({ url: `/api/affairs/items/${outsideItem.id}`, headers: s.headers })).statusCode).toBe(404);
    }
    const edit = await ctx.t.app.inject({ method: 'PUT', url: `/api/affairs/items/${outsideItem.id}`, headers: districtAdmin.headers, payload: { ...editable(outsideItem), name: '被改' } });
    expect(edit.statusCode).toBe(404);
    const own = await catalogue(outsideAdmin);
    expect(own.owner?.id).toBe(out.district.id);
    expect(own.items.map((i) => i.name)).toEqual(['外省探针事项']);
    expect(own.owners.map((o) => o.id)).toEqual([out.district.id]);
    // The same item code in two districts is two items.
    expect(outsideItem.code).toBe('0101');
  });

  it('is one of the catalogues a system admin chooses from', async () => {
    const admin = await loginAs(ctx.t.app, 'admin');
    const c = await catalogue(admin);
    expect(c.owner?.id).toBe(districtId);
    expect(c.owners.map((o) => o.id)).toContain(districtId);
    expect(c.owners.map((o) => o.id)).not.toContain(out.district.id);
  });
});

describe('export and import (XLSX)', () => {
  // exceljs 4.4 read a Chinese character split across two chunks as U+FFFD (one cell in 91 rows here): platform/tabular/xlsx-utf8.ts.
  it('imports its own export (XLSX) with no change', async () => {
    const { before, done, after } = await roundTrip('xlsx');
    expect(done.counts).toMatchObject({ created: 0, updated: 0 });
    expect(after.items).toEqual(before.items);
  });
});
