import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { screenshot, shown } from './support/browser.ts';
import { useJourney } from './support/journey.ts';

/** Only under e2e/vitest.config.ts (which sets it): never as part of a unit-test run that has no server. */
const inE2eRun = process.env.REDGRID_E2E === '1';
const PASSWORD = 'Redgrid@2026';

interface Shape {
  properties: { id: number; level: string; name: string };
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: number[][][] | number[][][][] };
}

/** The middle of a grid's first ring (the demo's grids are compact shapes). */
function middleOf(shape: Shape): { lng: number; lat: number } {
  const ring = (shape.geometry.type === 'Polygon' ? shape.geometry.coordinates[0] : (shape.geometry.coordinates as number[][][][])[0]![0]) as number[][];
  const pts = ring.slice(0, -1);
  return { lng: pts.reduce((s, p) => s + p[0]!, 0) / pts.length, lat: pts.reduce((s, p) => s + p[1]!, 0) / pts.length };
}

describe.skipIf(!inE2eRun)('a resident reports from a phone without an account (居民随手拍)', () => {
  const journey = useJourney();

  it('reports with a photo, gets the case number and code, and sees 已受理 once the grid worker accepts it', async () => {
    const { page } = await journey.open({ phone: true });
    // Where the resident stands: the middle of 站北社区第1网格 (looked up as its grid worker, then signed out).
    const login = await page.request.post('/api/auth/login', { data: { username: 'zb_g1_worker', password: PASSWORD } });
    const csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
    const roots = (await (await page.request.get('/api/areas/roots')).json()) as { id: number }[];
    // The grid worker's root is their grid itself.
    const grids = (await (await page.request.get(`/api/areas/boundaries?ids=${roots[0]!.id}&crs=wgs84`)).json()) as { features: Shape[] };
    const at = middleOf(grids.features[0]!);
    await page.context().clearCookies();
    await page.context().grantPermissions(['geolocation']);
    await page.context().setGeolocation({ longitude: at.lng, latitude: at.lat, accuracy: 10 });

    // No sign-in: the page is public.
    await page.goto('/report');
    await shown(page.getByText('我要反映问题'));
    const items = (await (await page.request.get('/api/public/affairs')).json()) as { items: { code: string; name: string }[] };
    const item = items.items[0]!;
    await page.getByTestId('report-item').click();
    await page.keyboard.type(item.name);
    await (await shown(page.locator('.ant-select-item-option').filter({ hasText: item.name }))).click();
    await page.getByTestId('report-description').fill('小区东门的路灯连续三天不亮，晚上很黑');
    await page.getByTestId('use-location').click();
    await shown(page.getByTestId('picked-point'));
    const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 40, g: 120, b: 200 } } }).jpeg().toBuffer();
    await page.locator('input[type=file]').setInputFiles({ name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: photo });
    await page.getByTestId('privacy').check();
    // The draft survives a reload before it is sent.
    await page.reload();
    await shown(page.getByText('已恢复上次未提交的内容'));
    await page.getByTestId('privacy').check();
    await page.locator('input[type=file]').setInputFiles({ name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: photo });
    await screenshot(page, 'public-report-form');
    await page.getByTestId('report-submit').click();

    const caseNo = (await (await shown(page.getByTestId('case-no'), 60_000)).innerText()).trim();
    const code = (await page.getByTestId('tracking-code').innerText()).trim();
    expect(caseNo).toMatch(/^SJ\d{14}$/);
    expect(code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    await shown(page.getByText('已上传 1 张照片'));
    await screenshot(page, 'public-report-sent');

    // The grid worker of that grid accepts it (through the API, as the console would).
    const worker = await page.request.post('/api/auth/login', { data: { username: 'zb_g1_worker', password: PASSWORD } });
    const workerCsrf = ((await worker.json()) as { csrfToken: string }).csrfToken ?? csrf;
    const inbox = (await (await page.request.get(`/api/cases?view=area&q=${caseNo}`)).json()) as { items: { id: number; caseNo: string }[] };
    const found = inbox.items.find((c) => c.caseNo === caseNo)!;
    const accepted = await page.request.post(`/api/cases/${found.id}/actions`, { headers: { 'x-csrf-token': workerCsrf }, data: { action: 'accept' } });
    expect(accepted.status(), await accepted.text()).toBe(200);
    await page.context().clearCookies();

    // The resident types the number and the code on the tracking page.
    await page.goto('/track');
    await page.getByTestId('track-case-no').fill(caseNo);
    await page.getByTestId('track-code').fill(code.toLowerCase());
    await page.getByTestId('track-submit').click();
    const stage = await shown(page.getByTestId('track-stage'), 30_000);
    expect(await stage.innerText()).toBe('已受理');
    await shown(page.locator('.ant-image img'));
    await screenshot(page, 'public-report-tracked');
  }, 300_000);
});
