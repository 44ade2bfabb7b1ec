import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_KEY_ID, KEY_ID_PATTERN, type DataKey, type KeyRing } from './key-ring.ts';

/** Proxies in front of us whose X-Forwarded-For entries we believe: true = 1 hop, false = none, or a count. */
const proxyHops = z.union([z.enum(['true', 'false']).transform((v) => (v === 'true' ? 1 : 0)), z.coerce.number().int().min(0).max(10)]);
const seconds = (fallback: number) => z.coerce.number().int().min(1).max(3600).default(fallback);
const hex32 = z.string().regex(/^[0-9a-fA-F]{32}$/, 'must be 32 hex characters (16 bytes)');
const HEX64 = /^[0-9a-fA-F]{64}$/;
const keyId = z.string().regex(KEY_ID_PATTERN, 'must be 1–16 letters, digits, _ or -');

/** "k0:<32 hex>,k-old:<32 hex>" → data keys. Messages name the position, never the key. */
const retiredDataKeys = z.string().transform((text, ctx): DataKey[] => {
  const keys: DataKey[] = [];
  text.split(',').map((p) => p.trim()).filter((p) => p.length > 0).forEach((pair, i) => {
    const [id, hex, ...rest] = pair.split(':');
    if (!id || !KEY_ID_PATTERN.test(id) || !hex || !/^[0-9a-fA-F]{32}$/.test(hex) || rest.length > 0) {
      ctx.addIssue({ code: 'custom', message: `entry ${i + 1} must be <id>:<32 hex characters> (id: 1–16 letters, digits, _ or -)` });
      return;
    }
    keys.push({ id, key: Buffer.from(hex, 'hex') });
  });
  return keys;
});

/** "<64 hex>,<64 hex>" → blind-index keys. */
const retiredIndexKeys = z.string().transform((text, ctx): Buffer[] => {
  const keys: Buffer[] = [];
  text.split(',').map((p) => p.trim()).filter((p) => p.length > 0).forEach((hex, i) => {
    if (!HEX64.test(hex)) ctx.addIssue({ code: 'custom', message: `entry ${i + 1} must be 64 hex characters (32 bytes)` });
    else keys.push(Buffer.from(hex, 'hex'));
  });
  return keys;
});

