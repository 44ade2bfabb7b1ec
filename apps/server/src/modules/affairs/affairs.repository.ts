import { sql } from 'kysely';
import type { Scope } from '../../platform/context.ts';
import { ownedBy, ownedInsert, scopedDelete, scopedFrom, scopedUpdate, type Db } from '../../platform/data-access.ts';

/**
 * The catalogue's SQL. Catalogue rows are owned `definedAbove` (platform/data-access.ts): a grid
 * worker reads the catalogue of the district above their grid; only a scope that holds the district
 * itself (its admins, system admins) writes it.
 */

const ITEM_COLUMNS = [
  'i.id',
  'i.area_id as areaId',
  'i.code',
  'i.name',
  'i.category_id as categoryId',
  'c.code as categoryCode',
  'c.name as categoryName',
  'i.handling_level as handlingLevel',
  'i.department_kind as departmentKind',
  'i.filing_conditions as filingConditions',
  'i.closing_conditions as closingConditions',
  'i.accept_yellow as acceptYellow',
  'i.accept_red as acceptRed',
  'i.accept_unit as acceptUnit',
  'i.handle_yellow as handleYellow',
  'i.handle_red as handleRed',
  'i.handle_unit as handleUnit',
  'i.grade_limits as gradeLimits',
  'i.custom_fields as customFields',
  'i.resident_reportable as residentReportable',
  'i.may_skip_level as maySkipLevel',
  'i.copy_to as copyTo',
  'i.urgency_default as urgencyDefault',
  'i.cjt_code as cjtCode',
  'i.active',
  'i.version',
  'i.updated_at as updatedAt',
] as const;

/** An item's columns as the database holds them (the service turns text columns into the contract's enums). */
export interface ItemValues {
  category_id: number;
  code: string;
  name: string;
  handling_level: string;
  department_kind: string | null;
  filing_conditions: string;
  closing_conditions: string;
  accept_yellow: number;
  accept_red: number;
  accept_unit: string;
  handle_yellow: number;
  handle_red: number;
  handle_unit: string;
  grade_limits: string;
  custom_fields: string;
  resident_reportable: boolean;
  may_skip_level: boolean;
  copy_to: string;
  urgency_default: string;
  cjt_code: string | null;
  active: boolean;
}

