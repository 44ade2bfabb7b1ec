import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportJob } from '@redgrid/contracts';
import { areaIdByCode, loginAs, useTestApp, type Session } from '../../../test/harness.ts';
import { importRunners } from '../exchange/index.ts';
import { creditCodeCheckChar } from './organisations/credit-code.ts';

/** 实有房屋 and 实有单位 through the import engine: bad rows reported, good ones applied, a second import updates. */

const filesDir = await mkdtemp(path.join(tmpdir(), 'record-import-'));
const ctx = useTestApp({ filesDir });
afterAll(async () => rm(filesDir, { recursive: true, force: true }));
let secretary: Session;
let community: number;
let building: { id: number; code: string };
let grid: string;

beforeAll(async () => {
  secretary = await loginAs(ctx.t.app, 'zb_admin');
  community = await areaIdByCode(ctx.t.database, '320412001001');
  building = await ctx.t.database.db.selectFrom('areas').select(['id', 'code']).where('code', 'like', '320412001001%').where('level', '=', 'building').orderBy('code').executeTakeFirstOrThrow();
  grid = '320412001001001';
});

const csv = (rows: string[][]) => Buffer.from(`\uFEFF${rows.map((r) => r.join(',')).join('\n')}\n`, 'utf8');
const code = (n: number) => {
  const first17 = `91320412MA${String(n).padStart(7, '0')}`;
  return `${first17}${creditCodeCheckChar(first17)}`;
};

async function run(kind: string, file: Buffer, areaId = community): Promise<ImportJob> {
  const up = await ctx.t.app.inject({ method: 'POST', url: `/api/imports/kinds/${kind}/jobs?areaId=${areaId}&fileName=f.csv`, headers: { ...secretary.headers, 'content-type': 'application/octet-stream' }, payload: file });
  expect(up.statusCode, up.body).toBe(201);
  const id = up.json<ImportJob>().id;
  expect((await ctx.t.app.inject({ method: 'POST', url: `/api/imports/jobs/${id}/check`, headers: secretary.headers, payload: {} })).statusCode).toBe(200);
  await importRunners.get(ctx.t.deps)!.idle();
  const checked = (await ctx.t.app.inject({ url: `/api/imports/jobs/${id}`, headers: secretary.headers })).json<ImportJob>();
  expect(checked.status, JSON.stringify(checked)).toBe('checked');
  expect((await ctx.t.app.inject({ method: 'POST', url: `/api/imports/jobs/${id}/apply`, headers: secretary.headers, payload: {} })).statusCode).toBe(200);
  await importRunners.get(ctx.t.deps)!.idle();
  return (await ctx.t.app.inject({ url: `/api/imports/jobs/${id}`, headers: secretary.headers })).json<ImportJob>();
}

describe('importing 实有房屋', () => {
  it('matches houses by building and room: new rooms are created, known ones updated, bad rows reported', async () => {
    const header = ['楼栋编码', '楼层', '房号', '建筑面积', '用途', '使用方式', '产权人', '是否危房'];
    const first = await run('houses', csv([header, [building.code, '31', '3101', '88', '住宅', '自住', '王五', '否'], [building.code, '31', '3102', '90', '商铺', '出租', '赵六', '是'], [building.code, '31', '3103', '-5', '住宅', '自住', '', '否'], ['330102001001001', '1', '101', '', '', '', '', '']]));
    expect(first.counts).toMatchObject({ total: 4, good: 2, bad: 2, created: 2, updated: 0 });
    const second = await run('houses', csv([header, [building.code, '31', '3101', '88', '住宅', '出租', '王五', '否'], [building.code, '31', '3102', '90', '商铺', '出租', '赵六', '是']]));
    expect(second.counts).toMatchObject({ created: 0, updated: 2 });
    const board = (await ctx.t.app.inject({ url: `/api/basedata/buildings/${building.id}/board`, headers: secretary.headers })).json<{ floors: { floor: number; houses: { room: string; occupancy: string; dangerous: boolean }[] }[] }>();
    const top = board.floors.find((f) => f.floor === 31)!;
    expect(top.houses.map((h) => [h.room, h.occupancy, h.dangerous])).toEqual([['3101', 'rented', false], ['3102', 'rented', true]]);
    // From the building's 楼盘表 the building code may be left out: the rows go to that building.
    const fromBoard = await run('houses', csv([['楼层', '房号', '使用方式'], ['31', '3101', '空置'], ['32', '3201', '自住']]), building.id);
    expect(fromBoard.counts).toMatchObject({ total: 2, good: 2, created: 1, updated: 1 });
  });
});

describe('importing 实有单位', () => {
  it('checks the credit code, refuses an unknown grid, and a second import updates by code', async () => {
    const header = ['单位名称', '统一社会信用代码', '所在网格编码', '单位类型', '重点单位', '从业人数'];
    const bad = `${code(3).slice(0, 17)}${code(3)[17] === 'A' ? 'B' : 'A'}`;
    const first = await run('organisations', csv([header, ['甲商贸有限公司', code(1), grid, '企业', '是', '12'], ['乙餐饮店', code(2), grid, '个体工商户', '否', '3'], ['丙公司', bad, grid, '', '', ''], ['丁公司', code(4), '999999', '', '', '']]));
    expect(first.counts).toMatchObject({ total: 4, good: 2, bad: 2, created: 2 });
    expect(first.preview.map((p) => p.reason).join(' ')).toContain('校验位');
    const second = await run('organisations', csv([header, ['甲商贸有限公司（更名）', code(1), grid, '企业', '是', '15']]));
    expect(second.counts).toMatchObject({ created: 0, updated: 1 });
    const rows = await ctx.t.database.db.selectFrom('organisations').select(['name', 'employees']).where('credit_code', '=', code(1)).execute();
    expect(rows).toEqual([{ name: '甲商贸有限公司（更名）', employees: 15 }]);
  });
});
