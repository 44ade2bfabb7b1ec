import { describe, expect, it } from 'vitest';
import type { AreaDetail, AreaView } from '@redgrid/contracts';
import { areaIdByCode, loginAs, useTestApp } from '../../../../test/harness.ts';

/** Household counts are statistics (area.report): a party member reads the area tree without them. */

const ctx = useTestApp();

describe('household counts in the area tree', () => {
  it('are null for a party member (area.read only) and present for a grid worker (area.report)', async () => {
    const community = await areaIdByCode(ctx.t.database, '320412001001');
    const member = await loginAs(ctx.t.app, 'dy_member');
    const worker = await loginAs(ctx.t.app, 'zb_worker');

    const asMember = await ctx.t.app.inject({ url: `/api/areas/${community}`, headers: member.headers });
    expect(asMember.statusCode).toBe(200);
    expect(asMember.json<AreaDetail>()).toMatchObject({ name: expect.stringContaining('站北社区'), households: null });
    const children = await ctx.t.app.inject({ url: `/api/areas?parentId=${community}`, headers: member.headers });
    const grids = children.json<AreaView[]>();
    expect(grids.length).toBeGreaterThan(0);
    expect(grids.every((g) => g.households === null)).toBe(true);
    const roots = await ctx.t.app.inject({ url: '/api/areas/roots', headers: member.headers });
    expect(roots.json<AreaView[]>().every((a) => a.households === null)).toBe(true);

    const asWorker = await ctx.t.app.inject({ url: `/api/areas/${community}`, headers: worker.headers });
    expect(asWorker.json<AreaDetail>().households).toBeGreaterThan(0);
    const workerGrids = (await ctx.t.app.inject({ url: `/api/areas?parentId=${community}`, headers: worker.headers })).json<AreaView[]>();
    expect(workerGrids.some((g) => typeof g.households === 'number' && g.households > 0)).toBe(true);
  });
});
