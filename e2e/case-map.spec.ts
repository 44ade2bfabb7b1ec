import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fillLogin, screenshot, shown } from './support/browser.ts';
import { useJourney } from './support/journey.ts';
// The page's globals, as far as these journeys touch them (the e2e files typecheck without the DOM lib).
declare const localStorage: { setItem(key: string, value: string): void };
declare const window: unknown;
declare const document: {
  querySelector(selector: string): { textContent: string | null; getAttribute(name: string): string | null } | null;
  querySelectorAll(selector: string): { length: number };
};

/** Only under e2e/vitest.config.ts (which sets it): never as part of a unit-test run that has no server. */
const inE2eRun = process.env.REDGRID_E2E === '1';
const PASSWORD = 'Redgrid@2026';

interface Shape {
  properties: { id: number; level: string; name: string };
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: number[][][] | number[][][][] };
}

async function signIn(page: Page, username: string): Promise<void> {
  await page.context().clearCookies();
  await page.goto('/login');
  await fillLogin(page, username, PASSWORD);
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/** The middle of a grid's first ring (the demo's grids are compact shapes), as a phone would send it. */
function middleOf(shape: Shape): { lng: number; lat: number } {
  const ring = (shape.geometry.type === 'Polygon' ? shape.geometry.coordinates[0] : (shape.geometry.coordinates as number[][][][])[0]![0]) as number[][];
  const pts = ring.slice(0, -1);
  return { lng: pts.reduce((s, p) => s + p[0]!, 0) / pts.length, lat: pts.reduce((s, p) => s + p[1]!, 0) / pts.length };
}

describe.skipIf(!inE2eRun)('case map (事件地图), the case page map and the dashboard case cards', () => {
  const journey = useJourney();

  it('the community secretary sees the reported case on the map, opens it from its popup, and counts it on the dashboard', async () => {
    const { page } = await journey.open();
    await signIn(page, 'zb_admin');
    // Two cases reported in a grid of 站北社区 (through the API, as a phone would): one urgent.
    const csrf = ((await (await page.request.get('/api/auth/session')).json()) as { session: { csrfToken: string } }).session.csrfToken;
    const roots = (await (await page.request.get('/api/areas/roots')).json()) as { id: number }[];
    const grids = (await (await page.request.get(`/api/areas/boundaries?parentId=${roots[0]!.id}&crs=wgs84`)).json()) as { features: Shape[] };
    const grid = grids.features.find((f) => f.properties.level === 'grid')!;
    const at = middleOf(grid);
    const catalogue = (await (await page.request.get('/api/affairs/catalogue')).json()) as { items: { code: string; name: string; active: boolean; customFields: unknown[] }[] };
    const item = catalogue.items.find((i) => i.active && i.customFields.length === 0)!;
    const ids: number[] = [];
    for (const [title, urgency] of [['地图上的占道经营', 'urgent'], ['地图上的垃圾堆放', 'normal']] as const) {
      const res = await page.request.post('/api/cases', { headers: { 'x-csrf-token': csrf }, data: { itemCode: item.code, title, description: `${title}，见现场`, urgency, location: { lng: at.lng + ids.length * 0.0003, lat: at.lat, crs: 'wgs84', source: 'map' } } });
      expect(res.status(), await res.text()).toBe(201);
      ids.push(((await res.json()) as { id: number }).id);
    }

    // From the inbox to the map.
    await page.evaluate(() => localStorage.setItem('redgrid.e2e', '1'));
    await page.goto('/cases?view=area');
    await (await shown(page.getByTestId('cases-open-map'))).click();
    await page.waitForURL('**/cases/map');
    const mapBox = await shown(page.locator('[data-testid="case-map"][data-ready="true"]'), 60_000);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="case-map"]')?.getAttribute('data-count')) >= 2, undefined, { timeout: 30_000 });
    await shown(page.getByTestId('case-map-legend').getByText('超期 / 红牌督办'));
    // Zoomed out to the community, the two nearby cases gather into one cluster with its count.
    const cluster = await shown(page.getByTestId('case-cluster'), 30_000);
    expect(Number(await cluster.textContent())).toBeGreaterThanOrEqual(2);
    await screenshot(page, 'case-map');

    // Zoom in on the cases and click one: its popup names it and opens the case.
    await page.evaluate(
      ([lng, lat]) => (window as unknown as { __redgridCaseMap: { jumpTo(o: unknown): void } }).__redgridCaseMap.jumpTo({ center: [lng, lat], zoom: 19 }),
      [at.lng, at.lat] as const,
    );
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="case-cluster"]').length === 0, undefined, { timeout: 30_000 });
    const point = await page.evaluate(
      ([lng, lat]) => {
        const m = (window as unknown as { __redgridCaseMap: { project(p: [number, number]): { x: number; y: number } } }).__redgridCaseMap;
        return m.project([lng, lat]);
      },
      [at.lng, at.lat] as const,
    );
    const box = (await mapBox.boundingBox())!;
    await page.mouse.click(box.x + point.x, box.y + point.y);
    const popup = await shown(page.getByTestId('case-popup'));
    expect(await popup.textContent()).toContain('地图上的占道经营');
    await screenshot(page, 'case-map-popup', { fullPage: false });
    await popup.getByText('查看事件').click();
    await page.waitForURL(`**/cases/${ids[0]}`);

    // The case page shows the point on a small map of our own tiles.
    await shown(page.locator('[data-testid="case-point-map"][data-ready="true"]'), 60_000);
    await shown(page.getByText(/经度 .*，纬度 .*（WGS84）/));
    await screenshot(page, 'case-page-map');

    // The dashboard counts them, and its overdue card opens the overdue inbox.
    await page.goto('/dashboard');
    const open = await shown(page.getByTestId('case-stat-open'));
    await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid="case-stat-open"] .ant-statistic-content-value')?.textContent ?? ''), undefined, { timeout: 30_000 });
    expect(Number((await open.locator('.ant-statistic-content-value').textContent())?.replace(/\D/g, ''))).toBeGreaterThanOrEqual(2);
    await shown(page.getByTestId('case-stat-closureRate'));
    await screenshot(page, 'dashboard-case-cards');
    await page.getByTestId('case-stat-overdue').click();
    await page.waitForURL('**/cases?view=overdue');
  });
});
