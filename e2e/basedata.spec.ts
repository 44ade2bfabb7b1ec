import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fillLogin, screenshot, shown } from './support/browser.ts';
import { useJourney } from './support/journey.ts';

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
    const search = page.getByPlaceholder('姓名 / 拼音 / 首字母 / 身份证号 / 手机号');
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
});