const envSchema = z.object({
  REDGRID_MODE: z.enum(['demo', 'production']).default('demo'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().url().optional(),
  REDGRID_DATA_DIR: z.string().default('./data'),
  /** Uploaded import files, error reports and exports in progress; default <data dir>/files (also in PostgreSQL mode). */
  REDGRID_FILES_DIR: z.string().optional(),
  /** Largest import file accepted (bytes); a 1,000,000-person CSV is about 200 MB. */
  REDGRID_IMPORT_MAX_BYTES: z.coerce.number().int().min(1024).max(8 * 1024 * 1024 * 1024).default(512 * 1024 * 1024),
  REDGRID_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** SM4 key for identity numbers and phones at rest (16 bytes hex): new values are written under it. */
  REDGRID_DATA_KEY: hex32.optional(),
  /** The id stored beside each value written under REDGRID_DATA_KEY; 'k1' is the pre-key-ring key. */
  REDGRID_DATA_KEY_ID: keyId.default(DEFAULT_KEY_ID),
  /** Earlier data keys that still decrypt until `data:rekey` has moved their values: "k1:<hex>,k0:<hex>". */
  REDGRID_DATA_KEYS_RETIRED: retiredDataKeys.default([]),
  /** HMAC-SM3 key of the blind indexes (32 bytes hex); unset = derived from the data key as before. */
  REDGRID_INDEX_KEY: z.string().regex(HEX64, 'must be 64 hex characters (32 bytes)').optional(),
  /** Earlier index keys, still searched until `data:rekey` has recomputed the indexes: "<hex>,<hex>". */
  REDGRID_INDEX_KEYS_RETIRED: retiredIndexKeys.default([]),
  REDGRID_AUDIT_HASH: z.enum(['sm3', 'sha256']).default('sm3'),
  /** Key of the audit chain's HMACs and checkpoint signatures (32 bytes hex); never stored in the database. */
  REDGRID_AUDIT_KEY: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 bytes)').optional(),
  REDGRID_PASSWORD_MIN_LENGTH: z.coerce.number().int().min(8).max(64).default(8),
  REDGRID_PASSWORD_MIN_CLASSES: z.coerce.number().int().min(1).max(4).default(3),
  REDGRID_LOCKOUT_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  REDGRID_LOCKOUT_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  REDGRID_IDLE_TIMEOUT_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  REDGRID_SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(720).default(12),
  REDGRID_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(1024 * 1024),
  REDGRID_COOKIE_SECURE: z.enum(['auto', 'always', 'never']).default('auto'),
  REDGRID_TRUST_PROXY: proxyHops.default(0),
  /** Login attempts per client IP and per username in one window; the next one is 429 with Retry-After. */
  REDGRID_LOGIN_LIMIT_PER_IP: z.coerce.number().int().min(1).max(100_000).default(100),
  REDGRID_LOGIN_LIMIT_PER_ACCOUNT: z.coerce.number().int().min(1).max(10_000).default(10),
  REDGRID_LOGIN_LIMIT_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  /** The public pages (居民随手拍): reports and photos per client IP an hour, tracking-page reads per IP a minute. */
  REDGRID_PUBLIC_WRITES_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(30),
  REDGRID_PUBLIC_READS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(60),
  /** A new password may not be any of the last N (0 = only not the current one). */
  REDGRID_PASSWORD_HISTORY: z.coerce.number().int().min(0).max(24).default(5),
  /** Slow clients: all headers within, the whole request within, and a silent socket closed after. */
  REDGRID_HEADERS_TIMEOUT_SECONDS: seconds(10),
  REDGRID_REQUEST_TIMEOUT_SECONDS: seconds(60),
  REDGRID_SOCKET_TIMEOUT_SECONDS: seconds(120),
  /** Bearer token for Prometheus scrapers of /metrics in production (otherwise a login is needed). */
  REDGRID_METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  REDGRID_WEB_DIST: z.string().optional(),
  /** Default target households per grid (规模适度); areas may set their own. */
  REDGRID_GRID_HOUSEHOLDS_MIN: z.coerce.number().int().min(0).default(300),
  REDGRID_GRID_HOUSEHOLDS_MAX: z.coerce.number().int().min(1).default(500),
  /** Grid code = community code + N digits; sub-grid = grid code + M digits. */
  REDGRID_GRID_CODE_DIGITS: z.coerce.number().int().min(2).max(6).default(3),
  REDGRID_SUBGRID_CODE_DIGITS: z.coerce.number().int().min(1).max(4).default(2),
  /** Optional raster base-map tile URL template for the console map ({z}/{x}/{y}); none reachable by default. */
  REDGRID_BASEMAP_URL: z.string().regex(/\{z\}.*\{x\}.*\{y\}/, 'must contain {z}, {x} and {y}').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Where attachments (photos, files) are kept: 'disk' under REDGRID_ATTACHMENTS_DIR, or an S3-compatible bucket. */
  REDGRID_STORAGE: z.enum(['disk', 's3']).default('disk'),
  /** Default <data dir>/attachments (also in PostgreSQL mode). */
  REDGRID_ATTACHMENTS_DIR: z.string().optional(),
  /** S3-compatible storage (MinIO, 阿里云 OSS, 腾讯云 COS, AWS): endpoint URL; unset = AWS's own for the region. */
  REDGRID_S3_ENDPOINT: z.string().url().optional(),
  REDGRID_S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be 3–63 lower-case letters, digits, . or -').optional(),
  REDGRID_S3_REGION: z.string().min(1).default('us-east-1'),
  REDGRID_S3_ACCESS_KEY: z.string().min(1).optional(),
  REDGRID_S3_SECRET_KEY: z.string().min(1).optional(),
  /** Path-style URLs (endpoint/bucket/key): MinIO and most self-hosted stores need them. */
  REDGRID_S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).default('true'),
  /** Scheduled jobs (reminders, the SMS outbox): 'off' for a process that only serves requests. */
  REDGRID_SCHEDULER: z.enum(['on', 'off']).default('on'),
  /** A case past its red deadline gets a yellow card from the system (自动黄牌督办); 'off' only alerts. */
  REDGRID_CASE_AUTO_CARD: z.enum(['on', 'off']).default('on'),
  /** SMS channel: 'log' writes a masked phone and the template name to the log; 'http' posts JSON to REDGRID_SMS_URL. */
  REDGRID_SMS: z.enum(['log', 'http']).default('log'),
  REDGRID_SMS_URL: z.string().url().optional(),
  REDGRID_SMS_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(60).default(5),
  /** Attempts of one SMS before it is given up (backoff doubles from one minute). */
  REDGRID_SMS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
});

