import type { Scope } from '../../../platform/context.ts';
import type { Db } from '../../../platform/data-access.ts';

/** Care groups and key-population categories: configuration (reference data), not personal data. */
export function groupRepository(db: Db, _scope?: Scope) {
  const columns = ['id', 'code', 'name', 'kind', 'sensitive', 'visible_roles as visibleRoles', 'with_danger_level as withDangerLevel', 'remind_days as remindDays', 'sort_order as sortOrder', 'active'] as const;
  return {
    all() {
      return db.selectFrom('person_groups').select(columns).orderBy('sort_order').orderBy('id').execute();
    },
    find(code: string) {
      return db.selectFrom('person_groups').select(columns).where('code', '=', code).forUpdate().executeTakeFirst();
    },
    async insert(row: { code: string; name: string; kind: 'care' | 'key'; sensitive: boolean; visibleRoles: string[]; withDangerLevel: boolean; remindDays: number; sortOrder: number; active: boolean }) {
      await db
        .insertInto('person_groups')
        .values({ code: row.code, name: row.name, kind: row.kind, sensitive: row.sensitive, visible_roles: row.visibleRoles, with_danger_level: row.withDangerLevel, remind_days: row.remindDays, sort_order: row.sortOrder, active: row.active })
        .execute();
    },
    async update(code: string, patch: { name?: string; sensitive?: boolean; visibleRoles?: string[]; withDangerLevel?: boolean; remindDays?: number; sortOrder?: number; active?: boolean }) {
      await db
        .updateTable('person_groups')
        .set({
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.sensitive !== undefined ? { sensitive: patch.sensitive } : {}),
          ...(patch.visibleRoles !== undefined ? { visible_roles: patch.visibleRoles } : {}),
          ...(patch.withDangerLevel !== undefined ? { with_danger_level: patch.withDangerLevel } : {}),
          ...(patch.remindDays !== undefined ? { remind_days: patch.remindDays } : {}),
          ...(patch.sortOrder !== undefined ? { sort_order: patch.sortOrder } : {}),
          ...(patch.active !== undefined ? { active: patch.active } : {}),
        })
        .where('code', '=', code)
        .execute();
    },
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
