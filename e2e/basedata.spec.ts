import { readFile } from 'node:fs/promises';
import type { Download, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fillLogin, screenshot, shown } from './support/browser.ts';
import { useJourney } from './support/journey.ts';

// A browser global inside a page callback (the e2e files are typed without the DOM library).
declare const document: { querySelector(selector: string): { textContent: string | null } | null };

/** Only under e2e/vitest.config.ts (which sets it): never as part of a unit-test run that has no server. */
const inE2eRun = process.env.REDGRID_E2E === '1';
const PASSWORD = 'Redgrid@2026';
/** 3204**********0031: region, ten stars, last four. */
const MASKED_ID = /^\d{4}\*{10}[\dX]{4}$/;

interface PersonRow {
  id: number;
  name: string;
  idMasked: string | null;
  householdId: number | null;
}

/** A resident of the signed-in user's scope with a resident ID, read the way the console reads it. */
async function someResident(page: Page): Promise<PersonRow> {
  const res = await page.request.get('/api/basedata/persons?limit=20');
  expect(res.status()).toBe(200);
  const body = (await res.json()) as { items: PersonRow[] };
  const person = body.items.find((p) => p.idMasked !== null && p.householdId !== null);
  if (!person) throw new Error('the demo seed has no resident with an ID number in scope');
  return person;
}

/** GB 11643 check digit of the first 17 digits (the e2e files do not import server code). */
function checkDigit(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * weights[i]!, 0);
  return '10X98765432'[sum % 11]!;
}

/** A synthetic ID number of 武进区 (320412) that passes the check digit. */
function syntheticId(birth: string, sequence: number): string {
  const first17 = `320412${birth}${String(sequence).padStart(3, '0')}`;
  return `${first17}${checkDigit(first17)}`;
}

/**
 * GBK bytes of the few Chinese characters the import file below uses (looked up once with Python's
 * gbk codec; Node has no GBK encoder), so the file is what Excel saves on a Chinese Windows.
 */
const GBK: Record<string, string> = {
  人: 'c8cb', 份: 'b7dd', 动: 'b6af', 口: 'bfda', 号: 'bac5', 名: 'c3fb', 在: 'd4da', 型: 'd0cd', 姓: 'd0d5', 岚: 'e1b0',
  帆: 'b7ab', 户: 'bba7', 所: 'cbf9', 手: 'cad6', 晓: 'cffe', 机: 'bbfa', 格: 'b8f1', 桐: 'cda9', 棠: 'ccc4', 流: 'c1f7',
  码: 'c2eb', 禾: 'bacc', 籍: 'bcae', 类: 'c0e0', 编: 'b1e0', 网: 'cdf8', 舟: 'd6db', 蔺: 'ddfe', 证: 'd6a4', 身: 'c9ed',
};

function gbk(text: string): Buffer {
  const bytes: number[] = [];
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) bytes.push(ch.charCodeAt(0));
    else if (GBK[ch]) bytes.push(...Buffer.from(GBK[ch], 'hex'));
    else throw new Error(`no GBK bytes for ${ch}`);
  }
  return Buffer.from(bytes);
}

/** Opens a hover dropdown and waits until its menu has finished appearing (a click mid-animation can be lost). */
async function openMenu(page: Page, trigger: ReturnType<Page['getByTestId']>, item: string) {
  await trigger.hover();
  const entry = await shown(page.getByRole('menuitem', { name: item }));
  const menu = page.locator('.ant-dropdown:not(.ant-dropdown-hidden)').filter({ has: entry });
  await expect.poll(async () => (await menu.getAttribute('class')) ?? '-appear', { timeout: 10_000 }).not.toMatch(/-(appear|enter)/);
  return entry;
}

async function downloaded(download: Download): Promise<Buffer> {
  const file = await download.path();
  return readFile(file);
}

