import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAs, userIdByName, type TestApp } from '../../../test/harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('security admin', () => {
  it('sees who is signed in and ends a session', async () => {
    const sec = await loginAs(t.app, 'secadmin');
    const worker = await loginAs(t.app, 'zb_worker');
    const page = (await t.app.inject({ url: '/api/security/sessions', headers: sec.headers })).json();
    const mine = page.items.find((s: { current: boolean }) => s.current);
    expect(mine.username).toBe('secadmin');
    const target = page.items.find((s: { username: string }) => s.username === 'zb_worker');
    expect(target).toBeDefined();
    expect((await t.app.inject({ method: 'DELETE', url: `/api/security/sessions/${target.id}`, headers: sec.headers })).statusCode).toBe(204);
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie: worker.cookie } })).statusCode).toBe(401);
    const audit = await t.database.db.selectFrom('audit_log').select(['action', 'actor_name']).where('action', '=', 'revoke_session').executeTakeFirstOrThrow();
    expect(audit.actor_name).toBe('secadmin');
  });

  it('lists locked accounts and unlocks one', async () => {
    const sec = await loginAs(t.app, 'secadmin');
    for (let i = 0; i < 5; i += 1) await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'pcs_staff', password: 'Wrong#pass1' } });
    const settings = (await t.app.inject({ url: '/api/security/settings', headers: sec.headers })).json();
    expect(settings.lockout).toEqual({ attempts: 5, minutes: 15 });
    expect(settings.lockedAccounts.map((u: { username: string }) => u.username)).toContain('pcs_staff');
    const id = await userIdByName(t.database, 'pcs_staff');
    expect((await t.app.inject({ method: 'POST', url: `/api/security/users/${id}/unlock`, headers: sec.headers })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'pcs_staff', password: 'Redgrid@2026' } })).statusCode).toBe(200);
  });

  it('is the security admin’s alone', async () => {
    for (const who of ['admin', 'auditor', 'zb_admin']) {
      const s = await loginAs(t.app, who);
      expect((await t.app.inject({ url: '/api/security/sessions', headers: s.headers })).statusCode, who).toBe(403);
    }
  });
});

describe('password and lockout policy', () => {
  it('is set by the security admin within the deployment bounds, and holds from the next login and password on', async () => {
    const sec = await loginAs(t.app, 'secadmin');
    const bad = await t.app.inject({ method: 'PUT', url: '/api/security/policy', headers: sec.headers, payload: { passwordPolicy: { minLength: 7, minClasses: 3 }, lockout: { attempts: 3, minutes: 15 } } });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.details.fields)).toEqual(['passwordPolicy.minLength']);
    const admin = await loginAs(t.app, 'admin');
    const policy = { passwordPolicy: { minLength: 12, minClasses: 3 }, lockout: { attempts: 3, minutes: 30 } };
    expect((await t.app.inject({ method: 'PUT', url: '/api/security/policy', headers: admin.headers, payload: policy })).statusCode).toBe(403);

    const res = await t.app.inject({ method: 'PUT', url: '/api/security/policy', headers: sec.headers, payload: policy });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ ...policy, policySetAt: expect.any(String) });

    // Three failures lock now, for 30 minutes.
    for (let i = 0; i < 3; i += 1) await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'dy_member', password: 'Wrong#pass1' } });
    const locked = (await t.app.inject({ url: '/api/security/settings', headers: sec.headers })).json();
    expect(locked.lockedAccounts.map((u: { username: string }) => u.username)).toContain('dy_member');

    // An 11-character password is too short now.
    const id = await userIdByName(t.database, 'zb_worker');
    const reset = await t.app.inject({ method: 'POST', url: `/api/users/${id}/reset-password`, headers: admin.headers, payload: { newPassword: 'Short#Pass1' } });
    expect(reset.statusCode).toBe(400);
    const audit = await t.database.db.selectFrom('audit_log').select(['actor_name', 'after']).where('entity', '=', 'security_policy').executeTakeFirstOrThrow();
    expect(audit.actor_name).toBe('secadmin');
  });
});
