import { open311KeyCreateSchema, type Open311Key, type Open311KeyCreate, type Open311KeyCreated, type Open311KeyList } from '@redgrid/contracts';
import type { Actor, RequestContext } from '../../platform/context.ts';
import { hashHex, randomToken } from '../../platform/crypto.ts';
import { actorNames } from '../../platform/cross-scope.repository.ts';
import { forbidden, notFound } from '../../platform/errors.ts';
import { lookUpBeforeSignIn, read, write, type Repository } from '../../platform/unit-of-work.ts';
import { open311KeysRepository } from './open311-keys.repository.ts';

/**
 * Open311 API keys: issued and revoked by a system admin or a district-level area admin (keys are the
 * deployment's, like the working calendar: a community's admin does not open the district's door to
 * outside applications). The key is random (`o311_` + 192 bits), shown once; the table keeps its SM3
 * hash and first characters. Every issue and revocation is an audit row, without the key.
 */

const MANAGER_LEVELS = new Set(['country', 'province', 'city', 'district']);

export function canManageOpen311Keys(actor: Actor): boolean {
  if (!actor.permissions.has('open311.manage')) return false;
  return actor.roles.some((r) => r.role === 'system_admin' || (r.role === 'area_admin' && MANAGER_LEVELS.has(r.areaLevel)));
}

function requireManager(actor: Actor): void {
  if (!canManageOpen311Keys(actor)) throw forbidden('Open311 密钥由系统管理员或区（县）级以上管理员管理');
}

export const hashOpen311Key = (key: string): string => hashHex('sm3', key);

type KeyRow = NonNullable<Awaited<ReturnType<ReturnType<typeof open311KeysRepository>['get']>>>;

function present(row: KeyRow, names: Map<number, string>): Open311Key {
  return {
    id: Number(row.id),
    name: row.name,
    owner: row.owner,
    keyPrefix: row.keyPrefix,
    ratePerMinute: row.ratePerMinute,
    active: row.active,
    createdBy: row.createdBy === null ? null : (names.get(Number(row.createdBy)) ?? null),
    createdAt: row.createdAt.toISOString(),
    revokedBy: row.revokedBy === null ? null : (names.get(Number(row.revokedBy)) ?? null),
    revokedAt: row.revokedAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  };
}

const keys: Repository<ReturnType<typeof open311KeysRepository>> = (db) => open311KeysRepository(db);

async function presentAll(unit: { use<R>(r: Repository<R>): R }, rows: KeyRow[]): Promise<Open311Key[]> {
  const ids = rows.flatMap((r) => [r.createdBy, r.revokedBy]).filter((id): id is number => id !== null).map(Number);
  const names = await unit.use((db) => actorNames(db, ids));
  return rows.map((r) => present(r, names));
}

export async function listOpen311Keys(ctx: RequestContext): Promise<Open311KeyList> {
  return read(ctx, 'open311.manage', async (unit) => {
    requireManager(unit.actor);
    return { items: await presentAll(unit, await unit.use(keys).list()) };
  });
}

export async function createOpen311Key(ctx: RequestContext, raw: Open311KeyCreate): Promise<Open311KeyCreated> {
  const input = open311KeyCreateSchema.parse(raw);
  return write(ctx, 'open311.manage', async (unit) => {
    requireManager(unit.actor);
    const apiKey = `o311_${randomToken(24)}`;
    const keyPrefix = apiKey.slice(0, 9);
    const { id } = await unit.use(keys).insert({ ...input, keyHash: hashOpen311Key(apiKey), keyPrefix, createdBy: unit.actor.id, at: ctx.clock() });
    await unit.audit({ action: 'create', entity: 'open311_key', entityId: Number(id), after: { name: input.name, owner: input.owner, ratePerMinute: input.ratePerMinute, keyPrefix } });
    const row = await unit.use(keys).get(Number(id));
    if (!row) throw notFound('密钥');
    return { key: (await presentAll(unit, [row]))[0]!, apiKey };
  });
}

