import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fillLogin, screenshot, shown } from './support/browser.ts';
import { useJourney } from './support/journey.ts';

/** Only under e2e/vitest.config.ts (which sets it): never as part of a unit-test run that has no server. */
const inE2eRun = process.env.REDGRID_E2E === '1';

interface Role {
  username: string;
  /** Menu entries the account must see, and entries it must not. */
  menu: string[];
  notInMenu: string[];
  /** Dashboard cards (data-testid card-<key>) it must see, and must not. */
  cards: string[];
  notCards: string[];
  /** Text the dashboard must show. */
  text: string[];
}

const ROLES: Role[] = [
  { username: 'admin', menu: ['工作台', '区域', '地图', '区划代码库', '用户管理'], notInMenu: ['审计日志'], cards: ['households', 'subareas', 'users'], notCards: ['my-place'], text: ['户数超范围网格'] },
  { username: 'zb_admin', menu: ['工作台', '区域', '地图', '区划代码库', '用户管理'], notInMenu: ['审计日志', '安全管理'], cards: ['households', 'grids', 'users'], notCards: ['my-place', 'subareas'], text: ['站北社区', '本社区网格'] },
  { username: 'zb_worker', menu: ['工作台', '区域', '地图'], notInMenu: ['区划代码库', '用户管理', '审计日志'], cards: ['households', 'grids'], notCards: ['my-place', 'users'], text: ['站北社区', '本社区网格'] },
  { username: 'dy_member', menu: ['工作台'], notInMenu: ['区域', '地图', '区划代码库', '用户管理'], cards: ['my-place'], notCards: ['households', 'grids', 'subareas', 'users'], text: ['我所在的社区与网格', '站北社区'] },
  { username: 'pcs_staff', menu: ['工作台', '区域', '地图', '部门管理'], notInMenu: ['区划代码库', '用户管理'], cards: ['households', 'subareas'], notCards: ['my-place', 'users'], text: ['戚墅堰街道'] },
];

async function menuLabels(page: Page, phone: boolean): Promise<string[]> {
  if (phone) {
    await page.getByRole('button', { name: '菜单' }).click();
    await shown(page.locator('.ant-drawer .rg-menu'));
  }
  const scope = phone ? page.locator('.ant-drawer .rg-menu') : page.locator('.rg-sider .rg-menu');
  const labels = (await scope.locator('.ant-menu-item').allTextContents()).map((s) => s.trim());
  if (phone) await page.keyboard.press('Escape');
  return labels;
}

describe.skipIf(!inE2eRun)('menus and dashboards that fit each role (desk and phone)', () => {
  const journey = useJourney();

  for (const role of ROLES) {
    for (const phone of [false, true]) {
      it(`${role.username} on a ${phone ? 'phone' : 'desk'}: the menu and dashboard of the role`, async () => {
        const { page } = await journey.open({ phone });
        await page.goto('/login');
        await fillLogin(page, role.username, 'Redgrid@2026');
        await page.waitForURL(/\/dashboard/);
        const dashboard = await shown(page.getByTestId('dashboard'));
        for (const card of role.cards) await shown(page.getByTestId(`card-${card}`));
        for (const text of role.text) await shown(dashboard.getByText(text).first());
        // The figures have arrived (no "…" left on a stat card).
        if (role.cards.includes('households')) await shown(page.getByTestId('stat-households').getByText(/^\d[\d,]*$/));
        for (const card of role.notCards) expect(await page.getByTestId(`card-${card}`).count(), `${role.username} should not see card ${card}`).toBe(0);
        expect(await dashboard.getByText('将在后续版本提供').count()).toBe(0);

        const labels = await menuLabels(page, phone);
        for (const entry of role.menu) expect(labels, `${role.username}'s menu`).toContain(entry);
        for (const entry of role.notInMenu) expect(labels, `${role.username}'s menu`).not.toContain(entry);
        await screenshot(page, `menus-${role.username}-${phone ? 'phone' : 'desk'}`);
      });
    }
  }

  it('a party member reaches neither the map nor the code library by address', async () => {
    const { page } = await journey.open();
    await page.goto('/login');
    await fillLogin(page, 'dy_member', 'Redgrid@2026');
    await page.waitForURL(/\/dashboard/);
    for (const path of ['/map', '/divisions', '/areas']) {
      await page.goto(path);
      await shown(page.getByText('无权访问'));
    }
    expect((await page.request.get('/api/divisions/editions')).status()).toBe(403);
  });

  it("the top account's analysis opens on the district that has boundaries: no red error, no 400", async () => {
    const { page } = await journey.open();
    const failed: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${new URL(r.url()).pathname}`);
    });
    await page.goto('/login');
    await fillLogin(page, 'admin', 'Redgrid@2026');
    await page.waitForURL(/\/dashboard/);
    await page.goto('/map');
    await shown(page.getByTestId('map-page'));
    await page.getByRole('tab', { name: '分析' }).click();
    const analysis = await shown(page.getByTestId('map-analysis'));
    await shown(analysis.getByText('常州经开区'));
    await shown(page.getByTestId('map-coverage'), 60_000);
    expect(await analysis.getByText('还没有边界').count()).toBe(0);
    expect(await analysis.locator('.ant-alert-error').count()).toBe(0);
    await screenshot(page, 'menus-admin-analysis');
    expect(failed).toEqual([]);
  });
});
