import { sql, type Kysely } from 'kysely';
import type { AreaView } from '@redgrid/contracts';
import type { DB } from '../../../db/types.ts';
import type { Scope } from '../../../platform/context.ts';
import { areaPathInScope } from '../../../platform/scope.ts';

type Q = Kysely<DB>;

function baseSelect(db: Q) {
  return db
    .selectFrom('areas as a')
    .select([
      'a.id',
      'a.code',
      'a.name',
      'a.level',
      'a.parent_id as parentId',
      'a.path',
      sql<number>`(SELECT count(*)::int FROM areas c WHERE c.parent_id = a.id AND c.status = 'active')`.as('childCount'),
      'a.status',
      'a.grid_type as gridType',
      'a.households',
      sql<boolean>`EXISTS (SELECT 1 FROM area_boundaries b WHERE b.area_id = a.id AND b.valid_to IS NULL)`.as('hasBoundary'),
    ]);
}

export function listScopeRoots(db: Q, scope: Scope): Promise<AreaView[]> {
  return baseSelect(db).where('a.path', 'in', [...scope.areas]).orderBy('a.depth').orderBy('a.code').execute();
}

export function listChildren(db: Q, scope: Scope, parentId: number, limit: number, includeRetired = false): Promise<AreaView[]> {
  return baseSelect(db)
    .where('a.parent_id', '=', parentId)
    .$if(!includeRetired, (q) => q.where('a.status', '=', 'active'))
    .where(areaPathInScope(scope, 'a.path'))
    .orderBy('a.sort_order')
    .orderBy('a.code')
    .limit(limit)
    .execute();
}

/** Code prefix or name fragment, within scope; codes rank before names. */
export function searchAreas(db: Q, scope: Scope, q: string, level: AreaView['level'] | undefined, limit: number, includeRetired = false): Promise<AreaView[]> {
  const escaped = q.replace(/[\\%_]/g, (c) => `\\${c}`);
  let query = baseSelect(db)
    .where(areaPathInScope(scope, 'a.path'))
    .$if(!includeRetired, (qb) => qb.where('a.status', '=', 'active'))
    .where((eb) => eb.or([eb('a.code', 'like', `${escaped}%`), eb('a.name', 'like', `%${escaped}%`)]));
  if (level) query = query.where('a.level', '=', level);
  return query.orderBy('a.depth').orderBy('a.code').limit(limit).execute();
}

export function findArea(db: Q, scope: Scope, id: number): Promise<AreaView | undefined> {
  return baseSelect(db).where('a.id', '=', id).where(areaPathInScope(scope, 'a.path')).executeTakeFirst();
}

/**
 * Ancestors for the breadcrumb. Division names and codes above the caller's scope are public
 * statistical data, not governed records, so they are read without scope.
 */
export function listAncestors(db: Q, path: string) {
  const ids = path.split('/').filter(Boolean).map(Number).slice(0, -1);
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('areas').select(['id', 'code', 'name', 'level']).where('id', 'in', ids).orderBy('depth').execute();
}

/** Households of an area above grid level: the sum over the active leaf grids below it. */
export async function sumHouseholds(db: Q, path: string, level: AreaView['level']): Promise<number | null> {
  if (level === 'grid' || level === 'building' || level === 'unit') return null;
  const row = await db
    .selectFrom('areas as g')
    .select(sql<number | null>`sum(g.households)::int`.as('n'))
    .where('g.level', '=', 'grid')
    .where('g.status', '=', 'active')
    .where(sql<boolean>`starts_with(g.path, ${path})`)
    .where(sql<boolean>`NOT EXISTS (SELECT 1 FROM areas s WHERE s.parent_id = g.id AND s.level = 'grid' AND s.status = 'active')`)
    .executeTakeFirst();
  return row?.n ?? null;
}
