import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fromWgs84 } from '../apps/server/src/modules/geo/crs.ts';
import { fillLogin, screenshot, shown } from './support/browser.ts';
import { useJourney } from './support/journey.ts';

// Browser globals inside page callbacks (the e2e files are typed without the DOM library).
declare const localStorage: { setItem(key: string, value: string): void };
declare const window: unknown;

/** Only under e2e/vitest.config.ts (which sets it): never as part of a unit-test run that has no server. */
const inE2eRun = process.env.REDGRID_E2E === '1';

interface GridFeature {
  properties: { id: number; code: string; name: string; level: string; households: number };
  geometry: { type: 'MultiPolygon'; coordinates: number[][][][] };
}

async function signIn(page: Page, username: string): Promise<void> {
  await page.goto('/login');
  await fillLogin(page, username, 'Redgrid@2026');
  await page.waitForURL(/\/dashboard/);
}

async function getJson<T>(page: Page, url: string): Promise<T> {
  const res = await page.request.get(url);
  expect(res.status(), url).toBe(200);
  return (await res.json()) as T;
}

/** The grids of the signed-in secretary's community, with their boundaries (WGS84). */
async function myGrids(page: Page): Promise<GridFeature[]> {
  const roots = await getJson<Array<{ id: number }>>(page, '/api/areas/roots');
  const community = roots[0];
  if (!community) throw new Error('no scope root');
  return (await getJson<{ features: GridFeature[] }>(page, `/api/areas/boundaries?parentId=${community.id}`)).features;
}

/** The mean of a grid's outer ring: inside it, as the demo's grids are convex. */
function middleOf(grid: GridFeature): [number, number] {
  const ring = grid.geometry.coordinates[0]?.[0] ?? [];
  return [ring.reduce((s, p) => s + (p[0] ?? 0), 0) / ring.length, ring.reduce((s, p) => s + (p[1] ?? 0), 0) / ring.length];
}

/** A GeoJSON file the user picks, as Playwright hands it to the file input. */
function geojsonFile(name: string, features: unknown[]) {
  return { name, mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify({ type: 'FeatureCollection', features }), 'utf8') };
}

/** A Modal's primary button by its id (antd puts a space between two Chinese characters on a button). */
const okButton = (page: Page, id: string): Locator => page.locator(`#${id}`);

