import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { areaIdByCode, createTestApp, loginAs, userIdByName, type Session, type TestApp } from '../../../test/harness.ts';

// 三权分立 (issue 7, fault 4): the audit admin reads the audit trail and nothing else.
let t: TestApp;
let auditor: Session;
beforeAll(async () => {
  t = await createTestApp();
  auditor = await loginAs(t.app, 'auditor');
});
afterAll(async () => t?.close());

describe('the audit admin', () => {
  it('holds audit.read only', () => {
    expect(auditor.body.user.permissions).toEqual(['audit.read']);
  });

  it('gets 403 on area, map, division library and account endpoints', async () => {
    const community = await areaIdByCode(t.database, '320412001001');
    const user = await userIdByName(t.database, 'zb_worker');
    const urls = [
      '/api/areas/roots',
      '/api/areas',
      `/api/areas/${community}`,
      `/api/areas/${community}/history`,
      `/api/areas/${community}/coverage`,
      `/api/areas/${community}/balance`,
      `/api/areas/boundaries?parentId=${community}`,
      '/api/areas/locate?lng=119.99&lat=31.77',
      '/api/tiles/areas/12/3412/1660',
      '/api/divisions/editions',
      '/api/users',
      `/api/users/${user}`,
    ];
    for (const url of urls) {
      const res = await t.app.inject({ url, headers: { cookie: auditor.cookie } });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    }
  });

  it('still reads the audit trail', async () => {
    const res = await t.app.inject({ url: '/api/audit', headers: { cookie: auditor.cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.json().items.length).toBeGreaterThan(0);
  });

  it('filters the trail by actor id, checked like every id (the shared id message, past the id range included)', async () => {
    const admin = await userIdByName(t.database, 'auditor');
    const mine = (await t.app.inject({ url: `/api/audit?actorId=${admin}`, headers: { cookie: auditor.cookie } })).json();
    expect(mine.items.every((i: { actorId: number | null }) => i.actorId === admin)).toBe(true);
    const past = await t.app.inject({ url: '/api/audit?actorId=99999999999999999999', headers: { cookie: auditor.cookie } });
    expect(past.statusCode).toBe(400);
    expect(new Set(past.json().error.details.fields.actorId)).toEqual(new Set(['必须是正整数 id']));
    const zero = await t.app.inject({ url: '/api/audit?actorId=0', headers: { cookie: auditor.cookie } });
    expect(zero.json().error.details.fields.actorId).toEqual(['必须是正整数 id']);
  });
});
