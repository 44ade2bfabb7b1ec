import { VectorTile } from '@mapbox/vector-tile';
import { sql } from 'kysely';
import { PbfReader } from 'pbf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { areaIdByCode, createTestApp, loginAs, type Session, type TestApp } from '../../../../test/harness.ts';
import { distanceMeters, fromWgs84 } from '../../geo/index.ts';

let t: TestApp;
let admin: Session;
let zbAdmin: Session;
let zbWorker: Session;

beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAs(t.app, 'jk_admin');
  zbAdmin = await loginAs(t.app, 'zb_admin');
  zbWorker = await loginAs(t.app, 'zb_worker');
});
afterAll(async () => t?.close());

/** A point well inside a grid (WGS84), computed by PostGIS. */
async function pointIn(code: string): Promise<[number, number]> {
  const { rows } = await sql<{ x: number; y: number }>`
    SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (
      SELECT ST_PointOnSurface(ST_Buffer(b.geom::geography, -60)::geometry) AS p
        FROM area_boundaries b JOIN areas a ON a.id = b.area_id WHERE a.code = ${code} AND b.valid_to IS NULL) q`.execute(t.database.db);
  const row = rows[0];
  if (!row) throw new Error(`no boundary for ${code}`);
  return [row.x, row.y];
}

async function gridsOf(communityCode: string) {
  const { rows } = await sql<{ id: number; code: string; name: string }>`
    SELECT g.id, g.code, g.name FROM areas g JOIN areas c ON c.id = g.parent_id
     WHERE c.code = ${communityCode} AND g.level = 'grid' AND g.status = 'active' ORDER BY g.code`.execute(t.database.db);
  return rows;
}

/** The web-mercator tile (x, y) at zoom z that holds a WGS84 point. */
function tileAt([lng, lat]: [number, number], z: number): { x: number; y: number } {
  const n = 2 ** z;
  const rad = (lat * Math.PI) / 180;
  return { x: Math.floor(((lng + 180) / 360) * n), y: Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n) };
}

const get = (url: string, s: Session = admin) => t.app.inject({ url, headers: s.headers });

