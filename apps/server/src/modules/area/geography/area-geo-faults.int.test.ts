import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { areaIdByCode, createTestApp, loginAs, type Session, type TestApp } from '../../../../test/harness.ts';
import type { RequestContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import { fromWgs84 } from '../../geo/index.ts';
import { geometryFailure } from '../adjustment/area-adjust.service.ts';

/**
 * Regression tests for the geography faults found when the landed product was attacked (issue 7,
 * faults 1, 7, 8, 9). Each test failed (or never returned) before its fix.
 */

let t: TestApp;
let admin: Session;
let worker: Session;

beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAs(t.app, 'jk_admin');
  worker = await loginAs(t.app, 'zb_worker');
});
afterAll(async () => t?.close());

const get = (url: string, s: Session = admin) => t.app.inject({ url, headers: s.headers });

async function gridsOf(communityCode: string) {
  const { rows } = await sql<{ id: number; code: string; name: string }>`
    SELECT g.id, g.code, g.name FROM areas g JOIN areas c ON c.id = g.parent_id
     WHERE c.code = ${communityCode} AND g.level = 'grid' AND g.status = 'active' ORDER BY g.code`.execute(t.database.db);
  return rows;
}

/** A small square (side in degrees) with its south-west corner at (lng, lat). */
function square(lng: number, lat: number, side = 0.001) {
  return { type: 'Polygon', coordinates: [[[lng, lat], [lng + side, lat], [lng + side, lat + side], [lng, lat + side], [lng, lat]]] };
}

describe('fault 1: a conversion at the edge of the GCJ-02 box cannot take the event loop', () => {
  it('answers the request that froze the server, as the lowest role, and the server stays healthy', async () => {
    const res = await get('/api/areas/locate?lng=72.005&lat=38&crs=gcj02', worker);
    expect(res.statusCode).toBeLessThan(500);
    expect((await t.app.inject({ url: '/api/health' })).statusCode).toBe(200);
  });

  it.each([
    { lng: 72.004, lat: 38 },
    { lng: 72.0065, lat: 30 },
    { lng: 72.009, lat: 45 },
    { lng: 100, lat: 0.8293 },
    { lng: 110, lat: 0.83 },
    { lng: 120, lat: 0.831 },
  ])('locate at ($lng, $lat) in GCJ-02 and BD-09 answers', async ({ lng, lat }) => {
    for (const crs of ['gcj02', 'bd09']) expect((await get(`/api/areas/locate?lng=${lng}&lat=${lat}&crs=${crs}`)).statusCode).toBeLessThan(500);
    const batch = await t.app.inject({ method: 'POST', url: '/api/areas/locate', headers: admin.headers, payload: { crs: 'gcj02', points: [[lng, lat]] } });
    expect(batch.statusCode).toBeLessThan(500);
  });

  it('create, redraw and split with GCJ-02 geometry at the box edge answer with a 400 before converting', async () => {
    const community = await areaIdByCode(t.database, '320412001006');
    const [grid] = await gridsOf('320412001006');
    if (!grid) throw new Error('no grid');
    const edge = square(72.004, 38, 0.005);
    const created = await t.app.inject({ method: 'POST', url: '/api/areas/grids', headers: admin.headers, payload: { parentId: community, name: '边缘', crs: 'gcj02', geometry: edge, preview: true } });
    expect(created.statusCode).toBe(400);
    const redrawn = await t.app.inject({ method: 'PUT', url: `/api/areas/${grid.id}/boundary`, headers: admin.headers, payload: { crs: 'gcj02', geometry: edge, preview: true } });
    expect(redrawn.statusCode).toBe(400);
    const line = { type: 'LineString', coordinates: [[72.005, 37.99], [72.005, 38.01]] };
    const split = await t.app.inject({ method: 'POST', url: `/api/areas/${grid.id}/split`, headers: admin.headers, payload: { crs: 'gcj02', by: { kind: 'line', line }, preview: true } });
    expect(split.statusCode).toBe(400);
    expect(created.json().error.message).toContain('不在中国境内');
    expect(split.json().error.details.fields).toHaveProperty(['by.line']);
    expect((await t.app.inject({ url: '/api/health' })).statusCode).toBe(200);
  });
});

