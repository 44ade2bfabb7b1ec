import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fillLogin, screenshot, shown } from './support/browser.ts';
import { useJourney } from './support/journey.ts';

/** Only under e2e/vitest.config.ts (which sets it): never as part of a unit-test run that has no server. */
const inE2eRun = process.env.REDGRID_E2E === '1';
const PASSWORD = 'Redgrid@2026';
/** A 1×1 PNG: the server recognises photos by their bytes. */
const PHOTO = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

interface CatalogueItem {
  code: string;
  name: string;
  handlingLevel: string;
  departmentKind: string | null;
  active: boolean;
  customFields: unknown[];
}

async function signIn(page: Page, username: string): Promise<void> {
  await page.context().clearCookies();
  await page.goto('/login');
  await fillLogin(page, username, PASSWORD);
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/** antd puts a space between two Chinese characters on a button ("受 理"): match the label loosely, exactly. */
function label(text: string): RegExp {
  return new RegExp(`^${[...text].join('\\s*')}$`);
}

/** Presses one of the case's action buttons, fills its dialog and waits for the step to land. */
async function act(page: Page, action: string, fill?: (dialog: ReturnType<Page['locator']>) => Promise<void>): Promise<void> {
  await page.getByTestId('case-actions').getByRole('button', { name: label(action) }).click();
  const dialog = await shown(page.locator('.ant-modal'));
  if (fill) await fill(dialog);
  await dialog.getByRole('button', { name: label('提交') }).click();
  await dialog.waitFor({ state: 'detached', timeout: 30_000 });
  await shown(page.getByTestId('case-timeline').getByText(action, { exact: true }));
}

describe.skipIf(!inE2eRun)('case journey (上报 on a phone → 吹哨 → 部门处置 → 核实)', () => {
  const journey = useJourney();

  it('a grid worker reports on a phone, the community dispatches, 城管 handles, the worker verifies', async () => {
    const { page } = await journey.open({ phone: true });
    await signIn(page, 'zb_g1_worker');
    const catalogue = (await (await page.request.get('/api/affairs/catalogue')).json()) as { items: CatalogueItem[] };
    const item = catalogue.items.find((i) => i.active && i.handlingLevel === 'community' && i.departmentKind === 'urban_management' && i.customFields.length === 0);
    if (!item) throw new Error('the demo catalogue has no community-level urban management item');

    // The report form, with a draft that survives a reload.
    await page.goto('/cases/new');
    await shown(page.getByTestId('case-report'));
    await page.locator('.ant-cascader').click();
    await page.keyboard.type(item.name);
    await (await shown(page.locator('.ant-cascader-menu-item').filter({ hasText: item.name }))).click();
    await page.getByLabel('标题').fill('户外广告牌松动');
    await page.getByLabel('描述').fill('幸福路 12 号门头广告牌一角松脱，大风天有坠落危险。');
    await page.reload();
    await shown(page.getByText('已恢复未提交的草稿'));
    expect(await page.getByLabel('标题').inputValue()).toBe('户外广告牌松动');
    await page.getByText('不定位，按我所在的网格上报').click();
    await page.getByTestId('photo-input').setInputFiles({ name: 'spot.png', mimeType: 'image/png', buffer: PHOTO });
    await screenshot(page, 'cases-report-phone');
    await page.getByTestId('case-submit').click();
    await page.waitForURL(/\/cases\/\d+$/);
    const caseUrl = new URL(page.url()).pathname;
    await shown(page.getByTestId('case-page'));
    await shown(page.getByText('待受理').first());
    // The draft is gone once the case is in.
    expect(await page.evaluate(() => (globalThis as unknown as { localStorage: { getItem(key: string): string | null } }).localStorage.getItem('redgrid.caseDraft'))).toBeNull();

    await act(page, '上报上级', async (dialog) => {
      await dialog.getByLabel('理由').fill('需社区协调城管');
    });

    await signIn(page, 'zb_admin');
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.goto('/cases');
    await (await shown(page.getByRole('row').filter({ hasText: '户外广告牌松动' }).getByRole('link', { name: '户外广告牌松动' }))).click();
    await page.waitForURL(caseUrl);
    await act(page, '受理');
    await act(page, '派遣部门（吹哨）');
    await shown(page.getByText('待部门报到').first());

    await signIn(page, 'cg_staff');
    await page.goto(caseUrl);
    await act(page, '部门报到');
    await act(page, '处置完成', async (dialog) => {
      await dialog.getByLabel('处置结果').fill('已加固广告牌并清理现场');
      await page.getByTestId('photo-input').setInputFiles({ name: 'done.png', mimeType: 'image/png', buffer: PHOTO });
    });
    await shown(page.getByText('待核实').first());

    await signIn(page, 'zb_g1_worker');
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto(caseUrl);
    await act(page, '核实通过');
    await shown(page.getByText('已结案').first());
    await screenshot(page, 'cases-closed-phone');
  }, 400_000);
});
