import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAs, userIdByName, type Session, type TestApp } from '../../test/harness.ts';

// Issue 7, fault 8: bad input answered 500 (NUL in a JSON string, ids past the 8-byte range) or
// stored wrong (a GBK body read as UTF-8). All are clear 4xx now, or decoded as declared.
let t: TestApp;
let admin: Session;
beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAs(t.app, 'zb_admin');
});
afterAll(async () => t?.close());

const gbk = (text: string) => Buffer.from(new Uint8Array([...text].flatMap((ch) => GBK[ch] ?? [ch.charCodeAt(0)])));
// The GBK bytes of the few characters used here (checked against Node's own GB18030 decoder below).
const GBK: Record<string, number[]> = { 王: [0xcd, 0xf5], 小: [0xd0, 0xa1], 明: [0xc3, 0xf7] };

describe('NUL in JSON strings', () => {
  it('is a 400 naming the field, on the public login and on a signed-in write', async () => {
    const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username":"zb\\u0000admin","password":"x"}' });
    expect(login.statusCode).toBe(400);
    expect(login.json().error.code).toBe('validation_failed');
    expect(login.json().error.details.fields).toHaveProperty('username');

    const id = await userIdByName(t.database, 'zb_worker');
    const patch = await t.app.inject({ method: 'PATCH', url: `/api/users/${id}`, headers: { ...admin.headers, 'content-type': 'application/json' }, payload: '{"displayName":"刘\\u0000芳"}' });
    expect(patch.statusCode).toBe(400);
    expect(patch.json().error.details.fields).toHaveProperty('displayName');
  });

  it('in the URL (%00) is a 400', async () => {
    const res = await t.app.inject({ url: '/api/users?q=%00abc', headers: { cookie: admin.cookie } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('validation_failed');
  });
});

describe('ids and pages past the database range', () => {
  it('are 400s, not 500s', async () => {
    for (const url of ['/api/areas/boundaries?ids=99999999999999999999', '/api/areas/boundaries?ids=1,99999999999999999999', '/api/areas/99999999999999999999', '/api/users?page=99999999999999999999']) {
      const res = await t.app.inject({ url, headers: { cookie: admin.cookie } });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
    }
    const sec = await loginAs(t.app, 'secadmin');
    const sessions = await t.app.inject({ url: '/api/security/sessions?userId=99999999999999999999', headers: { cookie: sec.cookie } });
    expect(sessions.statusCode).toBe(400);
  });
});

describe('declared charset of a JSON body', () => {
  it('GBK is decoded as GBK', async () => {
    expect(new TextDecoder('gbk').decode(gbk('王小明'))).toBe('王小明');
    const id = await userIdByName(t.database, 'zb_worker');
    const body = Buffer.concat([Buffer.from('{"displayName":"'), gbk('王小明'), Buffer.from('"}')]);
    const res = await t.app.inject({ method: 'PATCH', url: `/api/users/${id}`, headers: { ...admin.headers, 'content-type': 'application/json; charset=GBK' }, payload: body });
    expect(res.statusCode, res.body).toBe(200);
    const row = await t.database.db.selectFrom('users').select('display_name').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.display_name).toBe('王小明');
  });

  it('an unknown charset is 415, bytes invalid in the declared one are 400', async () => {
    const latin = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json; charset=shift_jis' }, payload: '{"username":"a","password":"b"}' });
    expect(latin.statusCode).toBe(415);
    expect(latin.json().error.code).toBe('unsupported_media_type');
    const broken = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: Buffer.from([0x7b, 0x22, 0x75, 0xff, 0xfe, 0x22, 0x7d]) });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.code).toBe('malformed_json');
  });

  it('keeps Fastify\'s refusal of prototype poisoning and of empty or malformed bodies', async () => {
    const poisoned = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"__proto__":{"x":1},"username":"a","password":"b"}' });
    expect(poisoned.statusCode).toBe(400);
    const empty = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('malformed_json');
  });
});