async function signIn(page: Page, username: string): Promise<void> {
  await page.goto('/login');
  await fillLogin(page, username, PASSWORD);
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

describe.skipIf(!inE2eRun)('base data journey (实有人口, 显示 with a reason, a visit on a phone)', () => {
  const journey = useJourney();

  it('a grid worker finds a resident by name and sees the ID number masked, with no way to show it', async () => {
    const { page } = await journey.open();
    await signIn(page, 'zb_worker');
    const person = await someResident(page);

    await page.getByRole('link', { name: '实有人口' }).first().click();
    await page.waitForURL(/\/people$/);
    const search = page.getByPlaceholder('姓名 / 拼音 / 身份证号 / 手机号 / 地址');
    await search.fill(person.name);
    await search.press('Enter');
    await shown(page.getByText('按姓名匹配'));
    const row = await shown(page.getByRole('row').filter({ hasText: person.name }));
    const masked = (await row.locator('.rg-mono').first().textContent())?.trim() ?? '';
    expect(masked).toMatch(MASKED_ID);
    await screenshot(page, 'basedata-people-desktop');

    await row.getByRole('link', { name: person.name }).click();
    await page.waitForURL(new RegExp(`/people/${person.id}$`));
    await shown(page.getByTestId('person-idNumber'));
    expect((await page.getByTestId('person-idNumber').textContent())?.trim()).toMatch(MASKED_ID);
    // basedata.reveal is not a grid worker's: no 显示 button.
    expect(await page.getByRole('button', { name: /显\s*示/ }).count()).toBe(0);
  });

  it('a community secretary shows an ID number with a reason; it is masked again after leaving the page', async () => {
    const { page } = await journey.open();
    await signIn(page, 'zb_admin');
    const person = await someResident(page);

    await page.goto(`/people/${person.id}`);
    const id = await shown(page.getByTestId('person-idNumber'));
    expect((await id.textContent())?.trim()).toBe(person.idMasked);
    await page.getByTestId('person-page').getByRole('button', { name: /显\s*示/ }).first().click();
    const dialog = await shown(page.getByRole('dialog'));
    // No reason, no value.
    await dialog.getByRole('button', { name: /显\s*示/ }).click();
    await shown(dialog.getByText('请写明查看原因'));
    await dialog.getByLabel('查看原因').fill('核对低保申请材料');
    await dialog.getByRole('button', { name: /显\s*示/ }).click();
    await page.waitForFunction(
      (sel) => /^\d{17}[\dX]$/.test(document.querySelector(sel)?.textContent?.trim() ?? ''),
      '[data-testid="person-idNumber"]',
    );
    const full = (await id.textContent())?.trim() ?? '';
    expect(full.slice(0, 4)).toBe(person.idMasked?.slice(0, 4));
    expect(full.slice(-4)).toBe(person.idMasked?.slice(-4));
    await screenshot(page, 'basedata-reveal-desktop');

    await page.getByRole('link', { name: '查看所在户' }).click();
    await page.waitForURL(/\/households\/\d+$/);
    await shown(page.getByTestId('household-page'));
    await page.goBack();
    await page.waitForURL(new RegExp(`/people/${person.id}$`));
    expect((await (await shown(page.getByTestId('person-idNumber'))).textContent())?.trim()).toBe(person.idMasked);
  });

  it('a grid worker records a visit on a 375 px phone, once even when the button is tapped twice', async () => {
    const { page, context } = await journey.open({ phone: true });
    await context.grantPermissions(['geolocation']);
    await context.setGeolocation({ latitude: 31.7865, longitude: 119.9569, accuracy: 12 });
    await signIn(page, 'zb_worker');
    const person = await someResident(page);
    const householdId = person.householdId ?? 0;
    const visitsBefore = ((await (await page.request.get(`/api/basedata/households/${householdId}/visits`)).json()) as unknown[]).length;

    await page.goto(`/households/${householdId}`);
    await shown(page.getByTestId('household-page'));
    await page.getByRole('button', { name: /走\s*访/ }).click();
    await page.waitForURL(/\/visits\/new\?householdId=\d+$/);
    await shown(page.getByTestId('visit-form'));
    await page.getByText('困难帮扶').click();
    const findings = `独居老人，冬季取暖需要帮助 ${Date.now()}`;
    await page.getByLabel('走访情况').fill(findings);
    await page.getByRole('button', { name: '使用我的位置' }).click();
    await shown(page.getByTestId('visit-located'));
    await screenshot(page, 'basedata-visit-phone');

    // Two taps in the same instant, before the button can turn into a spinner: both requests go out,
    // with the form's one clientKey, and the server keeps one visit. (A string: no DOM types here.)
    await page.evaluate(`(() => { const b = document.querySelector('[data-testid="visit-submit"]'); b.click(); b.click(); })()`);
    await page.waitForURL(new RegExp(`/households/${householdId}$`));
    await shown(page.getByText(findings));
    await screenshot(page, 'basedata-household-phone');
    const visitsAfter = ((await (await page.request.get(`/api/basedata/households/${householdId}/visits`)).json()) as unknown[]).length;
    expect(visitsAfter).toBe(visitsBefore + 1);
  });

  it('a community secretary imports a GBK CSV with one bad row, finds an imported resident masked, and exports with a watermark', async () => {
    const { page } = await journey.open();
    await signIn(page, 'zb_admin');
    await page.getByRole('link', { name: '实有人口' }).first().click();
    await page.waitForURL(/\/people$/);
    await page.getByRole('button', { name: /批量导入/ }).click();
    const wizard = await shown(page.getByTestId('import-wizard'));

    // The template: the dropdown's CSV entry downloads a file whose first line is the columns.
    expect((await page.request.get('/api/imports/kinds/persons/template?format=csv')).status()).toBe(200);
    const csvTemplate = await openMenu(page, wizard.getByTestId('import-template'), 'CSV 模板');
    const [template] = await Promise.all([page.waitForEvent('download'), csvTemplate.click()]);
    const templateText = (await downloaded(template)).toString('utf8');
    expect(templateText).toContain('姓名');
    expect(templateText).toContain('公民身份号码');

    // Five good rows and one with a mistyped check digit (file row 5: the header is row 1), saved as GBK.
    const grid = '320412001001001';
    const people = [
      { name: '蔺晓舟', id: syntheticId('19860314', 101), type: '户籍人口' },
      { name: '蔺晓帆', id: syntheticId('19880722', 202), type: '户籍人口' },
      { name: '蔺晓岚', id: syntheticId('19910105', 302), type: '流动人口' },
      { name: '蔺晓禾', id: syntheticId('19750909', 401), type: '户籍人口' },
      { name: '蔺晓桐', id: syntheticId('20010630', 504), type: '户籍人口' },
      { name: '蔺晓棠', id: syntheticId('19690211', 611), type: '流动人口' },
    ];
    const bad = people[3]!;
    const good = people.filter((p) => p !== bad);
    const wrongDigit = bad.id.slice(-1) === '0' ? '1' : '0';
    const lines = ['姓名,身份证号,手机号,所在网格编码,人口类型'];
    people.forEach((p, i) => lines.push([p.name, p === bad ? `${bad.id.slice(0, 17)}${wrongDigit}` : p.id, i % 2 ? '' : `1700000${1000 + i}`, grid, p.type].join(',')));
    const csv = gbk(`${lines.join('\r\n')}\r\n`);
    expect(csv.includes(Buffer.from('蔺', 'utf8'))).toBe(false);
    await wizard.locator('input[type="file"]').setInputFiles({ name: '实有人口-导入.csv', mimeType: 'text/csv', buffer: csv });

    const mapping = await shown(page.getByTestId('import-mapping'));
    await shown(mapping.getByText(/· GBK$/));
    await screenshot(page, 'basedata-import-mapping-desktop', { fullPage: false });
    await mapping.getByTestId('import-start-check').click();

    const checked = await shown(page.getByTestId('import-checked'), 90_000);
    await shown(checked.getByText('1 行有问题，导入时会跳过；其余 5 行可以导入。'));
    const issue = await shown(checked.getByTestId('import-issues').getByRole('row').filter({ hasText: '校验位' }));
    expect((await issue.getByRole('cell').first().textContent())?.trim()).toBe('5');
    await screenshot(page, 'basedata-import-report-desktop', { fullPage: false });
    // The full report (the row as uploaded, to correct it; watermarked like an export) names the same row and reason.
    const [report] = await Promise.all([page.waitForEvent('download'), checked.getByTestId('import-report').click()]);
    const reportText = (await downloaded(report)).toString('utf8');
    expect(reportText).toMatch(/^"?5"?,.*校验位.*蔺晓禾/m);
    expect(reportText).toContain('导出人');
    await checked.getByTestId('import-apply').click();

    const applied = await shown(page.getByTestId('import-applied'), 90_000);
    await shown(applied.getByText(/新增 5 条/));
    await screenshot(page, 'basedata-import-result-desktop', { fullPage: false });
    await page.keyboard.press('Escape');
    await page.getByTestId('import-wizard').waitFor({ state: 'hidden' });

    // The imported resident is found by name, the ID number masked; the bad row's person is not there.
    const search = page.getByPlaceholder('姓名 / 拼音 / 身份证号 / 手机号 / 地址');
    const first = good[0]!;
    await search.fill(first.name);
    await search.press('Enter');
    await shown(page.getByText('按姓名匹配'));
    const row = await shown(page.getByRole('row').filter({ hasText: first.name }));
    const masked = (await row.locator('.rg-mono').first().textContent())?.trim() ?? '';
    expect(masked).toMatch(MASKED_ID);
    expect(masked).toBe(`${first.id.slice(0, 4)}**********${first.id.slice(-4)}`);
    expect((await page.request.get(`/api/basedata/persons?q=${encodeURIComponent(bad.name)}`).then((r) => r.json())) as { items: unknown[] }).toMatchObject({ items: [] });

    // The export of what the list shows: the exporter's watermark, masked IDs, no full number.
    const csvExport = await openMenu(page, page.getByTestId('export-button'), '导出 CSV');
    const [exported] = await Promise.all([page.waitForEvent('download'), csvExport.click()]);
    const exportText = (await downloaded(exported)).toString('utf8');
    expect(exportText).toContain('导出人');
    expect(exportText).toContain(first.name);
    expect(exportText).toContain(masked);
    for (const p of people) expect(exportText).not.toContain(p.id);
  });
});
