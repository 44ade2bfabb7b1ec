import type { Me, SessionResponse } from '@redgrid/contracts';
import { assignableRolesOf, permissionsOf } from '@redgrid/contracts';
import { actorFromRoles, type Actor, type RequestContext } from '../../platform/context.ts';
import {
  deleteSession,
  findAccountForLogin,
  findSession,
  listOwnRoles,
  loginLockedUntil,
  ownAccount,
  recordLoginFailure,
  recordLoginSuccess,
  startSession,
  touchSession,
} from '../../platform/cross-scope.repository.ts';
import { hashHex, randomToken } from '../../platform/crypto.ts';
import { AppError } from '../../platform/errors.ts';
import { assertPasswordPolicy, hashPassword, matchesAnyHash, verifyAgainstDummy, verifyPassword } from '../../platform/password.ts';
import { securityPolicyRepository } from '../../platform/security-policy.ts';
import { beforeSignIn, lookUpBeforeSignIn, read, write } from '../../platform/unit-of-work.ts';
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
  // The security admin's lockout (or the deployment's default): read before anyone is known.
  const { lockout } = await lookUpBeforeSignIn(ctx, (db) => securityPolicyRepository(db).inForce(ctx.config));
  const user = await lookUpBeforeSignIn(ctx, (db) => findAccountForLogin(db, input.username));
  // An unknown name gets the same answers as a real one: same message, same lock after N failures.
  if (!user) {
    const unknown = unknownNamesOf(ctx.config);
    const running = unknown.lockedUntil(input.username, now);
    if (running) throw lockedError(running);
    await verifyAgainstDummy(input.password);
    const lockedUntil = unknown.fail(input.username, now, lockout);
    await beforeSignIn(ctx, (_db, audit) =>
      audit({ action: 'login_failed', entity: 'user', actorOverride: { id: null, name: maskTypedName(input.username) }, after: { reason: 'unknown_user' } }),
    );
    if (lockedUntil) throw lockedError(lockedUntil, lockout.attempts);
    throw invalidCredentials();
  }
  if (user.locked_until && user.locked_until > now) throw lockedError(user.locked_until);
  const ok = await verifyPassword(user.password_hash, input.password);
  if (!ok) {
    const lockUntil = new Date(now.getTime() + lockout.minutes * 60_000);
    const outcome = await beforeSignIn(ctx, async (db, audit) => {
      const counted = await recordLoginFailure(db, user.id, lockout.attempts, now, lockUntil);
      // Locked by a parallel failure after this request read the account: nothing more to count.
      if (!counted) return { lockedUntil: await loginLockedUntil(db, user.id), justLocked: false };
      await audit({
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
  const actor = await beforeSignIn(ctx, async (db, audit) => {
    // The lock is decided again here, atomically: the check above read the account before the
    // password was verified, and parallel failures may have locked it meanwhile.
    if (!(await recordLoginSuccess(db, user.id, now))) throw lockedError((await loginLockedUntil(db, user.id)) ?? now);
    await startSession(db, {
      id: sessionIdOf(token),
      userId: user.id,
      csrfToken,
      now,
      expiresAt,
      ip: ctx.ip,
      userAgent: input.userAgent?.slice(0, 300) ?? null,
    });
    const roles = await listOwnRoles(db, user.id);
    const actor = actorFromRoles({ id: user.id, username: user.username, displayName: user.display_name }, roles, {
      mustChangePassword: user.must_change_password,
      sessionId: sessionIdOf(token),
    });
    await audit({ action: 'login', entity: 'user', entityId: user.id, areaId: user.home_area_id, actorOverride: { id: user.id, name: user.username } });
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
 * written at most once a minute so that reads stay reads. `ctx` is the request's context before
 * anyone is known (app.ts's onRequest hook).
 */
export async function resolveSession(ctx: RequestContext, token: string): Promise<ResolvedSession> {
  const now = ctx.clock();
  const id = sessionIdOf(token);
  // Most requests only read their session: a transaction is opened only to end or touch it.
  const session = await lookUpBeforeSignIn(ctx, (db) => findSession(db, id));
  if (!session) throw new AppError('unauthenticated', '请先登录');
  const idleLimit = new Date(session.last_seen_at.getTime() + ctx.config.idleTimeoutMinutes * 60_000);
  if (session.expires_at <= now || idleLimit <= now || session.disabled) {
    await beforeSignIn(ctx, (db) => deleteSession(db, id));
    throw new AppError('session_expired', session.disabled ? '账号已停用' : '登录已超时，请重新登录');
  }
  if (now.getTime() - session.last_seen_at.getTime() > 60_000) await beforeSignIn(ctx, (db) => touchSession(db, id, now));
  const roles = await lookUpBeforeSignIn(ctx, (db) => listOwnRoles(db, session.user_id));
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
  await write(ctx, 'signed_in', async (unit) => {
    const sessionId = unit.actor.sessionId;
    if (sessionId) await unit.use((db) => deleteSession(db, sessionId));
    await unit.audit({ action: 'logout', entity: 'user', entityId: unit.actor.id });
  });
}

export async function changeOwnPassword(ctx: RequestContext, input: { currentPassword: string; newPassword: string }): Promise<void> {
  // The last N passwords, the current one included, may not come back.
  const generations = Math.max(ctx.config.passwordHistory, 1);
  // Checked on the read connection: the slow hash comparisons hold no transaction.
  const current = await read(ctx, 'signed_in', async (unit) => {
    const { passwordPolicy } = await unit.use(securityPolicyRepository).inForce(ctx.config);
    assertPasswordPolicy(input.newPassword, passwordPolicy, unit.actor.username, 'newPassword');
    if (input.newPassword === input.currentPassword) {
      throw new AppError('weak_password', '新密码不能与当前密码相同', { fields: { newPassword: ['新密码不能与当前密码相同'] } });
    }
    const actorId = unit.actor.id;
    const account = await unit.use((db) => ownAccount(db, actorId)).passwordState(generations - 1);
    if (!(await verifyPassword(account.passwordHash, input.currentPassword))) {
      throw new AppError('validation_failed', '当前密码不正确', { fields: { currentPassword: ['当前密码不正确'] } });
    }
    if (await matchesAnyHash(input.newPassword, account.earlierHashes)) {
      const message = `新密码不能与最近 ${generations} 次使用过的密码相同`;
      throw new AppError('weak_password', message, { fields: { newPassword: [message] } });
    }
    return account;
  });
  const passwordHash = await hashPassword(input.newPassword);
  await write(ctx, 'signed_in', async (unit) => {
    const actorId = unit.actor.id;
    // Other sessions of this account end; this one stays.
    await unit.use((db) => ownAccount(db, actorId)).replacePassword({
      passwordHash,
      replacedHash: current.passwordHash,
      keep: generations - 1,
      at: ctx.clock(),
      keepSession: unit.actor.sessionId,
    });
    await unit.audit({ action: 'change_password', entity: 'user', entityId: actorId, areaId: current.homeAreaId });
  });
}

/**
 * The password rules in force, for the login page and the password forms before anyone is known:
 * the minimum length and classes only (the lockout settings stay on the security desk).
 */
export async function passwordPolicyInForce(ctx: RequestContext): Promise<{ minLength: number; minClasses: number }> {
  const { passwordPolicy } = await lookUpBeforeSignIn(ctx, (db) => securityPolicyRepository(db).inForce(ctx.config));
  return { minLength: passwordPolicy.minLength, minClasses: passwordPolicy.minClasses };
}

export function toMe(actor: Actor): Me {
  const roles = actor.roles.map((r) => r.role);
  return {
    id: actor.id,
    username: actor.username,
    displayName: actor.displayName,
    roles: actor.roles.map(({ role, areaId, areaCode, areaName, areaLevel, departmentId, departmentName }) => ({ role, areaId, areaCode, areaName, areaLevel, departmentId, departmentName })),
    permissions: permissionsOf(roles),
    assignableRoles: assignableRolesOf(roles),
    mustChangePassword: actor.mustChangePassword,
  };
}

function formatZh(d: Date): string {
  // Chinese users read Beijing time whatever the server's zone.
  return new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', dateStyle: 'short', timeStyle: 'short' }).format(d);
}
