import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.ts';

// Login rate limits and the proxy hops we believe (issue 7, faults 2 and 9).
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ loginRateLimit: { perIp: 6, perAccount: 3, windowMinutes: 15 }, trustProxy: 1 });
});
afterAll(async () => t?.close());

const login = (username: string, password: string, from: string) =>
  t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'x-forwarded-for': from }, payload: { username, password } });

describe('login rate limits', () => {
  it('per username: the attempt after the limit is 429 with Retry-After, from any address, right password or not', async () => {
    for (const [i, from] of ['10.1.0.1', '10.1.0.2', '10.1.0.3'].entries()) {
      expect((await login('zb_worker', `Wrong-pass-${i}`, from)).statusCode).toBe(401);
    }
    const limited = await login('zb_worker', 'Redgrid@2026', '10.1.0.4');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json().error.details.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('per username: an unknown name is limited exactly like a real one', async () => {
    const answers = [];
    for (const from of ['10.2.0.1', '10.2.0.2', '10.2.0.3', '10.2.0.4']) answers.push((await login('zb_ghost', 'Wrong-pass-1', from)).statusCode);
    expect(answers).toEqual([401, 401, 401, 429]);
  });

  it('per address: password spraying over many names from one address is cut off', async () => {
    const names = ['jk_admin', 'zb_leader', 'zb_admin', 'pcs_staff', 'dy_member', 'nobody1'];
    for (const name of names) expect((await login(name, 'Wrong-pass-1', '10.3.0.9')).statusCode).toBe(401);
    const next = await login('nobody2', 'Wrong-pass-1', '10.3.0.9');
    expect(next.statusCode).toBe(429);
    expect(next.headers['retry-after']).toBeDefined();
    // Another address is not affected.
    expect((await login('nobody2', 'Wrong-pass-1', '10.3.0.10')).statusCode).toBe(401);
  });
});

describe('X-Forwarded-For', () => {
  it('believes only the configured number of proxy hops: entries a client wrote itself are ignored', async () => {
    const res = await login('qsy_admin', 'Redgrid@2026', '6.6.6.6, 10.4.0.1');
    expect(res.statusCode, res.body).toBe(200);
    const session = await t.database.db.selectFrom('sessions').select('ip').orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    expect(session.ip).toBe('10.4.0.1');
  });

  it('reads two hops when two proxies are configured', async () => {
    const two = await createTestApp({ trustProxy: 2 });
    try {
      const res = await two.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'x-forwarded-for': '6.6.6.6, 10.5.0.1, 10.4.0.1' }, payload: { username: 'qsy_admin', password: 'Redgrid@2026' } });
      expect(res.statusCode).toBe(200);
      const session = await two.database.db.selectFrom('sessions').select('ip').executeTakeFirstOrThrow();
      expect(session.ip).toBe('10.5.0.1');
    } finally {
      await two.close();
    }
  });
});
