import { sql } from 'kysely';
import type { AreaLevel, UpdateArea } from '@redgrid/contracts';
import type { Scope } from '../../../platform/context.ts';
import { ownedInsert, scopedFrom, scopedUpdate, type Db } from '../../../platform/data-access.ts';

/** The attributes of an area that `updateArea` changes, as the audit trail records them. */
type GridSubtype = NonNullable<UpdateArea['gridSubtype']>;

export interface AreaAttributes {
  name: string;
  households: number | null;
  grid_type: 'comprehensive' | 'dedicated' | null;
  grid_subtype: GridSubtype | null;
  balance_min: number | null;
  balance_max: number | null;
  grade: 'A' | 'B' | 'C' | null;
}

export interface AttributeChanges {
  name?: string;
  households?: number | null;
  gridType?: 'comprehensive' | 'dedicated' | null;
  gridSubtype?: GridSubtype | null;
  balanceMin?: number | null;
  balanceMax?: number | null;
  grade?: 'A' | 'B' | 'C' | null;
  at: Date;
}

export interface NewPlace {
  code: string;
  name: string;
  level: Extract<AreaLevel, 'building' | 'unit'>;
  parentId: number;
  households: number;
  /** WGS84 (lng, lat), buildings only. */
  point: [number, number] | null;
}

/** Buildings and units (楼栋、单元) and the attributes of any area, within the caller's scope. */
export function areaPlaceRepository(db: Db, scope: Scope) {
  return {
    attributes(id: number): Promise<AreaAttributes | undefined> {
      return scopedFrom(db, scope, 'areas as a')
        .select(['a.name', 'a.households', 'a.grid_type', 'a.grid_subtype', 'a.balance_min', 'a.balance_max', 'a.grade'])
        .where('a.id', '=', id)
        .executeTakeFirst();
    },

    async setAttributes(id: number, c: AttributeChanges): Promise<void> {
      await scopedUpdate(db, scope, 'areas')
        .set({
          ...(c.name !== undefined ? { name: c.name } : {}),
          ...(c.households !== undefined ? { households: c.households } : {}),
          ...(c.gridType !== undefined ? { grid_type: c.gridType } : {}),
          ...(c.gridSubtype !== undefined ? { grid_subtype: c.gridSubtype } : {}),
          ...(c.balanceMin !== undefined ? { balance_min: c.balanceMin } : {}),
          ...(c.balanceMax !== undefined ? { balance_max: c.balanceMax } : {}),
          ...(c.grade !== undefined ? { grade: c.grade } : {}),
          updated_at: c.at,
        })
        .where('id', '=', id)
        .execute();
    },

    /** Moves a building to a WGS84 point; `inside` tells whether it lies in its grid's current boundary (null: the grid has none). */
    async setLocation(id: number, parentId: number, point: [number, number], at: Date): Promise<boolean | null> {
      const row = await scopedUpdate(db, scope, 'areas')
        .set({ location: sql`ST_SetSRID(ST_MakePoint(${point[0]}::float8, ${point[1]}::float8), 4326)`, updated_at: at })
        .where('id', '=', id)
        .returning((eb) => [
          // The boundary of the building's grid, which the caller loaded through the scope.
          eb
            .selectFrom('area_boundaries as b')
            .select(sql<boolean | null>`ST_Intersects(b.geom, areas.location)`.as('inside'))
            .where('b.area_id', '=', parentId)
            .where('b.valid_to', 'is', null)
            .as('inside'),
        ])
        .executeTakeFirst();
      return row?.inside ?? null;
    },

    /**
     * Inserts a building or unit under a parent already locked in scope; `inside` tells whether the
     * position lies in the parent's current boundary (null: no position, or the parent has no boundary).
     */
    insert(p: NewPlace): Promise<{ id: number; inside: boolean | null }> {
      return ownedInsert(db, scope, 'areas')
        .values({
          code: p.code,
          name: p.name,
          level: p.level,
          parent_id: p.parentId,
          households: p.households,
          location: p.point ? sql`ST_SetSRID(ST_MakePoint(${p.point[0]}::float8, ${p.point[1]}::float8), 4326)` : null,
        })
        .returning((eb) => [
          'id',
          // The boundary of the parent, which the caller loaded (and locked) through the scope.
          eb
            .selectFrom('area_boundaries as b')
            .select(sql<boolean | null>`ST_Intersects(b.geom, areas.location)`.as('inside'))
            .where('b.area_id', '=', p.parentId)
            .where('b.valid_to', 'is', null)
            .as('inside'),
        ])
        .executeTakeFirstOrThrow();
    },
  };
}
