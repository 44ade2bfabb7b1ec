import { sql, type RawBuilder } from 'kysely';
import type { AreaBrief } from '@redgrid/contracts';
import type { Scope } from '../../../platform/context.ts';
import { scopedFrom, type Db } from '../../../platform/data-access.ts';
import { areaPathInScope } from '../../../platform/scope.ts';

/** Boundary versions in force at `at` (or now, through the partial GiST index on current versions). */
function inForce(at: Date | undefined): RawBuilder<boolean> {
  return at ? sql<boolean>`(b.valid_from <= ${at} AND (b.valid_to IS NULL OR b.valid_to > ${at}))` : sql<boolean>`b.valid_to IS NULL`;
}

function point(lng: number, lat: number): RawBuilder<unknown> {
  return sql`ST_SetSRID(ST_MakePoint(${lng}::float8, ${lat}::float8), 4326)`;
}

export interface LocatedArea extends AreaBrief {
  path: string;
}

/**
 * The deepest area in scope whose boundary contains the point. Grids are probed first through
 * their own partial index (small polygons, one or two candidates); only a point outside every grid
 * falls back to testing the larger communities, streets and districts.
 */
async function findDeepestContaining(db: Db, scope: Scope, lng: number, lat: number, at?: Date): Promise<LocatedArea | undefined> {
  const probe = (gridsOnly: boolean) => sql<LocatedArea>`
    SELECT a.id, a.code, a.name, a.level, a.path
      FROM area_boundaries b JOIN areas a ON a.id = b.area_id
     WHERE ${inForce(at)} AND ${gridsOnly ? sql`b.area_level = 'grid'` : sql`true`}
       AND ST_Intersects(b.geom, ${point(lng, lat)}) AND ${areaPathInScope(scope, 'a.path')}
     ORDER BY a.depth DESC, a.id
     LIMIT 1`.execute(db);
  return (await probe(true)).rows[0] ?? (await probe(false)).rows[0];
}

/**
 * Nearest current grid in scope, by true distance on the ellipsoid. The GiST index can only order by
 * planar distance in degrees, and a degree of longitude is shorter than one of latitude (0.85 of it at
 * Changzhou), so the degree-nearest grids are not always the metre-nearest: ranking a fixed shortlist of
 * five by metres could miss the answer by tens of metres. So the KNN shortlist only bounds the search:
 * the best of it, D metres away, means the answer lies within D metres, which is at most
 * D / (metres per degree at the narrowest) degrees — an index-assisted ST_DWithin in degrees — and that
 * set is ranked by metres.
 */
async function findNearestGrid(db: Db, scope: Scope, lng: number, lat: number): Promise<(LocatedArea & { distanceMeters: number }) | undefined> {
  const { rows } = await sql<LocatedArea & { distanceMeters: number }>`
    WITH shortlist AS (
           SELECT ST_Distance(b.geom::geography, ${point(lng, lat)}::geography) AS distance
             FROM area_boundaries b JOIN areas a ON a.id = b.area_id
            WHERE b.valid_to IS NULL AND a.level = 'grid' AND ${areaPathInScope(scope, 'a.path')}
            ORDER BY b.geom <-> ${point(lng, lat)}
            LIMIT 5),
         bound AS (SELECT min(distance) AS metres FROM shortlist)
    SELECT a.id, a.code, a.name, a.level, a.path, ST_Distance(b.geom::geography, ${point(lng, lat)}::geography) AS "distanceMeters"
      FROM bound, area_boundaries b JOIN areas a ON a.id = b.area_id
     WHERE bound.metres IS NOT NULL AND b.valid_to IS NULL AND a.level = 'grid' AND ${areaPathInScope(scope, 'a.path')}
       AND ST_DWithin(b.geom, ${point(lng, lat)}, (bound.metres + 1) * ${degreesPerMetreAtMost(lat, sql`bound.metres`)})
     ORDER BY "distanceMeters", a.id
     LIMIT 1`.execute(db);
  return rows[0];
}

/**
 * The most degrees of planar (lng, lat) distance one metre can be between the point and anything within
 * `metres` of it: 1 / the shorter of the metres per degree of latitude (≥ 110,574) and of longitude
 * (111,320 · cos φ) at the latitude farthest towards the pole that `metres` can reach, with 1 % for the
 * ellipsoid; capped at 89° (no grid lies at the poles).
 */
function degreesPerMetreAtMost(lat: number, metres: RawBuilder<unknown>): RawBuilder<number> {
  return sql<number>`(1.01 / LEAST(110574.0, 111320.0 * cos(radians(LEAST(89.0, ${Math.abs(lat)}::float8 + ${metres} / 110000.0 + 0.01)))))`;
}

/**
 * Many points in one statement: each point's deepest containing area id, in input order. The
 * lateral probe hits the grid-only partial GiST index once per point; the few points outside every
 * grid get a second pass over all levels.
 */
const LOCATE_PARALLELISM = 4;

