import { sql } from 'kysely';
import type { Scope } from '../../../platform/context.ts';
import type { Db } from '../../../platform/data-access.ts';
import { areaIdInScope, areaPathInScope } from '../../../platform/scope.ts';
import type { Wkb } from '../adjustment/area-adjust.repository.ts';

export interface BuildingPoint {
  id: number;
  lng: number;
  lat: number;
  households: number;
}

export interface BuildingsToDivide {
  located: BuildingPoint[];
  unlocated: number[];
  /** Buildings of the kept grids (under them, at any depth): managed by their unit, not divided. */
  inKept: number;
  /** Buildings filed elsewhere whose position lies in a kept grid: left out too; accepting moves them there. */
  lyingInKept: number;
}

export interface ActiveGrid {
  id: number;
  code: string;
  name: string;
  gridType: 'comprehensive' | 'dedicated' | null;
  hasBoundary: boolean;
}

export interface ProposalGeometryReport {
  /** Per input geometry, in order: square metres outside the community. */
  outsideM2: number[];
  /** Per input geometry, in order: how many separate polygons it has. */
  parts: number[];
  /** Pairs (0-based indexes) overlapping by at least `minM2`. */
  overlaps: { a: number; b: number; m2: number }[];
  /** Input geometries (0-based index) overlapping a kept grid by at least `minM2`. */
  keptOverlaps: { index: number; keptId: number; m2: number }[];
  /** Square metres of the community that neither the geometries nor the kept grids cover. */
  uncoveredM2: number;
}

