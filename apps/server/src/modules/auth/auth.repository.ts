import type { Kysely } from 'kysely';
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