describe('locate', () => {
  it('puts a GCJ-02 point from a phone into the grid that holds the real (WGS84) position', async () => {
    const [grid] = await gridsOf('320412001001');
    if (!grid) throw new Error('no grid');
    const wgs = await pointIn(grid.code);
    const gcj = fromWgs84(wgs[0], wgs[1], 'gcj02');
    expect(distanceMeters(wgs, gcj)).toBeGreaterThan(400);

    const res = await get(`/api/areas/locate?lng=${gcj[0]}&lat=${gcj[1]}&crs=gcj02`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.area).toMatchObject({ code: grid.code, level: 'grid' });
    expect(body.path.map((a: { level: string }) => a.level)).toEqual(['province', 'city', 'district', 'street', 'community', 'grid']);
    expect(distanceMeters(body.wgs84, wgs)).toBeLessThan(1);

    const bd = fromWgs84(wgs[0], wgs[1], 'bd09');
    expect((await get(`/api/areas/locate?lng=${bd[0]}&lat=${bd[1]}&crs=bd09`)).json().area.code).toBe(grid.code);
  });

  it('names the nearest grid and its distance for a point outside every grid', async () => {
    const body = (await get('/api/areas/locate?lng=120.5&lat=31.5')).json();
    expect(body.area).toBeNull();
    expect(body.nearest.area.level).toBe('grid');
    expect(body.nearest.distanceMeters).toBeGreaterThan(10_000);
    expect(body.message).toContain('最近的网格');
  });

  it('says when latitude and longitude are swapped, and rejects an unknown crs', async () => {
    const swapped = await get('/api/areas/locate?lng=40.5&lat=80.2');
    expect(swapped.statusCode).toBe(400);
    expect(swapped.json().error.message).toContain('填反');
    const absurd = await get('/api/areas/locate?lng=31.77&lat=120.05');
    expect(absurd.json().error.details.fields.lat[0]).toContain('填反');
    const crs = await get('/api/areas/locate?lng=120.05&lat=31.77&crs=mars');
    expect(crs.statusCode).toBe(400);
    expect(crs.json().error.details.fields).toHaveProperty('crs');
  });

  it('locates a batch in input order, agreeing with single lookups', async () => {
    const points: [number, number][] = [];
    for (let i = 0; i < 400; i += 1) points.push([119.98 + (i % 20) * 0.012, 31.68 + Math.floor(i / 20) * 0.009]);
    const res = await t.app.inject({ method: 'POST', url: '/api/areas/locate', headers: admin.headers, payload: { crs: 'wgs84', points } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.areaIds).toHaveLength(400);
    expect(body.outside).toBeGreaterThan(0);
    expect(body.outside).toBeLessThan(400);
    for (const i of [0, 57, 210, 399]) {
      const [lng, lat] = points[i] ?? [0, 0];
      const single = (await get(`/api/areas/locate?lng=${lng}&lat=${lat}`)).json();
      expect(body.areaIds[i]).toBe(single.area?.id ?? null);
    }
  });

  it('keeps a grid worker inside its scope', async () => {
    const [other] = await gridsOf('320412002002');
    if (!other) throw new Error('no grid');
    const p = await pointIn(other.code);
    const body = (await get(`/api/areas/locate?lng=${p[0]}&lat=${p[1]}`, zbWorker)).json();
    expect(body.area).toBeNull();
    expect(body.nearest.area.code.startsWith('320412001001')).toBe(true);
  });
});

describe('coverage and balance', () => {
  it('finds the whole demo district seamlessly covered', async () => {
    const district = await areaIdByCode(t.database, '320412000000');
    const report = (await get(`/api/areas/${district}/coverage`)).json();
    expect(report).toMatchObject({ childCount: 6, gaps: [], overlaps: [], outside: [] });
    expect(report.coveredShare).toBeGreaterThan(0.9999);
  });

  it('finds the planted oversize and undersize grids', async () => {
    const district = await areaIdByCode(t.database, '320412000000');
    const seed = await t.database.db.selectFrom('area_changes').select('summary').where('kind', '=', 'seed').executeTakeFirstOrThrow();
    const planted = (seed.summary as { plantedOutliers: string[] }).plantedOutliers;
    expect(planted.length).toBeGreaterThanOrEqual(3);
    const report = (await get(`/api/areas/${district}/balance`)).json();
    expect(report.grids).toBe(295);
    expect(report.outside.map((g: { code: string }) => g.code).sort()).toEqual([...planted].sort());
    const narrower = (await get(`/api/areas/${district}/balance?min=350&max=450`)).json();
    expect(narrower.outside.length).toBeGreaterThan(report.outside.length);
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM areas b JOIN areas g ON g.id = b.parent_id
       WHERE b.level = 'building' AND b.status = 'active' AND g.level = 'grid' AND g.status = 'active' AND starts_with(b.path, (SELECT path FROM areas WHERE id = ${district}))`.execute(t.database.db);
    expect(report.buildings).toBe(rows[0]?.n);
    expect(report.buildings).toBeGreaterThan(0);
  });

  it('opens analysis on the first area with a boundary: the district for a province account, the community for its secretary', async () => {
    const top = await loginAs(t.app, 'admin');
    const start = (await get('/api/areas/analysis-start', top)).json();
    expect(start.area).toMatchObject({ code: '320412000000', level: 'district' });
    expect((await get('/api/areas/analysis-start', zbAdmin)).json().area).toMatchObject({ code: '320412001001', level: 'community' });
    // Once no area has a boundary, the answer says so plainly (null), not an error.
    const closed = await sql<{ id: number }>`
      UPDATE area_boundaries SET valid_to = valid_from WHERE valid_to IS NULL
         AND area_id IN (SELECT id FROM areas WHERE starts_with(path, (SELECT path FROM areas WHERE code = '320412001001'))) RETURNING id`.execute(t.database.db);
    try {
      expect((await get('/api/areas/analysis-start', zbAdmin)).json()).toEqual({ area: null });
    } finally {
      const ids = closed.rows.map((r) => r.id);
      await sql`UPDATE area_boundaries SET valid_to = NULL WHERE id = ANY(${ids}::bigint[])`.execute(t.database.db);
    }
  });

  it('keeps household reports from party members: their own community by name, no coverage or balance', async () => {
    const member = await loginAs(t.app, 'dy_member');
    const community = await areaIdByCode(t.database, '320412001001');
    expect((await get(`/api/areas/${community}`, member)).statusCode).toBe(200);
    expect((await get(`/api/areas/${community}/balance`, member)).statusCode).toBe(403);
    expect((await get(`/api/areas/${community}/coverage`, member)).statusCode).toBe(403);
    expect((await get(`/api/areas/${community}/balance`, zbWorker)).statusCode).toBe(200);
  });
});

describe('adjusting grids', () => {
  it('splits a grid by a line: new codes, buildings follow their location, history answers for the past', async () => {
    const [grid] = await gridsOf('320412001002');
    if (!grid) throw new Error('no grid');
    const before = await sql<{ n: number; hh: number }>`SELECT count(*)::int AS n, sum(households)::int AS hh FROM areas WHERE parent_id = ${grid.id} AND level = 'building'`.execute(t.database.db);
    const { rows: box } = await sql<{ x: number; ymin: number; ymax: number }>`
      SELECT ST_X(ST_Centroid(geom)) AS x, ST_YMin(geom) - 0.01 AS ymin, ST_YMax(geom) + 0.01 AS ymax FROM area_boundaries WHERE area_id = ${grid.id} AND valid_to IS NULL`.execute(t.database.db);
    const b = box[0];
    if (!b) throw new Error('no box');
    const line = { type: 'LineString', coordinates: [[b.x, b.ymin], [b.x, b.ymax]] };
    const inside = await pointIn(grid.code);

    const preview = await t.app.inject({ method: 'POST', url: `/api/areas/${grid.id}/split`, headers: admin.headers, payload: { by: { kind: 'line', line }, preview: true } });
    expect(preview.statusCode).toBe(200);
    expect(preview.json()).toMatchObject({ applied: false, changeId: null });
    expect(preview.json().created).toHaveLength(2);
    expect((await gridsOf('320412001002')).map((g) => g.id)).toContain(grid.id);

    const splitAt = new Date(t.clock.now.getTime() + 60_000);
    t.clock.advanceMinutes(2);
    const res = await t.app.inject({ method: 'POST', url: `/api/areas/${grid.id}/split`, headers: admin.headers, payload: { by: { kind: 'line', line } } });
    expect(res.statusCode).toBe(200);
    const result = res.json();
    expect(result.applied).toBe(true);
    expect(result.retired.map((r: { id: number }) => r.id)).toEqual([grid.id]);
    expect(result.created.map((c: { code: string }) => c.code)).toEqual(result.created.map((c: { code: string }) => c.code).sort());
    for (const c of result.created) expect(c.code > grid.code || c.code.slice(0, 12) === grid.code.slice(0, 12)).toBe(true);
    const hhAfter = result.created.reduce((s: number, c: { households: number }) => s + c.households, 0);
    expect(hhAfter).toBe(before.rows[0]?.hh);

    // Every building now sits in the new grid whose boundary contains it.
    const { rows: misplaced } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM areas bl JOIN area_boundaries gb ON gb.area_id = bl.parent_id AND gb.valid_to IS NULL
       WHERE bl.parent_id = ANY(${result.created.map((c: { id: number }) => c.id)}::bigint[]) AND NOT ST_Intersects(gb.geom, bl.location)`.execute(t.database.db);
    expect(misplaced[0]?.n).toBe(0);

    const now = (await get(`/api/areas/locate?lng=${inside[0]}&lat=${inside[1]}`)).json();
    expect(result.created.map((c: { id: number }) => c.id)).toContain(now.area.id);
    const then = (await get(`/api/areas/locate?lng=${inside[0]}&lat=${inside[1]}&at=${encodeURIComponent(splitAt.toISOString().replace('Z', '+00:00'))}`)).json();
    const past = (await get(`/api/areas/locate?lng=${inside[0]}&lat=${inside[1]}&at=${new Date(splitAt.getTime() - 30_000).toISOString()}`)).json();
    expect(past.area.id).toBe(grid.id);
    expect(then.area.id).toBe(grid.id);

    const history = (await get(`/api/areas/${grid.id}/history`)).json();
    expect(history.versions).toHaveLength(1);
    expect(history.versions[0].validTo).not.toBeNull();
    expect(history.changes.map((c: { kind: string }) => c.kind)).toContain('split');
    const audit = await t.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'split').executeTakeFirstOrThrow();
    expect(audit.actor_name).toBe('jk_admin');

    // A retired code is never issued again: a new grid drawn where the old one was gets a fresh code.
    const oldShape = (await sql<{ g: unknown }>`SELECT ST_AsGeoJSON(geom, 9)::json AS g FROM area_boundaries WHERE area_id = ${grid.id}`.execute(t.database.db)).rows[0]?.g;
    const community = await areaIdByCode(t.database, '320412001002');
    const recreated = await t.app.inject({ method: 'POST', url: '/api/areas/grids', headers: admin.headers, payload: { parentId: community, name: '重建网格', geometry: oldShape } });
    expect(recreated.statusCode).toBe(201);
    const code = recreated.json().created[0].code;
    expect([grid.code, ...result.created.map((x: { code: string }) => x.code)]).not.toContain(code);
    expect(code.startsWith('320412001002')).toBe(true);
    expect(recreated.json().moved.buildings.length).toBeGreaterThan(0);
  });

  it('refuses a split line that does not cross the grid, writing nothing', async () => {
    const [grid] = await gridsOf('320412001003');
    if (!grid) throw new Error('no grid');
    const res = await t.app.inject({ method: 'POST', url: `/api/areas/${grid.id}/split`, headers: admin.headers, payload: { by: { kind: 'line', line: { type: 'LineString', coordinates: [[121, 30], [121.1, 30.1]] } } } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.fields).toHaveProperty(['by.line']);
    expect((await gridsOf('320412001003')).map((g) => g.id)).toContain(grid.id);
  });

  it('merges two neighbouring grids: union boundary, buildings and roles go to the kept grid', async () => {
    const { rows: pair } = await sql<{ a: number; b: number }>`
      SELECT g1.id AS a, g2.id AS b FROM areas g1 JOIN areas g2 ON g1.parent_id = g2.parent_id AND g1.id < g2.id
        JOIN area_boundaries b1 ON b1.area_id = g1.id AND b1.valid_to IS NULL JOIN area_boundaries b2 ON b2.area_id = g2.id AND b2.valid_to IS NULL
        JOIN areas c ON c.id = g1.parent_id
       WHERE g1.level = 'grid' AND g2.level = 'grid' AND g1.status = 'active' AND g2.status = 'active' AND c.code = '320412001004'
         AND ST_Intersects(b1.geom, b2.geom) LIMIT 1`.execute(t.database.db);
    const p = pair[0];
    if (!p) throw new Error('no adjacent pair');
    const user = await t.database.db.insertInto('users').values({ username: 'merge_worker', display_name: '合并', password_hash: 'x', home_area_id: p.b }).returning('id').executeTakeFirstOrThrow();
    await t.database.db.insertInto('role_assignments').values({ user_id: user.id, role: 'grid_worker', area_id: p.b }).execute();
    const hh = await sql<{ hh: number }>`SELECT sum(households)::int AS hh FROM areas WHERE parent_id IN (${p.a}, ${p.b}) AND level = 'building'`.execute(t.database.db);

    const res = await t.app.inject({ method: 'POST', url: '/api/areas/merge', headers: admin.headers, payload: { gridIds: [p.a, p.b], name: '合并后的网格' } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.retired.map((r: { id: number }) => r.id)).toEqual([p.b]);
    expect(body.moved.roleAssignments).toBe(1);
    const kept = await t.database.db.selectFrom('areas').select(['name', 'households']).where('id', '=', p.a).executeTakeFirstOrThrow();
    expect(kept).toEqual({ name: '合并后的网格', households: hh.rows[0]?.hh });
    const role = await t.database.db.selectFrom('role_assignments').select('area_id').where('user_id', '=', user.id).executeTakeFirstOrThrow();
    expect(role.area_id).toBe(p.a);
  });

  it('refuses to merge grids that do not touch', async () => {
    const grids = await gridsOf('320412002003');
    const { rows } = await sql<{ a: number; b: number }>`
      SELECT g1.id AS a, g2.id AS b FROM areas g1 JOIN areas g2 ON g1.parent_id = g2.parent_id AND g1.id < g2.id
        JOIN area_boundaries b1 ON b1.area_id = g1.id AND b1.valid_to IS NULL JOIN area_boundaries b2 ON b2.area_id = g2.id AND b2.valid_to IS NULL
       WHERE g1.id = ANY(${grids.map((g) => g.id)}::bigint[]) AND g2.id = ANY(${grids.map((g) => g.id)}::bigint[]) AND NOT ST_Intersects(b1.geom, b2.geom) LIMIT 1`.execute(t.database.db);
    const p = rows[0];
    if (!p) return; // every pair touches in this community
    const res = await t.app.inject({ method: 'POST', url: '/api/areas/merge', headers: admin.headers, payload: { gridIds: [p.a, p.b] } });
    expect(res.statusCode).toBe(400);
  });

  it('reports gaps, overlaps and parts outside after boundaries are redrawn', async () => {
    const community = await areaIdByCode(t.database, '320412001005');
    const grids = await gridsOf('320412001005');
    const [first, second] = grids;
    if (!first || !second) throw new Error('need two grids');
    const geo = async (expr: ReturnType<typeof sql>) => (await sql<{ g: unknown }>`SELECT ST_AsGeoJSON(${expr}, 9)::json AS g`.execute(t.database.db)).rows[0]?.g;
    const shrunk = await geo(sql`(SELECT ST_Buffer(geom::geography, -40)::geometry FROM area_boundaries WHERE area_id = ${first.id} AND valid_to IS NULL)`);
    const swollen = await geo(sql`(SELECT ST_Buffer(geom::geography, 120)::geometry FROM area_boundaries WHERE area_id = ${second.id} AND valid_to IS NULL)`);

    const r1 = await t.app.inject({ method: 'PUT', url: `/api/areas/${first.id}/boundary`, headers: admin.headers, payload: { geometry: shrunk } });
    expect(r1.statusCode).toBe(200);
    const r2 = await t.app.inject({ method: 'PUT', url: `/api/areas/${second.id}/boundary`, headers: admin.headers, payload: { geometry: swollen } });
    expect(r2.json().warnings.join()).toMatch(/重叠|超出/);

    const report = (await get(`/api/areas/${community}/coverage`)).json();
    expect(report.gaps.length).toBeGreaterThan(0);
    expect(report.overlaps.length).toBeGreaterThan(0);
    expect(report.overlaps[0].areaM2).toBeGreaterThan(100);
    expect(report.coveredShare).toBeLessThan(1);
    expect(report.gaps[0].geometry.type).toMatch(/Polygon/);
  });

  it('rejects a self-intersecting boundary with the reason', async () => {
    const [grid] = await gridsOf('320412001006');
    if (!grid) throw new Error('no grid');
    const bowtie = { type: 'Polygon', coordinates: [[[120, 31.7], [120.01, 31.71], [120.01, 31.7], [120, 31.71], [120, 31.7]]] };
    const res = await t.app.inject({ method: 'PUT', url: `/api/areas/${grid.id}/boundary`, headers: admin.headers, payload: { geometry: bowtie } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/Self-intersection|自相交|无效/);
  });

  it('retires a grid only with somewhere for its buildings to go', async () => {
    const [a, b] = await gridsOf('320412001007');
    if (!a || !b) throw new Error('need two grids');
    const refused = await t.app.inject({ method: 'POST', url: `/api/areas/${a.id}/retire`, headers: admin.headers, payload: {} });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details.fields).toHaveProperty('transferToId');
    const ok = await t.app.inject({ method: 'POST', url: `/api/areas/${a.id}/retire`, headers: admin.headers, payload: { transferToId: b.id } });
    expect(ok.statusCode).toBe(200);
    const left = await sql<{ n: number }>`SELECT count(*)::int AS n FROM areas WHERE parent_id = ${a.id} AND status = 'active'`.execute(t.database.db);
    expect(left.rows[0]?.n).toBe(0);
    expect((await gridsOf('320412001007')).map((g) => g.id)).not.toContain(a.id);
  });

  it('lets a community admin adjust its own grids only, and a grid worker none', async () => {
    const [own] = await gridsOf('320412001001');
    const [other] = await gridsOf('320412002002');
    if (!own || !other) throw new Error('no grids');
    const payload = { transferToId: own.id, preview: true };
    expect((await t.app.inject({ method: 'POST', url: `/api/areas/${other.id}/retire`, headers: zbAdmin.headers, payload })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'POST', url: `/api/areas/${own.id}/retire`, headers: zbWorker.headers, payload: {} })).statusCode).toBe(403);
  });
});

