import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('refuses production without a database, a session secret or a data key, naming each', () => {
    try {
      loadConfig({ REDGRID_MODE: 'production' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const text = (err as ConfigError).problems.join('\n');
      expect(text).toContain('DATABASE_URL');
      expect(text).toContain('REDGRID_SESSION_SECRET');
      expect(text).toContain('REDGRID_DATA_KEY');
      expect(text).toContain('REDGRID_AUDIT_KEY');
    }
  });

  it('lists every malformed variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', REDGRID_AUDIT_HASH: 'md5' })).toThrow(/PORT[\s\S]*REDGRID_AUDIT_HASH|REDGRID_AUDIT_HASH[\s\S]*PORT/);
  });

  it('keeps demo secrets in the data dir so a restart can read encrypted data', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'redgrid-config-'));
    try {
      const first = loadConfig({ REDGRID_DATA_DIR: dir });
      const second = loadConfig({ REDGRID_DATA_DIR: dir });
      expect(second.dataKey.equals(first.dataKey)).toBe(true);
      expect(second.sessionSecret).toBe(first.sessionSecret);
      expect(second.auditKey.equals(first.auditKey)).toBe(true);
      expect(first.auditKey.equals(first.dataKey)).toBe(false);
      expect(JSON.parse(readFileSync(path.join(dir, 'demo-secrets.json'), 'utf8'))).toHaveProperty('dataKey');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts a complete production environment', () => {
    const config = loadConfig({
      REDGRID_MODE: 'production',
      DATABASE_URL: 'postgres://u@localhost/db',
      REDGRID_SESSION_SECRET: 'x'.repeat(40),
      REDGRID_DATA_KEY: '00112233445566778899aabbccddeeff',
      REDGRID_AUDIT_KEY: 'ab'.repeat(32),
    });
    expect(config.mode).toBe('production');
    expect(config.auditKey.toString('hex')).toBe('ab'.repeat(32));
    expect(config.passwordPolicy).toEqual({ minLength: 8, minClasses: 3 });
  });

  it('reads proxy hops, login limits, password history and timeouts, with safe defaults', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rg-config-'));
    try {
      const defaults = loadConfig({ REDGRID_DATA_DIR: dir });
      expect(defaults.trustProxy).toBe(0);
      expect(defaults.loginRateLimit).toEqual({ perIp: 100, perAccount: 10, windowMinutes: 15 });
      expect(defaults.passwordHistory).toBe(5);
      expect(defaults.timeouts).toEqual({ headersMs: 10_000, requestMs: 60_000, socketMs: 120_000 });
      expect(defaults.metricsToken).toBeNull();
      expect(loadConfig({ REDGRID_DATA_DIR: dir, REDGRID_TRUST_PROXY: 'true' }).trustProxy).toBe(1);
      expect(loadConfig({ REDGRID_DATA_DIR: dir, REDGRID_TRUST_PROXY: '2' }).trustProxy).toBe(2);
      expect(loadConfig({ REDGRID_DATA_DIR: dir, REDGRID_TRUST_PROXY: 'false' }).trustProxy).toBe(0);
      expect(() => loadConfig({ REDGRID_DATA_DIR: dir, REDGRID_TRUST_PROXY: 'yes' })).toThrow(ConfigError);
      expect(() => loadConfig({ REDGRID_DATA_DIR: dir, REDGRID_HEADERS_TIMEOUT_SECONDS: '90', REDGRID_REQUEST_TIMEOUT_SECONDS: '60' })).toThrow(/REDGRID_HEADERS_TIMEOUT_SECONDS/);
      expect(() => loadConfig({ REDGRID_DATA_DIR: dir, REDGRID_METRICS_TOKEN: 'short' })).toThrow(/REDGRID_METRICS_TOKEN/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
