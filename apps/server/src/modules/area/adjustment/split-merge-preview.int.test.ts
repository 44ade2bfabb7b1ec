import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { areaIdByCode, loginAs, useTestApp } from '../../../../test/harness.ts';

/**
 * Split and merge say what they will do: the preview carries the household-range warnings the
 * balance report would raise after the change, and the new grids take the names the user gives them.
 */
const ctx = useTestApp();

/** The names the first test gives the halves it commits. */
const SPLIT_NAMES = ['站北北片', '站北南片'];

async function gridsOf(communityCode: string) {
  const { rows } = await sql<{ id: number; code: string; name: string }>`
    SELECT g.id, g.code, g.name FROM areas g JOIN areas c ON c.id = g.parent_id
     WHERE c.code = ${communityCode} AND g.level = 'grid' AND g.status = 'active' ORDER BY g.code`.execute(ctx.t.database.db);
  return rows;
}

/** A north–south line through the middle of a grid's current boundary. */
async function lineAcross(gridId: number) {
  const { rows } = await sql<{ x: number; ymin: number; ymax: number }>`
    SELECT ST_X(ST_PointOnSurface(geom)) AS x, ST_YMin(geom) - 0.01 AS ymin, ST_YMax(geom) + 0.01 AS ymax
      FROM area_boundaries WHERE area_id = ${gridId} AND valid_to IS NULL`.execute(ctx.t.database.db);
  const b = rows[0];
  if (!b) throw new Error('no boundary');
  return { type: 'LineString', coordinates: [[b.x, b.ymin], [b.x, b.ymax]] };
}

