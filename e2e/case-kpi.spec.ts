import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fillLogin, screenshot, shown } from './support/browser.ts';
import { useJourney } from './support/journey.ts';

/** Only under e2e/vitest.config.ts (which sets it): never as part of a unit-test run that has no server. */
const inE2eRun = process.env.REDGRID_E2E === '1';
const PASSWORD = 'Redgrid@2026';

async function signIn(page: Page, username: string): Promise<void> {
  await page.context().clearCookies();
  await page.goto('/login');
  await fillLogin(page, username, PASSWORD);
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/** A grid worker's report through the API (the phone form has its own journey in cases.spec.ts). */
async function reportAs(page: Page, username: string, title: string): Promise<void> {
  const login = await page.request.post('/api/auth/login', { data: { username, password: PASSWORD } });
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const catalogue = (await (await page.request.get('/api/affairs/catalogue')).json()) as { items: { code: string; active: boolean; handlingLevel: string; customFields: unknown[] }[] };
  const item = catalogue.items.find((i) => i.active && i.handlingLevel === 'grid' && i.customFields.length === 0) ?? catalogue.items.find((i) => i.active && i.customFields.length === 0);
  if (!item) throw new Error('the demo catalogue has no item to report');
  const res = await page.request.post('/api/cases', { headers: { 'x-csrf-token': csrfToken }, data: { itemCode: item.code, title, description: `${title}，需要处理。` } });
  expect(res.status()).toBe(201);
}

describe.skipIf(!inE2eRun)('KPI page (考核指标)', () => {
  const journey = useJourney();

  it('a street admin reads the quarter’s figures per community, and a number opens the cases behind it', async () => {
    const { page } = await journey.open();
    await reportAs(page, 'zb_g1_worker', '楼道电动车充电');

    await signIn(page, 'qsy_admin');
    // The menu entry opens the page.
    await page.getByRole('menuitem', { name: /考核指标/ }).first().click();
    await page.waitForURL(/\/cases\/kpi/);
    await shown(page.getByTestId('case-kpi-page'));
    const reported = await shown(page.getByTestId('kpi-reported'));
    await expect.poll(async () => Number((await reported.textContent()) ?? '0'), { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
    // The breakdown by community, with 站北社区's row and the chart.
    await shown(page.getByTestId('kpi-table').getByText('站北社区'));
    await shown(page.getByTestId('kpi-chart'));
    await screenshot(page, 'case-kpi-page');

    await reported.click();
    await page.waitForURL(/\/cases\/kpi\/cases\?.*figure=reported/);
    await shown(page.getByTestId('kpi-drill-table').getByText('楼道电动车充电'));
    await shown(page.getByText('指标明细：上报数'));
    await screenshot(page, 'case-kpi-drill');

    // By person: the worker who reported it, with the number linking to the same case.
    await page.goBack();
    await page.getByRole('tab', { name: '按人员' }).click();
    await shown(page.getByTestId('kpi-table').getByText('吴敏'));
  });
});
