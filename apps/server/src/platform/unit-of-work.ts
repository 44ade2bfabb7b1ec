import type { Permission } from '@redgrid/contracts';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/engine.ts';
import { appendAuditRows, pendingAudit, type AuditEvent, type PendingAudit } from './audit.ts';
import { type Actor, type AppDeps, type RequestContext, type Scope } from './context.ts';
import { restricted, type Db } from './data-access.ts';
import { AppError, forbidden } from './errors.ts';
import type { Tx } from './transaction.ts';

/**
 * The only path from a use case to data. `read` / `write` resolve the actor, check the permission,
 * open the transaction (writes) and hand the work a unit whose repositories are already bound to
 * that transaction and the caller's scope. The request context carries no database handle: the
 * database a context may use is kept here, out of reach of modules.
 */

/** A repository is built from a handle and a scope, nothing else. */
export type Repository<R> = (db: Db, scope: Scope) => R;

export interface Unit {
  readonly actor: Actor;
  readonly scope: Scope;
  /** A repository on this unit's transaction (or read connection) and the caller's scope. */
  use<R>(repository: Repository<R>): R;
}

export interface WriteUnit extends Unit {
  /**
   * Records an audit row for this unit's transaction: appended to the chain when the work has finished,
   * just before commit, so it commits or rolls back with the change, and none is appended if the work throws.
   */
  audit(event: AuditEvent): Promise<void>;
}

/** Work that no person started (demo seed, CLI, scheduled jobs): every area, no actor. */
export interface SystemUnit {
  readonly scope: Scope;
  use<R>(repository: Repository<R>): R;
  audit(event: Omit<AuditEvent, 'actorOverride'>): Promise<void>;
}

/** Either a permission, or any signed-in actor (their own profile, their own password). */
export type Access = Permission | 'signed_in';

const databases = new WeakMap<RequestContext, Database>();

function databaseOf(ctx: RequestContext): Database {
  const database = databases.get(ctx);
  if (!database) throw new Error('context was not made by makeContext');
  return database;
}

export interface ContextFields {
  actor: Actor | null;
  scope: Scope | null;
  log: FastifyBaseLogger;
  requestId: string | null;
  ip: string | null;
}

/** Makes a context that `read` / `write` can serve; the database stays with this file. */
export function makeContext(deps: AppDeps, fields: ContextFields): RequestContext {
  const ctx: RequestContext = { ...fields, config: deps.config, cipher: deps.cipher, clock: deps.clock };
  databases.set(ctx, deps.database);
  return ctx;
}

/** The same request, now knowing who asks (after the session is resolved). */
export function withActor(ctx: RequestContext, actor: Actor, scope: Scope): RequestContext {
  const next: RequestContext = { ...ctx, actor, scope };
  databases.set(next, databaseOf(ctx));
  return next;
}

/** A context for work no HTTP request started (seeding, CLI tools, jobs). */
export function systemContext(deps: AppDeps, log: FastifyBaseLogger): RequestContext {
  return makeContext(deps, { actor: null, scope: null, log, requestId: null, ip: null });
}

/** Records audit events (with the context each was recorded in) for the end of a transaction. */
type RecordAudit = (ctx: RequestContext, event: AuditEvent) => Promise<void>;

/**
 * One transaction whose audit rows are appended last, in the order recorded. The chain's head is locked
 * from the moment it is read until commit and every writer in the deployment waits for it, so it is read
 * after the work, not when the work records its event: other writers wait for the append and the commit
 * only, never for the rest of this transaction's statements.
 */
function audited<T>(ctx: RequestContext, work: (tx: Tx, record: RecordAudit) => Promise<T>): Promise<T> {
  return databaseOf(ctx).db.transaction().execute(async (tx) => {
    const pending: PendingAudit[] = [];
    let open = true;
    const result = await work(tx, (c, event) => {
      if (!open) return Promise.reject(new Error('audit recorded after its unit of work ended'));
      pending.push(pendingAudit(c, event));
      return Promise.resolve();
    });
    open = false;
    await appendAuditRows(tx, ctx.config, pending);
    return result;
  });
}

function authorise(ctx: RequestContext, access: Access): { actor: Actor; scope: Scope } {
  const actor = ctx.actor;
  if (!actor || !ctx.scope) throw new AppError('unauthenticated', '请先登录');
  if (access !== 'signed_in' && !actor.permissions.has(access)) throw forbidden();
  return { actor, scope: ctx.scope };
}

/** A read: permission checked, repositories on the read connection, no transaction. */
export async function read<T>(ctx: RequestContext, access: Access, work: (unit: Unit) => Promise<T>): Promise<T> {
  const { actor, scope } = authorise(ctx, access);
  const db = restricted(databaseOf(ctx).db);
  return work({ actor, scope, use: (repository) => repository(db, scope) });
}

