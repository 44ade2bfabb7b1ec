import { sql } from 'kysely';
import type { Scope } from '../../../platform/context.ts';
import { scopedFrom, type Db } from '../../../platform/data-access.ts';

/** Counts and reminders over care-group and key-population tags in scope. */
export function tagRepository(db: Db, scope: Scope) {
  return {
    async counts(groupIds: readonly number[], areaPath: string | undefined): Promise<Map<number, number>> {
      if (groupIds.length === 0) return new Map();
      let q = scopedFrom(db, scope, 'person_tags as t')
        .select(['t.group_id as groupId', sql<number>`count(*)::int`.as('n')])
        .where('t.group_id', 'in', [...groupIds])
        .where('t.ended_at', 'is', null)
        .groupBy('t.group_id');
      if (areaPath) q = q.where('t.area_id', 'in', () => scopedFrom(db, scope, 'areas as sa').select('sa.id').where('sa.path', 'like', `${areaPath}%`));
      const rows = await q.execute();
      return new Map(rows.map((r) => [r.groupId, r.n]));
    },
  };
}
