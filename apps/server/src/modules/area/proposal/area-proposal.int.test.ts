import type { AdjustmentResult, BalanceReport, GridProposal } from '@redgrid/contracts';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { areaIdByCode, createTestApp, loginAs, type Session, type TestApp } from '../../../../test/harness.ts';

let t: TestApp;
let jkAdmin: Session;
let zbAdmin: Session;
let zbWorker: Session;

const ZHANBEI = '320412001001';

beforeAll(async () => {
  t = await createTestApp();
  jkAdmin = await loginAs(t.app, 'jk_admin');
  zbAdmin = await loginAs(t.app, 'zb_admin');
  zbWorker = await loginAs(t.app, 'zb_worker');
});
afterAll(async () => t?.close());

const post = (url: string, payload: object, s: Session) => t.app.inject({ method: 'POST', url, headers: s.headers, payload });
const get = (url: string, s: Session) => t.app.inject({ url, headers: s.headers });

async function draft(communityId: number, s: Session = zbAdmin, payload: object = {}): Promise<GridProposal> {
  const res = await post(`/api/areas/${communityId}/grid-proposal`, payload, s);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<GridProposal>();
}

async function activeGrids(communityCode: string) {
  const { rows } = await sql<{ id: number; code: string; name: string; households: number | null; gridType: string | null }>`
    SELECT g.id, g.code, g.name, g.households, g.grid_type AS "gridType" FROM areas g JOIN areas c ON c.id = g.parent_id
     WHERE c.code = ${communityCode} AND g.level = 'grid' AND g.status = 'active' ORDER BY g.code`.execute(t.database.db);
  return rows;
}

/** The community's active dedicated grids, their current boundaries, and the buildings under them or lying in them. */
async function dedicatedOf(communityCode: string) {
  const { rows: grids } = await sql<{ id: number; code: string; name: string; households: number | null; boundaryId: number | null; geometry: unknown }>`
    SELECT g.id, g.code, g.name, g.households, b.id AS "boundaryId", ST_AsGeoJSON(b.geom, 15)::json AS geometry
      FROM areas g JOIN areas c ON c.id = g.parent_id LEFT JOIN area_boundaries b ON b.area_id = g.id AND b.valid_to IS NULL
     WHERE c.code = ${communityCode} AND g.level = 'grid' AND g.status = 'active' AND g.grid_type = 'dedicated' ORDER BY g.id`.execute(t.database.db);
  const { rows: buildings } = await sql<{ id: number; parentId: number; under: boolean }>`
    SELECT b.id, b.parent_id AS "parentId", bool_or(starts_with(b.path, g.path)) AS under
      FROM areas b JOIN areas g ON g.id = ANY(${grids.map((g) => g.id)}::bigint[])
      LEFT JOIN area_boundaries gb ON gb.area_id = g.id AND gb.valid_to IS NULL
     WHERE b.level = 'building' AND b.status = 'active' AND (starts_with(b.path, g.path) OR ST_Intersects(gb.geom, b.location))
     GROUP BY b.id, b.parent_id ORDER BY b.id`.execute(t.database.db);
  return { grids, buildings };
}

/** What a write would change: row counts and the active grids. */
async function snapshot(communityCode: string) {
  const { rows } = await sql<{ areas: number; boundaries: number; open: number; changes: number; audit: number }>`
    SELECT (SELECT count(*)::int FROM areas) AS areas, (SELECT count(*)::int FROM area_boundaries) AS boundaries,
           (SELECT count(*)::int FROM area_boundaries WHERE valid_to IS NULL) AS open,
           (SELECT count(*)::int FROM area_changes) AS changes, (SELECT count(*)::int FROM audit_log) AS audit`.execute(t.database.db);
  const parents = await sql<{ id: number; parent_id: number }>`
    SELECT b.id, b.parent_id FROM areas b JOIN areas c ON starts_with(b.path, c.path) WHERE c.code = ${communityCode} AND b.level = 'building' ORDER BY b.id`.execute(t.database.db);
  return { counts: rows[0], grids: await activeGrids(communityCode), parents: parents.rows };
}

