import type { Scope } from '../../../platform/context.ts';
import type { Db } from '../../../platform/data-access.ts';

/** Care groups and key-population categories: configuration (reference data), not personal data. */
export function groupRepository(db: Db, _scope?: Scope) {
  return {
    active() {
      return db
        .selectFrom('person_groups')
        .select(['id', 'code', 'name', 'kind', 'sensitive', 'visible_roles as visibleRoles', 'with_danger_level as withDangerLevel', 'remind_days as remindDays', 'sort_order as sortOrder'])
        .where('active', '=', true)
        .orderBy('sort_order')
        .orderBy('id')
        .execute();
    },
  };
}
