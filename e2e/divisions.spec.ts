import type { Locator, Page, Response } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fillLogin, PHONE, screenshot, shown } from './support/browser.ts';
import { useJourney } from './support/journey.ts';

/** Only under e2e/vitest.config.ts (which sets it): never as part of a unit-test run that has no server. */
const inE2eRun = process.env.REDGRID_E2E === '1';
const PASSWORD = 'Redgrid@2026';

interface CompareBody {
  counts: { added: number; removed: number; renamed: number; unchanged: number };
  changes: Array<{ kind: string; code: string; name: string }>;
}

interface TreeDiffBody {
  counts: { nameDiffers: number };
  items: Array<{ kind: string; code: string; name: string | null; areaName: string | null }>;
}

/** The next answer of the console to GET <pathname>. */
function apiResponse(page: Page, pathname: string): Promise<Response> {
  return page.waitForResponse((r) => new URL(r.url()).pathname === pathname && r.request().method() === 'GET');
}

async function signIn(page: Page, username: string): Promise<void> {
  await page.goto('/login');
  await fillLogin(page, username, PASSWORD);
  await page.waitForURL(/\/dashboard/);
}

/** Opens 区划代码库 from the menu (on a phone, from the drawer behind the menu button). */
async function openDivisionsFromMenu(page: Page, { phone = false } = {}): Promise<Locator> {
  if (phone) await page.getByRole('button', { name: '菜单' }).click();
  await (await shown(page.getByRole('menuitem', { name: '区划代码库' }))).click();
  await page.waitForURL(/\/divisions/);
  return shown(page.getByTestId('divisions-page'));
}

/** Picks an option of an Ant Design select: opens it, clicks the option whose text starts with `text`. */
async function pickOption(page: Page, select: Locator, text: string): Promise<void> {
  await select.click();
  await (await shown(page.locator('.ant-select-dropdown .ant-select-item-option').filter({ hasText: new RegExp(`^${text}`) }))).click();
}

/** A division's node in the tree: its name is the switcher's icon label, the division's name and its code. */
const treeNode = (tree: Locator, name: string) => tree.getByRole('treeitem', { name: new RegExp(`(^|\\s)${name} \\d{12}$`) });

/** Expands a division's node; its switcher loads and shows its children. */
async function expandNode(tree: Locator, name: string): Promise<void> {
  const node = await shown(treeNode(tree, name));
  await node.locator('.ant-tree-switcher').click();
  await treeNode(tree, name).and(tree.locator('[aria-expanded="true"]')).waitFor();
}

/**
 * The page must not scroll sideways on a phone (wide tables scroll inside their own box). Compared
 * with documentElement.clientWidth: on a mobile viewport Chromium widens window.innerWidth instead.
 */
async function expectNoSidewaysScroll(page: Page, what: string): Promise<void> {
  // A string: this file is type-checked without the DOM library.
  const { scrollWidth, clientWidth } = (await page.evaluate(
    '({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })',
  )) as { scrollWidth: number; clientWidth: number };
  expect(clientWidth).toBe(PHONE.width);
  expect(scrollWidth, `${what} scrolls sideways on a ${PHONE.width} px phone`).toBeLessThanOrEqual(clientWidth);
}

