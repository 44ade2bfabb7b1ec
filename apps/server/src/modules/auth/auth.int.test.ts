import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAs, userIdByName, type TestApp } from '../../../test/harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

const login = (username: string, password: string) =>
  t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });

describe('login', () => {
  it('sets an HttpOnly SameSite=Lax session cookie and returns the user with roles and permissions', async () => {
    const res = await login('zb_worker', 'Redgrid@2026');
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'rg_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');
    expect(cookie?.secure).toBeFalsy();
    const body = res.json();
    expect(body.user.displayName).toBe('刘芳');
    expect(body.user.roles).toEqual([expect.objectContaining({ role: 'grid_worker', areaCode: '320412001001' })]);
    expect(body.user.permissions).toContain('area.read');
    expect(body.user.permissions).not.toContain('user.read');
    expect(body.csrfToken.length).toBeGreaterThan(20);
  });

  it('marks the cookie Secure behind an https proxy', async () => {
    const proxied = await createTestApp({ trustProxy: 1 }, { seed: true });
    try {
      const res = await proxied.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'x-forwarded-proto': 'https' },
        payload: { username: 'zb_worker', password: 'Redgrid@2026' },
      });
      expect(res.cookies.find((c) => c.name === 'rg_session')?.secure).toBe(true);
    } finally {
      await proxied.close();
    }
  });

  it('answers a wrong password and an unknown user the same way', async () => {
    const wrong = await login('zb_worker', 'nope-Nope-1');
    const unknown = await login('nobody', 'nope-Nope-1');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('invalid_credentials');
    expect(unknown.json().error.message).toBe(wrong.json().error.message);
    expect(wrong.json().error.requestId).toEqual(expect.any(String));
  });

  it('locks the account for 15 minutes after 5 failures, even against the right password', async () => {
    for (let i = 0; i < 4; i += 1) expect((await login('dy_member', 'Wrong-pass-1')).statusCode).toBe(401);
    const fifth = await login('dy_member', 'Wrong-pass-1');
    expect(fifth.statusCode).toBe(423);
    expect(fifth.json().error.code).toBe('account_locked');
    expect((await login('dy_member', 'Redgrid@2026')).statusCode).toBe(423);
    t.clock.advanceMinutes(14);
    expect((await login('dy_member', 'Redgrid@2026')).statusCode).toBe(423);
    t.clock.advanceMinutes(2);
    expect((await login('dy_member', 'Redgrid@2026')).statusCode).toBe(200);
    const audit = await t.database.db.selectFrom('audit_log').select('action').where('actor_name', '=', 'dy_member').execute();
    expect(audit.map((a) => a.action)).toEqual(['login_failed', 'login_failed', 'login_failed', 'login_failed', 'lock', 'login']);
  });

  it('rejects unknown fields and malformed JSON with field-level errors', async () => {
    const extra = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'a', password: 'b', remember: true } });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().error.details.fields).toHaveProperty('remember');
    const bad = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username":' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('malformed_json');
    const missing = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'a' } });
    expect(missing.json().error.details.fields).toHaveProperty('password');
  });
});

describe('session', () => {
  it('ends after 30 idle minutes but not while in use', async () => {
    const s = await loginAs(t.app, 'zb_admin');
    t.clock.advanceMinutes(20);
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie: s.cookie } })).statusCode).toBe(200);
    t.clock.advanceMinutes(20);
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie: s.cookie } })).statusCode).toBe(200);
    t.clock.advanceMinutes(31);
    const expired = await t.app.inject({ url: '/api/auth/me', headers: { cookie: s.cookie } });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.code).toBe('session_expired');
  });

  it('refuses a cookie-authenticated write without the CSRF token', async () => {
    const s = await loginAs(t.app, 'zb_admin');
    const res = await t.app.inject({ method: 'PATCH', url: '/api/users/1', headers: { cookie: s.cookie }, payload: { displayName: 'x' } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('csrf_failed');
    const wrong = await t.app.inject({ method: 'PATCH', url: '/api/users/1', headers: { cookie: s.cookie, 'x-csrf-token': 'forged' }, payload: { displayName: 'x' } });
    expect(wrong.json().error.code).toBe('csrf_failed');
  });

  it('answers the console\'s session probe with 200 whether or not anyone is signed in', async () => {
    const nobody = await t.app.inject({ url: '/api/auth/session' });
    expect(nobody.statusCode).toBe(200);
    expect(nobody.json()).toEqual({ session: null });
    const unknown = await t.app.inject({ url: '/api/auth/session', headers: { cookie: 'rg_session=not-a-session' } });
    expect(unknown.statusCode).toBe(200);
    expect(unknown.json()).toEqual({ session: null });
    const s = await loginAs(t.app, 'zb_worker');
    const signedIn = await t.app.inject({ url: '/api/auth/session', headers: { cookie: s.cookie } });
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json().session.user.username).toBe('zb_worker');
    expect(signedIn.json().session.csrfToken).toBe(s.body.csrfToken);
    await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: s.headers });
    expect((await t.app.inject({ url: '/api/auth/session', headers: { cookie: s.cookie } })).json()).toEqual({ session: null });
  });

  it('logs out: the cookie no longer works', async () => {
    const s = await loginAs(t.app, 'zb_leader');
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: s.headers })).statusCode).toBe(204);
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie: s.cookie } })).statusCode).toBe(401);
  });

  it('needs a session for every non-public API route', async () => {
    for (const url of ['/api/auth/me', '/api/users', '/api/areas/roots', '/api/areas/1', '/api/audit']) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBe(401);
      expect(res.json().error.code).toBe('unauthenticated');
    }
  });
});

describe('password change', () => {
  it('enforces the policy and keeps the current session', async () => {
    const s = await loginAs(t.app, 'pcs_staff');
    const weak = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: s.headers, payload: { currentPassword: 'Redgrid@2026', newPassword: 'abcdefgh' } });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.code).toBe('weak_password');
    expect(weak.json().error.details.fields.newPassword[0]).toContain('至少 3 类');
    const wrongCurrent = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: s.headers, payload: { currentPassword: 'Nope-123x', newPassword: 'Better#Pass9' } });
    expect(wrongCurrent.json().error.details.fields).toHaveProperty('currentPassword');
    const ok = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: s.headers, payload: { currentPassword: 'Redgrid@2026', newPassword: 'Better#Pass9' } });
    expect(ok.statusCode).toBe(204);
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie: s.cookie } })).statusCode).toBe(200);
    expect((await login('pcs_staff', 'Redgrid@2026')).statusCode).toBe(401);
    expect((await login('pcs_staff', 'Better#Pass9')).statusCode).toBe(200);
  });

  it('is one\'s own business, not a matter of scope: an account with no roles left still changes its password and signs out', async () => {
    const id = await userIdByName(t.database, 'lsh_worker');
    await t.database.db.deleteFrom('role_assignments').where('user_id', '=', id).execute();
    const s = await loginAs(t.app, 'lsh_worker');
    expect(s.body.user.roles).toEqual([]);
    const changed = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: s.headers, payload: { currentPassword: 'Redgrid@2026', newPassword: 'Better#Pass9' } });
    expect(changed.statusCode).toBe(204);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: s.headers })).statusCode).toBe(204);
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie: s.cookie } })).statusCode).toBe(401);
  });
});