async function locateMany(db: Db, scope: Scope, lngs: number[], lats: number[], at?: Date): Promise<(number | null)[]> {
  const probe = async (xs: number[], ys: number[], gridsOnly: boolean) =>
    (
      await sql<{ id: number | null }>`
        SELECT x.id
          FROM unnest(${xs}::float8[], ${ys}::float8[]) WITH ORDINALITY AS p(lng, lat, ord)
          LEFT JOIN LATERAL (
            SELECT a.id FROM area_boundaries b JOIN areas a ON a.id = b.area_id
             WHERE ${inForce(at)} AND ${gridsOnly ? sql`b.area_level = 'grid'` : sql`true`}
               AND ST_Intersects(b.geom, ST_SetSRID(ST_MakePoint(p.lng, p.lat), 4326)) AND ${areaPathInScope(scope, 'a.path')}
             ORDER BY a.depth DESC, a.id
             LIMIT 1) x ON true
         ORDER BY p.ord`.execute(db)
    ).rows.map((r) => r.id);
  // Large batches go as a few chunks at once: PostgreSQL runs them on separate connections and
  // cores (PGlite, a single session, simply queues them).
  const chunk = Math.max(5_000, Math.ceil(lngs.length / LOCATE_PARALLELISM));
  const parts: Promise<(number | null)[]>[] = [];
  for (let from = 0; from < lngs.length; from += chunk) parts.push(probe(lngs.slice(from, from + chunk), lats.slice(from, from + chunk), true));
  const ids = (await Promise.all(parts)).flat();
  const missing = ids.flatMap((id, i) => (id === null ? [i] : []));
  if (missing.length > 0) {
    const second = await probe(missing.map((i) => lngs[i] ?? 0), missing.map((i) => lats[i] ?? 0), false);
    missing.forEach((i, k) => {
      ids[i] = second[k] ?? null;
    });
  }
  return ids;
}

function listBriefs(db: Db, scope: Scope, ids: number[]): Promise<AreaBrief[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return scopedFrom(db, scope, 'areas as a').select(['a.id', 'a.code', 'a.name', 'a.level']).where('a.id', 'in', ids).orderBy('a.depth').execute();
}

export interface BoundaryFeature {
  id: number;
  code: string;
  name: string;
  level: AreaBrief['level'];
  status: 'active' | 'retired';
  gridType: string | null;
  households: number | null;
  parentId: number | null;
  geometry: unknown;
}

/** GeoJSON of boundaries (in force at `at`), for small sets: one parent's children or listed ids. */
async function listBoundaries(db: Db, scope: Scope, filter: { parentId?: number; ids?: number[] }, at?: Date): Promise<BoundaryFeature[]> {
  const where = filter.ids ? sql`a.id = ANY(${filter.ids}::bigint[])` : sql`a.parent_id = ${filter.parentId ?? 0}`;
  const { rows } = await sql<BoundaryFeature>`
    SELECT a.id, a.code, a.name, a.level, a.status, a.grid_type AS "gridType", a.households, a.parent_id AS "parentId",
           ST_AsGeoJSON(b.geom, 7)::json AS geometry
      FROM areas a JOIN area_boundaries b ON b.area_id = a.id
     WHERE ${where} AND ${inForce(at)} AND ${areaPathInScope(scope, 'a.path')}
     ORDER BY a.sort_order, a.code
     LIMIT 5000`.execute(db);
  return rows;
}

/**
 * Where points lie, and the boundaries to draw, within the caller's scope. Every query carries the
 * scope as `a.path LIKE ANY(prefixes)` on the joined area: no per-row sub-select on the hot paths
 * (locate, batch locate). The benchmark (bench/geo.bench.ts) measures these through the front door.
 */
/**
 * The first area down from the top of the scope that has a boundary in force (shallowest, then by
 * path): where coverage analysis can start when the user's own top areas (a province, a city) were
 * never drawn. Buildings and units are points, not boundaries.
 */
async function findFirstBounded(db: Db, scope: Scope): Promise<AreaBrief | undefined> {
  const { rows } = await sql<AreaBrief>`
    SELECT a.id, a.code, a.name, a.level
      FROM area_boundaries b JOIN areas a ON a.id = b.area_id
     WHERE b.valid_to IS NULL AND a.status = 'active' AND a.level NOT IN ('building', 'unit') AND ${areaPathInScope(scope, 'a.path')}
     ORDER BY a.depth, a.path
     LIMIT 1`.execute(db);
  return rows[0];
}

export function areaGeoRepository(db: Db, scope: Scope) {
  return {
    findDeepestContaining: (lng: number, lat: number, at?: Date) => findDeepestContaining(db, scope, lng, lat, at),
    findNearestGrid: (lng: number, lat: number) => findNearestGrid(db, scope, lng, lat),
    findFirstBounded: () => findFirstBounded(db, scope),
    locateMany: (lngs: number[], lats: number[], at?: Date) => locateMany(db, scope, lngs, lats, at),
    listBriefs: (ids: number[]) => listBriefs(db, scope, ids),
    listBoundaries: (filter: { parentId?: number; ids?: number[] }, at?: Date) => listBoundaries(db, scope, filter, at),
  };
}
