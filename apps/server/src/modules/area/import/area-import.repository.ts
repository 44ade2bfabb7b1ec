import { sql } from 'kysely';
import type { AreaLevel } from '@redgrid/contracts';
import type { Scope } from '../../../platform/context.ts';
import { areaPathInScope } from '../../../platform/scope.ts';
import type { Tx } from '../../../platform/transaction.ts';

/**
 * Rows per statement when many rows travel as arrays (unnest): large enough that the round trips
 * do not count, small enough that one statement's parameters stay a few hundred KB.
 */
const CHUNK = 10_000;
/**
 * Codes per lookup statement. One statement per 10,000 codes made PostgreSQL scan the whole table
 * each time (a re-import of the national file took 13 s); one hash join over 250,000 takes a fraction.
 */
const LOOKUP_CHUNK = 250_000;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Holds off other writers of the area tree until the import commits, so nothing validated can change
 * before it is applied. Readers are not blocked (SHARE ROW EXCLUSIVE conflicts with writes only).
 */
export async function lockAreaTree(tx: Tx): Promise<void> {
  await sql`LOCK TABLE areas IN SHARE ROW EXCLUSIVE MODE`.execute(tx);
}

export interface KnownArea {
  id: number;
  code: string;
  name: string;
  level: AreaLevel;
  path: string;
  status: 'active' | 'retired';
  parentCode: string | null;
  parentLevel: AreaLevel | null;
}

/**
 * Areas with these codes, wherever they are. Deliberately not limited to the caller's scope: a code
 * is unique across the whole tree, so a row must be checked against areas outside the scope too or
 * the insert would fail on the unique key half-way. The service turns an out-of-scope match into an
 * `out_of_scope` row error and shows none of its data. Only 12-digit division codes are asked for.
 */
export async function findAreasByCodes(tx: Tx, codes: readonly string[]): Promise<Map<string, KnownArea>> {
  const found = new Map<string, KnownArea>();
  for (const part of chunks(codes, LOOKUP_CHUNK)) {
    const { rows } = await sql<KnownArea>`
      SELECT a.id, a.code, a.name, a.level, a.path, a.status, p.code AS "parentCode", p.level AS "parentLevel"
        FROM areas a LEFT JOIN areas p ON p.id = a.parent_id
       WHERE a.code = ANY(${part}::text[])`.execute(tx);
    for (const r of rows) found.set(r.code, r);
  }
  return found;
}

/**
 * The national root (level `country`), under which new provinces are placed. Unscoped for the same
 * reason as findAreasByCodes; the service checks the caller's scope against it.
 */
export async function findCountryRoots(tx: Tx): Promise<KnownArea[]> {
  const { rows } = await sql<KnownArea>`
    SELECT id, code, name, level, path, status, NULL AS "parentCode", NULL AS "parentLevel"
      FROM areas WHERE level = 'country' AND parent_id IS NULL ORDER BY id LIMIT 2`.execute(tx);
  return rows;
}

export interface NewArea {
  code: string;
  name: string;
  level: AreaLevel;
  parentId: number;
  sortOrder: number;
}

/**
 * Inserts areas whose parents already exist, a chunk per statement. The path trigger fills `path`
 * and `depth`. Only when asked does it return the new ids (for the rows that parent later ones):
 * shipping 600,000 ids back for leaves costs time for nothing.
 */
export async function insertAreas(tx: Tx, areas: readonly NewArea[], at: Date, returnIds: boolean): Promise<{ id: number; code: string; path: string }[]> {
  const created: { id: number; code: string; path: string }[] = [];
  for (const part of chunks(areas)) {
    const insert = sql`
      INSERT INTO areas (code, name, level, parent_id, sort_order, created_at, updated_at)
      SELECT t.code, t.name, t.level, t.parent_id, t.sort_order, ${at}, ${at}
        FROM unnest(${part.map((a) => a.code)}::text[], ${part.map((a) => a.name)}::text[], ${part.map((a) => a.level)}::text[],
                    ${part.map((a) => a.parentId)}::bigint[], ${part.map((a) => a.sortOrder)}::int[]) AS t(code, name, level, parent_id, sort_order)`;
    if (returnIds) {
      const { rows } = await sql<{ id: number; code: string; path: string }>`${insert} RETURNING id, code, path`.execute(tx);
      created.push(...rows);
    } else {
      await insert.execute(tx);
    }
  }
  return created;
}