export interface AppConfig {
  mode: 'demo' | 'production';
  port: number;
  host: string;
  databaseUrl: string | null;
  dataDir: string;
  /** Where import files and their error reports are kept (not in the database). */
  filesDir: string;
  importMaxBytes: number;
  sessionSecret: string;
  /** The data key ring: the current SM4 key (writes), retired ones (reads), the blind-index keys. */
  dataKeys: KeyRing;
  auditHash: 'sm3' | 'sha256';
  auditKey: Buffer;
  passwordPolicy: { minLength: number; minClasses: number };
  lockout: { attempts: number; minutes: number };
  idleTimeoutMinutes: number;
  sessionMaxHours: number;
  bodyLimitBytes: number;
  cookieSecure: 'auto' | 'always' | 'never';
  /** Number of proxy hops whose X-Forwarded-* we trust (0 = none). */
  trustProxy: number;
  loginRateLimit: { perIp: number; perAccount: number; windowMinutes: number };
  publicRateLimit: { writesPerHour: number; readsPerMinute: number };
  passwordHistory: number;
  timeouts: { headersMs: number; requestMs: number; socketMs: number };
  metricsToken: string | null;
  webDist: string | null;
  logLevel: string;
  gridHouseholds: { min: number; max: number };
  baseMapUrl: string | null;
  gridCodeDigits: { grid: number; subgrid: number };
  /** Where attachments are kept (modules/attachment/storage). */
  storage: StorageConfig;
  /** Whether this process runs scheduled jobs (platform/scheduler.ts). */
  scheduler: boolean;
  /** Whether the overdue job issues a yellow card at the red deadline (modules/case). */
  caseAutoCard: boolean;
  /** The SMS channel of notifications. */
  sms: { sender: 'log' | 'http'; url: string | null; timeoutMs: number; maxAttempts: number };
}

