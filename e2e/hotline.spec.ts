import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fillLogin, screenshot, shown } from './support/browser.ts';
import { useJourney } from './support/journey.ts';

/** Only under e2e/vitest.config.ts (which sets it): never as part of a unit-test run that has no server. */
const inE2eRun = process.env.REDGRID_E2E === '1';
const PASSWORD = 'Redgrid@2026';
const GRID1 = '320412001001001';

async function signIn(page: Page, username: string): Promise<void> {
  await page.context().clearCookies();
  await page.goto('/login');
  await fillLogin(page, username, PASSWORD);
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/** A Beijing datetime-local value some hours from now. */
function beijingLocal(plusHours: number): string {
  return new Date(Date.now() + (8 + plusHours) * 3600_000).toISOString().slice(0, 16);
}

describe.skipIf(!inE2eRun)('12345 desk (12345 工单)', () => {
  const journey = useJourney();

  it('the community desk enters a work order and it lands in the grid worker’s inbox, the caller masked', async () => {
    const { page } = await journey.open();
    const externalNo = `GD${Date.now()}`;
    await signIn(page, 'zb_admin');
    await page.getByRole('menuitem', { name: /12345 工单/ }).first().click();
    await page.waitForURL(/\/cases\/hotline$/);
    await shown(page.getByTestId('hotline-desk'));

    await page.getByTestId('hotline-enter').click();
    const form = await shown(page.getByTestId('hotline-entry-form'));
    await page.getByTestId('hotline-external-no').fill(externalNo);
    await page.getByTestId('hotline-due-at').fill(beijingLocal(48));
    await page.getByTestId('hotline-categories').fill('城市管理/市容环境/违章搭建');
    // No mapping for these categories yet: the operator picks the item.
    await form.getByLabel('事项').click();
    await page.keyboard.type('私搭乱建');
    await (await shown(page.locator('.ant-select-item-option').filter({ hasText: '私搭乱建' }).first())).click();
    await page.getByTestId('hotline-content').fill('站北花园 3 栋楼顶有人搭建彩钢板房，担心安全隐患');
    await form.getByLabel('诉求人', { exact: true }).fill('张三丰');
    await page.getByTestId('hotline-caller-phone').fill('17012345678');
    // The grid, found by its code.
    await form.locator('.ant-select').filter({ has: page.locator('.ant-select-tree-selection-search, input') }).last().click();
    await page.keyboard.type(GRID1);
    await (await shown(page.locator('.ant-select-tree-treenode').filter({ hasText: GRID1 }).first())).click();
    await screenshot(page, 'hotline-entry-form');
    await page.getByTestId('hotline-submit').click();
    await shown(page.getByTestId('hotline-list').getByRole('link', { name: externalNo }));
    await screenshot(page, 'hotline-desk');

    // The grid worker of that grid finds it in their inbox, the caller masked.
    await signIn(page, 'zb_g1_worker');
    await page.goto('/cases');
    const row = await shown(page.getByRole('row').filter({ hasText: '站北花园 3 栋楼顶' }).first());
    await row.getByRole('link').first().click();
    await page.waitForURL(/\/cases\/\d+$/);
    const panel = await shown(page.getByTestId('hotline-panel'));
    await shown(panel.getByText(externalNo));
    await shown(panel.getByText('170****5678'));
    expect(await page.content()).not.toContain('17012345678');
    expect(await page.content()).not.toContain('张三丰');
    await screenshot(page, 'hotline-case-worker');
  });
});
