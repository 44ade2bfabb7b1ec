import { sql } from 'kysely';
import { ownedInsert, scopedFrom } from '../../../platform/data-access.ts';
import type { SystemUnit } from '../../../platform/unit-of-work.ts';
import type { RecordType } from '../../../db/types-basedata.ts';

const TABLES = {
  person: 'persons',
  household: 'households',
  house: 'houses',
  rental: 'rentals',
  organisation: 'organisations',
  component: 'city_components',
} as const satisfies Partial<Record<RecordType, string>>;

/**
 * A record's history starts with how it came to be: for records the demo seed wrote, a 'create' row
 * from the seed (source 'seed', no person acting) with the provenance it was given. One
 * INSERT … SELECT a table, the ids as one array parameter, so the demo start stays fast however
 * many residents it writes.
 */
export async function seedCreateHistory(unit: SystemUnit, recordType: keyof typeof TABLES, ids: readonly number[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await unit.use((db, scope) => {
    // The six tables share the columns read here (id, area_id, provenance); the union of their builders is too wide for TypeScript to follow.
    const rows = scopedFrom(db, scope, `${TABLES[recordType]} as r` as 'persons as r')
      .select([
        sql.lit(recordType).as('record_type'),
        'r.id as record_id',
        'r.area_id',
        sql.lit('create').as('action'),
        sql.lit('seed').as('source'),
        sql<Date>`${at}::timestamptz`.as('at'),
        sql<string>`jsonb_build_object('provenance', jsonb_build_array(NULL, r.provenance))`.as('changes'),
      ])
      .where(sql<boolean>`r.id = ANY(${[...ids]}::bigint[])`);
    return ownedInsert(db, scope, 'record_history').columns(['record_type', 'record_id', 'area_id', 'action', 'source', 'at', 'changes']).expression(rows as never).execute();
  });
}
