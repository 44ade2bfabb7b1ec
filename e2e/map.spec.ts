import { describe, expect, it } from 'vitest';
import { fromWgs84 } from '../apps/server/src/modules/geo/crs.ts';
import { fillLogin, screenshot, shown } from './support/browser.ts';
import { useJourney } from './support/journey.ts';

const inE2eRun = process.env.REDGRID_E2E === '1';

interface GridFeature {
  properties: { id: number; name: string; level: string };
  geometry: { type: 'MultiPolygon'; coordinates: number[][][][] };
}

describe.skipIf(!inE2eRun)('map journey (embedded engine, built console, Chromium)', () => {
  const journey = useJourney();

  it('a community secretary opens the map and locates a phone (GCJ-02) position in the right grid', async () => {
    const { page } = await journey.open();
    await page.goto('/login');
    await fillLogin(page, 'zb_admin', 'Redgrid@2026');
    await page.waitForURL(/\/dashboard/);

    // A point inside one of her grids, as WGS84, and the grid the server says holds it.
    const roots = (await (await page.request.get('/api/areas/roots')).json()) as Array<{ id: number }>;
    const community = roots[0];
    if (!community) throw new Error('no scope root');
    const grids = (await (await page.request.get(`/api/areas/boundaries?parentId=${community.id}`)).json()) as { features: GridFeature[] };
    const ring = grids.features[0]?.geometry.coordinates[0]?.[0] ?? [];
    const wgs: [number, number] = [ring.reduce((s, p) => s + (p[0] ?? 0), 0) / ring.length, ring.reduce((s, p) => s + (p[1] ?? 0), 0) / ring.length];
    const truth = (await (await page.request.get(`/api/areas/locate?lng=${wgs[0]}&lat=${wgs[1]}&crs=wgs84`)).json()) as { area: { name: string; level: string } | null };
    expect(truth.area?.level).toBe('grid');

    await page.goto('/map');
    await shown(page.getByTestId('map-page'));
    await page.locator('[data-testid="map-canvas"][data-ready="true"]').waitFor({ timeout: 60_000 });
    await page.getByRole('tab', { name: '定位' }).click();
    const [lng, lat] = fromWgs84(wgs[0], wgs[1], 'gcj02');
    await page.getByTestId('map-locate-input').fill(`${lng.toFixed(6)},${lat.toFixed(6)}`);
    await page.getByTestId('map-locate').getByRole('button', { name: /定\s*位/ }).click();
    const result = await shown(page.getByTestId('map-locate-result'));
    await shown(result.getByText(truth.area?.name ?? '—', { exact: false }));
    await screenshot(page, 'map-locate-gcj02');
  });
});