describe('split preview', () => {
  it('warns of halves below the range before anything is committed, and takes the names given', async () => {
    const { app } = ctx.t;
    const zbAdmin = await loginAs(app, 'zb_admin');
    const [grid] = await gridsOf('320412001001');
    if (!grid) throw new Error('no grid');
    const line = await lineAcross(grid.id);
    const split = (payload: Record<string, unknown>) => app.inject({ method: 'POST', url: `/api/areas/${grid.id}/split`, headers: zbAdmin.headers, payload: { by: { kind: 'line', line }, ...payload } });

    const preview = await split({ preview: true, names: ['站北北片', '站北南片'] });
    expect(preview.statusCode, preview.body).toBe(200);
    const result = preview.json() as { applied: boolean; created: { name: string; households: number }[]; warnings: string[] };
    expect(result.applied).toBe(false);
    expect(result.created.map((c) => c.name)).toEqual(['站北北片', '站北南片']);
    // The demo's grids hold 300–500 households; each half falls under the district's lower bound of 300.
    for (const c of result.created) expect(c.households).toBeLessThan(300);
    expect(result.warnings).toEqual(result.created.map((c) => expect.stringContaining(`${c.name}约 ${c.households} 户，少于每格 300 户的下限`)));
    expect((await gridsOf('320412001001')).map((g) => g.id)).toContain(grid.id);

    // The same request committed answers the same warnings and leaves the grids under those names.
    const committed = await split({ names: ['站北北片', '站北南片'] });
    expect(committed.statusCode, committed.body).toBe(200);
    expect(committed.json().warnings).toEqual(result.warnings);
    expect((await gridsOf('320412001001')).map((g) => g.name)).toEqual(expect.arrayContaining(['站北北片', '站北南片']));
  });

  it('judges the halves by the community\'s own range when it has one', async () => {
    const { app, database } = ctx.t;
    const zbAdmin = await loginAs(app, 'zb_admin');
    const community = await areaIdByCode(database, '320412001001');
    const patched = await app.inject({ method: 'PATCH', url: `/api/areas/${community}`, headers: zbAdmin.headers, payload: { balanceMin: 50, balanceMax: 120 } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().householdRange).toEqual({ min: 50, max: 120 });
    const grid = (await gridsOf('320412001001')).find((g) => !SPLIT_NAMES.includes(g.name));
    if (!grid) throw new Error('no grid');
    const res = await app.inject({ method: 'POST', url: `/api/areas/${grid.id}/split`, headers: zbAdmin.headers, payload: { by: { kind: 'line', line: await lineAcross(grid.id) }, preview: true } });
    expect(res.statusCode, res.body).toBe(200);
    const { created, warnings } = res.json() as { created: { name: string; households: number }[]; warnings: string[] };
    const over = created.filter((c) => c.households > 120);
    expect(over.length).toBeGreaterThan(0);
    expect(warnings).toEqual(over.map((c) => expect.stringContaining(`${c.name}约 ${c.households} 户，超过每格 120 户的上限（每格 50–120 户）`)));
    await app.inject({ method: 'PATCH', url: `/api/areas/${community}`, headers: zbAdmin.headers, payload: { balanceMin: null, balanceMax: null } });
  });

  it('refuses names that repeat each other or a grid of the same community, writing nothing', async () => {
    const { app } = ctx.t;
    const zbAdmin = await loginAs(app, 'zb_admin');
    const grids = await gridsOf('320412001001');
    const [grid, neighbour] = grids;
    if (!grid || !neighbour) throw new Error('no grids');
    const line = await lineAcross(grid.id);
    const split = (names: string[]) => app.inject({ method: 'POST', url: `/api/areas/${grid.id}/split`, headers: zbAdmin.headers, payload: { by: { kind: 'line', line }, names, preview: true } });

    const twice = await split(['东片', '东片']);
    expect(twice.statusCode).toBe(400);
    expect(twice.json().error.details.fields).toHaveProperty(['names.1']);
    const taken = await split(['东片', neighbour.name]);
    expect(taken.statusCode).toBe(400);
    expect(taken.json().error.message).toContain(neighbour.name);
    expect(taken.json().error.details.fields).toHaveProperty(['names.1']);
    const blank = await split(['东片', '  ']);
    expect(blank.statusCode).toBe(400);
    // The grid being split may pass its own name on.
    expect((await split([grid.name, '东片'])).statusCode).toBe(200);
    expect(await gridsOf('320412001001')).toEqual(grids);
  });
});

describe('merge preview', () => {
  it('warns of a merged grid over the range and refuses the name of another grid', async () => {
    const { app } = ctx.t;
    const zbAdmin = await loginAs(app, 'zb_admin');
    const { rows: pair } = await sql<{ a: number; b: number }>`
      SELECT g1.id AS a, g2.id AS b FROM areas g1 JOIN areas g2 ON g1.parent_id = g2.parent_id AND g1.id < g2.id
        JOIN area_boundaries b1 ON b1.area_id = g1.id AND b1.valid_to IS NULL JOIN area_boundaries b2 ON b2.area_id = g2.id AND b2.valid_to IS NULL
        JOIN areas c ON c.id = g1.parent_id
       WHERE c.code = '320412001001' AND g1.level = 'grid' AND g2.level = 'grid' AND g1.status = 'active' AND g2.status = 'active'
         AND NOT g1.name = ANY(${SPLIT_NAMES}::text[]) AND NOT g2.name = ANY(${SPLIT_NAMES}::text[])
         AND ST_Intersects(b1.geom, b2.geom) LIMIT 1`.execute(ctx.t.database.db);
    const p = pair[0];
    if (!p) throw new Error('no neighbouring grids');
    const others = (await gridsOf('320412001001')).filter((g) => g.id !== p.a && g.id !== p.b);
    const merge = (name?: string) => app.inject({ method: 'POST', url: '/api/areas/merge', headers: zbAdmin.headers, payload: { gridIds: [p.a, p.b], preview: true, ...(name ? { name } : {}) } });

    const named = await merge('站北合并网格');
    expect(named.statusCode, named.body).toBe(200);
    const result = named.json() as { changed: { name: string }[]; warnings: string[] };
    expect(result.changed[0]?.name).toBe('站北合并网格');
    expect(result.warnings.join('\n')).toMatch(/合并后的站北合并网格约 \d+ 户，超过每格 500 户的上限/);

    const other = others[0];
    if (!other) throw new Error('no third grid');
    const taken = await merge(other.name);
    expect(taken.statusCode).toBe(400);
    expect(taken.json().error.details.fields).toHaveProperty(['name']);
  });
});
