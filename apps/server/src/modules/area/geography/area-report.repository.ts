import { sql } from 'kysely';
import { COVERAGE_SLIVER_WIDTH_M, type AreaBrief } from '@redgrid/contracts';
import type { Scope } from '../../../platform/context.ts';
import type { Db } from '../../../platform/data-access.ts';
import { areaPathInScope } from '../../../platform/scope.ts';

export interface CoverageRow {
  kind: 'gap' | 'overlap' | 'outside';
  areaIds: number[];
  areaM2: number;
  geometry: unknown;
}

/**
 * Seamless coverage of a parent by its active children ("无缝覆盖"): the parent minus the union
 * of its children (gaps), pairwise intersections (overlaps), and children's parts outside the
 * parent. Pieces under `minAreaM2`, and slivers thinner than COVERAGE_SLIVER_WIDTH_M on average, are
 * rounding noise and left out. Areas are on the ellipsoid.
 */
async function coverageOf(db: Db, scope: Scope, parentId: number, minAreaM2: number) {
  const { rows: summary } = await sql<{ parentAreaM2: number | null; coveredM2: number | null; childCount: number }>`
    WITH parent AS (SELECT b.geom FROM areas pa JOIN area_boundaries b ON b.area_id = pa.id AND b.valid_to IS NULL
                     WHERE pa.id = ${parentId} AND ${areaPathInScope(scope, 'pa.path')}),
         kids AS (SELECT b.geom FROM areas a JOIN area_boundaries b ON b.area_id = a.id AND b.valid_to IS NULL
                   WHERE a.parent_id = ${parentId} AND a.status = 'active' AND ${areaPathInScope(scope, 'a.path')})
    SELECT ST_Area(p.geom::geography) AS "parentAreaM2",
           ST_Area(ST_Intersection(p.geom, (SELECT ST_Union(geom) FROM kids))::geography) AS "coveredM2",
           (SELECT count(*)::int FROM kids) AS "childCount"
      FROM parent p`.execute(db);

  const { rows: issues } = await sql<CoverageRow>`
    WITH parent AS (SELECT b.geom FROM areas pa JOIN area_boundaries b ON b.area_id = pa.id AND b.valid_to IS NULL
                     WHERE pa.id = ${parentId} AND ${areaPathInScope(scope, 'pa.path')}),
         kids AS (SELECT a.id, b.geom FROM areas a JOIN area_boundaries b ON b.area_id = a.id AND b.valid_to IS NULL
                   WHERE a.parent_id = ${parentId} AND a.status = 'active' AND ${areaPathInScope(scope, 'a.path')}),
         gap_parts AS (
           SELECT 'gap'::text AS kind, ARRAY[]::bigint[] AS ids, (ST_Dump(ST_Difference(p.geom, COALESCE((SELECT ST_Union(geom) FROM kids), ST_GeomFromText('POLYGON EMPTY', 4326))))).geom AS geom
             FROM parent p),
         overlap_parts AS (
           SELECT 'overlap'::text, ARRAY[k1.id, k2.id], ST_CollectionExtract(ST_Intersection(k1.geom, k2.geom), 3)
             FROM kids k1 JOIN kids k2 ON k1.id < k2.id AND ST_Intersects(k1.geom, k2.geom) AND NOT ST_Touches(k1.geom, k2.geom)),
         outside_parts AS (
           SELECT 'outside'::text, ARRAY[k.id], ST_CollectionExtract(ST_Difference(k.geom, p.geom), 3)
             FROM kids k, parent p WHERE NOT ST_CoveredBy(k.geom, p.geom)),
         everything AS (SELECT * FROM gap_parts UNION ALL SELECT * FROM overlap_parts UNION ALL SELECT * FROM outside_parts)
    SELECT kind, ids::int[] AS "areaIds", ST_Area(geom::geography) AS "areaM2", ST_AsGeoJSON(geom, 7)::json AS geometry
      FROM everything
     WHERE NOT ST_IsEmpty(geom) AND ST_Area(geom::geography) >= ${minAreaM2}
       AND 2 * ST_Area(geom::geography) >= ${COVERAGE_SLIVER_WIDTH_M} * ST_Perimeter(geom::geography)
     ORDER BY kind, ST_Area(geom::geography) DESC
     LIMIT 2000`.execute(db);

  const { rows: missing } = await sql<AreaBrief>`
    SELECT a.id, a.code, a.name, a.level FROM areas a
     WHERE a.parent_id = ${parentId} AND a.status = 'active' AND a.level NOT IN ('building', 'unit') AND ${areaPathInScope(scope, 'a.path')}
       -- The boundary of an area in scope is in scope.
       AND NOT EXISTS (SELECT 1 FROM area_boundaries b WHERE b.area_id = a.id AND b.valid_to IS NULL)
     ORDER BY a.code`.execute(db);
  return { summary: summary[0], issues, missing };
}

export interface GridBalanceRow extends AreaBrief {
  households: number;
  buildings: number;
  min: number | null;
  max: number | null;
}

/**
 * Households of every active grid under a parent, with the target range in force for it: the
 * nearest ancestor (or the grid itself) that sets one. A grid with buildings counts their
 * households; one without uses its own figure.
 */
async function gridBalance(db: Db, scope: Scope, parentPath: string): Promise<GridBalanceRow[]> {
  const { rows } = await sql<GridBalanceRow>`
    SELECT g.id, g.code, g.name, g.level,
           -- Buildings and sub-grids of a grid in scope are in scope. Only the household range is read
           -- from ancestors, which may lie above the scope: it is the setting that governs the grid.
           COALESCE((SELECT sum(b.households)::int FROM areas b WHERE b.parent_id = g.id AND b.level = 'building' AND b.status = 'active'), g.households, 0) AS households,
           (SELECT count(*)::int FROM areas b WHERE b.parent_id = g.id AND b.level = 'building' AND b.status = 'active') AS buildings,
           r.balance_min AS min, r.balance_max AS max
      FROM areas g
      LEFT JOIN LATERAL (
        SELECT x.balance_min, x.balance_max FROM areas x
         WHERE x.id = ANY(string_to_array(btrim(g.path, '/'), '/')::bigint[]) AND (x.balance_min IS NOT NULL OR x.balance_max IS NOT NULL)
         ORDER BY x.depth DESC LIMIT 1) r ON true
     WHERE g.level = 'grid' AND g.status = 'active' AND starts_with(g.path, ${parentPath}) AND ${areaPathInScope(scope, 'g.path')}
       AND NOT EXISTS (SELECT 1 FROM areas s WHERE s.parent_id = g.id AND s.level = 'grid' AND s.status = 'active')
     ORDER BY g.path`.execute(db);
  return rows;
}

/** Coverage and balance reports over the children and grids of an area, within the caller's scope. */
export function areaReportRepository(db: Db, scope: Scope) {
  return {
    coverageOf: (parentId: number, minAreaM2: number) => coverageOf(db, scope, parentId, minAreaM2),
    gridBalance: (parentPath: string) => gridBalance(db, scope, parentPath),
  };
}