describe('fault 7: geometry is range-checked everywhere it enters', () => {
  const MERCATOR = { type: 'Polygon', coordinates: [[[13_363_000, 3_729_000], [13_364_000, 3_729_000], [13_364_000, 3_730_000], [13_363_000, 3_730_000], [13_363_000, 3_729_000]]] };
  const LNG_500 = square(500, 31.7);
  /** Inside [-180, 180] × [-90, 90] but not in China: kilometres of a local projection, say. */
  const SMALL_PROJECTED = square(13.3, 3.7, 0.1);

  it.each([
    { name: 'longitude 500', geometry: LNG_500, says: '经度' },
    { name: 'EPSG:3857 metres', geometry: MERCATOR, says: '经度' },
    { name: 'small projected numbers', geometry: SMALL_PROJECTED, says: '不在中国境内' },
  ])('create, redraw and split refuse $name with a 400, writing nothing', async ({ geometry, says }) => {
    const community = await areaIdByCode(t.database, '320412001007');
    const [grid] = await gridsOf('320412001007');
    if (!grid) throw new Error('no grid');
    const before = await sql<{ n: number }>`SELECT count(*)::int AS n FROM area_boundaries`.execute(t.database.db);

    const created = await t.app.inject({ method: 'POST', url: '/api/areas/grids', headers: admin.headers, payload: { parentId: community, name: '越界网格', geometry } });
    expect(created.statusCode).toBe(400);
    expect(JSON.stringify(created.json().error)).toContain(says);
    expect(Object.keys(created.json().error.details.fields)[0]).toMatch(/^geometry/);

    const redrawn = await t.app.inject({ method: 'PUT', url: `/api/areas/${grid.id}/boundary`, headers: admin.headers, payload: { geometry } });
    expect(redrawn.statusCode).toBe(400);
    const polygons = await t.app.inject({ method: 'POST', url: `/api/areas/${grid.id}/split`, headers: admin.headers, payload: { by: { kind: 'polygons', polygons: [geometry, geometry] } } });
    expect(polygons.statusCode).toBe(400);
    const coordinates = geometry.coordinates[0]?.slice(0, 2);
    const line = await t.app.inject({ method: 'POST', url: `/api/areas/${grid.id}/split`, headers: admin.headers, payload: { by: { kind: 'line', line: { type: 'LineString', coordinates } } } });
    expect(line.statusCode).toBe(400);
    const accept = await t.app.inject({ method: 'POST', url: `/api/areas/${community}/grid-proposal/accept`, headers: admin.headers, payload: { grids: [{ name: '越界', geometry }], preview: true } });
    expect(accept.statusCode).toBe(400);

    const after = await sql<{ n: number }>`SELECT count(*)::int AS n FROM area_boundaries`.execute(t.database.db);
    expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
  });

  it('the batch locate range-checks its points', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/areas/locate', headers: admin.headers, payload: { crs: 'wgs84', points: [[120.05, 31.75], [500, 31.7]] } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.fields).toHaveProperty(['points.1.0']);
    const mercator = await t.app.inject({ method: 'POST', url: '/api/areas/locate', headers: admin.headers, payload: { crs: 'gcj02', points: [[13_363_000, 3_729_000]] } });
    expect(mercator.statusCode).toBe(400);
  });
});