export function affairsRepository(db: Db, scope: Scope) {
  const items = () => scopedFrom(db, scope, 'affair_items as i').innerJoin('affair_categories as c', 'c.id', 'i.category_id');
  return {
    /** An area in the caller's own scope (not above it): where a catalogue may be written. */
    areaInScope(id: number) {
      return scopedFrom(db, scope, 'areas as a').select(['a.id', 'a.code', 'a.name', 'a.level', 'a.path']).where('a.id', '=', id).executeTakeFirst();
    },
    /** Districts in the caller's own scope (a system admin's, or a district admin's own). */
    districtsInScope() {
      return scopedFrom(db, scope, 'areas as a').select(['a.id', 'a.code', 'a.name']).where('a.level', '=', 'district').where('a.status', '=', 'active').orderBy('a.code').limit(200).execute();
    },
    /**
     * The districts whose catalogue the caller reads, with their names. The join names the owning
     * district only: division names and codes are public (like a breadcrumb above the caller's scope).
     */
    owners() {
      return scopedFrom(db, scope, 'affair_categories as c')
        .innerJoin('areas as a', 'a.id', 'c.area_id')
        .select(['a.id', 'a.code', 'a.name', 'a.path'])
        .distinct()
        .orderBy('a.code')
        .limit(200)
        .execute();
    },
    categories(areaId: number) {
      return scopedFrom(db, scope, 'affair_categories as c')
        .select(['c.id', 'c.code', 'c.name', 'c.parent_id as parentId', 'c.sort', 'c.active', 'c.area_id as areaId'])
        .select(sql<number>`(SELECT count(*)::int FROM affair_items x WHERE x.category_id = c.id AND ${ownedBy(scope, 'affair_items as x')})`.as('itemCount'))
        .where('c.area_id', '=', areaId)
        .orderBy('c.code')
        .execute();
    },
    category(id: number) {
      return scopedFrom(db, scope, 'affair_categories as c').select(['c.id', 'c.area_id as areaId', 'c.code', 'c.name', 'c.parent_id as parentId', 'c.sort', 'c.active']).where('c.id', '=', id).executeTakeFirst();
    },
    /** Whether the caller may write this category's catalogue (its district lies in their own scope). */
    categoryWritable(id: number) {
      return scopedFrom(db, scope, 'affair_categories as c').select('c.id').where('c.id', '=', id).where(ownedBy(scope, 'affair_categories as c', 'write')).executeTakeFirst().then((r) => r !== undefined);
    },
    categoryByCode(areaId: number, code: string) {
      return scopedFrom(db, scope, 'affair_categories as c').select(['c.id', 'c.code', 'c.name', 'c.active']).where('c.area_id', '=', areaId).where('c.code', '=', code).executeTakeFirst();
    },
    categoriesByCode(areaId: number, codes: readonly string[]) {
      if (codes.length === 0) return Promise.resolve([]);
      return scopedFrom(db, scope, 'affair_categories as c').select(['c.id', 'c.code', 'c.name', 'c.active']).where('c.area_id', '=', areaId).where('c.code', 'in', [...codes]).execute();
    },
    childCount(id: number) {
      return scopedFrom(db, scope, 'affair_categories as c').select(sql<number>`count(*)::int`.as('n')).where('c.parent_id', '=', id).executeTakeFirstOrThrow().then((r) => r.n);
    },
    insertCategory(v: { areaId: number; code: string; name: string; parentId: number | null; sort: number; at: Date }) {
      return ownedInsert(db, scope, 'affair_categories')
        .values({ area_id: v.areaId, code: v.code, name: v.name, parent_id: v.parentId, sort: v.sort, created_at: v.at, updated_at: v.at })
        .returning(['id'])
        .executeTakeFirstOrThrow();
    },
    updateCategory(id: number, v: { name?: string | undefined; sort?: number | undefined; active?: boolean | undefined; at: Date }) {
      return scopedUpdate(db, scope, 'affair_categories')
        .set({ ...(v.name !== undefined ? { name: v.name } : {}), ...(v.sort !== undefined ? { sort: v.sort } : {}), ...(v.active !== undefined ? { active: v.active } : {}), updated_at: v.at })
        .where('id', '=', id)
        .executeTakeFirst();
    },
    /** Categories of a district by code, inserted or renamed (imports): never duplicated. */
    upsertCategory(v: { areaId: number; code: string; name: string; parentId: number | null; at: Date }) {
      return ownedInsert(db, scope, 'affair_categories')
        .values({ area_id: v.areaId, code: v.code, name: v.name, parent_id: v.parentId, created_at: v.at, updated_at: v.at })
        .onConflict((oc) => oc.columns(['area_id', 'code']).doUpdateSet({ name: sql`excluded.name`, updated_at: sql`CASE WHEN affair_categories.name = excluded.name THEN affair_categories.updated_at ELSE excluded.updated_at END` }))
        .returning(['id', 'code'])
        .executeTakeFirstOrThrow();
    },
    deleteCategory(id: number) {
      return scopedDelete(db, scope, 'affair_categories').where('id', '=', id).executeTakeFirst();
    },
    items(areaId: number, f: { activeOnly?: boolean } = {}) {
      let q = items().select([...ITEM_COLUMNS]).where('i.area_id', '=', areaId);
      if (f.activeOnly) q = q.where('i.active', '=', true).where('c.active', '=', true);
      return q.orderBy('c.code').orderBy('i.code').execute();
    },
    item(id: number) {
      return items().select([...ITEM_COLUMNS]).where('i.id', '=', id).executeTakeFirst();
    },
    itemByCode(areaId: number, code: string) {
      return items().select([...ITEM_COLUMNS]).where('i.area_id', '=', areaId).where('i.code', '=', code).executeTakeFirst();
    },
    /** An item by code in the catalogue of any of these areas (a case's area and those above it). */
    itemByCodeAmong(areaIds: readonly number[], code: string) {
      if (areaIds.length === 0) return Promise.resolve(undefined);
      return items().select([...ITEM_COLUMNS]).where('i.area_id', 'in', [...areaIds]).where('i.code', '=', code).orderBy('i.area_id', 'desc').executeTakeFirst();
    },
    itemsByCode(areaId: number, codes: readonly string[]) {
      if (codes.length === 0) return Promise.resolve([]);
      return items().select([...ITEM_COLUMNS]).where('i.area_id', '=', areaId).where('i.code', 'in', [...codes]).execute();
    },
    insertItem(areaId: number, v: ItemValues, by: number | null, at: Date) {
      return ownedInsert(db, scope, 'affair_items')
        .values({ ...v, area_id: areaId, updated_by: by, created_at: at, updated_at: at })
        .returning(['id'])
        .executeTakeFirstOrThrow();
    },
    /** Replaces an item's fields if it is still at `version` (else nothing: someone else saved first). */
    updateItem(id: number, version: number, v: ItemValues, by: number | null, at: Date) {
      return scopedUpdate(db, scope, 'affair_items')
        .set({ ...v, version: sql`version + 1`, updated_by: by, updated_at: at })
        .where('id', '=', id)
        .where('version', '=', version)
        .returning(['id'])
        .executeTakeFirst();
    },
  };
}

export type AffairsRepository = ReturnType<typeof affairsRepository>;
export type ItemRow = NonNullable<Awaited<ReturnType<AffairsRepository['item']>>>;
