import { sql } from 'kysely';
import type { Scope } from '../../platform/context.ts';
import { scopedDelete, scopedFrom, scopedUpdate, type Db } from '../../platform/data-access.ts';

export interface SessionFilter {
  now: Date;
  idleSince: Date;
  userId?: number | undefined;
}

/** Sessions and lockouts of the accounts whose home area lies in the caller's scope. */
export function securityRepository(db: Db, scope: Scope) {
  const liveSessions = (f: SessionFilter) => {
    let base = scopedFrom(db, scope, 'sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .where('s.expires_at', '>', f.now)
      .where('s.last_seen_at', '>', f.idleSince);
    if (f.userId) base = base.where('u.id', '=', f.userId);
    return base;
  };

  return {
    async listSessions(f: SessionFilter, page: number, pageSize: number) {
      const base = liveSessions(f);
      const [items, count] = await Promise.all([
        base
          .select(['s.id', 'u.id as userId', 'u.username', 'u.display_name as displayName', 's.ip', 's.user_agent as userAgent', 's.created_at as createdAt', 's.last_seen_at as lastSeenAt', 's.expires_at as expiresAt'])
          .orderBy('s.last_seen_at', 'desc')
          .limit(pageSize)
          .offset((page - 1) * pageSize)
          .execute(),
        base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items, total: count.n };
    },

    findSession(id: string) {
      return scopedFrom(db, scope, 'sessions as s')
        .innerJoin('users as u', 'u.id', 's.user_id')
        .select(['s.id', 'u.id as userId', 'u.username', 'u.home_area_id as homeAreaId'])
        .where('s.id', '=', id)
        .executeTakeFirst();
    },

    async deleteSession(id: string): Promise<void> {
      await scopedDelete(db, scope, 'sessions').where('id', '=', id).execute();
    },

    lockedAccounts(now: Date, limit: number) {
      return scopedFrom(db, scope, 'users as u')
        .select(['u.id', 'u.username', 'u.locked_until as lockedUntil'])
        .where('u.locked_until', '>', now)
        .orderBy('u.locked_until', 'desc')
        .limit(limit)
        .execute();
    },

    /** Locks the account row for the rest of the transaction. */
    findAccountForUpdate(userId: number) {
      return scopedFrom(db, scope, 'users as u')
        .select(['u.id', 'u.username', 'u.home_area_id as homeAreaId', 'u.locked_until as lockedUntil'])
        .where('u.id', '=', userId)
        .forUpdate('u')
        .executeTakeFirst();
    },

    findAccount(userId: number) {
      return scopedFrom(db, scope, 'users as u').select(['u.id', 'u.username']).where('u.id', '=', userId).executeTakeFirst();
    },

    /** Failed sign-ins of one account (and the one that locked it), newest first, from the audit trail. */
    loginFailures(userId: number, limit: number) {
      return scopedFrom(db, scope, 'audit_log as l')
        .select(['l.at', 'l.ip', 'l.action', 'l.after'])
        .where('l.entity', '=', 'user')
        .where('l.entity_id', '=', String(userId))
        .where('l.action', 'in', ['login_failed', 'lock'])
        .orderBy('l.id', 'desc')
        .limit(limit)
        .execute();
    },

    /** Refused requests (audit action `denied`) per account since `daySince`, with how many since `windowSince`. */
    refusalCounts(daySince: Date, windowSince: Date, limit: number) {
      return scopedFrom(db, scope, 'audit_log as l')
        .select([
          'l.actor_id as userId',
          sql<string>`max(l.actor_name)`.as('username'),
          sql<number>`count(*) FILTER (WHERE l.at > ${windowSince})::int`.as('recent'),
          sql<number>`count(*)::int`.as('day'),
          sql<Date>`max(l.at)`.as('lastAt'),
        ])
        .where('l.action', '=', 'denied')
        .where('l.at', '>', daySince)
        .where('l.actor_id', 'is not', null)
        .groupBy('l.actor_id')
        .orderBy('recent', 'desc')
        .orderBy('day', 'desc')
        .limit(limit)
        .execute();
    },

    async unlock(userId: number): Promise<void> {
      await scopedUpdate(db, scope, 'users').set({ failed_logins: 0, locked_until: null }).where('id', '=', userId).execute();
    },
  };
}
