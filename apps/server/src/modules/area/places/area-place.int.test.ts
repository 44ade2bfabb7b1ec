import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { areaIdByCode, createTestApp, loginAs, type Session, type TestApp } from '../../../../test/harness.ts';
import { fromWgs84 } from '../../geo/index.ts';

let t: TestApp;
let zbAdmin: Session;
let grid: { id: number; code: string };
let inside: [number, number];

beforeAll(async () => {
  t = await createTestApp();
  zbAdmin = await loginAs(t.app, 'zb_admin');
  const { rows } = await sql<{ id: number; code: string; x: number; y: number }>`
    SELECT g.id, g.code, ST_X(ST_PointOnSurface(b.geom)) AS x, ST_Y(ST_PointOnSurface(b.geom)) AS y
      FROM areas g JOIN area_boundaries b ON b.area_id = g.id AND b.valid_to IS NULL
     WHERE g.code LIKE '320412001001%' AND g.level = 'grid' ORDER BY g.code LIMIT 1`.execute(t.database.db);
  const row = rows[0];
  if (!row) throw new Error('no grid');
  grid = { id: row.id, code: row.code };
  inside = [row.x, row.y];
});
afterAll(async () => t?.close());

describe('buildings and units', () => {
  it('adds a building at a GCJ-02 position inside the grid, coded after the grid, and recounts households', async () => {
    const before = (await t.app.inject({ url: `/api/areas/${grid.id}`, headers: zbAdmin.headers })).json().households;
    const [lng, lat] = fromWgs84(inside[0], inside[1], 'gcj02');
    const res = await t.app.inject({ method: 'POST', url: '/api/areas/places', headers: zbAdmin.headers, payload: { parentId: grid.id, level: 'building', name: '新建8幢', households: 48, location: { lng, lat, crs: 'gcj02' } } });
    expect(res.statusCode).toBe(201);
    const building = res.json();
    expect(building.code).toMatch(new RegExp(`^${grid.code}\\d{5}$`));
    expect(building.ancestors.at(-1).id).toBe(grid.id);
    expect((await t.app.inject({ url: `/api/areas/${grid.id}`, headers: zbAdmin.headers })).json().households).toBe(before + 48);
    // The detail gives the position back in WGS84, where the point was meant to be.
    expect(building.location.lng).toBeCloseTo(inside[0], 5);
    expect(building.location.lat).toBeCloseTo(inside[1], 5);

    const unit = await t.app.inject({ method: 'POST', url: '/api/areas/places', headers: zbAdmin.headers, payload: { parentId: building.id, level: 'unit', name: '1单元', households: 24 } });
    expect(unit.statusCode).toBe(201);
    expect(unit.json().code).toBe(`${building.code}01`);

    // Moved to where it really stands (typed from a web map, GCJ-02), within its grid; not out of it.
    const there: [number, number] = [inside[0] + 0.0001, inside[1] + 0.0001];
    const [gLng, gLat] = fromWgs84(there[0], there[1], 'gcj02');
    const moved = await t.app.inject({ method: 'PATCH', url: `/api/areas/${building.id}`, headers: zbAdmin.headers, payload: { location: { lng: gLng, lat: gLat, crs: 'gcj02' } } });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().location.lng).toBeCloseTo(there[0], 5);
    expect(moved.json().location.lat).toBeCloseTo(there[1], 5);
    const away = await t.app.inject({ method: 'PATCH', url: `/api/areas/${building.id}`, headers: zbAdmin.headers, payload: { location: { lng: 120.3, lat: 31.9 } } });
    expect(away.statusCode).toBe(400);
    expect(away.json().error.details.fields).toHaveProperty('location');
    expect((await t.app.inject({ url: `/api/areas/${building.id}`, headers: zbAdmin.headers })).json().location.lng).toBeCloseTo(there[0], 5);
    const onGrid = await t.app.inject({ method: 'PATCH', url: `/api/areas/${grid.id}`, headers: zbAdmin.headers, payload: { location: { lng: there[0], lat: there[1] } } });
    expect(onGrid.statusCode).toBe(400);
  });

  it('refuses a building outside its grid, a unit under a grid, and a grid worker', async () => {
    const far = await t.app.inject({ method: 'POST', url: '/api/areas/places', headers: zbAdmin.headers, payload: { parentId: grid.id, level: 'building', name: '远处', households: 10, location: { lng: 120.3, lat: 31.9 } } });
    expect(far.statusCode).toBe(400);
    expect(far.json().error.details.fields).toHaveProperty('location');
    const wrong = await t.app.inject({ method: 'POST', url: '/api/areas/places', headers: zbAdmin.headers, payload: { parentId: grid.id, level: 'unit', name: '单元', households: 10 } });
    expect(wrong.json().error.details.fields).toHaveProperty('parentId');
    const worker = await loginAs(t.app, 'zb_worker');
    expect((await t.app.inject({ method: 'POST', url: '/api/areas/places', headers: worker.headers, payload: { parentId: grid.id, level: 'unit', name: 'x', households: 1 } })).statusCode).toBe(403);
  });
});

