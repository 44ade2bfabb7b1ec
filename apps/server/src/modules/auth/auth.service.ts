import type { Me, SessionResponse } from '@redgrid/contracts';
import { assignableRolesOf, permissionsOf } from '@redgrid/contracts';
import { actorFromRoles, type Actor, type AppDeps, type RequestContext } from '../../platform/context.ts';
import { appendAudit } from '../../platform/audit.ts';
import { hashHex, randomToken } from '../../platform/crypto.ts';
import { AppError } from '../../platform/errors.ts';
import { assertPasswordPolicy, hashPassword, matchesAnyHash, verifyAgainstDummy, verifyPassword } from '../../platform/password.ts';
import { requireActor } from '../../platform/scope.ts';
import { inTransaction } from '../../platform/transaction.ts';
import { clearFailuresOnLogin, findSession, findUserForLogin, listRolesOfUser, lockedUntilOf, recentPasswordHashes, recordLoginFailure, rememberPassword } from './auth.repository.ts';
import { maskTypedName, unknownNamesOf } from './unknown-names.ts';

/** Sessions are stored by the hash of their token: a leaked table cannot be replayed. */
export function sessionIdOf(token: string): string {
  return hashHex('sha256', token);
}

export interface LoginResult {
  token: string;
  response: SessionResponse;
}

export async function login(ctx: RequestContext, input: { username: string; password: string; userAgent: string | null }): Promise<LoginResult> {
  const now = ctx.clock();
  const { lockout } = ctx.config;
  const user = await findUserForLogin(ctx.database.db, input.username);
  // An unknown name gets the same answers as a real one: same message, same lock after N failures.
  if (!user) {
    const unknown = unknownNamesOf(ctx.database);
    const running = unknown.lockedUntil(input.username, now);
    if (running) throw lockedError(running);
    await verifyAgainstDummy(input.password);
    const lockedUntil = unknown.fail(input.username, now, lockout);
    await inTransaction(ctx, (tx) =>
      appendAudit(tx, ctx, { action: 'login_failed', entity: 'user', actorOverride: { id: null, name: maskTypedName(input.username) }, after: { reason: 'unknown_user' } }),
    );
    if (lockedUntil) throw lockedError(lockedUntil, lockout.attempts);
    throw invalidCredentials();
  }
  if (user.locked_until && user.locked_until > now) throw lockedError(user.locked_until);
  const ok = await verifyPassword(user.password_hash, input.password);
  if (!ok) {
    const lockUntil = new Date(now.getTime() + lockout.minutes * 60_000);
    const outcome = await inTransaction(ctx, async (tx) => {
      const counted = await recordLoginFailure(tx, user.id, lockout.attempts, now, lockUntil);
      // Locked by a parallel failure after this request read the account: nothing more to count.
      if (!counted) return { lockedUntil: await lockedUntilOf(tx, user.id), justLocked: false };
      await appendAudit(tx, ctx, {
        action: counted.locked ? 'lock' : 'login_failed',
        entity: 'user',
        entityId: user.id,
        areaId: user.home_area_id,
        actorOverride: { id: null, name: user.username },
        after: { failedAttempts: counted.failedAttempts, lockedUntil: counted.lockedUntil },
      });
      return { lockedUntil: counted.lockedUntil, justLocked: counted.locked };
    });
    if (outcome.lockedUntil) throw lockedError(outcome.lockedUntil, outcome.justLocked ? lockout.attempts : undefined);
    throw invalidCredentials();
  }
  if (user.disabled) throw new AppError('account_disabled', '账号已停用，请联系管理员');

  const token = randomToken();
  const csrfToken = randomToken(24);
  const expiresAt = new Date(now.getTime() + ctx.config.sessionMaxHours * 3_600_000);
  const actor = await inTransaction(ctx, async (tx) => {
    // The lock is decided again here, atomically: the check above read the account before the
    // password was verified, and parallel failures may have locked it meanwhile.
    if (!(await clearFailuresOnLogin(tx, user.id, now))) throw lockedError((await lockedUntilOf(tx, user.id)) ?? now);
    await tx.insertInto('sessions').values({
      id: sessionIdOf(token),
      user_id: user.id,
      csrf_token: csrfToken,
      created_at: now,
      last_seen_at: now,
      expires_at: expiresAt,
      ip: ctx.ip,
      user_agent: input.userAgent?.slice(0, 300) ?? null,
    }).execute();
    const roles = await listRolesOfUser(tx, user.id);
    const actor = actorFromRoles({ id: user.id, username: user.username, displayName: user.display_name }, roles, {
      mustChangePassword: user.must_change_password,
      sessionId: sessionIdOf(token),
    });
    await appendAudit(tx, ctx, { action: 'login', entity: 'user', entityId: user.id, areaId: user.home_area_id, actorOverride: { id: user.id, name: user.username } });
    return actor;
  });
  return { token, response: { user: toMe(actor), csrfToken, expiresAt: expiresAt.toISOString() } };
}