export async function revokeOpen311Key(ctx: RequestContext, id: number): Promise<Open311Key> {
  const revoked = await write(ctx, 'open311.manage', async (unit) => {
    requireManager(unit.actor);
    const repo = unit.use(keys);
    const before = await repo.get(id);
    if (!before) throw notFound('密钥');
    if (await repo.revoke(id, unit.actor.id, ctx.clock())) {
      await unit.audit({ action: 'revoke', entity: 'open311_key', entityId: id, before: { name: before.name, active: true }, after: { active: false } });
    }
    const row = (await repo.get(id))!;
    return { row, view: (await presentAll(unit, [row]))[0]! };
  });
  forgetKeys();
  return revoked.view;
}

/** The demo's key (README): seeded with the demo district, never in production (no demo seed there). */
export const DEMO_OPEN311_KEY = 'demo-open311-key-2026';

export async function seedOpen311DemoKey(unit: { use<R>(r: Repository<R>): R }, at: Date): Promise<void> {
  const repo = unit.use(keys);
  const hash = hashOpen311Key(DEMO_OPEN311_KEY);
  if (await repo.hashTaken(hash)) return;
  await repo.insert({ name: '演示应用', owner: '红网格演示（仅演示模式）', keyHash: hash, keyPrefix: DEMO_OPEN311_KEY.slice(0, 9), ratePerMinute: 60_000, createdBy: null, at });
}

// ——— the key a POST presents: looked up once, kept a few seconds, counted per minute ———

export interface Open311Client {
  id: number;
  name: string;
  ratePerMinute: number;
}

/** How long a looked-up key is believed; a revocation in this process is seen at once (forgetKeys). */
const KEY_TTL_MS = 10_000;
const MAX_CACHED = 1000;
const known = new Map<string, { client: Open311Client | null; revoked: boolean; until: number }>();
const lastTouched = new Map<number, number>();

function forgetKeys(): void {
  known.clear();
}

export type KeyCheck = { ok: true; client: Open311Client } | { ok: false; reason: 'missing' | 'invalid' | 'revoked' | 'rate'; retryAfterSeconds?: number };

/**
 * The client a presented key names, or why not: missing, unknown, revoked, or over its rate (a token
 * bucket of `ratePerMinute`, refilled continuously, per server process). `last_used_at` is written at
 * most once a minute per key, outside the request's transaction.
 */
export async function checkOpen311Key(ctx: RequestContext, apiKey: string | undefined): Promise<KeyCheck> {
  if (!apiKey) return { ok: false, reason: 'missing' };
  if (apiKey.length > 200) return { ok: false, reason: 'invalid' };
  // The injected clock (tests move it by hand), so a key's rate and cache follow the app's time.
  const now = ctx.clock().getTime();
  const hash = hashOpen311Key(apiKey);
  let entry = known.get(hash);
  if (!entry || entry.until < now) {
    const row = await lookUpBeforeSignIn(ctx, (db) => open311KeysRepository(db).byHash(hash));
    if (known.size >= MAX_CACHED) known.clear();
    entry = { client: row ? { id: Number(row.id), name: row.name, ratePerMinute: row.ratePerMinute } : null, revoked: row ? !row.active : false, until: now + KEY_TTL_MS };
    known.set(hash, entry);
  }
  if (!entry.client) return { ok: false, reason: 'invalid' };
  if (entry.revoked) return { ok: false, reason: 'revoked' };
  const wait = takeToken(entry.client, now);
  if (wait > 0) return { ok: false, reason: 'rate', retryAfterSeconds: Math.ceil(wait / 1000) };
  const touched = lastTouched.get(entry.client.id) ?? 0;
  if (now - touched >= 60_000) {
    lastTouched.set(entry.client.id, now);
    const id = entry.client.id;
    await lookUpBeforeSignIn(ctx, (db) => open311KeysRepository(db).touch(id, new Date(now)));
  }
  return { ok: true, client: entry.client };
}

const buckets = new Map<number, { tokens: number; at: number }>();

/** Takes one request from the key's bucket; answers 0, or the milliseconds until one is there. */
function takeToken(client: Open311Client, now: number): number {
  const perMs = client.ratePerMinute / 60_000;
  let b = buckets.get(client.id);
  if (!b) {
    if (buckets.size >= MAX_CACHED) buckets.clear();
    b = { tokens: client.ratePerMinute, at: now };
    buckets.set(client.id, b);
  }
  b.tokens = Math.min(client.ratePerMinute, b.tokens + (now - b.at) * perMs);
  b.at = now;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return 0;
  }
  return (1 - b.tokens) / perMs;
}
