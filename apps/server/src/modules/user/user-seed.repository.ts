import { sql } from 'kysely';
import type { Scope } from '../../platform/context.ts';
import { scopedFrom, type Db } from '../../platform/data-access.ts';

/** What the system's own work (the demo seed) reads of accounts, within its scope (every area). */
export function userSeedRepository(db: Db, scope: Scope) {
  return {
    async countAccounts(): Promise<number> {
      const row = await scopedFrom(db, scope, 'users as u').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
      return row.n;
    },

    findByUsername(username: string): Promise<{ id: number; username: string; displayName: string } | undefined> {
      return scopedFrom(db, scope, 'users as u').select(['u.id', 'u.username', 'u.display_name as displayName']).where('u.username', '=', username).executeTakeFirst();
    },
  };
}