describe('fault 7: a boundary whose declared crs looks wrong is named before it is applied', () => {
  /** A grid's current boundary as GeoJSON (WGS84), and its buildings. */
  async function boundaryOf(gridId: number) {
    const { rows } = await sql<{ g: { type: 'MultiPolygon'; coordinates: number[][][][] } }>`
      SELECT ST_AsGeoJSON(geom, 9)::json AS g FROM area_boundaries WHERE area_id = ${gridId} AND valid_to IS NULL`.execute(t.database.db);
    const g = rows[0]?.g;
    if (!g) throw new Error('no boundary');
    return g;
  }
  const toGcj = (g: { type: 'MultiPolygon'; coordinates: number[][][][] }) => ({
    type: 'MultiPolygon',
    coordinates: g.coordinates.map((p) => p.map((r) => r.map(([lng = 0, lat = 0]) => fromWgs84(lng, lat, 'gcj02')))),
  });
  const importOne = (code: string, geometry: unknown, dryRun: boolean) =>
    t.app.inject({
      method: 'POST',
      url: '/api/areas/import/boundaries',
      headers: { ...admin.headers, 'content-type': 'application/json' },
      payload: JSON.stringify({ crs: 'wgs84', mapping: { code: 'code' }, dryRun, featureCollection: { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { code }, geometry }] } }),
    });

  it('a GCJ-02 boundary declared as WGS84: ~500 m off the current boundary, the dry run names gcj02', async () => {
    const [grid] = await gridsOf('320412001004');
    if (!grid) throw new Error('no grid');
    const current = await boundaryOf(grid.id);
    const res = await importOne(grid.code, toGcj(current), true);
    expect(res.statusCode, res.body).toBe(200);
    const warning = res.json().warnings.find((w: { code: string }) => w.code === 'crs_suspect');
    expect(warning).toMatchObject({ feature: 0, areaCode: grid.code });
    expect(warning.message).toContain('gcj02');
    expect(warning.message).toMatch(/偏移约 [4-6]\d\d 米/);

    // The same boundary declared correctly, or slightly redrawn, raises nothing.
    const honest = await importOne(grid.code, current, true);
    expect(honest.json().warnings.filter((w: { code: string }) => w.code === 'crs_suspect')).toEqual([]);
  });

  it('a redraw in GCJ-02 declared as WGS84 is named in its preview', async () => {
    const [grid] = await gridsOf('320412001005');
    if (!grid) throw new Error('no grid');
    const current = await boundaryOf(grid.id);
    const shifted = await t.app.inject({ method: 'PUT', url: `/api/areas/${grid.id}/boundary`, headers: admin.headers, payload: { crs: 'wgs84', geometry: toGcj(current), preview: true } });
    expect(shifted.statusCode, shifted.body).toBe(200);
    expect(shifted.json().warnings.join()).toMatch(/偏移约 [4-6]\d\d 米.*gcj02/);
    const honest = await t.app.inject({ method: 'PUT', url: `/api/areas/${grid.id}/boundary`, headers: admin.headers, payload: { crs: 'gcj02', geometry: toGcj(current), preview: true } });
    expect(honest.json().warnings.join()).not.toContain('坐标系');
  });

  it('a GCJ-02 boundary declared as WGS84 for a grid without a boundary: the buildings name gcj02', async () => {
    const [grid] = await gridsOf('320412002002');
    if (!grid) throw new Error('no grid');
    const current = await boundaryOf(grid.id);
    await sql`DELETE FROM area_boundaries WHERE area_id = ${grid.id}`.execute(t.database.db).catch(async () => {
      await sql`UPDATE area_boundaries SET valid_to = now() WHERE area_id = ${grid.id} AND valid_to IS NULL`.execute(t.database.db);
    });
    const res = await importOne(grid.code, toGcj(current), true);
    expect(res.statusCode, res.body).toBe(200);
    const warning = res.json().warnings.find((w: { code: string }) => w.code === 'crs_suspect');
    expect(warning?.message).toContain('楼栋');
    expect(warning?.message).toContain('gcj02');
  });
});

