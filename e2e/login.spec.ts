import type { Page, Response } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fillLogin, PHONE, screenshot, shown } from './support/browser.ts';
import { useJourney } from './support/journey.ts';

// A grid worker of 站北社区 (demo seed); 蓝山湖社区 is another street's community, outside her scope.
const USER = { username: 'zb_worker', password: 'Redgrid@2026', displayName: '刘芳', community: '站北社区' };
const OTHER_COMMUNITY = '蓝山湖';

/** Only under e2e/vitest.config.ts (which sets it): never as part of a unit-test run that has no server. */
const inE2eRun = process.env.REDGRID_E2E === '1';


/** The response to the console's own area search for q. */
function areaSearch(page: Page, q: string): Promise<Response> {
  return page.waitForResponse((r) => {
    const url = new URL(r.url());
    return url.pathname === '/api/areas' && url.searchParams.get('q') === q;
  });
}

/**
 * Page width vs the phone's layout width. On a mobile viewport Chromium widens window.innerWidth
 * to fit overflowing content, so compare with documentElement.clientWidth; name what sticks out.
 */
async function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; clientWidth: number; offenders: string[] }> {
  // A string: this file is type-checked without the DOM library.
  return (await page.evaluate(`(() => {
    const width = document.documentElement.clientWidth;
    const offenders = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > width + 0.5) {
        const cls = typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
        offenders.push(el.tagName.toLowerCase() + cls + ' (right edge ' + r.right.toFixed(0) + ' px)');
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, clientWidth: width, offenders: offenders.slice(0, 5) };
  })()`)) as { scrollWidth: number; clientWidth: number; offenders: string[] };
}

async function expectNoSidewaysScroll(page: Page, what: string): Promise<void> {
  const { scrollWidth, clientWidth, offenders } = await horizontalOverflow(page);
  expect(clientWidth).toBe(PHONE.width);
  expect(scrollWidth, `${what} scrolls sideways on a ${PHONE.width} px phone; sticking out: ${offenders.join(', ')}`).toBeLessThanOrEqual(clientWidth);
}

describe.skipIf(!inE2eRun)('login journey (embedded engine, built console, Chromium)', () => {
  const journey = useJourney();

  it('a grid worker logs in, sees her dashboard and only her own community', async () => {
    const { page } = await journey.open();

    await page.goto('/');
    await page.waitForURL(/\/login(\?|$)/);
    await shown(page.getByText('账号登录'));
    await shown(page.getByText(/DEMO/));
    await screenshot(page, 'login-desktop');

    await fillLogin(page, USER.username, USER.password);
    await page.waitForURL(/\/dashboard/);
    const dashboard = await shown(page.getByTestId('dashboard'));
    await shown(dashboard.getByText(USER.displayName));
    await shown(dashboard.getByText(USER.community));
    await screenshot(page, 'dashboard-desktop');

    // The header's area picker: searching finds her community, and nothing of another community.
    const picker = page.getByRole('combobox', { name: '选择区域' });
    await picker.click();
    const own = areaSearch(page, '站北');
    await picker.fill('站北');
    expect((await own).status()).toBe(200);
    await shown(page.getByRole('treeitem', { name: new RegExp(USER.community) }));

    const other = areaSearch(page, OTHER_COMMUNITY);
    await picker.fill(OTHER_COMMUNITY);
    const otherResponse = await other;
    expect(otherResponse.status()).toBe(200);
    expect(await otherResponse.json()).toEqual([]);
    await shown(page.getByText('没有匹配的区域'));
    expect(await page.getByText(OTHER_COMMUNITY).filter({ visible: true }).count()).toBe(0);
    expect(await page.getByRole('treeitem').filter({ visible: true }).count()).toBe(0);
    await screenshot(page, 'area-picker-other-community');
    await page.keyboard.press('Escape');

    // The same through the API within her session: her community is there, the other is not.
    const mine = await page.request.get(`/api/areas?q=${encodeURIComponent('站北')}`);
    expect(mine.status()).toBe(200);
    const mineNames = ((await mine.json()) as Array<{ name: string }>).map((a) => a.name);
    expect(mineNames.some((name) => name.includes(USER.community)), mineNames.join(', ')).toBe(true);
    const theirs = await page.request.get(`/api/areas?q=${encodeURIComponent(OTHER_COMMUNITY)}`);
    expect(theirs.status()).toBe(200);
    expect(await theirs.json()).toEqual([]);
  });

  it('the login page leaves the browser console clean: the session probe is a 200, not a 401', async () => {
    const { page } = await journey.open();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    const probe = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/auth/session');
    await page.goto('/');
    await page.waitForURL(/\/login(\?|$)/);
    expect((await probe).status()).toBe(200);
    await shown(page.getByText('账号登录'));
    await page.reload();
    await shown(page.getByText('账号登录'));
    expect(errors, 'console errors on the login page').toEqual([]);
  });

  it('a wrong password shows an error and stays on the login page', async () => {
    const { page } = await journey.open();

    await page.goto('/login');
    await fillLogin(page, USER.username, 'Wrong-Password@1');
    const alert = await shown(page.getByRole('alert').filter({ hasText: '用户名或密码错误' }));
    expect(await alert.textContent()).toContain('用户名或密码错误');
    await screenshot(page, 'login-wrong-password');
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.getByTestId('dashboard').count()).toBe(0);
    const session = await page.request.get('/api/areas/roots');
    expect(session.status()).toBe(401);
  });

  it('works at phone size (375×812)', async () => {
    const { page } = await journey.open({ phone: true });

    await page.goto('/');
    await page.waitForURL(/\/login(\?|$)/);
    await shown(page.getByText(/DEMO/));
    await screenshot(page, 'login-phone');
    await expectNoSidewaysScroll(page, 'the login page');

    await fillLogin(page, USER.username, USER.password);
    await page.waitForURL(/\/dashboard/);
    const dashboard = await shown(page.getByTestId('dashboard'));
    await shown(dashboard.getByText(USER.displayName));
    await screenshot(page, 'dashboard-phone');
    await expectNoSidewaysScroll(page, 'the dashboard');
  });
});