describe('vector tiles', () => {
  it('serves a Mapbox vector tile with the grids at zoom 12', async () => {
    const [grid] = await gridsOf('320412001001');
    if (!grid) throw new Error('no grid');
    const { x, y } = tileAt(await pointIn(grid.code), 12);
    const res = await t.app.inject({ url: `/api/tiles/areas/12/${x}/${y}.mvt`, headers: admin.headers });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
    const tile = new VectorTile(new PbfReader(res.rawPayload));
    const layer = tile.layers.areas;
    if (!layer) throw new Error('no areas layer');
    const names = Array.from({ length: layer.length }, (_, i) => layer.feature(i).properties.name);
    expect(names).toContain(grid.name);
    const feature = Array.from({ length: layer.length }, (_, i) => layer.feature(i)).find((f) => f.properties.code === grid.code);
    expect(feature?.type).toBe(3);
    expect(feature?.properties).toMatchObject({ level: 'grid', min: 300, max: 500 });
    expect(feature?.loadGeometry()[0]?.length).toBeGreaterThan(3);

    const outOfScope = await t.app.inject({ url: `/api/tiles/areas/12/${x}/${y}.mvt`, headers: (await loginAs(t.app, 'lsh_worker')).headers });
    const names2 = (() => {
      const l = new VectorTile(new PbfReader(outOfScope.rawPayload)).layers.areas;
      return l ? Array.from({ length: l.length }, (_, i) => l.feature(i).properties.name) : [];
    })();
    expect(names2).not.toContain(grid.name);
    expect((await t.app.inject({ url: '/api/tiles/areas/3/9/1.mvt', headers: admin.headers })).statusCode).toBe(400);
  });
});