describe('area attributes', () => {
  it('sets a household range on a community that the balance report then applies to its grids', async () => {
    const community = await areaIdByCode(t.database, '320412001001');
    const district = await areaIdByCode(t.database, '320412000000');
    const res = await t.app.inject({ method: 'PATCH', url: `/api/areas/${community}`, headers: zbAdmin.headers, payload: { balanceMin: 10, balanceMax: 20 } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ balanceMin: 10, balanceMax: 20, householdRange: { min: 10, max: 20 } });
    // A grid below inherits the range in force; its own setting is still empty.
    expect((await t.app.inject({ url: `/api/areas/${grid.id}`, headers: zbAdmin.headers })).json()).toMatchObject({ balanceMin: null, balanceMax: null, householdRange: { min: 10, max: 20 } });
    const admin = await loginAs(t.app, 'jk_admin');
    const report = (await t.app.inject({ url: `/api/areas/${district}/balance`, headers: admin.headers })).json();
    const own = report.outside.filter((g: { code: string }) => g.code.startsWith('320412001001'));
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((g: { min: number; max: number; status: string }) => g.min === 10 && g.max === 20 && g.status === 'over')).toBe(true);
    const bad = await t.app.inject({ method: 'PATCH', url: `/api/areas/${community}`, headers: zbAdmin.headers, payload: { balanceMin: 30 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields).toHaveProperty('balanceMax');
  });

  it('grades a community for case time limits: its grids take the grade until they have their own; a building takes none', async () => {
    const community = await areaIdByCode(t.database, '320412001001');
    const res = await t.app.inject({ method: 'PATCH', url: `/api/areas/${community}`, headers: zbAdmin.headers, payload: { grade: 'A' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ grade: 'A', gradeInForce: 'A' });
    expect((await t.app.inject({ url: `/api/areas/${grid.id}`, headers: zbAdmin.headers })).json()).toMatchObject({ grade: null, gradeInForce: 'A' });
    expect((await t.app.inject({ method: 'PATCH', url: `/api/areas/${grid.id}`, headers: zbAdmin.headers, payload: { grade: 'C' } })).json()).toMatchObject({ grade: 'C', gradeInForce: 'C' });
    expect((await t.app.inject({ method: 'PATCH', url: `/api/areas/${grid.id}`, headers: zbAdmin.headers, payload: { grade: null } })).json()).toMatchObject({ grade: null, gradeInForce: 'A' });
    expect((await t.app.inject({ method: 'PATCH', url: `/api/areas/${community}`, headers: zbAdmin.headers, payload: { grade: 'D' } })).statusCode).toBe(400);
    const building = await sql<{ id: number }>`SELECT id::int AS id FROM areas WHERE level = 'building' AND parent_id = ${grid.id} ORDER BY id LIMIT 1`.execute(t.database.db);
    const refused = await t.app.inject({ method: 'PATCH', url: `/api/areas/${building.rows[0]!.id}`, headers: zbAdmin.headers, payload: { grade: 'B' } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details.fields).toHaveProperty('grade');
    await t.app.inject({ method: 'PATCH', url: `/api/areas/${community}`, headers: zbAdmin.headers, payload: { grade: null } });
  });

  it('renames a grid and audits it; another community stays out of reach', async () => {
    const res = await t.app.inject({ method: 'PATCH', url: `/api/areas/${grid.id}`, headers: zbAdmin.headers, payload: { name: '站北一网格', gridType: 'dedicated', gridSubtype: 'school' } });
    expect(res.json()).toMatchObject({ name: '站北一网格', gridType: 'dedicated', gridSubtype: 'school', location: null });
    const row = await t.database.db.selectFrom('audit_log').selectAll().where('entity', '=', 'area').where('entity_id', '=', String(grid.id)).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(row.after).toMatchObject({ name: '站北一网格', grid_subtype: 'school' });
    const other = await areaIdByCode(t.database, '320412002002');
    expect((await t.app.inject({ method: 'PATCH', url: `/api/areas/${other}`, headers: zbAdmin.headers, payload: { name: 'x' } })).statusCode).toBe(404);
  });
});