export async function renameAreas(tx: Tx, renames: readonly { id: number; name: string }[], at: Date): Promise<void> {
  for (const part of chunks(renames)) {
    await sql`
      UPDATE areas a SET name = t.name, updated_at = ${at}
        FROM unnest(${part.map((r) => r.id)}::bigint[], ${part.map((r) => r.name)}::text[]) AS t(id, name)
       WHERE a.id = t.id`.execute(tx);
  }
}

export async function recordImportChange(tx: Tx, change: { at: Date; actorId: number | null; areaId: number; summary: unknown }): Promise<number> {
  const row = await tx
    .insertInto('area_changes')
    .values({ kind: 'import', at: change.at, actor_id: change.actorId, area_id: change.areaId, summary: JSON.stringify(change.summary) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Holds off other boundary writers until the import commits (readers go on). */
export async function lockBoundaries(tx: Tx): Promise<void> {
  await sql`LOCK TABLE area_boundaries IN SHARE ROW EXCLUSIVE MODE`.execute(tx);
}

export interface ScopedArea {
  id: number;
  code: string;
  name: string;
  level: AreaLevel;
  path: string;
  status: 'active' | 'retired';
}

/** Areas in scope with these codes; others are simply absent (the caller answers "unknown area"). */
export async function findAreasInScopeByCodes(tx: Tx, scope: Scope, codes: readonly string[]): Promise<Map<string, ScopedArea>> {
  const found = new Map<string, ScopedArea>();
  for (const part of chunks(codes)) {
    const { rows } = await sql<ScopedArea>`
      SELECT a.id, a.code, a.name, a.level, a.path, a.status
        FROM areas a
       WHERE a.code = ANY(${part}::text[]) AND ${areaPathInScope(scope, 'a.path')}`.execute(tx);
    for (const r of rows) found.set(r.code, r);
  }
  return found;
}

export interface BoundaryInput {
  /** Index of the feature in the file. */
  feature: number;
  areaId: number;
  /** WGS84 GeoJSON geometry (Polygon or MultiPolygon) as text. */
  geojson: string;
}

export interface GeometryVerdict {
  feature: number;
  valid: boolean;
  /** ST_IsValidReason for an invalid geometry, e.g. "Self-intersection[120.1 31.7]". */
  reason: string | null;
  /** Planar areas in square degrees: only their ratio is used. */
  drawnArea: number;
  repairedArea: number;
  repairedEmpty: boolean;
  hasCurrent: boolean;
  sameAsCurrent: boolean;
}

/**
 * What a geometry becomes when stored: itself when valid, else ST_MakeValid's polygonal part; always
 * a MultiPolygon. The check and the insert both use it, so what was checked is what is stored.
 */
const STORED = sql`ST_Multi(CASE WHEN ST_IsValid(g) THEN g ELSE ST_CollectionExtract(ST_MakeValid(g), 3) END)`;

/**
 * PostGIS's verdict on each geometry, and whether it equals the area's current boundary. The area a
 * self-intersecting ring encloses is computed by the shoelace formula, so a figure-eight's two lobes
 * cancel: a repair that changes it by more than a trace is a guess, not a repair.
 */
export async function checkGeometries(tx: Tx, inputs: readonly BoundaryInput[]): Promise<GeometryVerdict[]> {
  const verdicts: GeometryVerdict[] = [];
  for (const part of chunks(inputs, 2_000)) {
    const { rows } = await sql<GeometryVerdict>`
      WITH input AS (
        SELECT t.feature, t.area_id, ST_SetSRID(ST_GeomFromGeoJSON(t.geojson), 4326) AS g
          FROM unnest(${part.map((i) => i.feature)}::int[], ${part.map((i) => i.areaId)}::bigint[], ${part.map((i) => i.geojson)}::text[])
               AS t(feature, area_id, geojson)
      ), stored AS (
        SELECT feature, area_id, g, ST_IsValid(g) AS valid, ${STORED} AS s FROM input
      )
      SELECT x.feature, x.valid,
             CASE WHEN x.valid THEN NULL ELSE ST_IsValidReason(x.g) END AS reason,
             ST_Area(x.g) AS "drawnArea", ST_Area(x.s) AS "repairedArea", ST_IsEmpty(x.s) AS "repairedEmpty",
             b.id IS NOT NULL AS "hasCurrent",
             COALESCE(b.id IS NOT NULL AND NOT ST_IsEmpty(x.s) AND ST_Equals(b.geom, x.s), false) AS "sameAsCurrent"
        FROM stored x LEFT JOIN area_boundaries b ON b.area_id = x.area_id AND b.valid_to IS NULL
       ORDER BY x.feature`.execute(tx);
    verdicts.push(...rows);
  }
  return verdicts;
}

/** Closes the current versions of these areas' boundaries at `at`. */
export async function closeBoundaries(tx: Tx, areaIds: readonly number[], at: Date): Promise<void> {
  for (const part of chunks(areaIds)) {
    await sql`UPDATE area_boundaries SET valid_to = ${at} WHERE valid_to IS NULL AND area_id = ANY(${part}::bigint[])`.execute(tx);
  }
}

/** Opens a new current version per area, from `at`, recorded against the import's change row. */
export async function openBoundaries(tx: Tx, inputs: readonly BoundaryInput[], at: Date, changeId: number): Promise<void> {
  for (const part of chunks(inputs, 2_000)) {
    await sql`
      INSERT INTO area_boundaries (area_id, geom, valid_from, change_id)
      SELECT t.area_id, ${STORED}, ${at}, ${changeId}
        FROM (SELECT t.area_id, ST_SetSRID(ST_GeomFromGeoJSON(t.geojson), 4326) AS g
                FROM unnest(${part.map((i) => i.areaId)}::bigint[], ${part.map((i) => i.geojson)}::text[]) AS t(area_id, geojson)) t`.execute(tx);
  }
}

/** One reading of a feature's coordinates: the crs it is read in, and the WGS84 GeoJSON that gives. */
export interface CrsReading {
  feature: number;
  areaId: number;
  crs: string;
  geojson: string;
}

export interface CrsFit {
  feature: number;
  crs: string;
  /** Metres between the reading's centroid and the current boundary's; null without a current boundary. */
  offsetM: number | null;
  /**
   * Without a current boundary: active buildings with a location under the area or its grids (a sample of
   * up to 500), and how many of them the reading holds; 0 and 0 otherwise.
   */
  buildings: number;
  inside: number;
}

/** Buildings looked at per area: enough to tell a 500 m shift, cheap on a district of 100,000. */
const CRS_FIT_BUILDING_SAMPLE = 500;

/**
 * How well each reading of a feature sits on what the area already has: its current boundary (by
 * centroid offset) or, when it has none yet, the buildings located under it (its own, and its grids').
 * Readings in the declared crs and in the others side by side, so a file in GCJ-02 declared as WGS84
 * shows as a ~500 m shift that another reading undoes.
 */
export async function crsFits(tx: Tx, readings: readonly CrsReading[]): Promise<CrsFit[]> {
  const fits: CrsFit[] = [];
  for (const part of chunks(readings, 2_000)) {
    const { rows } = await sql<CrsFit>`
      WITH input AS (
        SELECT t.feature, t.area_id, t.crs, ${STORED} AS g
          FROM (SELECT t.*, ST_SetSRID(ST_GeomFromGeoJSON(t.geojson), 4326) AS g
                  FROM unnest(${part.map((r) => r.feature)}::int[], ${part.map((r) => r.areaId)}::bigint[], ${part.map((r) => r.crs)}::text[], ${part.map((r) => r.geojson)}::text[])
                       AS t(feature, area_id, crs, geojson)) t
      )
      SELECT x.feature, x.crs,
             ST_Distance(ST_Centroid(x.g)::geography, ST_Centroid(b.geom)::geography) AS "offsetM",
             COALESCE(k.buildings, 0)::int AS buildings, COALESCE(k.inside, 0)::int AS inside
        FROM input x
        LEFT JOIN area_boundaries b ON b.area_id = x.area_id AND b.valid_to IS NULL
        LEFT JOIN LATERAL (
          SELECT count(*) AS buildings, count(*) FILTER (WHERE ST_Intersects(x.g, c.location)) AS inside
            FROM (SELECT c.location FROM areas c
                   WHERE (c.parent_id = x.area_id OR c.parent_id IN (SELECT g.id FROM areas g WHERE g.parent_id = x.area_id))
                     AND c.level = 'building' AND c.status = 'active' AND c.location IS NOT NULL
                   ORDER BY c.id LIMIT ${CRS_FIT_BUILDING_SAMPLE}) c
           WHERE b.id IS NULL) k ON true
       ORDER BY x.feature, x.crs`.execute(tx);
    fits.push(...rows);
  }
  return fits;
}
