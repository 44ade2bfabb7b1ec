import { describe, expect, it } from 'vitest';
import { buildOutsideDistrict } from '../../../test/factories.ts';
import { loginAs, useTestApp, userIdByName } from '../../../test/harness.ts';

const ctx = useTestApp();

interface ProbingItem {
  username: string;
  recent: number;
  day: number;
  probing: boolean;
}

describe('probing is a security event', () => {
  it('counts a grid worker’s refused look-ups of another district for the security admin, and shows them to the auditor', async () => {
    const { t } = ctx;
    const out = await buildOutsideDistrict(t.database);
    const worker = await loginAs(t.app, 'zb_worker');
    const urls = [
      `/api/areas/${out.grid.id}`,
      `/api/areas/${out.community.id}`,
      `/api/areas/${out.grid.id}/history`,
      `/api/areas/${out.community.id}/coverage`,
      `/api/users/${out.user.id}`, // a permission the worker lacks: 403
    ];
    for (const url of urls) {
      const res = await t.app.inject({ url, headers: worker.headers });
      expect([403, 404], url).toContain(res.statusCode);
    }
    // A path that is no route at all is a typo, not a probe: nothing recorded.
    expect((await t.app.inject({ url: '/api/no-such-thing/1', headers: worker.headers })).statusCode).toBe(404);
    // Nor is anything recorded for someone who is not signed in.
    expect((await t.app.inject({ url: `/api/areas/${out.grid.id}` })).statusCode).toBe(401);

    const sec = await loginAs(t.app, 'secadmin');
    const report = (await t.app.inject({ url: '/api/security/probing', headers: sec.headers })).json<{ threshold: number; windowMinutes: number; items: ProbingItem[] }>();
    expect(report).toMatchObject({ threshold: 5, windowMinutes: 10 });
    const row = report.items.find((i) => i.username === 'zb_worker');
    expect(row).toMatchObject({ recent: 5, day: 5, probing: true });

    const auditor = await loginAs(t.app, 'auditor');
    const workerId = await userIdByName(t.database, 'zb_worker');
    const trail = (await t.app.inject({ url: `/api/audit?action=denied&actorId=${workerId}`, headers: auditor.headers })).json<{
      total: number;
      items: { entity: string; entityId: string | null; objectName: string | null; after: { status: number; route: string } }[];
    }>();
    expect(trail.total).toBe(5);
    expect(trail.items.map((i) => i.after.status).sort()).toEqual([403, 404, 404, 404, 404]);
    expect(trail.items.map((i) => i.objectName)).toContain('GET /api/users/:id');
    // The row names the route and the id asked for, nothing of the outside district.
    expect(JSON.stringify(trail.items)).not.toContain('外省探针');
  });

  it('does not count a refusal that is no record look-up (a bad CSRF token)', async () => {
    const { t } = ctx;
    const sec = await loginAs(t.app, 'secadmin');
    const before = (await t.app.inject({ url: '/api/security/probing', headers: sec.headers })).json<{ items: ProbingItem[] }>();
    const admin = await loginAs(t.app, 'admin');
    // A bad CSRF token is refused, but it is no probe of a record.
    expect((await t.app.inject({ method: 'PATCH', url: '/api/users/1', headers: { cookie: admin.cookie, 'x-csrf-token': 'nope' }, payload: {} })).statusCode).toBe(403);
    const after = (await t.app.inject({ url: '/api/security/probing', headers: sec.headers })).json<{ items: ProbingItem[] }>();
    expect(after.items.find((i) => i.username === 'admin')).toEqual(before.items.find((i) => i.username === 'admin'));
  });

  it('shows the security admin an account’s failed sign-ins', async () => {
    const { t } = ctx;
    for (let i = 0; i < 2; i += 1) await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'lsh_worker', password: 'Wrong#pass1' } });
    const sec = await loginAs(t.app, 'secadmin');
    const id = await userIdByName(t.database, 'lsh_worker');
    const res = await t.app.inject({ url: `/api/security/users/${id}/login-failures`, headers: sec.headers });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ username: string; items: { failedAttempts: number | null; locked: boolean }[] }>();
    expect(body.username).toBe('lsh_worker');
    expect(body.items.map((i) => i.failedAttempts)).toEqual([2, 1]);
    // Not the system admin's to read (三权分立).
    const admin = await loginAs(t.app, 'admin');
    expect((await t.app.inject({ url: `/api/security/users/${id}/login-failures`, headers: admin.headers })).statusCode).toBe(403);
  });
});
