import { request, type APIRequestContext } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fillLogin, screenshot, shown } from './support/browser.ts';
import { useJourney } from './support/journey.ts';

/** Only under e2e/vitest.config.ts (which sets it): never as part of a unit-test run that has no server. */
const inE2eRun = process.env.REDGRID_E2E === '1';
const PASSWORD = 'Redgrid@2026';

/** Another person's device: its own cookie jar, signed in through the API. */
async function device(baseURL: string, username: string, password = PASSWORD): Promise<{ api: APIRequestContext; status: number }> {
  const api = await request.newContext({ baseURL, userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36' });
  const res = await api.post('/api/auth/login', { data: { username, password } });
  return { api, status: res.status() };
}

describe.skipIf(!inE2eRun)('security desk and audit log journey (三权分立)', () => {
  const journey = useJourney();

  it('the security admin sees probing, unlocks a locked account and signs a session out', async () => {
    const { page } = await journey.open();
    await page.goto('/login');
    const origin = new URL(page.url()).origin;

    // pcs_staff mistypes the password until the account locks.
    for (let i = 0; i < 5; i += 1) expect((await device(origin, 'pcs_staff', 'Wrong#pass1')).status).not.toBe(200);
    // zb_worker signs in on a phone and asks five times for accounts she may not read.
    const worker = await device(origin, 'zb_worker');
    expect(worker.status).toBe(200);
    for (let i = 0; i < 5; i += 1) expect((await worker.api.get('/api/users/1')).status()).toBe(403);

    await fillLogin(page, 'secadmin', PASSWORD);
    await page.getByRole('link', { name: '安全管理' }).first().click();
    await page.waitForURL(/\/security$/);
    await shown(page.getByTestId('security-page'));
    // Not the system admin's desk: no user management for the security admin.
    expect(await page.getByRole('link', { name: '用户管理' }).count()).toBe(0);

    const probing = page.getByTestId('security-probing');
    await shown(probing.getByText('zb_worker'));
    await shown(probing.getByText('反复探测'));

    const locked = page.getByTestId('security-locked');
    await shown(locked.getByText('pcs_staff'));
    const sessions = page.getByTestId('security-sessions');
    await shown(sessions.getByText('@zb_worker'));
    await shown(sessions.getByText(/Chrome 126 · Android/));
    await screenshot(page, 'security-desk-desktop');

    // The failed sign-ins of the locked account, from the audit trail.
    await locked.getByRole('button', { name: '登录失败记录' }).first().click();
    await shown(page.getByText('pcs_staff 的登录失败记录'));
    await shown(page.getByText('失败次数达到上限，账号被锁定'));
    await page.keyboard.press('Escape');

    await locked.getByRole('button', { name: /解\s*锁/ }).click();
    await page.getByRole('button', { name: /^确\s*定$/ }).click();
    await shown(page.getByText('已解锁 pcs_staff'));
    await shown(locked.getByText('当前没有被锁定的账号'));
    const staff = await device(origin, 'pcs_staff');
    expect(staff.status).toBe(200);

    const row = sessions.locator('tr', { hasText: '@zb_worker' });
    await row.getByRole('button', { name: '强制下线' }).click();
    await page.getByRole('button', { name: /^确\s*定$/ }).click();
    await shown(page.getByText('已让 zb_worker 下线'));
    expect((await worker.api.get('/api/auth/me')).status()).toBe(401);
    await screenshot(page, 'security-desk-after-desktop');

    // The policy, with the contract's bounds checked as the user types.
    const policy = page.getByTestId('security-policy');
    await policy.getByRole('button', { name: '修改策略' }).click();
    const attempts = page.getByLabel('连续失败次数（达到即锁定）');
    await attempts.fill('0');
    await shown(page.getByText('失败次数至少 1 次'));
    await attempts.fill('4');
    await page.getByRole('button', { name: /^保\s*存$/ }).click();
    await shown(page.getByText('策略已保存'));
    await shown(policy.getByText('连续失败 4 次锁定 15 分钟'));
    await Promise.all([worker.api.dispose(), staff.api.dispose()]);
  });

  it('the auditor reads the trail in Chinese, picks an actor by name, and sees the refused requests', async () => {
    const { page } = await journey.open();
    await page.goto('/login');
    await fillLogin(page, 'auditor', PASSWORD);
    await page.waitForURL(/\/audit/);
    const audit = page.getByTestId('audit-page');
    await shown(audit.locator('.ant-table-row').first());
    // Labels, not the raw words the server stores.
    await shown(audit.getByText('强制下线'));
    await shown(audit.getByText('解锁账号'));
    expect(await audit.locator('td', { hasText: /^user$/ }).count()).toBe(0);

    await audit.getByTestId('audit-actor-filter').click();
    await page.keyboard.type('zb_worker');
    await page.locator('.ant-select-item-option', { hasText: 'zb_worker' }).first().click();
    await page.waitForURL(/actorId=\d+/);
    await shown(audit.getByText('越权访问被拒'));
    await shown(audit.getByText('GET /api/users/:id'));
    await screenshot(page, 'audit-log-desktop');
  });

  it('on a phone the audit log is a list of cards', async () => {
    const { page } = await journey.open({ phone: true });
    await page.goto('/login');
    await fillLogin(page, 'auditor', PASSWORD);
    await page.waitForURL(/\/audit/);
    await shown(page.getByTestId('audit-card').first());
    expect(await page.locator('.ant-table').count()).toBe(0);
    await shown(page.getByText('账号').first());
    await screenshot(page, 'audit-log-phone');
  });

  it('on a phone the security desk fits the screen', async () => {
    const { page } = await journey.open({ phone: true });
    await page.goto('/login');
    await fillLogin(page, 'secadmin', PASSWORD);
    await page.waitForURL(/\/dashboard|\/security/);
    await page.goto('/security');
    await shown(page.getByTestId('security-sessions').getByText('@secadmin'));
    await screenshot(page, 'security-desk-phone');
  });
});