describe('fault 8: bad input is a clear 4xx, never a 500 or PostGIS text', () => {
  it('a division CSV with a quote error answers 422 with the line', async () => {
    const csv = ['code,name,level,parent_code', '320000000000,江苏省,1,', '320400000000,"常州市,2,320000000000', ''].join('\n');
    const res = await t.app.inject({ method: 'POST', url: '/api/areas/import/divisions?dryRun=true', headers: { ...admin.headers, 'content-type': 'text/csv; charset=utf-8' }, payload: csv });
    expect(res.statusCode).toBe(422);
    const report = res.json().error.details.report;
    expect(report.errors[0]).toMatchObject({ row: 3, code: 'bad_csv' });
    expect(report.errors[0].message).toContain('第 3 行');
  });

  it('an unclosed ring is a 400 naming the ring, on either engine', async () => {
    const community = await areaIdByCode(t.database, '320412001007');
    const open = { type: 'Polygon', coordinates: [[[120.05, 31.75], [120.051, 31.75], [120.051, 31.751], [120.05, 31.751]]] };
    const res = await t.app.inject({ method: 'POST', url: '/api/areas/grids', headers: admin.headers, payload: { parentId: community, name: '未闭合', geometry: open, preview: true } });
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json().error.details.fields)).toContain('未闭合');
  });

  it('an invalid boundary is refused in our words, without PostGIS text', async () => {
    const [grid] = await gridsOf('320412001007');
    if (!grid) throw new Error('no grid');
    const bowtie = { type: 'Polygon', coordinates: [[[120, 31.7], [120.01, 31.71], [120.01, 31.7], [120, 31.71], [120, 31.7]]] };
    const res = await t.app.inject({ method: 'PUT', url: `/api/areas/${grid.id}/boundary`, headers: admin.headers, payload: { geometry: bowtie, preview: true } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('自相交');
    expect(res.body).not.toMatch(/Self-intersection|GEOS|lwgeom/);
  });
});

describe('fault 9: PostGIS exception text stays out of responses', () => {
  it('a PostGIS error from the real engine becomes our 400, its text only in the log', async () => {
    const err: unknown = await sql`SELECT ST_GeomFromText('POLYGON((120 31, 120.1 31, 120.1 31.1))') AS g`.execute(t.database.db).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).not.toBeNull();
    const logged: unknown[] = [];
    const log = { warn: (...args: unknown[]) => logged.push(args) } as unknown as RequestContext['log'];
    const mapped = geometryFailure({ log }, err);
    expect(mapped).toBeInstanceOf(AppError);
    expect(mapped?.code).toBe('validation_failed');
    expect(mapped?.message).toMatch(/^边界无法处理/);
    expect(JSON.stringify(mapped?.details)).not.toContain('requires more points');
    expect(JSON.stringify(logged)).toContain('requires more points');
    // Anything else is not ours to rename.
    expect(geometryFailure({ log }, new Error('connection reset'))).toBeNull();
  });
});

