import { sql } from 'kysely';
import type { RequestContext } from '../../platform/context.ts';
import { appendAudit } from '../../platform/audit.ts';
import { notFound } from '../../platform/errors.ts';
import { areaPathInScope, requirePermission, requireScope } from '../../platform/scope.ts';
import { inTransaction } from '../../platform/transaction.ts';

/**
 * The security admin's desk (三权分立): who is signed in, from where, and ending a session; the
 * settings in force and the accounts locked out. Accounts are those whose home area is in scope.
 */
export async function listSessions(ctx: RequestContext, query: { page: number; pageSize: number; userId?: number | undefined }) {
  requirePermission(ctx, 'security.manage');
  const scope = requireScope(ctx);
  const now = ctx.clock();
  const idleSince = new Date(now.getTime() - ctx.config.idleTimeoutMinutes * 60_000);
  let base = ctx.database.db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .innerJoin('areas as h', 'h.id', 'u.home_area_id')
    .where(areaPathInScope(scope, 'h.path'))
    .where('s.expires_at', '>', now)
    .where('s.last_seen_at', '>', idleSince);
  if (query.userId) base = base.where('u.id', '=', query.userId);
  const [rows, count] = await Promise.all([
    base
      .select(['s.id', 'u.id as userId', 'u.username', 'u.display_name as displayName', 's.ip', 's.user_agent as userAgent', 's.created_at as createdAt', 's.last_seen_at as lastSeenAt', 's.expires_at as expiresAt'])
      .orderBy('s.last_seen_at', 'desc')
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize)
      .execute(),
    base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({
      ...r,
      createdAt: r.createdAt.toISOString(),
      lastSeenAt: r.lastSeenAt.toISOString(),
      expiresAt: r.expiresAt.toISOString(),
      current: r.id === ctx.actor?.sessionId,
    })),
    total: count.n,
    page: query.page,
    pageSize: query.pageSize,
  };
}

export async function revokeSession(ctx: RequestContext, id: string): Promise<void> {
  requirePermission(ctx, 'security.manage');
  const scope = requireScope(ctx);
  await inTransaction(ctx, async (tx) => {
    const found = await tx
      .selectFrom('sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .innerJoin('areas as h', 'h.id', 'u.home_area_id')
      .select(['s.id', 'u.id as userId', 'u.username', 'u.home_area_id as homeAreaId'])
      .where('s.id', '=', id)
      .where(areaPathInScope(scope, 'h.path'))
      .executeTakeFirst();
    if (!found) throw notFound('会话');
    await tx.deleteFrom('sessions').where('id', '=', id).execute();
    await appendAudit(tx, ctx, { action: 'revoke_session', entity: 'user', entityId: found.userId, areaId: found.homeAreaId, after: { username: found.username } });
  });
}

export async function securitySettings(ctx: RequestContext) {
  requirePermission(ctx, 'security.manage');
  const scope = requireScope(ctx);
  const now = ctx.clock();
  const locked = await ctx.database.db
    .selectFrom('users as u')
    .innerJoin('areas as h', 'h.id', 'u.home_area_id')
    .select(['u.id', 'u.username', 'u.locked_until'])
    .where(areaPathInScope(scope, 'h.path'))
    .where('u.locked_until', '>', now)
    .orderBy('u.locked_until', 'desc')
    .limit(200)
    .execute();
  const c = ctx.config;
  return {
    passwordPolicy: c.passwordPolicy,
    lockout: c.lockout,
    idleTimeoutMinutes: c.idleTimeoutMinutes,
    sessionMaxHours: c.sessionMaxHours,
    auditHash: c.auditHash,
    lockedAccounts: locked.map((u) => ({ id: u.id, username: u.username, lockedUntil: u.locked_until?.toISOString() ?? '' })),
  };
}

export async function unlockAccount(ctx: RequestContext, userId: number): Promise<void> {
  requirePermission(ctx, 'security.manage');
  const scope = requireScope(ctx);
  await inTransaction(ctx, async (tx) => {
    const user = await tx
      .selectFrom('users as u')
      .innerJoin('areas as h', 'h.id', 'u.home_area_id')
      .select(['u.id', 'u.username', 'u.home_area_id', 'u.locked_until'])
      .where('u.id', '=', userId)
      .where(areaPathInScope(scope, 'h.path'))
      .forUpdate('u')
      .executeTakeFirst();
    if (!user) throw notFound('用户');
    await tx.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', userId).execute();
    await appendAudit(tx, ctx, { action: 'unlock', entity: 'user', entityId: userId, areaId: user.home_area_id, before: { lockedUntil: user.locked_until }, after: { lockedUntil: null } });
  });
}