/** No attempts-left count: it would differ between real and unknown names. */
function invalidCredentials(): AppError {
  return new AppError('invalid_credentials', '用户名或密码错误');
}

function lockedError(lockedUntil: Date, justAfter?: number): AppError {
  const message = justAfter
    ? `连续 ${justAfter} 次登录失败，账号已锁定至 ${formatZh(lockedUntil)}`
    : `登录失败次数过多，账号已锁定至 ${formatZh(lockedUntil)}`;
  return new AppError('account_locked', message, { lockedUntil: lockedUntil.toISOString() });
}

export interface ResolvedSession {
  actor: Actor;
  csrfToken: string;
  expiresAt: Date;
}

/**
 * Turns a cookie token into an actor, enforcing the absolute and idle limits. last_seen_at is
 * written at most once a minute so that reads stay reads.
 */
export async function resolveSession(deps: AppDeps, token: string): Promise<ResolvedSession> {
  const now = deps.clock();
  const id = sessionIdOf(token);
  const db = deps.database.db;
  const session = await findSession(db, id);
  if (!session) throw new AppError('unauthenticated', '请先登录');
  const idleLimit = new Date(session.last_seen_at.getTime() + deps.config.idleTimeoutMinutes * 60_000);
  if (session.expires_at <= now || idleLimit <= now || session.disabled) {
    await db.deleteFrom('sessions').where('id', '=', id).execute();
    throw new AppError('session_expired', session.disabled ? '账号已停用' : '登录已超时，请重新登录');
  }
  if (now.getTime() - session.last_seen_at.getTime() > 60_000) {
    await db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
  }
  const roles = await listRolesOfUser(db, session.user_id);
  return {
    actor: actorFromRoles({ id: session.user_id, username: session.username, displayName: session.display_name }, roles, {
      mustChangePassword: session.must_change_password,
      sessionId: id,
    }),
    csrfToken: session.csrf_token,
    expiresAt: session.expires_at,
  };
}

export async function logout(ctx: RequestContext): Promise<void> {
  const actor = requireActor(ctx);
  await inTransaction(ctx, async (tx) => {
    if (actor.sessionId) await tx.deleteFrom('sessions').where('id', '=', actor.sessionId).execute();
    await appendAudit(tx, ctx, { action: 'logout', entity: 'user', entityId: actor.id });
  });
}

export async function changeOwnPassword(ctx: RequestContext, input: { currentPassword: string; newPassword: string }): Promise<void> {
  const actor = requireActor(ctx);
  assertPasswordPolicy(input.newPassword, ctx.config.passwordPolicy, actor.username, 'newPassword');
  if (input.newPassword === input.currentPassword) {
    throw new AppError('weak_password', '新密码不能与当前密码相同', { fields: { newPassword: ['新密码不能与当前密码相同'] } });
  }
  const user = await ctx.database.db.selectFrom('users').select(['password_hash', 'home_area_id']).where('id', '=', actor.id).executeTakeFirstOrThrow();
  if (!(await verifyPassword(user.password_hash, input.currentPassword))) {
    throw new AppError('validation_failed', '当前密码不正确', { fields: { currentPassword: ['当前密码不正确'] } });
  }
  // The last N passwords, the current one included, may not come back.
  const generations = Math.max(ctx.config.passwordHistory, 1);
  const earlier = await recentPasswordHashes(ctx.database.db, actor.id, generations - 1);
  if (await matchesAnyHash(input.newPassword, earlier)) {
    const message = `新密码不能与最近 ${generations} 次使用过的密码相同`;
    throw new AppError('weak_password', message, { fields: { newPassword: [message] } });
  }
  const passwordHash = await hashPassword(input.newPassword);
  await inTransaction(ctx, async (tx) => {
    await tx
      .updateTable('users')
      .set({ password_hash: passwordHash, must_change_password: false, password_changed_at: ctx.clock(), updated_at: ctx.clock() })
      .where('id', '=', actor.id)
      .execute();
    await rememberPassword(tx, actor.id, user.password_hash, generations - 1, ctx.clock());
    // Other sessions of this account end; this one stays.
    await tx.deleteFrom('sessions').where('user_id', '=', actor.id).where('id', '!=', actor.sessionId ?? '').execute();
    await appendAudit(tx, ctx, { action: 'change_password', entity: 'user', entityId: actor.id, areaId: user.home_area_id });
  });
}

export function toMe(actor: Actor): Me {
  const roles = actor.roles.map((r) => r.role);
  return {
    id: actor.id,
    username: actor.username,
    displayName: actor.displayName,
    roles: actor.roles.map(({ role, areaId, areaCode, areaName, areaLevel }) => ({ role, areaId, areaCode, areaName, areaLevel })),
    permissions: permissionsOf(roles),
    assignableRoles: assignableRolesOf(roles),
    mustChangePassword: actor.mustChangePassword,
  };
}

function formatZh(d: Date): string {
  // Chinese users read Beijing time whatever the server's zone.
  return new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', dateStyle: 'short', timeStyle: 'short' }).format(d);
}