describe.skipIf(!inE2eRun)('area upkeep journey (embedded engine, built console, Chromium)', () => {
  const journey = useJourney();

  it('a community secretary renames a grid, adds a building and a unit, and imports a boundary file after a dry run (desk)', async () => {
    const { page } = await journey.open();
    await signIn(page, 'zb_admin');
    const grids = await myGrids(page);
    const grid = grids[0];
    if (!grid) throw new Error('no grid');

    // Rename the grid and look at what a narrower household range would flag, before saving.
    await page.goto(`/areas?id=${grid.properties.id}`);
    await shown(page.getByTestId('areas-page'));
    await (await shown(page.getByTestId('area-edit'))).click();
    const form = await shown(page.getByTestId('area-edit-form'));
    const newName = `${grid.properties.name}（东片）`;
    await form.getByLabel('名称').fill(newName);
    await form.getByLabel('下限（户）').fill('100');
    await form.getByLabel('上限（户）').fill('200');
    const warning = await shown(page.getByTestId('area-edit-warning'));
    expect(await warning.innerText()).toContain('超过每格 200 户的上限');
    await screenshot(page, 'area-upkeep-edit-grid-desk');
    await form.getByLabel('下限（户）').fill('');
    await form.getByLabel('上限（户）').fill('');
    await okButton(page, 'area-edit-save').click();
    await shown(page.getByText('已保存'));
    await page.getByTestId('area-edit-form').waitFor({ state: 'detached' });
    expect((await getJson<{ name: string; balanceMin: number | null }>(page, `/api/areas/${grid.properties.id}`)).name).toBe(newName);
    await shown(page.getByTestId('areas-page').getByText(newName).first());

    // A building with its households, its position picked on the map.
    await (await shown(page.getByTestId('area-add-place'))).click();
    const place = await shown(page.getByTestId('place-form'));
    await place.getByLabel('楼栋名称').fill('测试9幢');
    await place.getByLabel('户数').fill('36');
    await shown(place.getByTestId('place-total'));
    // A position typed as a web map gives it (GCJ-02, the default), far outside the grid: refused under the input.
    await place.getByLabel('经度').fill('120.3');
    await place.getByLabel('纬度').fill('31.9');
    await okButton(page, 'place-save').click();
    await shown(place.getByText(/位置不在.*内/));
    await place.getByTestId('place-pick').click();
    const picker = await shown(page.locator('[data-testid="point-picker"][data-ready="true"]'), 60_000);
    const box = await picker.boundingBox();
    if (!box) throw new Error('no picker');
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(async () => place.getByLabel('经度').inputValue()).not.toBe('');
    await screenshot(page, 'area-upkeep-new-building-desk');
    await okButton(page, 'place-save').click();
    await shown(page.getByText(/已新建楼栋 测试9幢/));
    const children = await getJson<Array<{ id: number; name: string; level: string; households: number }>>(page, `/api/areas?parentId=${grid.properties.id}`);
    const building = children.find((c) => c.name === '测试9幢');
    expect(building).toMatchObject({ level: 'building', households: 36 });
    if (!building) throw new Error('no building');

    // A unit of that building, with its households.
    await page.goto(`/areas?id=${building.id}`);
    await (await shown(page.getByTestId('area-add-place'))).click();
    const unit = await shown(page.getByTestId('place-form'));
    await unit.getByLabel('单元名称').fill('1单元');
    await unit.getByLabel('户数').fill('18');
    await okButton(page, 'place-save').click();
    await shown(page.getByText(/已新建单元 1单元/));
    const units = await getJson<Array<{ name: string; households: number }>>(page, `/api/areas?parentId=${building.id}`);
    expect(units).toEqual([expect.objectContaining({ name: '1单元', households: 18 })]);

    // Editing the building's households warns when its grid would leave the range.
    await (await shown(page.getByTestId('area-edit'))).click();
    const buildingForm = await shown(page.getByTestId('area-edit-form'));
    await buildingForm.getByLabel('户数').fill('300');
    expect(await (await shown(page.getByTestId('area-edit-warning'))).innerText()).toContain(`${newName}将有`);
    await buildingForm.getByLabel('户数').fill('40');
    await okButton(page, 'area-edit-save').click();
    await shown(page.getByText('已保存'));
    expect((await getJson<{ households: number }>(page, `/api/areas/${building.id}`)).households).toBe(40);

    // Boundary import: the grid's boundary as a Chinese web map exports it (GCJ-02), with a feature
    // whose code is no area of ours. The dry run names that feature; the corrected file goes in.
    const gcj = {
      type: 'MultiPolygon',
      coordinates: grid.geometry.coordinates.map((poly) => poly.map((ring) => ring.map(([lng = 0, lat = 0]) => fromWgs84(lng, lat, 'gcj02')))),
    };
    const good = { type: 'Feature', properties: { XZQDM: grid.properties.code, XZQMC: newName }, geometry: gcj };
    const unknown = { type: 'Feature', properties: { XZQDM: `${grid.properties.code.slice(0, 12)}999`, XZQMC: '不存在' }, geometry: gcj };
    await page.goto('/areas');
    await (await shown(page.getByTestId('areas-import-boundaries'))).click();
    const importForm = await shown(page.getByTestId('boundary-import-form'));
    await importForm.locator('input[type="file"]').setInputFiles(geojsonFile('zb-grids.geojson', [good, unknown]));
    await shown(importForm.getByText('2 个要素'));
    // GCJ-02 is the default crs; the code property is guessed from the file.
    await shown(importForm.getByText('GCJ-02（高德、腾讯等国内网络地图，手机地图）'));
    await importForm.getByTestId('boundary-import-check').click();
    const rejected = await shown(page.getByTestId('boundary-import-report'));
    await shown(rejected.getByText('有 1 个错误，未导入'));
    expect(await rejected.locator('.ant-table-tbody tr.ant-table-row').first().innerText()).toMatch(/^2\s/);
    expect(await importForm.getByTestId('boundary-import-apply').isDisabled()).toBe(true);
    await screenshot(page, 'area-upkeep-import-dry-run-desk');

    await importForm.locator('input[type="file"]').setInputFiles(geojsonFile('zb-grid.geojson', [good]));
    await shown(importForm.getByText('1 个要素'));
    await importForm.getByTestId('boundary-import-check').click();
    await shown(page.getByTestId('boundary-import-report').getByText(/检查通过/));
    await importForm.getByTestId('boundary-import-apply').click();
    await shown(page.getByTestId('boundary-import-report').getByText(/已导入/));
    await screenshot(page, 'area-upkeep-import-applied-desk');
  });

  it('the split preview warns of too few households and takes the names of the new grids (desk)', async () => {
    const { page } = await journey.open();
    await page.addInitScript(() => localStorage.setItem('redgrid.e2e', '1'));
    await signIn(page, 'zb_admin');
    const grid = (await myGrids(page))[1];
    if (!grid) throw new Error('no grid');
    await page.goto(`/map?id=${grid.properties.id}`);
    await page.locator('[data-testid="map-canvas"][data-ready="true"]').waitFor({ timeout: 60_000 });
    await (await shown(page.getByTestId('map-tool-split'))).click();

    // A north–south line through the grid, clicked where the map draws it; the console carries
    // both ends on until they clear the grid.
    const [x, y] = middleOf(grid);
    const ends: Array<[number, number]> = [
      [x, y + 0.0008],
      [x, y - 0.0008],
    ];
    await page.waitForTimeout(1500); // the camera eases to the grid
    const canvas = await page.getByTestId('map-canvas').boundingBox();
    if (!canvas) throw new Error('no canvas');
    for (const end of ends) {
      const p = await page.evaluate((at) => {
        const map = (window as unknown as { __redgridMap: { project(at: [number, number]): { x: number; y: number } } }).__redgridMap;
        return map.project(at);
      }, end);
      await page.mouse.click(canvas.x + p.x, canvas.y + p.y);
      await page.waitForTimeout(400);
    }
    await page.getByTestId('map-draw-finish').click();
    const preview = await shown(page.getByTestId('map-adjustment-preview'));
    await shown(preview.getByText(/少于每格 300 户的下限/).first());
    await preview.getByTestId('map-piece-name-0').fill('站北东片');
    await preview.getByTestId('map-piece-name-1').fill('站北西片');
    await preview.getByTestId('map-piece-names-refresh').click();
    await shown(preview.getByText(/站北东片约 \d+ 户，少于每格 300 户的下限/));
    await screenshot(page, 'area-upkeep-split-preview-desk');
    await preview.getByTestId('map-edit-confirm').click();
    await shown(page.getByText('拆分网格已生效'));
    const names = (await myGrids(page)).map((g) => g.properties.name);
    expect(names).toEqual(expect.arrayContaining(['站北东片', '站北西片']));
  });

  it('a phone locates itself, with its accuracy, and by a held touch on the map (375 px)', async () => {
    const { page, context } = await journey.open({ phone: true });
    await signIn(page, 'zb_worker');
    const grids = await myGrids(page);
    const grid = grids[2] ?? grids[0];
    if (!grid) throw new Error('no grid');
    const [lng, lat] = middleOf(grid);
    const truth = await getJson<{ area: { name: string } | null }>(page, `/api/areas/locate?lng=${lng}&lat=${lat}&crs=wgs84`);
    if (!truth.area) throw new Error('the grid middle is in no grid');
    // The browser's position is WGS84: the phone sends what the device says.
    await context.grantPermissions(['geolocation']);
    await context.setGeolocation({ longitude: lng, latitude: lat, accuracy: 35 });

    await page.goto('/map');
    await page.locator('[data-testid="map-canvas"][data-ready="true"]').waitFor({ timeout: 60_000 });
    await page.locator('.rg-map-sheet-handle').click();
    await (await shown(page.getByRole('tab', { name: '定位' }))).click();
    await (await shown(page.getByTestId('map-locate-device'))).click();
    const result = await shown(page.getByTestId('map-locate-result'));
    await shown(result.getByText(truth.area.name, { exact: false }));
    await shown(result.getByText('定位精度约 35 米', { exact: false }));
    await screenshot(page, 'area-upkeep-phone-my-location');

    // Tap-and-hold on the map locates the point under the finger.
    await page.locator('.rg-map-sheet-handle').click();
    const canvas = await page.getByTestId('map-canvas').boundingBox();
    if (!canvas) throw new Error('no canvas');
    const at = { x: canvas.x + canvas.width / 2, y: canvas.y + canvas.height / 3 };
    const cdp = await context.newCDPSession(page);
    const asked = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/areas/locate');
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: at.x, y: at.y }] });
    await page.waitForTimeout(900);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    const answer = await asked;
    expect(new URL(answer.url()).searchParams.get('crs')).toBe('wgs84');
    await shown(page.getByTestId('map-locate-result'));
    expect(await page.getByTestId('map-locate-accuracy').count()).toBe(0);
    await screenshot(page, 'area-upkeep-phone-hold');
  });

  it('a community secretary edits a grid on a phone (375 px)', async () => {
    const { page } = await journey.open({ phone: true });
    await signIn(page, 'zb_admin');
    const grid = (await myGrids(page))[3];
    if (!grid) throw new Error('no grid');
    await page.goto(`/areas?id=${grid.properties.id}`);
    await (await shown(page.getByTestId('area-edit'))).click();
    const form = await shown(page.getByTestId('area-edit-form'));
    await form.getByLabel('户数').fill('120');
    await shown(page.getByTestId('area-edit-warning'));
    await screenshot(page, 'area-upkeep-edit-grid-phone');
    const width = await page.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth');
    expect(width).toBe(true);
  });
});