export type StorageConfig =
  | { kind: 'disk'; dir: string }
  | { kind: 's3'; endpoint: string | null; bucket: string; region: string; accessKeyId: string | null; secretAccessKey: string | null; forcePathStyle: boolean };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Parses the environment once. The only reader of process.env. Demo mode may generate its secrets
 * and keep them in the data dir so that a restart can still read encrypted data; production must
 * be given them.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.REDGRID_MODE === 'production') {
    if (!e.DATABASE_URL) problems.push('DATABASE_URL: required in production mode (PostgreSQL ≥ 15 with PostGIS 3)');
    if (!e.REDGRID_SESSION_SECRET) problems.push('REDGRID_SESSION_SECRET: required in production mode (≥ 32 random characters)');
    if (!e.REDGRID_DATA_KEY) problems.push('REDGRID_DATA_KEY: required in production mode (32 hex characters, the SM4 key for personal data)');
    if (!e.REDGRID_AUDIT_KEY) problems.push('REDGRID_AUDIT_KEY: required in production mode (64 hex characters, the audit chain key; keep it out of the database host)');
  }
  for (const [i, k] of e.REDGRID_DATA_KEYS_RETIRED.entries()) {
    if (k.id === e.REDGRID_DATA_KEY_ID) problems.push(`REDGRID_DATA_KEYS_RETIRED: entry ${i + 1} has the current key's id (${k.id}); give the new key a new REDGRID_DATA_KEY_ID`);
    else if (e.REDGRID_DATA_KEYS_RETIRED.findIndex((o) => o.id === k.id) !== i) problems.push(`REDGRID_DATA_KEYS_RETIRED: key id ${k.id} appears twice`);
  }
  if (e.REDGRID_SMS === 'http' && !e.REDGRID_SMS_URL) problems.push('REDGRID_SMS_URL: required when REDGRID_SMS=http (the SMS gateway that takes {phone, text, template} as JSON)');
  if (e.REDGRID_STORAGE === 's3' && !e.REDGRID_S3_BUCKET) problems.push('REDGRID_S3_BUCKET: required when REDGRID_STORAGE=s3');
  if (!e.REDGRID_S3_ACCESS_KEY !== !e.REDGRID_S3_SECRET_KEY) problems.push('REDGRID_S3_ACCESS_KEY / REDGRID_S3_SECRET_KEY: give both or neither (neither = the SDK\'s own credential chain)');
  if (e.REDGRID_HEADERS_TIMEOUT_SECONDS > e.REDGRID_REQUEST_TIMEOUT_SECONDS) problems.push('REDGRID_HEADERS_TIMEOUT_SECONDS: must not exceed REDGRID_REQUEST_TIMEOUT_SECONDS');
  if (problems.length > 0) throw new ConfigError(problems);

  // npm runs workspace scripts inside apps/server; a relative data dir means relative to where the
  // user typed `npm start` (npm's INIT_CWD), i.e. ./data at the repository root.
  const dataDir = path.resolve(env.INIT_CWD ?? process.cwd(), e.REDGRID_DATA_DIR);
  const secrets = e.REDGRID_SESSION_SECRET && e.REDGRID_DATA_KEY
    ? { sessionSecret: e.REDGRID_SESSION_SECRET, dataKey: e.REDGRID_DATA_KEY, firstDataKey: e.REDGRID_DATA_KEY }
    : demoSecrets(dataDir, e.REDGRID_SESSION_SECRET, e.REDGRID_DATA_KEY);

  return {
    mode: e.REDGRID_MODE,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL ?? null,
    dataDir,
    filesDir: e.REDGRID_FILES_DIR ? path.resolve(env.INIT_CWD ?? process.cwd(), e.REDGRID_FILES_DIR) : path.join(dataDir, 'files'),
    importMaxBytes: e.REDGRID_IMPORT_MAX_BYTES,
    sessionSecret: secrets.sessionSecret,
    dataKeys: {
      current: { id: e.REDGRID_DATA_KEY_ID, key: Buffer.from(secrets.dataKey, 'hex') },
      retired: e.REDGRID_DATA_KEYS_RETIRED,
      index: e.REDGRID_INDEX_KEY ? Buffer.from(e.REDGRID_INDEX_KEY, 'hex') : null,
      retiredIndex: e.REDGRID_INDEX_KEYS_RETIRED,
    },
    auditHash: e.REDGRID_AUDIT_HASH,
    // Demo: derived from the data key demo-secrets.json keeps, so existing files keep working unchanged
    // and a rotated REDGRID_DATA_KEY does not break the audit chain.
    auditKey: e.REDGRID_AUDIT_KEY ? Buffer.from(e.REDGRID_AUDIT_KEY, 'hex') : createHmac('sm3', Buffer.from(secrets.firstDataKey, 'hex')).update('redgrid:demo-audit-key').digest(),
    passwordPolicy: { minLength: e.REDGRID_PASSWORD_MIN_LENGTH, minClasses: e.REDGRID_PASSWORD_MIN_CLASSES },
    lockout: { attempts: e.REDGRID_LOCKOUT_ATTEMPTS, minutes: e.REDGRID_LOCKOUT_MINUTES },
    idleTimeoutMinutes: e.REDGRID_IDLE_TIMEOUT_MINUTES,
    sessionMaxHours: e.REDGRID_SESSION_MAX_HOURS,
    bodyLimitBytes: e.REDGRID_BODY_LIMIT_BYTES,
    cookieSecure: e.REDGRID_COOKIE_SECURE,
    trustProxy: e.REDGRID_TRUST_PROXY,
    loginRateLimit: { perIp: e.REDGRID_LOGIN_LIMIT_PER_IP, perAccount: e.REDGRID_LOGIN_LIMIT_PER_ACCOUNT, windowMinutes: e.REDGRID_LOGIN_LIMIT_WINDOW_MINUTES },
    publicRateLimit: { writesPerHour: e.REDGRID_PUBLIC_WRITES_PER_HOUR, readsPerMinute: e.REDGRID_PUBLIC_READS_PER_MINUTE },
    passwordHistory: e.REDGRID_PASSWORD_HISTORY,
    timeouts: { headersMs: e.REDGRID_HEADERS_TIMEOUT_SECONDS * 1000, requestMs: e.REDGRID_REQUEST_TIMEOUT_SECONDS * 1000, socketMs: e.REDGRID_SOCKET_TIMEOUT_SECONDS * 1000 },
    metricsToken: e.REDGRID_METRICS_TOKEN ?? null,
    webDist: e.REDGRID_WEB_DIST ?? null,
    logLevel: e.LOG_LEVEL,
    gridHouseholds: { min: e.REDGRID_GRID_HOUSEHOLDS_MIN, max: e.REDGRID_GRID_HOUSEHOLDS_MAX },
    baseMapUrl: e.REDGRID_BASEMAP_URL ?? null,
    gridCodeDigits: { grid: e.REDGRID_GRID_CODE_DIGITS, subgrid: e.REDGRID_SUBGRID_CODE_DIGITS },
    storage: e.REDGRID_STORAGE === 's3' && e.REDGRID_S3_BUCKET
      ? { kind: 's3', endpoint: e.REDGRID_S3_ENDPOINT ?? null, bucket: e.REDGRID_S3_BUCKET, region: e.REDGRID_S3_REGION, accessKeyId: e.REDGRID_S3_ACCESS_KEY ?? null, secretAccessKey: e.REDGRID_S3_SECRET_KEY ?? null, forcePathStyle: e.REDGRID_S3_FORCE_PATH_STYLE === 'true' }
      : { kind: 'disk', dir: e.REDGRID_ATTACHMENTS_DIR ? path.resolve(env.INIT_CWD ?? process.cwd(), e.REDGRID_ATTACHMENTS_DIR) : path.join(dataDir, 'attachments') },
    scheduler: e.REDGRID_SCHEDULER === 'on',
    caseAutoCard: e.REDGRID_CASE_AUTO_CARD === 'on',
    sms: { sender: e.REDGRID_SMS, url: e.REDGRID_SMS_URL ?? null, timeoutMs: e.REDGRID_SMS_TIMEOUT_SECONDS * 1000, maxAttempts: e.REDGRID_SMS_MAX_ATTEMPTS },
  };
}

