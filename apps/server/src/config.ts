import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const hex32 = z.string().regex(/^[0-9a-fA-F]{32}$/, 'must be 32 hex characters (16 bytes)');

const envSchema = z.object({
  REDGRID_MODE: z.enum(['demo', 'production']).default('demo'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().url().optional(),
  REDGRID_DATA_DIR: z.string().default('./data'),
  REDGRID_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** SM4 key for identity numbers and phones at rest (16 bytes hex). */
  REDGRID_DATA_KEY: hex32.optional(),
  REDGRID_AUDIT_HASH: z.enum(['sm3', 'sha256']).default('sm3'),
  REDGRID_PASSWORD_MIN_LENGTH: z.coerce.number().int().min(8).max(64).default(8),
  REDGRID_PASSWORD_MIN_CLASSES: z.coerce.number().int().min(1).max(4).default(3),
  REDGRID_LOCKOUT_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  REDGRID_LOCKOUT_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  REDGRID_IDLE_TIMEOUT_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  REDGRID_SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(720).default(12),
  REDGRID_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(1024 * 1024),
  REDGRID_COOKIE_SECURE: z.enum(['auto', 'always', 'never']).default('auto'),
  REDGRID_TRUST_PROXY: bool.default(false),
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
});

export interface AppConfig {
  mode: 'demo' | 'production';
  port: number;
  host: string;
  databaseUrl: string | null;
  dataDir: string;
  sessionSecret: string;
  dataKey: Buffer;
  auditHash: 'sm3' | 'sha256';
  passwordPolicy: { minLength: number; minClasses: number };
  lockout: { attempts: number; minutes: number };
  idleTimeoutMinutes: number;
  sessionMaxHours: number;
  bodyLimitBytes: number;
  cookieSecure: 'auto' | 'always' | 'never';
  trustProxy: boolean;
  webDist: string | null;
  logLevel: string;
  gridHouseholds: { min: number; max: number };
  baseMapUrl: string | null;
  gridCodeDigits: { grid: number; subgrid: number };
}

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
  }
  if (problems.length > 0) throw new ConfigError(problems);

  // npm runs workspace scripts inside apps/server; a relative data dir means relative to where the
  // user typed `npm start` (npm's INIT_CWD), i.e. ./data at the repository root.
  const dataDir = path.resolve(env.INIT_CWD ?? process.cwd(), e.REDGRID_DATA_DIR);
  const secrets = e.REDGRID_SESSION_SECRET && e.REDGRID_DATA_KEY
    ? { sessionSecret: e.REDGRID_SESSION_SECRET, dataKey: e.REDGRID_DATA_KEY }
    : demoSecrets(dataDir, e.REDGRID_SESSION_SECRET, e.REDGRID_DATA_KEY);

  return {
    mode: e.REDGRID_MODE,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL ?? null,
    dataDir,
    sessionSecret: secrets.sessionSecret,
    dataKey: Buffer.from(secrets.dataKey, 'hex'),
    auditHash: e.REDGRID_AUDIT_HASH,
    passwordPolicy: { minLength: e.REDGRID_PASSWORD_MIN_LENGTH, minClasses: e.REDGRID_PASSWORD_MIN_CLASSES },
    lockout: { attempts: e.REDGRID_LOCKOUT_ATTEMPTS, minutes: e.REDGRID_LOCKOUT_MINUTES },
    idleTimeoutMinutes: e.REDGRID_IDLE_TIMEOUT_MINUTES,
    sessionMaxHours: e.REDGRID_SESSION_MAX_HOURS,
    bodyLimitBytes: e.REDGRID_BODY_LIMIT_BYTES,
    cookieSecure: e.REDGRID_COOKIE_SECURE,
    trustProxy: e.REDGRID_TRUST_PROXY,
    webDist: e.REDGRID_WEB_DIST ?? null,
    logLevel: e.LOG_LEVEL,
    gridHouseholds: { min: e.REDGRID_GRID_HOUSEHOLDS_MIN, max: e.REDGRID_GRID_HOUSEHOLDS_MAX },
    baseMapUrl: e.REDGRID_BASEMAP_URL ?? null,
    gridCodeDigits: { grid: e.REDGRID_GRID_CODE_DIGITS, subgrid: e.REDGRID_SUBGRID_CODE_DIGITS },
  };
}

/** Demo only: secrets generated on first start and kept beside the embedded data. */
function demoSecrets(dataDir: string, sessionSecret?: string, dataKey?: string) {
  const file = path.join(dataDir, 'demo-secrets.json');
  if (existsSync(file)) {
    const saved = z.object({ sessionSecret: z.string(), dataKey: hex32 }).parse(JSON.parse(readFileSync(file, 'utf8')));
    return { sessionSecret: sessionSecret ?? saved.sessionSecret, dataKey: dataKey ?? saved.dataKey };
  }
  const generated = {
    sessionSecret: sessionSecret ?? randomBytes(32).toString('base64url'),
    dataKey: dataKey ?? randomBytes(16).toString('hex'),
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(generated, null, 2), { mode: 0o600 });
  return generated;
}

/** A config for tests: fixed secrets, nothing written to disk. */
export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    mode: 'demo',
    port: 0,
    host: '127.0.0.1',
    databaseUrl: process.env.DATABASE_URL ?? null,
    dataDir: '',
    sessionSecret: 'test-session-secret-test-session-secret',
    dataKey: Buffer.from('00112233445566778899aabbccddeeff', 'hex'),
    auditHash: 'sm3',
    passwordPolicy: { minLength: 8, minClasses: 3 },
    lockout: { attempts: 5, minutes: 15 },
    idleTimeoutMinutes: 30,
    sessionMaxHours: 12,
    bodyLimitBytes: 1024 * 1024,
    cookieSecure: 'auto',
    trustProxy: false,
    webDist: null,
    logLevel: 'silent',
    gridHouseholds: { min: 300, max: 500 },
    baseMapUrl: null,
    gridCodeDigits: { grid: 3, subgrid: 2 },
    ...overrides,
  };
}
