import { sql } from 'kysely';
import type { AreaView } from '@redgrid/contracts';
import type { Scope } from '../../../platform/context.ts';
import { scopedFrom, type Db } from '../../../platform/data-access.ts';

/** Areas of the tree, within the caller's scope. */
export function areaRepository(db: Db, scope: Scope) {
  const areas = () =>
    scopedFrom(db, scope, 'areas as a').select((eb) => [
      'a.id',
      'a.code',
      'a.name',
      'a.level',
      'a.parent_id as parentId',
      'a.path',
      // Children of an area in scope are in scope (the scope is a set of subtrees).
      eb.fn.coalesce(eb.selectFrom('areas as c').select(sql<number>`count(*)::int`.as('n')).whereRef('c.parent_id', '=', 'a.id').where('c.status', '=', 'active'), sql<number>`0`).as('childCount'),
      'a.status',
      'a.grid_type as gridType',
      'a.households',
      // The boundary of an area in scope is in scope.
      eb.exists(eb.selectFrom('area_boundaries as b').select('b.id').whereRef('b.area_id', '=', 'a.id').where('b.valid_to', 'is', null)).$castTo<boolean>().as('hasBoundary'),
    ]);

  return {
    /** The tops of the caller's scope. */
    listScopeRoots(): Promise<AreaView[]> {
      return areas().where('a.path', 'in', [...scope.areas]).orderBy('a.depth').orderBy('a.code').execute();
    },

    /** Children of a parent; a parent above the scope yields only its children inside the scope, never more. */
    listChildren(parentId: number, limit: number, includeRetired = false): Promise<AreaView[]> {
      return areas()
        .where('a.parent_id', '=', parentId)
        .$if(!includeRetired, (q) => q.where('a.status', '=', 'active'))
        .orderBy('a.sort_order')
        .orderBy('a.code')
        .limit(limit)
        .execute();
    },

    /** Code prefix or name fragment; codes rank before names. */
    search(q: string, level: AreaView['level'] | undefined, limit: number, includeRetired = false): Promise<AreaView[]> {
      const escaped = q.replace(/[\\%_]/g, (c) => `\\${c}`);
      let query = areas()
        .$if(!includeRetired, (qb) => qb.where('a.status', '=', 'active'))
        .where((eb) => eb.or([eb('a.code', 'like', `${escaped}%`), eb('a.name', 'like', `%${escaped}%`)]));
      if (level) query = query.where('a.level', '=', level);
      return query.orderBy('a.depth').orderBy('a.code').limit(limit).execute();
    },

    find(id: number): Promise<AreaView | undefined> {
      return areas().where('a.id', '=', id).executeTakeFirst();
    },

    /** What the detail page shows beyond the list row: grid subtype, own household range, a building's position (WGS84). */
    settings(id: number) {
      return scopedFrom(db, scope, 'areas as a')
        .select([
          'a.grid_subtype as gridSubtype',
          'a.balance_min as balanceMin',
          'a.balance_max as balanceMax',
          'a.grade',
          sql<number | null>`ST_X(a.location)`.as('lng'),
          sql<number | null>`ST_Y(a.location)`.as('lat'),
        ])
        .where('a.id', '=', id)
        .executeTakeFirst();
    },

    /** Households of an area above grid level: the sum over the active leaf grids below it (all in scope: they lie under it). */
    async sumHouseholds(path: string, level: AreaView['level']): Promise<number | null> {
      if (level === 'grid' || level === 'building' || level === 'unit') return null;
      const row = await scopedFrom(db, scope, 'areas as g')
        .select(sql<number | null>`sum(g.households)::int`.as('n'))
        .where('g.level', '=', 'grid')
        .where('g.status', '=', 'active')
        .where(sql<boolean>`starts_with(g.path, ${path})`)
        // Sub-grids of a grid in scope are in scope.
        .where((eb) => eb.not(eb.exists(eb.selectFrom('areas as s').select('s.id').whereRef('s.parent_id', '=', 'g.id').where('s.level', '=', 'grid').where('s.status', '=', 'active'))))
        .executeTakeFirst();
      return row?.n ?? null;
    },
  };
}