/** Demo only: secrets generated on first start and kept beside the embedded data. */
function demoSecrets(dataDir: string, sessionSecret?: string, dataKey?: string) {
  const file = path.join(dataDir, 'demo-secrets.json');
  if (existsSync(file)) {
    const saved = z.object({ sessionSecret: z.string(), dataKey: hex32 }).parse(JSON.parse(readFileSync(file, 'utf8')));
    return { sessionSecret: sessionSecret ?? saved.sessionSecret, dataKey: dataKey ?? saved.dataKey, firstDataKey: saved.dataKey };
  }
  const generated = {
    sessionSecret: sessionSecret ?? randomBytes(32).toString('base64url'),
    dataKey: dataKey ?? randomBytes(16).toString('hex'),
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(generated, null, 2), { mode: 0o600 });
  return { ...generated, firstDataKey: generated.dataKey };
}

/** A config for tests: fixed secrets, nothing written to disk. */
export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    mode: 'demo',
    port: 0,
    host: '127.0.0.1',
    databaseUrl: process.env.DATABASE_URL ?? null,
    dataDir: '',
    // Per process: test files run in parallel, each job's files are named by a random id anyway.
    filesDir: path.join(tmpdir(), `redgrid-test-files-${process.pid}`),
    importMaxBytes: 512 * 1024 * 1024,
    sessionSecret: 'test-session-secret-test-session-secret',
    dataKeys: { current: { id: DEFAULT_KEY_ID, key: Buffer.from('00112233445566778899aabbccddeeff', 'hex') }, retired: [], index: null, retiredIndex: [] },
    auditHash: 'sm3',
    auditKey: Buffer.from('a0d1'.repeat(16), 'hex'),
    passwordPolicy: { minLength: 8, minClasses: 3 },
    lockout: { attempts: 5, minutes: 15 },
    idleTimeoutMinutes: 30,
    sessionMaxHours: 12,
    bodyLimitBytes: 1024 * 1024,
    cookieSecure: 'auto',
    trustProxy: 0,
    // High enough that suites logging in many times never meet them; the rate-limit tests set their own.
    loginRateLimit: { perIp: 10_000, perAccount: 10_000, windowMinutes: 15 },
    publicRateLimit: { writesPerHour: 10_000, readsPerMinute: 10_000 },
    passwordHistory: 5,
    timeouts: { headersMs: 10_000, requestMs: 60_000, socketMs: 120_000 },
    metricsToken: null,
    webDist: null,
    logLevel: 'silent',
    gridHouseholds: { min: 300, max: 500 },
    baseMapUrl: null,
    gridCodeDigits: { grid: 3, subgrid: 2 },
    // Per process, like filesDir: every blob is named by random bytes anyway.
    storage: { kind: 'disk', dir: path.join(tmpdir(), `redgrid-test-attachments-${process.pid}`) },
    // Tests drive jobs with runDue(clock) themselves; no timers.
    scheduler: false,
    caseAutoCard: true,
    sms: { sender: 'log', url: null, timeoutMs: 2000, maxAttempts: 3 },
    ...overrides,
  };
}
