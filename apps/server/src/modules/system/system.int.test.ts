import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAs, type TestApp } from '../../../test/harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ bodyLimitBytes: 4096 });
});
afterAll(async () => t?.close());

describe('system endpoints', () => {
  it('reports database reachability on /api/health', async () => {
    const res = await t.app.inject({ url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', db: { ok: true, engine: t.database.kind } });
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
  });

  it('publishes OpenAPI 3.1 generated from the shared schemas, and a browsable reference', async () => {
    const spec = (await t.app.inject({ url: '/api/openapi.json' })).json();
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/users', '/api/users/{id}/roles', '/api/areas/{id}', '/api/audit']));
    expect(spec.paths['/api/users'].post.requestBody.content['application/json'].schema).toBeDefined();
    const docs = await t.app.inject({ url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toContain('text/html');
  });

  it('exposes Prometheus metrics with request durations by route', async () => {
    await t.app.inject({ url: '/api/health' });
    const res = await t.app.inject({ url: '/metrics' });
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(/redgrid_http_request_duration_seconds_count\{method="GET",route="\/api\/health",status="200"\} \d+/);
  });

  it('answers unknown API routes with the error shape', async () => {
    const res = await t.app.inject({ url: '/api/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({ code: 'not_found', requestId: expect.any(String), details: null });
  });

  it('keeps a caller-supplied request id', async () => {
    const res = await t.app.inject({ url: '/api/nope', headers: { 'x-request-id': 'req-abcdef12' } });
    expect(res.json().error.requestId).toBe('req-abcdef12');
  });

  it('refuses an oversized body with 413 and a non-JSON body with 415, writing nothing', async () => {
    const s = await loginAs(t.app, 'admin');
    const before = await t.database.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const big = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: { ...s.headers, 'content-type': 'application/json' },
      payload: JSON.stringify({ username: 'bigbody', displayName: 'x'.repeat(5000), password: 'Abcdef#123', homeAreaId: 1 }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('payload_too_large');
    const text = await t.app.inject({ method: 'POST', url: '/api/users', headers: { ...s.headers, 'content-type': 'text/plain' }, payload: 'hello' });
    expect(text.statusCode).toBe(415);
    const after = await t.database.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('says DEMO and lists demo accounts in demo mode only', async () => {
    const meta = (await t.app.inject({ url: '/api/meta' })).json();
    expect(meta.mode).toBe('demo');
    expect(meta.demoAccounts).toEqual(expect.arrayContaining([expect.objectContaining({ username: 'admin', password: 'Redgrid@2026' })]));
  });
});

describe('production mode', () => {
  it('shows no demo accounts', async () => {
    const prod = await createTestApp({ mode: 'production' }, { seed: false });
    try {
      expect((await prod.app.inject({ url: '/api/meta' })).json()).toMatchObject({ mode: 'production', demoAccounts: null });
    } finally {
      await prod.close();
    }
  });
});
