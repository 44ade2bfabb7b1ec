import { sql } from 'kysely';
import type { Scope } from '../../../platform/context.ts';
import type { Db } from '../../../platform/data-access.ts';
import { areaIdInScope } from '../../../platform/scope.ts';

export interface BoundaryVersion {
  id: number;
  validFrom: Date;
  validTo: Date | null;
  changeId: number | null;
  areaM2: number;
}

export interface AreaChange {
  id: number;
  kind: string;
  at: Date;
  actorName: string | null;
  summary: unknown;
}

/** Boundary versions of an area and the changes that made them, within the caller's scope. */
export function areaHistoryRepository(db: Db, scope: Scope) {
  return {
    async boundaryVersions(areaId: number): Promise<BoundaryVersion[]> {
      const { rows } = await sql<BoundaryVersion>`
        SELECT id, valid_from AS "validFrom", valid_to AS "validTo", change_id AS "changeId", ST_Area(geom::geography) AS "areaM2"
          FROM area_boundaries WHERE area_id = ${areaId} AND ${areaIdInScope(scope, 'area_id')} ORDER BY valid_from`.execute(db);
      return rows;
    },

    /**
     * The changes recorded on the area, and those that made the given versions of its boundary (a
     * merge or split may be recorded on another area: the versions were read in scope, so are they).
     */
    async changes(areaId: number, changeIds: number[]): Promise<AreaChange[]> {
      const { rows } = await sql<AreaChange>`
        SELECT c.id, c.kind, c.at, u.username AS "actorName", c.summary
          FROM area_changes c LEFT JOIN users u ON u.id = c.actor_id
         WHERE c.id = ANY(${changeIds}::bigint[]) OR (c.area_id = ${areaId} AND ${areaIdInScope(scope, 'c.area_id')})
         ORDER BY c.at, c.id`.execute(db);
      return rows;
    },
  };
}
