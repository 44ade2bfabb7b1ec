import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { areaIdByCode, createTestApp, loginAs, userIdByName, type Session, type TestApp } from '../../../test/harness.ts';

let t: TestApp;
let qsy: Session;
let zbArea: number;
let hyArea: number;

beforeAll(async () => {
  t = await createTestApp();
  qsy = await loginAs(t.app, 'qsy_admin');
  zbArea = await areaIdByCode(t.database, '320412001001');
  hyArea = await areaIdByCode(t.database, '320412001004');
});
afterAll(async () => t?.close());

const create = (payload: Record<string, unknown>, session = qsy) =>
  t.app.inject({ method: 'POST', url: '/api/users', headers: session.headers, payload });

describe('creating an account', () => {
  it('stores the phone encrypted, shows it masked, finds it by exact number, and audits the creation', async () => {
    const res = await create({
      username: 'hy_worker1',
      displayName: '吴小梅',
      password: 'Grid#2026abc',
      phone: '13912345678',
      homeAreaId: hyArea,
      roles: [{ role: 'grid_worker', areaId: hyArea }],
    });
    expect(res.statusCode).toBe(201);
    const user = res.json();
    expect(user).toMatchObject({ username: 'hy_worker1', phoneMasked: '139****5678', homeAreaName: '河苑社区居民委员会' });
    expect(user.roles).toEqual([expect.objectContaining({ role: 'grid_worker', areaCode: '320412001004' })]);
    expect(user.abilities).toEqual({ update: true, assignRoles: true, resetPassword: true, revealPhone: true });

    const raw = await sql<{ row: string }>`SELECT row_to_json(u)::text AS row FROM users u WHERE username = 'hy_worker1'`.execute(t.database.db);
    expect(raw.rows[0]?.row).not.toContain('13912345678');
    expect(raw.rows[0]?.row).toContain('sm4:');

    const found = (await t.app.inject({ url: '/api/users?q=13912345678', headers: qsy.headers })).json();
    expect(found.items.map((u: { username: string }) => u.username)).toEqual(['hy_worker1']);

    const audit = await t.database.db.selectFrom('audit_log').selectAll().where('entity', '=', 'user').where('entity_id', '=', String(user.id)).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'create', actor_name: 'qsy_admin', area_id: hyArea });
    expect(JSON.stringify(audit[0]?.after)).not.toContain('13912345678');
  });

  it('names each bad field, and writes nothing when any part is wrong', async () => {
    const count = async () => (await t.database.db.selectFrom('users').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n;
    const before = await count();
    const bad = await create({ username: '1x', displayName: '', password: 'short', phone: '12345', homeAreaId: 'abc', roles: [{ role: 'emperor', areaId: 1 }] });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.details.fields)).toEqual(expect.arrayContaining(['username', 'displayName', 'phone', 'homeAreaId', 'roles.0.role']));
    const weak = await create({ username: 'weakling', displayName: '弱', password: 'alllowercase', homeAreaId: hyArea });
    expect(weak.json().error.code).toBe('weak_password');
    // A valid account with one role outside the caller's scope: nothing at all is written.
    const lsh = await areaIdByCode(t.database, '320412002002');
    const partial = await create({ username: 'partial', displayName: '部分', password: 'Grid#2026abc', homeAreaId: hyArea, roles: [{ role: 'grid_worker', areaId: hyArea }, { role: 'grid_worker', areaId: lsh }] });
    expect(partial.statusCode).toBe(400);
    expect(await count()).toBe(before);
  });

  it('refuses a taken username (case-insensitive) with 409', async () => {
    const res = await create({ username: 'ZB_Worker', displayName: '重名', password: 'Grid#2026abc', homeAreaId: zbArea });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.details.fields).toHaveProperty('username');
  });

  it('rejects bad ids in the path', async () => {
    for (const id of ['abc', '0', '-1', '1.5', '99999999999999999999']) {
      const res = await t.app.inject({ url: `/api/users/${id}`, headers: qsy.headers });
      expect(res.statusCode, id).toBe(400);
      expect(res.json().error.details.fields).toHaveProperty('id');
    }
  });
});

