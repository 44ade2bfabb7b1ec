import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { areaIdByCode, createTestApp, loginAs, userIdByName, type Session, type TestApp } from '../../test/harness.ts';

/**
 * The scope guarantee between two communities of one district, told as stories. The walk over every
 * operation × role (403 without the permission, 404 outside the scope) is generated in
 * route-scope.int.test.ts; these keep what it cannot say: which roots and breadcrumbs a worker sees,
 * and which field a cross-community write names. Out-of-scope records answer 404 (their
 * existence is not revealed), forbidden actions 403, and nothing changes in the database.
 */
let t: TestApp;
let zbWorker: Session;
let zbAdmin: Session;
let lshWorker: Session;
let ids: { zb: number; lsh: number; dingyan: number; qishuyan: number; lshWorker: number; zbWorker: number; admin: number };

beforeAll(async () => {
  t = await createTestApp();
  zbWorker = await loginAs(t.app, 'zb_worker');
  zbAdmin = await loginAs(t.app, 'zb_admin');
  lshWorker = await loginAs(t.app, 'lsh_worker');
  ids = {
    zb: await areaIdByCode(t.database, '320412001001'),
    lsh: await areaIdByCode(t.database, '320412002002'),
    dingyan: await areaIdByCode(t.database, '320412002000'),
    qishuyan: await areaIdByCode(t.database, '320412001000'),
    lshWorker: await userIdByName(t.database, 'lsh_worker'),
    zbWorker: await userIdByName(t.database, 'zb_worker'),
    admin: await userIdByName(t.database, 'admin'),
  };
});
afterAll(async () => t?.close());

async function snapshot() {
  const db = t.database.db;
  return JSON.stringify([
    await db.selectFrom('users').selectAll().orderBy('id').execute(),
    await db.selectFrom('role_assignments').selectAll().orderBy('id').execute(),
    await db.selectFrom('areas').selectAll().orderBy('id').execute(),
  ]);
}

describe('a grid worker of 站北社区', () => {
  it('sees its own community as the root of its scope', async () => {
    const roots = (await t.app.inject({ url: '/api/areas/roots', headers: zbWorker.headers })).json();
    expect(roots.map((a: { code: string }) => a.code)).toEqual(['320412001001']);
    const own = await t.app.inject({ url: `/api/areas/${ids.zb}`, headers: zbWorker.headers });
    expect(own.statusCode).toBe(200);
    expect(own.json().ancestors.map((a: { name: string }) => a.name)).toEqual(['江苏省', '常州市', '常州经开区', '戚墅堰街道']);
  });

  it('cannot read another community, its street, or find it by search', async () => {
    for (const id of [ids.lsh, ids.dingyan, ids.qishuyan]) {
      const res = await t.app.inject({ url: `/api/areas/${id}`, headers: zbWorker.headers });
      expect(res.statusCode, `area ${id}`).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
    expect((await t.app.inject({ url: `/api/areas?parentId=${ids.dingyan}`, headers: zbWorker.headers })).json()).toEqual([]);
    expect((await t.app.inject({ url: `/api/areas?q=${encodeURIComponent('蓝山湖')}`, headers: zbWorker.headers })).json()).toEqual([]);
    expect((await t.app.inject({ url: '/api/areas?q=320412002', headers: zbWorker.headers })).json()).toEqual([]);
  });
});

describe('the admin of 站北社区', () => {
  it('lists only accounts whose home is in 站北社区', async () => {
    const page = (await t.app.inject({ url: '/api/users?pageSize=100', headers: zbAdmin.headers })).json();
    expect(page.items.map((u: { username: string }) => u.username).sort()).toEqual(['dy_member', 'zb_admin', 'zb_g1_worker', 'zb_leader', 'zb_worker']);
    expect(page.total).toBe(5);
    const filtered = await t.app.inject({ url: `/api/users?areaId=${ids.lsh}`, headers: zbAdmin.headers });
    expect(filtered.statusCode).toBe(404);
  });

  it('gets 404 for every action on an account of another community, and nothing changes', async () => {
    const before = await snapshot();
    const attempts = [
      { method: 'GET', url: `/api/users/${ids.lshWorker}` },
      { method: 'PATCH', url: `/api/users/${ids.lshWorker}`, payload: { displayName: '改名' } },
      { method: 'PATCH', url: `/api/users/${ids.lshWorker}`, payload: { disabled: true } },
      { method: 'PUT', url: `/api/users/${ids.lshWorker}/roles`, payload: { roles: [{ role: 'grid_worker', areaId: ids.zb }] } },
      { method: 'POST', url: `/api/users/${ids.lshWorker}/reset-password`, payload: { newPassword: 'Abcdef#123' } },
      { method: 'POST', url: `/api/users/${ids.lshWorker}/reveal-phone` },
      { method: 'GET', url: `/api/users/${ids.admin}` },
    ] as const;
    for (const a of attempts) {
      const res = await t.app.inject({ method: a.method, url: a.url, headers: zbAdmin.headers, ...('payload' in a ? { payload: a.payload } : {}) });
      expect(res.statusCode, `${a.method} ${a.url}`).toBe(404);
    }
    expect(await snapshot()).toBe(before);
  });

  it('cannot create an account in another community or grant a role there', async () => {
    const before = await snapshot();
    const elsewhere = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: zbAdmin.headers,
      payload: { username: 'outsider', displayName: '外人', password: 'Abcdef#123', homeAreaId: ids.lsh },
    });
    expect(elsewhere.statusCode).toBe(400);
    expect(elsewhere.json().error.details.fields).toHaveProperty('homeAreaId');
    const roleElsewhere = await t.app.inject({
      method: 'PUT',
      url: `/api/users/${ids.zbWorker}/roles`,
      headers: zbAdmin.headers,
      payload: { roles: [{ role: 'grid_worker', areaId: ids.zb }, { role: 'grid_worker', areaId: ids.lsh }] },
    });
    expect(roleElsewhere.statusCode).toBe(400);
    expect(roleElsewhere.json().error.details.fields).toHaveProperty(['roles.1.areaId']);
    const escalate = await t.app.inject({
      method: 'PUT',
      url: `/api/users/${ids.zbWorker}/roles`,
      headers: zbAdmin.headers,
      payload: { roles: [{ role: 'system_admin', areaId: ids.zb }] },
    });
    expect(escalate.statusCode).toBe(400);
    expect(escalate.json().error.details.fields).toHaveProperty(['roles.0.role']);
    expect(await snapshot()).toBe(before);
  });
});

describe('the other grid worker', () => {
  it('cannot read 站北社区 either', async () => {
    expect((await t.app.inject({ url: `/api/areas/${ids.zb}`, headers: lshWorker.headers })).statusCode).toBe(404);
    expect((await t.app.inject({ url: `/api/areas/${ids.lsh}`, headers: lshWorker.headers })).statusCode).toBe(200);
  });
});