/** What the grid proposal reads of a community and its grids, within the caller's scope (drafts read outside a transaction, acceptance inside one). */
export function areaProposalRepository(db: Db, scope: Scope) {
  return {
    /** The current boundary as GeoJSON at full precision: grids are clipped to it and must meet it exactly. */
    async boundaryGeoJsonOf(areaId: number): Promise<unknown> {
      const { rows } = await sql<{ g: unknown }>`
        SELECT ST_AsGeoJSON(b.geom, 15)::json AS g FROM area_boundaries b
         WHERE b.area_id = ${areaId} AND b.valid_to IS NULL AND ${areaIdInScope(scope, 'b.area_id')}`.execute(db);
      return rows[0]?.g ?? null;
    },

    /**
     * Active buildings anywhere under an area (in grids, sub-grids or directly under it), with their positions,
     * except those of the `keptIds` grids and those lying inside one of them.
     */
    async buildingsUnder(path: string, keptIds: number[] = []): Promise<BuildingsToDivide> {
      const { rows } = await sql<{ id: number; lng: number | null; lat: number | null; households: number; kept: 'under' | 'inside' | null }>`
        WITH kept AS (
          SELECT k.path, b.geom FROM areas k LEFT JOIN area_boundaries b ON b.area_id = k.id AND b.valid_to IS NULL
           WHERE k.id = ANY(${keptIds}::bigint[]) AND ${areaPathInScope(scope, 'k.path')})
        SELECT a.id, ST_X(a.location) AS lng, ST_Y(a.location) AS lat, COALESCE(a.households, 0) AS households,
               CASE WHEN EXISTS (SELECT 1 FROM kept k WHERE starts_with(a.path, k.path)) THEN 'under'
                    WHEN EXISTS (SELECT 1 FROM kept k WHERE ST_Intersects(k.geom, a.location)) THEN 'inside' END AS kept
          FROM areas a
         WHERE a.level = 'building' AND a.status = 'active' AND starts_with(a.path, ${path}) AND ${areaPathInScope(scope, 'a.path')}
         ORDER BY a.id`.execute(db);
      const result: BuildingsToDivide = { located: [], unlocated: [], inKept: 0, lyingInKept: 0 };
      for (const r of rows) {
        if (r.kept === 'under') result.inKept += 1;
        else if (r.kept === 'inside') result.lyingInKept += 1;
        else if (r.lng === null || r.lat === null) result.unlocated.push(r.id);
        else result.located.push({ id: r.id, lng: r.lng, lat: r.lat, households: r.households });
      }
      return result;
    },

    /** Active grids directly under a community (sub-grids move with them). */
    async activeGridsOf(parentId: number): Promise<ActiveGrid[]> {
      const { rows } = await sql<ActiveGrid>`
        SELECT a.id, a.code, a.name, a.grid_type AS "gridType",
               -- The boundary of an area in scope is in scope.
               EXISTS (SELECT 1 FROM area_boundaries b WHERE b.area_id = a.id AND b.valid_to IS NULL) AS "hasBoundary"
          FROM areas a
         WHERE a.parent_id = ${parentId} AND a.level = 'grid' AND a.status = 'active' AND ${areaPathInScope(scope, 'a.path')}
         ORDER BY a.id`.execute(db);
      return rows;
    },

    /**
     * The ground left to divide, as GeoJSON at full precision: the area's current boundary minus the current
     * boundaries of `keptIds`. Parts below `minM2` (slivers where a kept grid's edge runs a hair inside the
     * area's) are dropped; null when nothing is left. With nothing to take away, the boundary itself.
     */
    async groundGeoJsonOf(areaId: number, keptIds: number[], minM2: number): Promise<unknown> {
      const { rows } = await sql<{ g: unknown }>`
        WITH kept AS (SELECT ST_Union(k.geom) AS geom FROM area_boundaries k
                       WHERE k.area_id = ANY(${keptIds}::bigint[]) AND k.valid_to IS NULL AND ${areaIdInScope(scope, 'k.area_id')})
        SELECT ST_AsGeoJSON(CASE WHEN k.geom IS NULL THEN p.geom ELSE (
                 SELECT ST_Multi(ST_Collect(d.geom ORDER BY d.path))
                   FROM ST_Dump(ST_CollectionExtract(ST_Difference(p.geom, k.geom), 3)) d
                  WHERE ST_Area(d.geom::geography) >= ${minM2}) END, 15)::json AS g
          FROM area_boundaries p CROSS JOIN kept k
         WHERE p.area_id = ${areaId} AND p.valid_to IS NULL AND ${areaIdInScope(scope, 'p.area_id')}`.execute(db);
      return rows[0]?.g ?? null;
    },

    /**
     * How a set of new grid geometries sits in the community next to the grids it keeps (`keptIds`): parts
     * outside, overlaps among them and with the kept grids, what is left uncovered.
     */
    async proposalGeometryReport(communityId: number, wkbs: Wkb[], keptIds: number[], minM2: number): Promise<ProposalGeometryReport> {
      const { rows: outside } = await sql<{ m2: number; parts: number }>`
        WITH parent AS (SELECT b.geom FROM area_boundaries b WHERE b.area_id = ${communityId} AND b.valid_to IS NULL AND ${areaIdInScope(scope, 'b.area_id')})
        SELECT COALESCE(ST_Area(ST_Difference(g.geom, p.geom)::geography), 0) AS m2, ST_NumGeometries(g.geom) AS parts
          FROM unnest(${wkbs}::text[]) WITH ORDINALITY AS t(w, ord)
          CROSS JOIN LATERAL (SELECT ST_GeomFromEWKB(decode(t.w, 'hex')) AS geom) g
          CROSS JOIN parent p
         ORDER BY t.ord`.execute(db);
      const { rows: overlaps } = await sql<{ a: number; b: number; m2: number }>`
        WITH g AS (SELECT ord::int - 1 AS i, ST_GeomFromEWKB(decode(w, 'hex')) AS geom FROM unnest(${wkbs}::text[]) WITH ORDINALITY AS t(w, ord))
        SELECT g1.i AS a, g2.i AS b, ST_Area(ST_Intersection(g1.geom, g2.geom)::geography) AS m2
          FROM g g1 JOIN g g2 ON g1.i < g2.i AND ST_Intersects(g1.geom, g2.geom) AND NOT ST_Touches(g1.geom, g2.geom)
         ORDER BY g1.i, g2.i`.execute(db);
      const { rows: keptOverlaps } = await sql<{ index: number; keptId: number; m2: number }>`
        WITH g AS (SELECT ord::int - 1 AS i, ST_GeomFromEWKB(decode(w, 'hex')) AS geom FROM unnest(${wkbs}::text[]) WITH ORDINALITY AS t(w, ord))
        SELECT g.i AS index, k.area_id AS "keptId", ST_Area(ST_Intersection(g.geom, k.geom)::geography) AS m2
          FROM g JOIN area_boundaries k ON k.area_id = ANY(${keptIds}::bigint[]) AND k.valid_to IS NULL
                                       AND ST_Intersects(g.geom, k.geom) AND NOT ST_Touches(g.geom, k.geom)
         WHERE ${areaIdInScope(scope, 'k.area_id')}
         ORDER BY g.i, k.area_id`.execute(db);
      const { rows: uncovered } = await sql<{ m2: number | null }>`
        WITH g AS (SELECT ST_GeomFromEWKB(decode(w, 'hex')) AS geom FROM unnest(${wkbs}::text[]) AS t(w)
                   UNION ALL SELECT k.geom FROM area_boundaries k
                              WHERE k.area_id = ANY(${keptIds}::bigint[]) AND k.valid_to IS NULL AND ${areaIdInScope(scope, 'k.area_id')})
        SELECT ST_Area(ST_Difference(p.geom, (SELECT ST_Union(geom) FROM g))::geography) AS m2
          FROM area_boundaries p WHERE p.area_id = ${communityId} AND p.valid_to IS NULL AND ${areaIdInScope(scope, 'p.area_id')}`.execute(db);
      return {
        outsideM2: outside.map((r) => r.m2),
        parts: outside.map((r) => r.parts),
        overlaps: overlaps.filter((o) => o.m2 >= minM2),
        keptOverlaps: keptOverlaps.filter((o) => o.m2 >= minM2),
        uncoveredM2: uncovered[0]?.m2 ?? 0,
      };
    },

    /** Moved buildings whose position lies outside the grid they were given (they went to the nearest one). */
    async buildingsOutsideTheirGrid(gridIds: number[]): Promise<number> {
      const { rows } = await sql<{ n: number }>`
        SELECT count(*)::int AS n
          -- The grid a building in scope hangs from is in scope.
          FROM areas b JOIN area_boundaries g ON g.area_id = b.parent_id AND g.valid_to IS NULL
         WHERE b.parent_id = ANY(${gridIds}::bigint[]) AND b.level = 'building' AND b.status = 'active'
           AND b.location IS NOT NULL AND NOT ST_Intersects(g.geom, b.location) AND ${areaPathInScope(scope, 'b.path')}`.execute(db);
      return rows[0]?.n ?? 0;
    },
  };
}
export type AreaProposalRepository = ReturnType<typeof areaProposalRepository>;
