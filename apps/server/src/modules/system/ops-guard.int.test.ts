import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAs, type TestApp } from '../../../test/harness.ts';

// Issue 7, fault 9: /metrics and the API reference were open without login in production; slow or
// incomplete requests held a connection for over 75 s.
const METRICS_TOKEN = 'm'.repeat(40);
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ mode: 'production', metricsToken: METRICS_TOKEN, timeouts: { headersMs: 1_000, requestMs: 2_000, socketMs: 5_000 } });
});
afterAll(async () => t?.close());

describe('operational endpoints in production', () => {
  it('need a login: /metrics, /api/docs and the OpenAPI document', async () => {
    for (const url of ['/metrics', '/api/docs', '/api/docs/', '/api/docs/json', '/api/openapi.json']) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBe(401);
      expect(res.json().error.code).toBe('unauthenticated');
    }
    const s = await loginAs(t.app, 'zb_worker');
    expect((await t.app.inject({ url: '/api/openapi.json', headers: { cookie: s.cookie } })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/docs/', headers: { cookie: s.cookie } })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/metrics', headers: { cookie: s.cookie } })).statusCode).toBe(200);
  });

  it('/metrics opens to the scraper token, and only to the right one', async () => {
    expect((await t.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${'x'.repeat(40)}` } })).statusCode).toBe(401);
  });

  it('stay open in demo mode', async () => {
    const demo = await createTestApp({}, { seed: false });
    try {
      expect((await demo.app.inject({ url: '/metrics' })).statusCode).toBe(200);
      expect((await demo.app.inject({ url: '/api/openapi.json' })).statusCode).toBe(200);
    } finally {
      await demo.close();
    }
  });
});

describe('slow clients', () => {
  it('a request whose headers never finish is answered 408 and closed, not held open', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: '));
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString()));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  }, 30_000);
});