describe('public tiles (the resident report page, no account)', () => {
  it('serves every outline with its name, code and level only — no household counts — and refuses a whole-country zoom', async () => {
    const [grid] = await gridsOf('320412001001');
    if (!grid) throw new Error('no grid');
    const n = 2 ** 14;
    const { x, y } = tileAt(await pointIn(grid.code), 14);
    const res = await t.app.inject({ url: `/api/public/tiles/areas/14/${x}/${y}.mvt` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    const layer = new VectorTile(new PbfReader(res.rawPayload)).layers.areas;
    if (!layer) throw new Error('no areas layer');
    const features = Array.from({ length: layer.length }, (_, i) => layer.feature(i));
    const mine = features.find((f) => f.properties.code === grid.code);
    expect(mine?.properties).toEqual({ id: grid.id, code: grid.code, name: grid.name, level: 'grid' });
    expect(features.some((f) => 'households' in f.properties || 'min' in f.properties)).toBe(false);
    // The same tile for staff still carries the counts their balance colours need.
    const staff = new VectorTile(new PbfReader((await t.app.inject({ url: `/api/tiles/areas/14/${x}/${y}.mvt`, headers: admin.headers })).rawPayload)).layers.areas;
    expect(staff && Array.from({ length: staff.length }, (_, i) => staff.feature(i)).find((f) => f.properties.code === grid.code)?.properties).toHaveProperty('households');

    expect((await t.app.inject({ url: '/api/public/tiles/areas/3/6/3.mvt' })).statusCode).toBe(400);
    expect((await t.app.inject({ url: `/api/public/tiles/areas/14/${n}/${y}.mvt` })).statusCode).toBe(400);
    expect((await t.app.inject({ url: `/api/public/tiles/areas/14/${x}/${y}.png` })).statusCode).toBe(400);
  });
});