describe.skipIf(!inE2eRun)('division code library journey (embedded engine, built console, Chromium)', () => {
  const journey = useJourney();

  it('the system admin sees the demo editions, browses and searches 2021, and compares it with 2023', async () => {
    const { page } = await journey.open();
    await signIn(page, 'admin');
    const editionsAnswer = apiResponse(page, '/api/divisions/editions');
    const divisions = await openDivisionsFromMenu(page);
    expect((await editionsAnswer).status()).toBe(200);

    // 版本: both demo editions with their row counts.
    const editions = await shown(divisions.getByTestId('division-editions'));
    const row2021 = await shown(editions.getByRole('row').filter({ hasText: 'changzhou_3204_5level_2021.csv' }));
    expect(await row2021.getByRole('cell').allInnerTexts()).toEqual(expect.arrayContaining(['2021', '1,140']));
    const row2023 = await shown(editions.getByRole('row').filter({ hasText: 'changzhou_3204_4level_2023.csv' }));
    expect(await row2023.getByRole('cell').allInnerTexts()).toEqual(expect.arrayContaining(['2023', '75']));
    await screenshot(page, 'divisions-editions-desktop');

    // 浏览: the 2021 edition, 江苏省 › 常州市 › 武进区 › 戚墅堰街道.
    await divisions.getByRole('tab', { name: '浏览' }).click();
    const browse = await shown(divisions.getByTestId('division-browse'));
    await pickOption(page, browse.getByRole('combobox', { name: '版本' }), '2021');
    const tree = browse.getByRole('tree');
    await expandNode(tree, '江苏省');
    await expandNode(tree, '常州市');
    await expandNode(tree, '武进区');
    const street = await shown(treeNode(tree, '戚墅堰街道'));
    expect(await street.innerText()).toContain('320412001000');
    await street.locator('.ant-tree-node-content-wrapper').click();
    const detail = await shown(browse.getByTestId('division-detail'));
    await shown(detail.getByText('320412001000'));
    await shown(detail.getByText('武进区', { exact: true }));
    await screenshot(page, 'divisions-browse-desktop');

    // Search: 站北 finds 站北社区 with the chain above it.
    const searched = apiResponse(page, '/api/divisions');
    await browse.getByPlaceholder('输入代码前缀或名称查找').fill('站北');
    await browse.getByPlaceholder('输入代码前缀或名称查找').press('Enter');
    expect((await searched).status()).toBe(200);
    const results = await shown(browse.getByTestId('division-search-results'));
    const zb = await shown(results.getByRole('listitem').filter({ hasText: '站北社区' }));
    await shown(zb.getByText('江苏省 › 常州市 › 武进区 › 戚墅堰街道'));
    await zb.click();
    await shown(browse.getByTestId('division-detail').getByText('320412001001'));
    await screenshot(page, 'divisions-search-desktop');

    // 比对: 2021 → 2023 under 常州市 (3204).
    await divisions.getByRole('tab', { name: '比对' }).click();
    const compare = await shown(divisions.getByTestId('division-compare'));
    expect(await compare.getByRole('combobox', { name: '原版本' }).locator('xpath=ancestor::*[contains(@class,"ant-select")][1]').innerText()).toContain('2021');
    expect(await compare.getByRole('combobox', { name: '新版本' }).locator('xpath=ancestor::*[contains(@class,"ant-select")][1]').innerText()).toContain('2023');
    await compare.getByLabel('范围').fill('3204');
    const compared = apiResponse(page, '/api/divisions/compare');
    await compare.getByTestId('division-compare-run').click();
    const answer = await compared;
    expect(answer.status()).toBe(200);
    const body = (await answer.json()) as CompareBody;
    expect(new URL(answer.url()).searchParams.get('under')).toBe('320400000000');
    expect(body.counts.added + body.counts.removed + body.counts.renamed).toBeGreaterThan(0);
    const result = await shown(compare.getByTestId('division-compare-result'));
    const first = body.changes[0];
    if (!first) throw new Error('no change listed');
    await shown(result.getByRole('row').filter({ hasText: first.code }).filter({ hasText: first.name }));
    await screenshot(page, 'divisions-compare-desktop');
  });

  it('the area admin of 常州经开区 compares his tree with 2021 and sees the local name', async () => {
    const { page } = await journey.open();
    await signIn(page, 'jk_admin');
    const divisions = await openDivisionsFromMenu(page);
    await divisions.getByRole('tab', { name: '比对' }).click();
    await divisions.getByRole('tab', { name: '与区域树比对' }).click();
    const panel = await shown(divisions.getByTestId('division-tree-diff'));

    await pickOption(page, panel.getByRole('combobox', { name: '版本' }), '2021');
    await panel.getByRole('combobox', { name: '区域' }).click();
    await (await shown(page.getByRole('treeitem', { name: /常州经开区/ }))).click();
    const diffed = apiResponse(page, '/api/divisions/tree-diff');
    await panel.getByTestId('division-tree-diff-run').click();
    const answer = await diffed;
    expect(answer.status()).toBe(200);
    const body = (await answer.json()) as TreeDiffBody;
    expect(body.items).toContainEqual(expect.objectContaining({ kind: 'name_differs', code: '320412000000', name: '武进区', areaName: '常州经开区' }));

    const result = await shown(panel.getByTestId('division-tree-diff-result'));
    const row = await shown(result.getByRole('row').filter({ hasText: '320412000000' }));
    expect(await row.getByRole('cell').allInnerTexts()).toEqual(expect.arrayContaining(['名称不同', '武进区', '常州经开区']));
    await screenshot(page, 'divisions-tree-diff-desktop');
  });

  it('works at phone size (375×812)', async () => {
    const { page } = await journey.open({ phone: true });
    await signIn(page, 'admin');
    const divisions = await openDivisionsFromMenu(page, { phone: true });

    // Cards instead of the table on a phone.
    const editions = await shown(divisions.getByTestId('division-editions'));
    await shown(editions.locator('.rg-division-edition-card').filter({ hasText: '1,140' }));
    await shown(editions.locator('.rg-division-edition-card').filter({ hasText: 'changzhou_3204_4level_2023.csv' }));
    await screenshot(page, 'divisions-editions-phone');
    await expectNoSidewaysScroll(page, 'the editions');

    await divisions.getByRole('tab', { name: '浏览' }).click();
    const browse = await shown(divisions.getByTestId('division-browse'));
    await pickOption(page, browse.getByRole('combobox', { name: '版本' }), '2021');
    await browse.getByPlaceholder('输入代码前缀或名称查找').fill('站北');
    await browse.getByPlaceholder('输入代码前缀或名称查找').press('Enter');
    const zb = await shown(browse.getByTestId('division-search-results').getByRole('listitem').filter({ hasText: '站北社区' }));
    await zb.click();
    await shown(browse.getByTestId('division-detail').getByText('320412001001'));
    await screenshot(page, 'divisions-search-phone');
    await expectNoSidewaysScroll(page, 'the search and its detail');

    await divisions.getByRole('tab', { name: '比对' }).click();
    const compare = await shown(divisions.getByTestId('division-compare'));
    await compare.getByLabel('范围').fill('3204');
    await compare.getByTestId('division-compare-run').click();
    await shown(compare.getByTestId('division-compare-result').locator('.ant-table-row').first());
    await screenshot(page, 'divisions-compare-phone');
    await expectNoSidewaysScroll(page, 'the comparison');
  });
});