describe('changing an account', () => {
  it('updates, audits before/after, and disabling ends the sessions', async () => {
    const worker = await loginAs(t.app, 'zb_worker');
    const id = await userIdByName(t.database, 'zb_worker');
    const res = await t.app.inject({ method: 'PATCH', url: `/api/users/${id}`, headers: qsy.headers, payload: { displayName: '刘芳芳', disabled: true } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ displayName: '刘芳芳', disabled: true });
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie: worker.cookie } })).statusCode).toBe(401);
    const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'zb_worker', password: 'Redgrid@2026' } });
    expect(login.json().error.code).toBe('account_disabled');
    const row = await t.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'update').where('entity_id', '=', String(id)).executeTakeFirstOrThrow();
    expect(row.before).toMatchObject({ displayName: '刘芳', disabled: false });
    expect(row.after).toMatchObject({ displayName: '刘芳芳', disabled: true });
    await t.app.inject({ method: 'PATCH', url: `/api/users/${id}`, headers: qsy.headers, payload: { displayName: '刘芳', disabled: false } });
  });

  it('lifts a lockout on request, and audits it', async () => {
    for (let i = 0; i < 5; i += 1) await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'zb_leader', password: 'Wrong#pass1' } });
    const id = await userIdByName(t.database, 'zb_leader');
    expect((await t.app.inject({ url: `/api/users/${id}`, headers: qsy.headers })).json().lockedUntil).not.toBeNull();
    const res = await t.app.inject({ method: 'PATCH', url: `/api/users/${id}`, headers: qsy.headers, payload: { unlock: true } });
    expect(res.json().lockedUntil).toBeNull();
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'zb_leader', password: 'Redgrid@2026' } })).statusCode).toBe(200);
    const audit = await t.database.db.selectFrom('audit_log').select('action').where('entity_id', '=', String(id)).orderBy('id', 'desc').limit(2).execute();
    expect(audit.map((a) => a.action)).toContain('unlock');
  });

  it('replaces only the roles the caller controls', async () => {
    const id = await userIdByName(t.database, 'zb_leader');
    const res = await t.app.inject({ method: 'PUT', url: `/api/users/${id}/roles`, headers: qsy.headers, payload: { roles: [{ role: 'grid_leader', areaId: hyArea }] } });
    expect(res.statusCode).toBe(200);
    expect(res.json().roles.map((r: { role: string; areaCode: string }) => `${r.role}@${r.areaCode}`)).toEqual(['grid_leader@320412001004']);
  });

  it('cannot touch an account that outranks the caller', async () => {
    const sec = await userIdByName(t.database, 'admin');
    const jk = await loginAs(t.app, 'jk_admin');
    // admin's home is the province: outside the district admin's scope, so it is not even visible.
    expect((await t.app.inject({ method: 'POST', url: `/api/users/${sec}/reset-password`, headers: jk.headers, payload: { newPassword: 'Abcdef#123' } })).statusCode).toBe(404);
  });

  it('resets a password: old sessions end and the next login must change it', async () => {
    const id = await userIdByName(t.database, 'dy_member');
    const member = await loginAs(t.app, 'dy_member');
    const res = await t.app.inject({ method: 'POST', url: `/api/users/${id}/reset-password`, headers: qsy.headers, payload: { newPassword: 'Temp#Pass2026' } });
    expect(res.statusCode).toBe(204);
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie: member.cookie } })).statusCode).toBe(401);
    const again = await loginAs(t.app, 'dy_member', 'Temp#Pass2026');
    expect(again.body.user.mustChangePassword).toBe(true);
    const blocked = await t.app.inject({ url: '/api/areas/roots', headers: again.headers });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.details).toEqual({ mustChangePassword: true });
    await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: again.headers, payload: { currentPassword: 'Temp#Pass2026', newPassword: 'Mine#Pass2026' } });
    expect((await t.app.inject({ url: '/api/areas/roots', headers: again.headers })).statusCode).toBe(200);
  });
});

describe('revealing a phone number', () => {
  it('returns the full number to a community admin and records the read', async () => {
    const zb = await loginAs(t.app, 'zb_admin');
    const id = await userIdByName(t.database, 'zb_leader');
    const res = await t.app.inject({ method: 'POST', url: `/api/users/${id}/reveal-phone`, headers: zb.headers });
    expect(res.json()).toEqual({ phone: '13915000013' });
    const row = await t.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'read_sensitive').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ actor_name: 'zb_admin', entity: 'user', entity_id: String(id) });
    expect(row.after).toEqual({ fields: ['phone'] });
  });

  it('is refused to the system admin (duties are separated)', async () => {
    const admin = await loginAs(t.app, 'admin');
    const id = await userIdByName(t.database, 'zb_leader');
    expect((await t.app.inject({ method: 'POST', url: `/api/users/${id}/reveal-phone`, headers: admin.headers })).statusCode).toBe(403);
  });
});
