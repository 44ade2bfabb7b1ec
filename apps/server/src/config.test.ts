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

  it('runs the scheduler and logs text messages by default; an http SMS sender needs its URL', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'redgrid-config-'));
    try {
      const config = loadConfig({ REDGRID_DATA_DIR: dir });
      expect(config.scheduler).toBe(true);
      expect(config.sms).toEqual({ sender: 'log', url: null, timeoutMs: 5000, maxAttempts: 5 });
      expect(loadConfig({ REDGRID_DATA_DIR: dir, REDGRID_SCHEDULER: 'off' }).scheduler).toBe(false);
      expect(() => loadConfig({ REDGRID_DATA_DIR: dir, REDGRID_SMS: 'http' })).toThrow(/REDGRID_SMS_URL/);
      expect(loadConfig({ REDGRID_DATA_DIR: dir, REDGRID_SMS: 'http', REDGRID_SMS_URL: 'http://sms.local/send' }).sms.url).toBe('http://sms.local/send');
    } finally {
      rmSync(dir, { recursive: true, force: true });
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
      expect(second.dataKeys.current.key.equals(first.dataKeys.current.key)).toBe(true);
      expect(second.sessionSecret).toBe(first.sessionSecret);
      expect(second.auditKey.equals(first.auditKey)).toBe(true);
      expect(first.auditKey.equals(first.dataKeys.current.key)).toBe(false);
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

  it('keeps attachments on disk under the data dir by default, in an S3-compatible bucket when told, and says what an S3 setup lacks', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rg-config-'));
    try {
      expect(loadConfig({ REDGRID_DATA_DIR: dir }).storage).toEqual({ kind: 'disk', dir: path.join(dir, 'attachments') });
      expect(loadConfig({ REDGRID_DATA_DIR: dir, REDGRID_ATTACHMENTS_DIR: path.join(dir, 'photos') }).storage).toEqual({ kind: 'disk', dir: path.join(dir, 'photos') });
      const s3 = loadConfig({ REDGRID_DATA_DIR: dir, REDGRID_STORAGE: 's3', REDGRID_S3_ENDPOINT: 'http://127.0.0.1:9000', REDGRID_S3_BUCKET: 'redgrid-files', REDGRID_S3_ACCESS_KEY: 'minio', REDGRID_S3_SECRET_KEY: 'minio-secret' });
      expect(s3.storage).toEqual({ kind: 's3', endpoint: 'http://127.0.0.1:9000', bucket: 'redgrid-files', region: 'us-east-1', accessKeyId: 'minio', secretAccessKey: 'minio-secret', forcePathStyle: true });
      expect(() => loadConfig({ REDGRID_DATA_DIR: dir, REDGRID_STORAGE: 's3' })).toThrow(/REDGRID_S3_BUCKET: required/);
      expect(() => loadConfig({ REDGRID_DATA_DIR: dir, REDGRID_STORAGE: 's3', REDGRID_S3_BUCKET: 'redgrid-files', REDGRID_S3_ACCESS_KEY: 'minio' })).toThrow(/give both or neither/);
      expect(() => loadConfig({ REDGRID_DATA_DIR: dir, REDGRID_STORAGE: 's3', REDGRID_S3_BUCKET: 'Bad_Bucket' })).toThrow(/REDGRID_S3_BUCKET/);
      expect(() => loadConfig({ REDGRID_DATA_DIR: dir, REDGRID_STORAGE: 'ftp' })).toThrow(/REDGRID_STORAGE/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('data key ring', () => {
    const A = '00112233445566778899aabbccddeeff';
    const B = 'ffeeddccbbaa99887766554433221100';
    const C = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';

    it('defaults to one key with id k1 and an index key derived from it, as before key rings', () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'rg-config-'));
      try {
        const config = loadConfig({ REDGRID_DATA_DIR: dir, REDGRID_DATA_KEY: A });
        expect(config.dataKeys).toEqual({ current: { id: 'k1', key: Buffer.from(A, 'hex') }, retired: [], index: null, retiredIndex: [] });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('reads the current key id, retired keys and index keys', () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'rg-config-'));
      try {
        const config = loadConfig({
          REDGRID_DATA_DIR: dir,
          REDGRID_DATA_KEY: B,
          REDGRID_DATA_KEY_ID: 'k2',
          REDGRID_DATA_KEYS_RETIRED: ` k1:${A}, k0:${C} `,
          REDGRID_INDEX_KEY: 'ab'.repeat(32),
          REDGRID_INDEX_KEYS_RETIRED: `${'cd'.repeat(32)}`,
        });
        expect(config.dataKeys.current).toEqual({ id: 'k2', key: Buffer.from(B, 'hex') });
        expect(config.dataKeys.retired).toEqual([{ id: 'k1', key: Buffer.from(A, 'hex') }, { id: 'k0', key: Buffer.from(C, 'hex') }]);
        expect(config.dataKeys.index?.toString('hex')).toBe('ab'.repeat(32));
        expect(config.dataKeys.retiredIndex.map((k) => k.toString('hex'))).toEqual(['cd'.repeat(32)]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('names what is wrong with a key list without repeating key material', () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'rg-config-'));
      try {
        const secret = 'ab'.repeat(15);
        const problems = (env: Record<string, string>): string => {
          try {
            loadConfig({ REDGRID_DATA_DIR: dir, REDGRID_DATA_KEY: B, ...env });
          } catch (err) {
            expect(err).toBeInstanceOf(ConfigError);
            return (err as ConfigError).problems.join('\n');
          }
          return '';
        };
        const short = problems({ REDGRID_DATA_KEYS_RETIRED: `k1:${A},k0:${secret}` });
        expect(short).toContain('REDGRID_DATA_KEYS_RETIRED');
        expect(short).toContain('entry 2');
        expect(short).not.toContain(secret);
        expect(problems({ REDGRID_DATA_KEYS_RETIRED: A })).toContain('entry 1 must be <id>:<32 hex characters>');
        expect(problems({ REDGRID_DATA_KEYS_RETIRED: `k1:${A}` })).toContain("has the current key's id (k1)");
        expect(problems({ REDGRID_DATA_KEY_ID: 'k2', REDGRID_DATA_KEYS_RETIRED: `k1:${A},k1:${C}` })).toContain('k1 appears twice');
        expect(problems({ REDGRID_DATA_KEY_ID: 'k:2' })).toContain('REDGRID_DATA_KEY_ID');
        expect(problems({ REDGRID_INDEX_KEY: 'ab'.repeat(16) })).toContain('REDGRID_INDEX_KEY');
        expect(problems({ REDGRID_INDEX_KEYS_RETIRED: `${'ab'.repeat(32)},xyz` })).toContain('entry 2 must be 64 hex characters');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('keeps the demo audit key when the demo data key is rotated', () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'rg-config-'));
      try {
        const first = loadConfig({ REDGRID_DATA_DIR: dir });
        const firstKey = first.dataKeys.current.key.toString('hex');
        const rotated = loadConfig({ REDGRID_DATA_DIR: dir, REDGRID_DATA_KEY: B, REDGRID_DATA_KEY_ID: 'k2', REDGRID_DATA_KEYS_RETIRED: `k1:${firstKey}` });
        expect(rotated.dataKeys.current.key.toString('hex')).toBe(B);
        expect(rotated.auditKey.equals(first.auditKey)).toBe(true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
