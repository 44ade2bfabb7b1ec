import { fromGeojsonVt } from '@maplibre/vt-pbf';
import { sql } from 'kysely';
import type { Scope } from '../../../platform/context.ts';
import type { Db } from '../../../platform/data-access.ts';
import { areaPathInScope } from '../../../platform/scope.ts';

export const TILE_EXTENT = 4096;
const TILE_BUFFER = 64;

/** Levels drawn at a zoom: a city of 20,000 grids stays light when zoomed out. */
export function levelsForZoom(z: number): string[] {
  if (z < 9) return ['province', 'city', 'district'];
  if (z < 11) return ['city', 'district', 'street'];
  if (z < 12) return ['district', 'street', 'community'];
  return ['district', 'street', 'community', 'grid'];
}

interface TileRow {
  id: number;
  code: string;
  name: string;
  level: string;
  gridType: string | null;
  households: number | null;
  min: number;
  max: number;
  geom: { type: 'Polygon' | 'MultiPolygon'; coordinates: number[][][] | number[][][][] } | null;
}

/**
 * One Mapbox vector tile (layer "areas") of current boundaries in scope. PostGIS clips and
 * quantises; the protobuf is written here with @maplibre/vt-pbf because the embedded engine's
 * PostGIS is built without protobuf-c (ST_AsMVT fails there), so one code path serves both engines.
 */
async function areaTile(db: Db, scope: Scope, z: number, x: number, y: number, range: { min: number; max: number } = { min: 300, max: 500 }, audience: 'staff' | 'public' = 'staff'): Promise<Uint8Array> {
  // Tile space: x right, y down, 0..EXTENT, with a margin so polygons do not show seams at tile edges.
  // ST_AsMVTGeom would do this, but the embedded engine's PostGIS lacks it too (built without
  // protobuf-c); the same plain PostGIS functions run on both engines. Exterior rings are made
  // counter-clockwise before the y-flip, so they come out clockwise as the MVT spec requires.
  const { rows } = await sql<TileRow>`
    WITH bounds AS (SELECT ST_TileEnvelope(${z}::int, ${x}::int, ${y}::int) AS env),
         frame AS (SELECT env, ST_XMin(env) AS xmin, ST_YMax(env) AS ymax, ${TILE_EXTENT}::float8 / (ST_XMax(env) - ST_XMin(env)) AS scale,
                          ST_Transform(env, 4326) AS wgs FROM bounds)
    SELECT a.id, a.code, a.name, a.level, a.grid_type AS "gridType", a.households,
           COALESCE(r.balance_min, ${range.min}) AS "min", COALESCE(r.balance_max, ${range.max}) AS "max",
           ST_AsGeoJSON(ST_CollectionExtract(ST_SnapToGrid(
             ST_TransScale(ST_ClipByBox2D(ST_Transform(ST_ForcePolygonCCW(b.geom), 3857), ST_Expand(frame.env, (ST_XMax(frame.env) - ST_XMin(frame.env)) * ${TILE_BUFFER / TILE_EXTENT})),
                           -frame.xmin, -frame.ymax, frame.scale, -frame.scale), 1), 3), 0)::json AS geom
      FROM area_boundaries b JOIN areas a ON a.id = b.area_id CROSS JOIN frame
      -- A grid's household range: its own or the nearest ancestor's (ids from the path, so PK lookups).
      -- Only the range is read from ancestors, which may lie above the scope: it is the setting that governs the grid.
      LEFT JOIN LATERAL (
        SELECT x.balance_min, x.balance_max FROM areas x
         WHERE a.level = 'grid' AND x.id = ANY(string_to_array(btrim(a.path, '/'), '/')::bigint[])
           AND (x.balance_min IS NOT NULL OR x.balance_max IS NOT NULL)
         ORDER BY x.depth DESC LIMIT 1) r ON true
     WHERE b.valid_to IS NULL AND b.geom && frame.wgs AND a.level = ANY(${levelsForZoom(z)}::text[])
       AND ${areaPathInScope(scope, 'a.path')}
     ORDER BY a.depth, a.id`.execute(db);
  const features = rows.flatMap((r) => {
    if (!r.geom) return [];
    const polygons = r.geom.type === 'Polygon' ? [r.geom.coordinates as number[][][]] : (r.geom.coordinates as number[][][][]);
    const rings = polygons.flat().filter((ring) => ring.length >= 4).map((ring) => ring.map(([px, py]) => [px ?? 0, py ?? 0] as [number, number]));
    if (rings.length === 0) return [];
    return [{
      id: r.id,
      type: 3 as const,
      geometry: rings,
      // The public map shows where a place is and what it is called; households and targets are staff's.
      tags: audience === 'public' ? { id: r.id, code: r.code, name: r.name, level: r.level } : { id: r.id, code: r.code, name: r.name, level: r.level, gridType: r.gridType ?? '', households: r.households ?? 0, min: r.min, max: r.max },
    }];
  });
  // The wrapper reads features as geojson-vt leaves them: type 3 = polygon, geometry = rings in tile units.
  return fromGeojsonVt({ areas: { features } } as unknown as Parameters<typeof fromGeojsonVt>[0], { version: 2, extent: TILE_EXTENT });
}

/** Vector tiles of the areas in the caller's scope; the benchmark (bench/geo.bench.ts) measures them through the front door. */
export function areaTileRepository(db: Db, scope: Scope) {
  return {
    tile: (z: number, x: number, y: number, range?: { min: number; max: number }) => areaTile(db, scope, z, x, y, range),
  };
}

/** Every area, for the public map: the page a resident reports from (no account) shows the outlines and names. */
const EVERY_AREA: Scope = { areas: ['/'], departments: [], partyOrgs: [] };

/** A tile of every current outline with public tags only (id, code, name, level): divisions and grids are public. */
export function publicAreaTile(db: Db, z: number, x: number, y: number): Promise<Uint8Array> {
  return areaTile(db, EVERY_AREA, z, x, y, undefined, 'public');
}
