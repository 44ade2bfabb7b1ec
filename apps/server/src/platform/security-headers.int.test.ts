import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/harness.ts';
import { baseMapSource } from './security-headers.ts';

// Issue 7, fault 5: no CSP, no framing protection, no nosniff, no Referrer-Policy, no HSTS behind https.
let t: TestApp;
let web: string;
beforeAll(async () => {
  web = mkdtempSync(path.join(tmpdir(), 'rg-web-'));
  writeFileSync(path.join(web, 'index.html'), '<!doctype html><title>红网格</title>');
  t = await createTestApp({ webDist: web, trustProxy: 1, baseMapUrl: 'https://{s}.tiles.example.cn/{z}/{x}/{y}.png' }, { seed: false });
});
afterAll(async () => {
  await t?.close();
  rmSync(web, { recursive: true, force: true });
});

describe('security headers', () => {
  it('the console page and the API carry CSP, no framing, nosniff and a same-origin referrer', async () => {
    for (const url of ['/', '/users', '/api/health', '/api/nothing-here']) {
      const res = await t.app.inject({ url });
      const csp = String(res.headers['content-security-policy']);
      expect(csp, url).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self';");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("worker-src 'self' blob:");
      expect(csp).toContain("object-src 'none'");
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('same-origin');
    }
  });

  it('lets the configured base map in for images only', async () => {
    const csp = String((await t.app.inject({ url: '/' })).headers['content-security-policy']);
    expect(csp).toContain('img-src \'self\' data: blob: https://*.tiles.example.cn');
    expect(csp).not.toMatch(/script-src[^;]*tiles/);
    expect(baseMapSource('http://10.0.0.5:8080/tiles/{z}/{x}/{y}.png')).toBe('http://10.0.0.5:8080');
    expect(baseMapSource(null)).toBeNull();
  });

  it('sends HSTS only over https (here: a trusted proxy saying so), never over plain http', async () => {
    expect((await t.app.inject({ url: '/api/health' })).headers['strict-transport-security']).toBeUndefined();
    const https = await t.app.inject({ url: '/api/health', headers: { 'x-forwarded-proto': 'https' } });
    expect(https.headers['strict-transport-security']).toMatch(/^max-age=\d+/);
  });

  it('does not believe x-forwarded-proto from a client when no proxy is trusted', async () => {
    const direct = await createTestApp({ trustProxy: 0 }, { seed: false });
    try {
      const res = await direct.app.inject({ url: '/api/health', headers: { 'x-forwarded-proto': 'https' } });
      expect(res.headers['strict-transport-security']).toBeUndefined();
      expect(res.headers['x-frame-options']).toBe('DENY');
    } finally {
      await direct.close();
    }
  });
});
