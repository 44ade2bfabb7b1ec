import type { LoginFailureTrail, ProbingReport, SecurityPolicyInput } from '@redgrid/contracts';
import type { RequestContext } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { securityPolicyRepository } from '../../platform/security-policy.ts';
import { read, write, type Unit } from '../../platform/unit-of-work.ts';
import { securityRepository } from './security.repository.ts';

/**
 * The security admin's desk (三权分立): who is signed in, from where, and ending a session; the
 * settings in force and the accounts locked out. Accounts are those whose home area is in scope.
 */

export async function listSessions(ctx: RequestContext, query: { page: number; pageSize: number; userId?: number | undefined }) {
  return read(ctx, 'security.manage', async (unit) => {
    const now = ctx.clock();
    const idleSince = new Date(now.getTime() - ctx.config.idleTimeoutMinutes * 60_000);
    const { items, total } = await unit.use(securityRepository).listSessions({ now, idleSince, userId: query.userId }, query.page, query.pageSize);
    return {
      items: items.map((r) => ({
        ...r,
        createdAt: r.createdAt.toISOString(),
        lastSeenAt: r.lastSeenAt.toISOString(),
        expiresAt: r.expiresAt.toISOString(),
        current: r.id === unit.actor.sessionId,
      })),
      total,
      page: query.page,
      pageSize: query.pageSize,
    };
  });
}

export async function revokeSession(ctx: RequestContext, id: string): Promise<void> {
  await write(ctx, 'security.manage', async (unit) => {
    const sessions = unit.use(securityRepository);
    const found = await sessions.findSession(id);
    if (!found) throw notFound('会话');
    await sessions.deleteSession(id);
    await unit.audit({ action: 'revoke_session', entity: 'user', entityId: found.userId, areaId: found.homeAreaId, after: { username: found.username } });
  });
}

export async function securitySettings(ctx: RequestContext) {
  return read(ctx, 'security.manage', (unit) => settingsView(ctx, unit));
}

/** The security admin sets the password and lockout policy; it holds from the next login or password on. */
export async function updateSecurityPolicy(ctx: RequestContext, input: SecurityPolicyInput) {
  await write(ctx, 'security.manage', async (unit) => {
    const policies = unit.use(securityPolicyRepository);
    const before = await policies.inForce(ctx.config);
    await policies.save(input, ctx.clock(), unit.actor.id);
    await unit.audit({
      action: 'update',
      entity: 'security_policy',
      before: { passwordPolicy: before.passwordPolicy, lockout: before.lockout },
      after: { passwordPolicy: input.passwordPolicy, lockout: input.lockout },
    });
  });
  return securitySettings(ctx);
}

async function settingsView(ctx: RequestContext, unit: Unit) {
  const locked = await unit.use(securityRepository).lockedAccounts(ctx.clock(), 200);
  const policy = await unit.use(securityPolicyRepository).inForce(ctx.config);
  const c = ctx.config;
  return {
    passwordPolicy: policy.passwordPolicy,
    lockout: policy.lockout,
    policySetAt: policy.setAt ? new Date(policy.setAt).toISOString() : null,
    idleTimeoutMinutes: c.idleTimeoutMinutes,
    sessionMaxHours: c.sessionMaxHours,
    auditHash: c.auditHash,
    lockedAccounts: locked.map((u) => ({ id: u.id, username: u.username, lockedUntil: u.lockedUntil?.toISOString() ?? '' })),
  };
}

export async function unlockAccount(ctx: RequestContext, userId: number): Promise<void> {
  await write(ctx, 'security.manage', async (unit) => {
    const accounts = unit.use(securityRepository);
    const user = await accounts.findAccountForUpdate(userId);
    if (!user) throw notFound('用户');
    await accounts.unlock(userId);
    await unit.audit({ action: 'unlock', entity: 'user', entityId: userId, areaId: user.homeAreaId, before: { lockedUntil: user.lockedUntil }, after: { lockedUntil: null } });
  });
}

/** Repeated probing: this many refusals of one account within the window is flagged on the desk. */
export const PROBING_THRESHOLD = 5;
export const PROBING_WINDOW_MINUTES = 10;

/** Accounts in scope whose requests were refused in the last 24 hours, the probing ones first. */
export async function probingReport(ctx: RequestContext): Promise<ProbingReport> {
  return read(ctx, 'security.manage', async (unit) => {
    const now = ctx.clock().getTime();
    const rows = await unit.use(securityRepository).refusalCounts(new Date(now - 24 * 3_600_000), new Date(now - PROBING_WINDOW_MINUTES * 60_000), 100);
    return {
      windowMinutes: PROBING_WINDOW_MINUTES,
      threshold: PROBING_THRESHOLD,
      items: rows.map((r) => ({
        userId: Number(r.userId),
        username: r.username,
        recent: r.recent,
        day: r.day,
        lastAt: new Date(r.lastAt).toISOString(),
        probing: r.recent >= PROBING_THRESHOLD,
      })),
    };
  });
}

/** The failed sign-ins of one account in scope, from the audit trail (newest 100). */
export async function loginFailureTrail(ctx: RequestContext, userId: number): Promise<LoginFailureTrail> {
  return read(ctx, 'security.manage', async (unit) => {
    const accounts = unit.use(securityRepository);
    const user = await accounts.findAccount(userId);
    if (!user) throw notFound('用户');
    const rows = await accounts.loginFailures(userId, 100);
    return {
      userId: user.id,
      username: user.username,
      items: rows.map((r) => {
        const after = r.after !== null && typeof r.after === 'object' && !Array.isArray(r.after) ? (r.after as Record<string, unknown>) : {};
        const attempts = after['failedAttempts'];
        return { at: new Date(r.at).toISOString(), ip: r.ip, locked: r.action === 'lock', failedAttempts: typeof attempts === 'number' ? attempts : null };
      }),
    };
  });
}
