import { sql } from 'kysely';
import type { Scope } from '../../platform/context.ts';
import type { Db } from '../../platform/data-access.ts';

/**
 * The working-time calendar's tables: reference data owned by no area (one calendar for the
 * deployment), so no scope predicate — who may edit is the service's rule.
 */
export function calendarRepository(db: Db, _scope: Scope) {
  return {
    /** Each stored year's revision: the cache key of the clock built from them. */
    revisions() {
      return db.selectFrom('work_calendar_years').select(['year', 'revision']).orderBy('year').execute();
    },

    allYears() {
      return db.selectFrom('work_calendar_years').select(['year', 'periods']).orderBy('year').execute();
    },

    allDays() {
      return db.selectFrom('work_calendar_days').select(['day', 'kind']).orderBy('day').execute();
    },

    findYear(year: number) {
      return db.selectFrom('work_calendar_years').select(['year', 'periods', 'source', 'updated_at as updatedAt']).where('year', '=', year).executeTakeFirst();
    },

    daysOf(year: number) {
      return db.selectFrom('work_calendar_days').select(['day', 'kind', 'name']).where('year', '=', year).orderBy('day').execute();
    },

    /** Creates the year with the given periods unless it exists, then locks its row for this transaction. */
    async lockYear(year: number, periods: string) {
      await db.insertInto('work_calendar_years').values({ year, periods }).onConflict((oc) => oc.column('year').doNothing()).execute();
      return db.selectFrom('work_calendar_years').select(['year', 'periods']).where('year', '=', year).forUpdate().executeTakeFirstOrThrow();
    },

    findDay(day: string) {
      return db.selectFrom('work_calendar_days').select(['day', 'kind', 'name']).where('day', '=', day).executeTakeFirst();
    },

    async putDay(row: { day: string; year: number; kind: 'holiday' | 'workday'; name: string }): Promise<void> {
      await db
        .insertInto('work_calendar_days')
        .values(row)
        .onConflict((oc) => oc.column('day').doUpdateSet({ kind: row.kind, name: row.name }))
        .execute();
    },

    async deleteDay(day: string): Promise<void> {
      await db.deleteFrom('work_calendar_days').where('day', '=', day).execute();
    },

    async setPeriods(year: number, periods: string): Promise<void> {
      await db.updateTable('work_calendar_years').set({ periods }).where('year', '=', year).execute();
    },

    /** Marks the year changed: a new revision (every process rebuilds its clock), when and by whom. */
    async touch(year: number, at: Date, by: number): Promise<void> {
      await db
        .updateTable('work_calendar_years')
        .set({ revision: sql<string>`gen_random_uuid()`, updated_at: at, updated_by: by })
        .where('year', '=', year)
        .execute();
    },
  };
}
