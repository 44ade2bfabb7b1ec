import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAs, userIdByName, type TestApp } from '../../../test/harness.ts';

// Issue 7, fault 9: a password change accepted the previous password and common passwords.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ passwordHistory: 3 });
});
afterAll(async () => t?.close());

describe('changing one\'s password', () => {
  it('refuses any of the last N passwords (the current one included) and accepts an older one again', async () => {
    const s = await loginAs(t.app, 'pcs_staff');
    let current = 'Redgrid@2026';
    const change = async (next: string) => {
      const res = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: s.headers, payload: { currentPassword: current, newPassword: next } });
      if (res.statusCode === 204) current = next;
      return res;
    };
    expect((await change('First#Pass2026')).statusCode).toBe(204);
    expect((await change('Second#Pass2026')).statusCode).toBe(204);
    const back = await change('First#Pass2026');
    expect(back.statusCode).toBe(400);
    expect(back.json().error.code).toBe('weak_password');
    expect(back.json().error.details.fields.newPassword[0]).toContain('最近 3 次');
    expect((await change('Third#Pass2026')).statusCode).toBe(204);
    expect((await change('Second#Pass2026')).statusCode).toBe(400);
    expect((await change('First#Pass2026')).statusCode).toBe(400);
    expect((await change('Fourth#Pass2026')).statusCode).toBe(204);
    // First is now 4 passwords back, out of the last 3: allowed again.
    expect((await change('First#Pass2026')).statusCode).toBe(204);
    const id = await userIdByName(t.database, 'pcs_staff');
    const kept = await t.database.db.selectFrom('password_history').select('password_hash').where('user_id', '=', id).execute();
    expect(kept).toHaveLength(2);
    expect(kept.every((k) => k.password_hash.startsWith('$argon2id$'))).toBe(true);
  });

  it('counts the password an admin reset replaced: the account may not bring it back', async () => {
    // Before the fix, a reset kept no history, so the owner could return to the password it replaced.
    let s = await loginAs(t.app, 'zb_worker');
    const own = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: s.headers, payload: { currentPassword: 'Redgrid@2026', newPassword: 'Own#Pass2026' } });
    expect(own.statusCode).toBe(204);
    const admin = await loginAs(t.app, 'admin');
    const id = await userIdByName(t.database, 'zb_worker');
    const reset = await t.app.inject({ method: 'POST', url: `/api/users/${id}/reset-password`, headers: admin.headers, payload: { newPassword: 'Reset#Pass2026' } });
    expect(reset.statusCode).toBe(204);
    s = await loginAs(t.app, 'zb_worker', 'Reset#Pass2026');
    const back = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: s.headers, payload: { currentPassword: 'Reset#Pass2026', newPassword: 'Own#Pass2026' } });
    expect(back.statusCode).toBe(400);
    expect(back.json().error.details.fields.newPassword[0]).toContain('最近 3 次');
    const fresh = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: s.headers, payload: { currentPassword: 'Reset#Pass2026', newPassword: 'Fresh#Pass2026' } });
    expect(fresh.statusCode).toBe(204);
    const kept = await t.database.db.selectFrom('password_history').select('id').where('user_id', '=', id).execute();
    expect(kept).toHaveLength(2);
  });

  it('refuses common passwords and the published demo password', async () => {
    const s = await loginAs(t.app, 'zb_leader');
    for (const newPassword of ['Aa123456', 'Admin@123', 'Redgrid@2027']) {
      const res = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: s.headers, payload: { currentPassword: 'Redgrid@2026', newPassword } });
      expect(res.statusCode, newPassword).toBe(400);
      expect(res.json().error.details.fields.newPassword.join()).toContain('常见');
    }
  });
});
