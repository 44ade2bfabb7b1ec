import { sql } from 'kysely';
import type { AreaLevel } from '@redgrid/contracts';
import type { Scope } from '../../../platform/context.ts';
import { ownedInsert, type Db } from '../../../platform/data-access.ts';

/** Rows per INSERT statement: well under PostgreSQL's 65,535 bind parameters at 8 per row. */
const CHUNK = 2_000;

function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK));
  return out;
}

export interface SeedDivision {
  code: string;
  name: string;
  level: AreaLevel;
  parentId: number | null;
  sortOrder: number;
}

export interface SeedGrid {
  code: string;
  name: string;
  parentId: number;
  households: number;
  sortOrder: number;
}

export interface SeedBuilding {
  code: string;
  name: string;
  parentId: number;
  households: number;
  lng: number;
  lat: number;
  sortOrder: number;
}

/**
 * Bulk writes of the system's own seeding (the demo district): divisions, grids, boundaries and
 * buildings, as few statements as the rows allow. Used through `asSystem` only.
 */
export function areaSeedRepository(db: Db, scope: Scope) {
  return {
    /** Inserts a division, or renames the one that holds its code; answers its id. */
    async upsertDivision(d: SeedDivision): Promise<number> {
      const row = await ownedInsert(db, scope, 'areas')
        .values({ code: d.code, name: d.name, level: d.level, parent_id: d.parentId, sort_order: d.sortOrder })
        .onConflict((oc) => oc.column('code').doUpdateSet({ name: d.name }))
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },

    async recordChange(change: { kind: 'seed'; at: Date; areaId: number; summary: unknown }): Promise<number> {
      const row = await ownedInsert(db, scope, 'area_changes')
        .values({ kind: change.kind, at: change.at, actor_id: null, area_id: change.areaId, summary: JSON.stringify(change.summary) })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },

    /** Comprehensive grids, in the order given; answers their ids by code. */
    async insertGrids(grids: readonly SeedGrid[]): Promise<Map<string, number>> {
      const ids = new Map<string, number>();
      for (const part of chunks(grids)) {
        const rows = await ownedInsert(db, scope, 'areas')
          .values(part.map((g) => ({ code: g.code, name: g.name, level: 'grid' as const, parent_id: g.parentId, grid_type: 'comprehensive' as const, households: g.households, sort_order: g.sortOrder })))
          .returning(['id', 'code'])
          .execute();
        for (const r of rows) ids.set(r.code, r.id);
      }
      return ids;
    },

    /** First boundary versions (GeoJSON in WGS84), all made by one change. */
    async insertBoundaries(shapes: readonly { areaId: number; geojson: string }[], at: Date, changeId: number): Promise<void> {
      for (const part of chunks(shapes)) {
        await ownedInsert(db, scope, 'area_boundaries')
          .values(part.map((s) => ({ area_id: s.areaId, geom: sql`ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(${s.geojson}), 4326))`, valid_from: at, change_id: changeId })))
          .execute();
      }
    },

    async insertBuildings(buildings: readonly SeedBuilding[]): Promise<void> {
      for (const part of chunks(buildings)) {
        await ownedInsert(db, scope, 'areas')
          .values(
            part.map((b) => ({
              code: b.code,
              name: b.name,
              level: 'building' as const,
              parent_id: b.parentId,
              households: b.households,
              location: sql`ST_SetSRID(ST_MakePoint(${b.lng}::float8, ${b.lat}::float8), 4326)`,
              sort_order: b.sortOrder,
            })),
          )
          .execute();
      }
    },
  };
}
