import { describe, expect, it } from 'vitest';
import { areaIdByCode, loginAs, useTestApp } from '../../../../test/harness.ts';

/**
 * A boundary is checked against its neighbours and its parent wherever they lie. A community
 * secretary's scope ends at the community, yet redrawing the community's own edge must still warn
 * that it leaves the street and opens a gap no neighbour covers.
 */
const ctx = useTestApp();

type Geometry = { type: 'MultiPolygon'; coordinates: number[][][][] };

function shifted(g: Geometry, dLng: number): Geometry {
  return { type: 'MultiPolygon', coordinates: g.coordinates.map((poly) => poly.map((ring) => ring.map(([x, y]) => [x! + dLng, y!]))) };
}

describe('redrawing the root of one\'s own scope', () => {
  it('warns of ground outside the street and of the gap it opens, though both lie outside the scope', async () => {
    const { app, database } = ctx.t;
    const zbAdmin = await loginAs(app, 'zb_admin');
    const id = await areaIdByCode(database, '320412001001');
    const current = (await app.inject({ url: `/api/areas/boundaries?ids=${id}`, headers: zbAdmin.headers })).json() as { features: { geometry: Geometry }[] };
    const geometry = current.features[0]!.geometry;
    const res = await app.inject({
      method: 'PUT',
      url: `/api/areas/${id}/boundary`,
      headers: zbAdmin.headers,
      payload: { geometry: shifted(geometry, 0.03), preview: true },
    });
    expect(res.statusCode, res.body).toBe(200);
    const warnings = (res.json() as { warnings: string[] }).warnings.join('\n');
    expect(warnings).toMatch(/超出上级区域/);
    expect(warnings).toMatch(/缝隙/);
  });
});
