import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { areaIdByCode, createTestApp, loginAs, type Session, type TestApp } from '../../../test/harness.ts';

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

  it('create, redraw and split with GCJ-02 geometry at the box edge answer', async () => {
    const community = await areaIdByCode(t.database, '320412001006');
    const [grid] = await gridsOf('320412001006');
    if (!grid) throw new Error('no grid');
    const edge = square(72.004, 38, 0.005);
    const created = await t.app.inject({ method: 'POST', url: '/api/areas/grids', headers: admin.headers, payload: { parentId: community, name: '边缘', crs: 'gcj02', geometry: edge, preview: true } });
    expect(created.statusCode).toBeLessThan(500);
    const redrawn = await t.app.inject({ method: 'PUT', url: `/api/areas/${grid.id}/boundary`, headers: admin.headers, payload: { crs: 'gcj02', geometry: edge, preview: true } });
    expect(redrawn.statusCode).toBeLessThan(500);
    const line = { type: 'LineString', coordinates: [[72.005, 37.99], [72.005, 38.01]] };
    const split = await t.app.inject({ method: 'POST', url: `/api/areas/${grid.id}/split`, headers: admin.headers, payload: { crs: 'gcj02', by: { kind: 'line', line }, preview: true } });
    expect(split.statusCode).toBeLessThan(500);
    expect((await t.app.inject({ url: '/api/health' })).statusCode).toBe(200);
  });
});