/** Gaps, overlaps and parts outside of a set of GeoJSON geometries against an area's boundary, by PostGIS. */
async function coverageOf(areaId: number, geometries: unknown[]) {
  const { rows } = await sql<{ gap: number; overlap: number; outside: number; valid: boolean }>`
    WITH g AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON(x), 4326) AS geom FROM unnest(${geometries.map((x) => JSON.stringify(x))}::text[]) AS x),
         u AS (SELECT ST_Union(geom) AS geom FROM g),
         p AS (SELECT geom FROM area_boundaries WHERE area_id = ${areaId} AND valid_to IS NULL)
    SELECT ST_Area(ST_Difference(p.geom, u.geom)::geography) AS gap,
           (SELECT sum(ST_Area(geom::geography)) FROM g) - ST_Area(u.geom::geography) AS overlap,
           ST_Area(ST_Difference(u.geom, p.geom)::geography) AS outside,
           (SELECT bool_and(ST_IsValid(geom)) FROM g) AS valid
      FROM p, u`.execute(t.database.db);
  const row = rows[0];
  if (!row) throw new Error('no coverage row');
  return row;
}

describe('grid-division proposal', () => {
  it('drafts contiguous grids for 站北社区 that cover it within the range, writing nothing', async () => {
    const community = await areaIdByCode(t.database, ZHANBEI);
    const before = await snapshot(ZHANBEI);
    const dedicated = await dedicatedOf(ZHANBEI);
    const body = await draft(community);

    expect(body.community).toMatchObject({ code: ZHANBEI, name: '站北社区居民委员会', level: 'community' });
    expect(body.range).toEqual({ min: 300, max: 500, source: 'config' });
    expect(body.currentGrids).toBe(before.grids.length - dedicated.grids.length);
    expect(body.keptDedicated).toEqual(dedicated.grids.map(({ id, code, name }) => ({ id, code, name })));
    expect(body.grids.length).toBeGreaterThanOrEqual(body.feasibleGridCounts?.min ?? Infinity);
    expect(body.grids.length).toBeLessThanOrEqual(body.feasibleGridCounts?.max ?? 0);
    expect(body.grids.map((g) => g.name)).toEqual(body.grids.map((_, i) => `站北社区第${i + 1}网格`));
    for (const grid of body.grids) {
      expect(grid.status).toBeNull();
      expect(grid.households).toBeGreaterThanOrEqual(300);
      expect(grid.households).toBeLessThanOrEqual(500);
      expect(grid.geometry.coordinates).toHaveLength(1);
      expect(grid.compactness).toBeGreaterThan(0.3);
    }
    // Every building of the community (but those of dedicated grids) exactly once, households adding up.
    const ids = body.grids.flatMap((g) => g.buildingIds).sort((a, b) => a - b);
    const kept = new Set(dedicated.buildings.map((b) => b.id));
    expect(ids).toEqual(before.parents.map((p) => p.id).filter((id) => !kept.has(id)));
    expect(body.grids.reduce((s, g) => s + g.households, 0)).toBe(body.totalHouseholds);

    const coverage = await coverageOf(community, [...body.grids.map((g) => g.geometry), ...dedicated.grids.map((g) => g.geometry)]);
    expect(coverage.valid).toBe(true);
    expect(coverage.gap).toBeLessThan(1);
    expect(coverage.overlap).toBeLessThan(1);
    expect(coverage.outside).toBeLessThan(1);

    // The same request gives the same draft, and nothing was written.
    expect(await draft(community)).toEqual(body);
    expect(await snapshot(ZHANBEI)).toEqual(before);
  });

  it('honours a narrower range and a grid count asked for', async () => {
    const community = await areaIdByCode(t.database, '320412001003');
    const narrow = await draft(community, jkAdmin, { min: 350, max: 450 });
    expect(narrow.range).toEqual({ min: 350, max: 450, source: 'request' });
    const two = await draft(community, jkAdmin, { gridCount: 2 });
    expect(two.grids).toHaveLength(2);
    const bad = await post(`/api/areas/${community}/grid-proposal`, { min: 500, max: 300 }, jkAdmin);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields).toHaveProperty('max');
    // The community's own setting applies when the request sets none.
    await t.database.db.updateTable('areas').set({ balance_min: 320, balance_max: 480 }).where('id', '=', community).execute();
    expect((await draft(community, jkAdmin)).range).toEqual({ min: 320, max: 480, source: 'area' });
  });

  it('previews an acceptance without changing anything, then accepts it in one change', async () => {
    const community = await areaIdByCode(t.database, ZHANBEI);
    const body = await draft(community);
    const dedicated = await dedicatedOf(ZHANBEI);
    const oldGrids = (await activeGrids(ZHANBEI)).filter((g) => g.gridType !== 'dedicated');
    const [firstOld] = oldGrids;
    if (!firstOld) throw new Error('no grids');
    // A grid worker assigned to an old grid: after the change someone must reassign them.
    const user = await t.database.db.insertInto('users').values({ username: 'proposal_worker', display_name: '网格员甲', password_hash: 'x', home_area_id: firstOld.id }).returning('id').executeTakeFirstOrThrow();
    const assignment = await t.database.db.insertInto('role_assignments').values({ user_id: user.id, role: 'grid_worker', area_id: firstOld.id }).returning('id').executeTakeFirstOrThrow();
    const payload = { grids: body.grids.map((g) => ({ name: g.name, geometry: g.geometry })) };

    const before = await snapshot(ZHANBEI);
    const preview = await post(`/api/areas/${community}/grid-proposal/accept`, { ...payload, preview: true }, zbAdmin);
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json()).toMatchObject({ applied: false, changeId: null, kind: 'proposal' });
    expect(preview.json().created).toHaveLength(body.grids.length);
    expect(await snapshot(ZHANBEI)).toEqual(before);

    t.clock.advanceMinutes(5);
    const res = await post(`/api/areas/${community}/grid-proposal/accept`, payload, zbAdmin);
    expect(res.statusCode, res.body).toBe(200);
    const result = res.json();
    expect(result).toMatchObject({ applied: true, kind: 'proposal', warnings: [] });
    expect(result.retired.map((r: { id: number }) => r.id).sort()).toEqual(oldGrids.map((g) => g.id).sort());
    // The fixture's worker and the demo's worker of 站北社区第1网格 both sat on a grid that is gone.
    expect(result.toReview).toHaveLength(2);
    expect(result.toReview).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'role_assignment', id: assignment.id })]));
    expect(result.toReview.map((r: { label: string }) => r.label).join(' ')).toContain('zb_g1_worker');

    // Fresh codes under the community, never one of the retired grids'.
    const created: { id: number; code: string; name: string; households: number }[] = result.created;
    const oldCodes = new Set(oldGrids.map((g) => g.code));
    const highestOld = [...oldCodes].sort().at(-1) ?? '';
    for (const c of created) {
      expect(c.code).toMatch(new RegExp(`^${ZHANBEI}\\d{3}$`));
      expect(oldCodes.has(c.code)).toBe(false);
      expect(c.code > highestOld).toBe(true);
    }
    expect(created.map((c) => c.name)).toEqual(body.grids.map((g) => g.name));
    expect(created.map((c) => c.households)).toEqual(body.grids.map((g) => g.households));
    expect((await activeGrids(ZHANBEI)).map((g) => g.id).sort()).toEqual([...created.map((c) => c.id), ...dedicated.grids.map((g) => g.id)].sort());

    // Every building (but those of dedicated grids) now sits in a new grid whose boundary contains it.
    const { rows: placement } = await sql<{ total: number; misplaced: number }>`
      SELECT count(*)::int AS total, count(*) FILTER (WHERE NOT ST_Intersects(g.geom, b.location) OR NOT (b.parent_id = ANY(${created.map((c) => c.id)}::bigint[])))::int AS misplaced
        FROM areas b JOIN areas c ON starts_with(b.path, c.path) LEFT JOIN area_boundaries g ON g.area_id = b.parent_id AND g.valid_to IS NULL
       WHERE c.code = ${ZHANBEI} AND b.level = 'building' AND b.status = 'active' AND NOT (b.id = ANY(${dedicated.buildings.map((b) => b.id)}::bigint[]))`.execute(t.database.db);
    expect(placement[0]).toEqual({ total: before.parents.length - dedicated.buildings.length, misplaced: 0 });

    // The old grids are retired with closed boundaries; one change row and one audit row record it.
    const retired = await t.database.db.selectFrom('areas').select(['status']).where('id', 'in', oldGrids.map((g) => g.id)).execute();
    expect(retired.every((r) => r.status === 'retired')).toBe(true);
    const open = await sql<{ n: number }>`SELECT count(*)::int AS n FROM area_boundaries WHERE area_id = ANY(${oldGrids.map((g) => g.id)}::bigint[]) AND valid_to IS NULL`.execute(t.database.db);
    expect(open.rows[0]?.n).toBe(0);
    const change = await t.database.db.selectFrom('area_changes').selectAll().where('id', '=', result.changeId).executeTakeFirstOrThrow();
    expect(change).toMatchObject({ kind: 'proposal', area_id: community });
    const audit = await t.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'proposal').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_name: 'zb_admin', entity: 'area', area_id: community });
    const linked = await sql<{ n: number }>`SELECT count(*)::int AS n FROM area_boundaries WHERE change_id = ${result.changeId}`.execute(t.database.db);
    expect(linked.rows[0]?.n).toBe(oldGrids.length + created.length);

    // The reports agree: seamless, and every grid within the range.
    const coverage = (await get(`/api/areas/${community}/coverage`, zbAdmin)).json();
    expect(coverage).toMatchObject({ childCount: created.length + dedicated.grids.length, gaps: [], overlaps: [], outside: [], missingBoundary: [] });
    const balance = (await get(`/api/areas/${community}/balance`, zbAdmin)).json<BalanceReport>();
    expect(balance.grids).toBe(created.length + dedicated.grids.length);
    expect(balance.outside.filter((o) => created.some((c) => c.id === o.id))).toEqual([]);

    // History answers for the past: a building sat in an old grid before the change.
    const history = (await get(`/api/areas/${community}/history`, zbAdmin)).json();
    expect(history.changes.map((c: { kind: string }) => c.kind)).toContain('proposal');
  });

  it('refuses overlapping grids and warns about what the grids leave uncovered', async () => {
    const community = await areaIdByCode(t.database, '320412001004');
    const body = await draft(community, jkAdmin);
    const [first, second, ...rest] = body.grids;
    if (!first || !second) throw new Error('need two grids');
    const overlapping = await post(
      `/api/areas/${community}/grid-proposal/accept`,
      { grids: [first, { ...second, geometry: first.geometry }, ...rest].map((g) => ({ name: g.name, geometry: g.geometry })), preview: true },
      jkAdmin,
    );
    expect(overlapping.statusCode).toBe(400);
    expect(overlapping.json().error.details.fields).toHaveProperty(['grids.1.geometry']);

    const dupe = await post(`/api/areas/${community}/grid-proposal/accept`, { grids: [first, { ...second, name: first.name }].map((g) => ({ name: g.name, geometry: g.geometry })), preview: true }, jkAdmin);
    expect(dupe.statusCode).toBe(400);
    expect(dupe.json().error.details.fields).toHaveProperty(['grids.1.name']);

    const bowtie = { type: 'Polygon', coordinates: [[[120, 31.7], [120.01, 31.71], [120.01, 31.7], [120, 31.71], [120, 31.7]]] };
    const invalid = await post(`/api/areas/${community}/grid-proposal/accept`, { grids: [{ name: '坏网格', geometry: bowtie }], preview: true }, jkAdmin);
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.details.fields).toHaveProperty(['grids.0.geometry']);

    const partial = await post(`/api/areas/${community}/grid-proposal/accept`, { grids: body.grids.slice(0, -1).map((g) => ({ name: g.name, geometry: g.geometry })), preview: true }, jkAdmin);
    expect(partial.statusCode, partial.body).toBe(200);
    expect(partial.json().warnings.join()).toMatch(/遗漏约 \d+ 平方米/);
    expect(partial.json().warnings.join()).toMatch(/不在任何新网格内/);
  });

  it('keeps dedicated grids: their ground and buildings stay out of the draft, and accepting leaves them as they are', async () => {
    const HUAXI = '320412001006';
    const community = await areaIdByCode(t.database, HUAXI);
    const [schoolGrid] = await activeGrids(HUAXI);
    if (!schoolGrid) throw new Error('no grids');
    // A school's grid: an existing grid handed over to the school (its boundary and buildings stay as they were).
    const patched = await t.app.inject({ method: 'PATCH', url: `/api/areas/${schoolGrid.id}`, headers: jkAdmin.headers, payload: { name: '花溪实验小学网格', gridType: 'dedicated', gridSubtype: 'school' } });
    expect(patched.statusCode, patched.body).toBe(200);
    // A market's grid drawn across the comprehensive grids, around the building farthest from the school.
    const { rows: marketShape } = await sql<{ geometry: unknown }>`
      SELECT ST_AsGeoJSON(ST_Intersection(ST_Envelope(ST_Buffer(b.location::geography, 250)::geometry), c.geom), 15)::json AS geometry
        FROM areas b JOIN areas p ON p.id = ${community} AND starts_with(b.path, p.path)
        JOIN area_boundaries c ON c.area_id = p.id AND c.valid_to IS NULL
        JOIN area_boundaries s ON s.area_id = ${schoolGrid.id} AND s.valid_to IS NULL
       WHERE b.level = 'building' ORDER BY ST_Distance(b.location, s.geom) DESC, b.id LIMIT 1`.execute(t.database.db);
    const created = await post('/api/areas/grids', { parentId: community, name: '花溪农贸市场网格', gridType: 'dedicated', gridSubtype: 'market', geometry: marketShape[0]?.geometry }, jkAdmin);
    expect(created.statusCode, created.body).toBe(201);
    const market = created.json<AdjustmentResult>();
    const [marketGrid] = market.created;
    const [misfiled, ...marketBuildings] = market.moved.buildings;
    if (!marketGrid || !misfiled) throw new Error('the market grid took no buildings');
    expect(marketBuildings.length).toBeGreaterThan(0);
    // One of the market's buildings is still filed on its old comprehensive grid, as data often is.
    await t.database.db.updateTable('areas').set({ parent_id: misfiled.fromId }).where('id', '=', misfiled.id).execute();
    // The school's grid worker keeps the post.
    const user = await t.database.db.insertInto('users').values({ username: 'school_worker', display_name: '网格员乙', password_hash: 'x', home_area_id: schoolGrid.id }).returning('id').executeTakeFirstOrThrow();
    const assignment = await t.database.db.insertInto('role_assignments').values({ user_id: user.id, role: 'grid_worker', area_id: schoolGrid.id }).returning('id').executeTakeFirstOrThrow();

    const dedicated = await dedicatedOf(HUAXI);
    expect(dedicated.grids.map((g) => g.id)).toEqual([schoolGrid.id, marketGrid.id]);
    const comprehensive = (await activeGrids(HUAXI)).filter((g) => g.gridType !== 'dedicated');
    const keptBuildings = dedicated.buildings.filter((b) => b.under);
    expect(dedicated.buildings.filter((b) => !b.under).map((b) => b.id)).toEqual([misfiled.id]);
    const before = await snapshot(HUAXI);

    // The draft divides the community around the dedicated grids and says so.
    const body = await draft(community, jkAdmin);
    expect(body.keptDedicated).toEqual([
      { id: schoolGrid.id, code: schoolGrid.code, name: '花溪实验小学网格' },
      { id: marketGrid.id, code: marketGrid.code, name: '花溪农贸市场网格' },
    ]);
    expect(body.currentGrids).toBe(comprehensive.length);
    expect(body.warnings).toContain(`保留 2 个专属网格（花溪实验小学网格、花溪农贸市场网格）及其 ${keptBuildings.length} 栋楼，不参与划分`);
    expect(body.warnings).toContain('1 栋楼位置在专属网格内、却不属于该网格，未参与划分；接受方案后将归入所在的专属网格');
    const out = new Set(dedicated.buildings.map((b) => b.id));
    expect(body.grids.flatMap((g) => g.buildingIds).sort((a, b) => a - b)).toEqual(before.parents.map((p) => p.id).filter((id) => !out.has(id)));
    expect(body.buildings).toBe(before.parents.length - out.size);
    const { rows: onDedicated } = await sql<{ m2: number }>`
      WITH g AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON(x), 4326) AS geom FROM unnest(${body.grids.map((g) => JSON.stringify(g.geometry))}::text[]) AS x)
      SELECT COALESCE(sum(ST_Area(ST_Intersection(g.geom, d.geom)::geography)), 0) AS m2
        FROM g JOIN area_boundaries d ON d.area_id = ANY(${dedicated.grids.map((d) => d.id)}::bigint[]) AND d.valid_to IS NULL AND ST_Intersects(g.geom, d.geom)`.execute(t.database.db);
    expect(onDedicated[0]?.m2).toBeLessThan(1);
    const coverage = await coverageOf(community, [...body.grids.map((g) => g.geometry), ...dedicated.grids.map((g) => g.geometry)]);
    expect(coverage.valid).toBe(true);
    expect(coverage.gap).toBeLessThan(1);
    expect(coverage.overlap).toBeLessThan(1);
    expect(coverage.outside).toBeLessThan(1);

    const payload = { grids: body.grids.map((g) => ({ name: g.name, geometry: g.geometry })) };
    // A new grid reaching into a dedicated grid is refused, as overlapping new grids are.
    const [first, ...rest] = payload.grids;
    if (!first) throw new Error('no proposed grids');
    const { rows: grown } = await sql<{ geometry: unknown }>`
      SELECT ST_AsGeoJSON(ST_Union(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(first.geometry)}), 4326), d.geom), 15)::json AS geometry
        FROM area_boundaries d WHERE d.area_id = ${marketGrid.id} AND d.valid_to IS NULL`.execute(t.database.db);
    const overlapping = await post(`/api/areas/${community}/grid-proposal/accept`, { grids: [{ ...first, geometry: grown[0]?.geometry }, ...rest], preview: true }, jkAdmin);
    expect(overlapping.statusCode, overlapping.body).toBe(400);
    expect(overlapping.json().error.details.fields['grids.0.geometry'].join()).toMatch(/与专属网格花溪农贸市场网格重叠约 \d+ 平方米/);
    expect(await snapshot(HUAXI)).toEqual(before);

    t.clock.advanceMinutes(5);
    const res = await post(`/api/areas/${community}/grid-proposal/accept`, payload, jkAdmin);
    expect(res.statusCode, res.body).toBe(200);
    const result = res.json<AdjustmentResult>();
    expect(result.retired.map((r) => r.id).sort()).toEqual(comprehensive.map((g) => g.id).sort());
    expect(result.warnings).toEqual(['1 栋楼位于专属网格内，已归入所在的专属网格（花溪农贸市场网格）']);
    expect(result.toReview).toEqual([]);
    expect(result.moved.buildings).toContainEqual(expect.objectContaining({ id: misfiled.id, fromId: misfiled.fromId, toId: marketGrid.id }));

    // The dedicated grids: still active, the same boundary version, their buildings where they were, the post kept.
    const after = await dedicatedOf(HUAXI);
    expect(after.grids).toEqual(dedicated.grids);
    expect(after.buildings.map(({ id, parentId }) => ({ id, parentId }))).toEqual(
      dedicated.buildings.map(({ id, parentId }) => ({ id, parentId: id === misfiled.id ? marketGrid.id : parentId })),
    );
    const versions = await sql<{ n: number }>`SELECT count(*)::int AS n FROM area_boundaries WHERE area_id = ANY(${[schoolGrid.id, marketGrid.id]}::bigint[])`.execute(t.database.db);
    expect(versions.rows[0]?.n).toBe(2);
    expect(await t.database.db.selectFrom('role_assignments').select(['area_id']).where('id', '=', assignment.id).executeTakeFirstOrThrow()).toEqual({ area_id: schoolGrid.id });
    const active = await activeGrids(HUAXI);
    expect(active.map((g) => g.id).sort()).toEqual([...result.created.map((c) => c.id), schoolGrid.id, marketGrid.id].sort());
    const retired = await t.database.db.selectFrom('areas').select(['status']).where('id', 'in', comprehensive.map((g) => g.id)).execute();
    expect(retired.every((r) => r.status === 'retired')).toBe(true);

    // The change and its audit row list only the comprehensive grids as retired.
    const summary = { retired: comprehensive.map((g) => g.code), kept: [schoolGrid.code, marketGrid.code], created: result.created.map((c) => c.code) };
    const change = await t.database.db.selectFrom('area_changes').selectAll().where('id', '=', result.changeId).executeTakeFirstOrThrow();
    expect(change).toMatchObject({ kind: 'proposal', area_id: community, summary });
    const audit = await t.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'proposal').where('area_id', '=', community).executeTakeFirstOrThrow();
    expect(audit.after).toMatchObject({ changeId: result.changeId, ...summary });

    // Seamless with the dedicated grids, and the next draft sees the same two kept.
    const report = (await get(`/api/areas/${community}/coverage`, jkAdmin)).json();
    expect(report).toMatchObject({ childCount: result.created.length + 2, gaps: [], overlaps: [], outside: [], missingBoundary: [] });
    const again = await draft(community, jkAdmin);
    expect(again.keptDedicated.map((k) => k.id)).toEqual([schoolGrid.id, marketGrid.id]);
    expect(again.currentGrids).toBe(result.created.length);
  });

  it('has nothing to divide where dedicated grids cover the whole community', async () => {
    const DONGFANG = '320412001005';
    const community = await areaIdByCode(t.database, DONGFANG);
    await t.database.db.updateTable('areas').set({ grid_type: 'dedicated', grid_subtype: 'park' }).where('parent_id', '=', community).where('level', '=', 'grid').execute();
    const res = await post(`/api/areas/${community}/grid-proposal`, {}, jkAdmin);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.message).toMatch(/已全部由专属网格覆盖/);
    expect(res.json().error.details.fields).toHaveProperty('id');
  });

  it('keeps a community admin to its own community and a grid worker out', async () => {
    const other = await areaIdByCode(t.database, '320412002002');
    const own = await areaIdByCode(t.database, ZHANBEI);
    expect((await post(`/api/areas/${other}/grid-proposal`, {}, zbAdmin)).statusCode).toBe(404);
    expect((await post(`/api/areas/${other}/grid-proposal/accept`, { grids: [{ name: 'x', geometry: { type: 'Polygon', coordinates: [[[120, 31], [120.1, 31], [120.1, 31.1], [120, 31]]] } }], preview: true }, zbAdmin)).statusCode).toBe(404);
    expect((await post(`/api/areas/${own}/grid-proposal`, {}, zbWorker)).statusCode).toBe(403);
    const [grid] = await activeGrids(ZHANBEI);
    if (!grid) throw new Error('no grid');
    const notCommunity = await post(`/api/areas/${grid.id}/grid-proposal`, {}, zbAdmin);
    expect(notCommunity.statusCode).toBe(400);
  });
});
