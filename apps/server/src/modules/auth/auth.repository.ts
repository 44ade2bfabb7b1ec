import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { ActorRole } from '../../platform/context.ts';

type Q = Kysely<DB>;

/** Login looks an account up before anyone is known, so it cannot be scoped. */
export function findUserForLogin(db: Q, username: string) {
  return db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['username']), '=', username.toLowerCase()))
    .executeTakeFirst();
}

/** Resolving the caller's own roles precedes any scope; it reads only the caller's rows. */
export function listRolesOfUser(db: Q, userId: number): Promise<ActorRole[]> {
  return db
    .selectFrom('role_assignments as r')
    .innerJoin('areas as a', 'a.id', 'r.area_id')
    .select([
      'r.role as role',
      'a.id as areaId',
      'a.code as areaCode',
      'a.name as areaName',
      'a.level as areaLevel',
      'a.path as areaPath',
    ])
    .where('r.user_id', '=', userId)
    .orderBy('a.depth')
    .orderBy('r.role')
    .execute();
}

export function findSession(db: Q, id: string) {
  return db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select([
      's.id',
      's.user_id',
      's.csrf_token',
      's.last_seen_at',
      's.expires_at',
      'u.username',
      'u.display_name',
      'u.disabled',
      'u.must_change_password',
    ])
    .where('s.id', '=', id)
    .executeTakeFirst();
}

/**
 * Counts one failed login in a single statement: the row lock of the UPDATE serialises parallel
 * failures, each one sees the count the previous one wrote, and the one that reaches `attempts`
 * sets the lock (and starts the count over for after it). No row back = the account was already
 * locked when this failure arrived.
 */
export async function recordLoginFailure(db: Q, userId: number, attempts: number, now: Date, lockUntil: Date) {
  const reaches = sql<boolean>`failed_logins + 1 >= ${attempts}`;
  const row = await db
    .updateTable('users')
    .set({
      failed_logins: sql<number>`CASE WHEN ${reaches} THEN 0 ELSE failed_logins + 1 END`,
      locked_until: sql<Date | null>`CASE WHEN ${reaches} THEN ${lockUntil}::timestamptz ELSE NULL END`,
    })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .returning(['failed_logins', 'locked_until'])
    .executeTakeFirst();
  if (!row) return null;
  return { locked: row.locked_until !== null, failedAttempts: row.locked_until !== null ? attempts : row.failed_logins, lockedUntil: row.locked_until };
}

/**
 * The success path decides on the lock in the same statement that clears the count: a right
 * password that was checked while parallel failures locked the account gets no row back.
 */
export async function clearFailuresOnLogin(db: Q, userId: number, now: Date): Promise<boolean> {
  const row = await db
    .updateTable('users')
    .set({ failed_logins: 0, locked_until: null, last_login_at: now })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function lockedUntilOf(db: Q, userId: number): Promise<Date | null> {
  const row = await db.selectFrom('users').select('locked_until').where('id', '=', userId).executeTakeFirst();
  return row?.locked_until ?? null;
}

/** The newest `count` earlier password hashes of an account. */
export async function recentPasswordHashes(db: Q, userId: number, count: number): Promise<string[]> {
  if (count <= 0) return [];
  const rows = await db.selectFrom('password_history').select('password_hash').where('user_id', '=', userId).orderBy('id', 'desc').limit(count).execute();
  return rows.map((r) => r.password_hash);
}

/** Keeps a replaced password hash; only the newest `keep` stay. */
export async function rememberPassword(db: Q, userId: number, passwordHash: string, keep: number, now: Date): Promise<void> {
  if (keep > 0) await db.insertInto('password_history').values({ user_id: userId, password_hash: passwordHash, created_at: now }).execute();
  const kept = db.selectFrom('password_history').select('id').where('user_id', '=', userId).orderBy('id', 'desc').limit(keep);
  await db.deleteFrom('password_history').where('user_id', '=', userId).where('id', 'not in', kept).execute();
}