/** A write: permission checked, one transaction for the whole use case, audit rows inside it. */
export async function write<T>(ctx: RequestContext, access: Access, work: (unit: WriteUnit) => Promise<T>): Promise<T> {
  const { actor, scope } = authorise(ctx, access);
  return audited(ctx, (tx, record) => {
    const db = restricted(tx);
    return work({ actor, scope, use: (repository) => repository(db, scope), audit: (event) => record(ctx, event) });
  });
}

/** Every area: the system's own work is not confined to a subtree. */
const EVERYTHING: Scope = { areas: ['/'], departments: [], partyOrgs: [] };

/**
 * The system's own work, in one transaction over every area. Refused on a context that has an actor
 * or came from a request, so no HTTP route can widen its scope through it.
 */
export async function asSystem<T>(ctx: RequestContext, work: (unit: SystemUnit) => Promise<T>): Promise<T> {
  if (ctx.actor !== null || ctx.requestId !== null) throw new Error('asSystem is for work no person started');
  return audited(ctx, (tx, record) => {
    const db = restricted(tx);
    return work({
      scope: EVERYTHING,
      use: (repository) => repository(db, EVERYTHING),
      audit: (event) => record(ctx, { ...event, actorOverride: { id: null, name: 'system' } }),
    });
  });
}

/** Someone a request acts for without an account: a resident on the public page, an Open311 client. */
export interface Guest {
  /** What the audit trail and a case timeline name them (e.g. 居民（公众上报）, Open311: 某应用). */
  name: string;
  permissions: readonly Permission[];
  /**
   * The area subtrees the work may touch, resolved before the unit opens (the grid a reported point
   * falls in, through the cross-scope repository). Never '/' from a route: a guest reaches one place.
   */
  areaPaths: readonly string[];
}

/**
 * A write for a guest: one transaction, scoped repositories confined to `areaPaths`, an actor with no
 * roles and only the permissions named (id 0: no account), audit rows under the guest's name.
 */
export async function asGuest<T>(ctx: RequestContext, guest: Guest, work: (unit: WriteUnit) => Promise<T>): Promise<T> {
  if (guest.areaPaths.length === 0 || guest.areaPaths.some((p) => !/^\/(\d+\/)+$/.test(p))) throw new Error('asGuest needs the area paths it may touch');
  const scope: Scope = { areas: [...guest.areaPaths], departments: [], partyOrgs: [] };
  const actor: Actor = { id: 0, username: 'guest', displayName: guest.name, roles: [], permissions: new Set(guest.permissions), mustChangePassword: false, sessionId: null };
  const guestCtx = withActor(ctx, actor, scope);
  return audited(ctx, (tx, record) => {
    const db = restricted(tx);
    return work({ actor, scope, use: (repository) => repository(db, scope), audit: (event) => record(guestCtx, { ...event, actorOverride: { id: null, name: guest.name } }) });
  });
}

/**
 * Login and session resolution run before anyone is known: they reach the cross-scope repository
 * only (see cross-scope.repository.ts), never a scoped one.
 */
export async function beforeSignIn<T>(ctx: RequestContext, work: (db: Db, audit: (event: AuditEvent) => Promise<void>) => Promise<T>): Promise<T> {
  return audited(ctx, (tx, record) => work(restricted(tx), (event) => record(ctx, event)));
}

/**
 * A refused request of a signed-in account (platform/refusals.ts), in a transaction of its own: the
 * request's own work has rolled back by now, and the refusal must be recorded all the same.
 */
export async function recordRefusal(ctx: RequestContext, event: AuditEvent): Promise<void> {
  if (!ctx.actor) return;
  await audited(ctx, (_tx, record) => record(ctx, event));
}

/**
 * Fresh planner statistics for tables a bulk write has just filled (an import's apply). PostgreSQL's
 * autovacuum gets there on its own; the embedded engine runs none, and a search planned without
 * statistics can be hundreds of times slower. Outside any transaction; names checked, never from input.
 */
export async function refreshStatistics(ctx: RequestContext, tables: readonly string[]): Promise<void> {
  if (tables.length === 0) return;
  if (!tables.every((t) => /^[a-z][a-z0-9_]{0,62}$/.test(t))) throw new Error('refreshStatistics: table names are lower-case identifiers');
  await databaseOf(ctx).execScript(`ANALYZE ${tables.join(', ')}`);
}

/** A read before anyone is known (the account a login names, the session a cookie names): no transaction. */
export async function lookUpBeforeSignIn<T>(ctx: RequestContext, work: (db: Db) => Promise<T>): Promise<T> {
  return work(restricted(databaseOf(ctx).db));
}