describe('fault 9: strict query numbers, nearest by metres, 1 m² gaps', () => {
  it.each(['lng=&lat=31.7', 'lng=0x78&lat=31.7', 'lng=1.2e2&lat=31.7', 'lng=%20120&lat=31.7', 'lng=Infinity&lat=31.7', 'lat=31.7'])('?%s is a 400 on lng', async (query) => {
    const res = await get(`/api/areas/locate?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.fields).toHaveProperty('lng');
  });

  it('accepts plain decimals', async () => {
    expect((await get('/api/areas/locate?lng=120.05&lat=31.75')).statusCode).toBe(200);
    expect((await get('/api/areas/locate?lng=120&lat=-0.5')).statusCode).toBe(200);
  });

  it('names the grid nearest in metres, not the one nearest in degrees', async () => {
    // Near Suzhou, far from the demo district: six thin strips 0.00100–0.00105° north of the point
    // (111–117 m) and one square 0.00112° east (106 m). By degrees the strips are all nearer; by metres
    // the square is. A shortlist of five by degrees missed it.
    const community = await areaIdByCode(t.database, '320412001001');
    const p = { lng: 120.6, lat: 31.3 };
    const strips: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const y = p.lat + 0.001 + i * 0.00001;
      const geometry = { type: 'Polygon', coordinates: [[[p.lng - 0.0005, y], [p.lng + 0.0005, y], [p.lng + 0.0005, y + 0.00001], [p.lng - 0.0005, y + 0.00001], [p.lng - 0.0005, y]]] };
      const res = await t.app.inject({ method: 'POST', url: '/api/areas/grids', headers: admin.headers, payload: { parentId: community, name: `北条${i + 1}`, geometry } });
      expect(res.statusCode, res.body).toBe(201);
      strips.push(res.json().created[0].id);
    }
    const east = await t.app.inject({ method: 'POST', url: '/api/areas/grids', headers: admin.headers, payload: { parentId: community, name: '东块', geometry: square(p.lng + 0.00112, p.lat - 0.0001, 0.0002) } });
    expect(east.statusCode, east.body).toBe(201);
    const body = (await get(`/api/areas/locate?lng=${p.lng}&lat=${p.lat}`)).json();
    expect(body.area).toBeNull();
    expect(body.nearest.area.name).toBe('东块');
    expect(body.nearest.distanceMeters).toBeGreaterThan(100);
    expect(body.nearest.distanceMeters).toBeLessThan(110);
    const { rows } = await sql<{ m: number }>`
      SELECT min(ST_Distance(b.geom::geography, ST_SetSRID(ST_MakePoint(${p.lng}, ${p.lat}), 4326)::geography)) AS m
        FROM area_boundaries b WHERE b.valid_to IS NULL AND b.area_id = ANY(${strips}::bigint[])`.execute(t.database.db);
    expect(rows[0]?.m).toBeGreaterThan(body.nearest.distanceMeters);
  });

  it('a redraw that opens a 1 m² hole warns in preview and result, and coverage reports it by default', async () => {
    const communityCode = '320412002003';
    const community = await areaIdByCode(t.database, communityCode);
    const [grid] = await gridsOf(communityCode);
    if (!grid) throw new Error('no grid');
    // A hole just under 1 m² (0.99) in the middle of the grid: nothing else covers it.
    const { rows } = await sql<{ g: unknown; m2: number }>`
      WITH b AS (SELECT geom, ST_PointOnSurface(ST_Buffer(geom::geography, -30)::geometry) AS c FROM area_boundaries WHERE area_id = ${grid.id} AND valid_to IS NULL),
           side AS (SELECT c, 0.995 / 110900.0 AS dy, 0.995 / (111320.0 * cos(radians(ST_Y(c)))) AS dx FROM b),
           hole AS (SELECT ST_MakeEnvelope(ST_X(c), ST_Y(c), ST_X(c) + dx, ST_Y(c) + dy, 4326) AS h FROM side)
      SELECT ST_AsGeoJSON(ST_Difference(b.geom, hole.h), 12)::json AS g, ST_Area(hole.h::geography) AS m2 FROM b, hole`.execute(t.database.db);
    const row = rows[0];
    if (!row) throw new Error('no geometry');
    expect(row.m2).toBeGreaterThan(0.95);
    expect(row.m2).toBeLessThan(1);

    const preview = await t.app.inject({ method: 'PUT', url: `/api/areas/${grid.id}/boundary`, headers: admin.headers, payload: { geometry: row.g, preview: true } });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json().warnings.join()).toMatch(/约 (0\.9|1\.0) 平方米.*缝隙/);
    const applied = await t.app.inject({ method: 'PUT', url: `/api/areas/${grid.id}/boundary`, headers: admin.headers, payload: { geometry: row.g } });
    expect(applied.json().warnings.join()).toContain('缝隙');

    const report = (await get(`/api/areas/${community}/coverage`)).json();
    expect(report.gaps).toHaveLength(1);
    expect(report.gaps[0].areaM2).toBeGreaterThan(0.9);
    expect(report.overlaps).toEqual([]);
    const stricter = (await get(`/api/areas/${community}/coverage?minAreaM2=2`)).json();
    expect(stricter.gaps).toEqual([]);
    expect((await get(`/api/areas/${community}/coverage?minAreaM2=`)).statusCode).toBe(400);
  });
});
