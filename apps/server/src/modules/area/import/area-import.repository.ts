import { sql } from 'kysely';
import type { AreaLevel } from '@redgrid/contracts';
import type { Scope } from '../../../platform/context.ts';
import { ownedInsert, type Db } from '../../../platform/data-access.ts';
import { areaIdInScope, areaPathInScope } from '../../../platform/scope.ts';

/**
 * Rows per statement when many rows travel as arrays (unnest): large enough that the round trips
 * do not count, small enough that one statement's parameters stay a few hundred KB.
 */
const CHUNK = 10_000;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface NewArea {
  code: string;
  name: string;
  level: AreaLevel;
  parentId: number;
  sortOrder: number;
}

export interface ScopedArea {
  id: number;
  code: string;
  name: string;
  level: AreaLevel;
  path: string;
  status: 'active' | 'retired';
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

async function recordImportChange(db: Db, scope: Scope, change: { at: Date; actorId: number | null; areaId: number; summary: unknown }): Promise<number> {
  const row = await ownedInsert(db, scope, 'area_changes')
    .values({ kind: 'import', at: change.at, actor_id: change.actorId, area_id: change.areaId, summary: JSON.stringify(change.summary) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Boundaries imported for areas in the caller's scope, and how a reading of a geometry fits them. */
export function areaImportRepository(db: Db, scope: Scope) {
  return {
    /** Holds off other boundary writers until the import commits (readers go on). */
    async lockBoundaries(): Promise<void> {
      await sql`LOCK TABLE area_boundaries IN SHARE ROW EXCLUSIVE MODE`.execute(db);
    },

    /** Areas in scope with these codes; others are simply absent (the caller answers "unknown area"). */
    async findAreasInScopeByCodes(codes: readonly string[]): Promise<Map<string, ScopedArea>> {
      const found = new Map<string, ScopedArea>();
      for (const part of chunks(codes)) {
        const { rows } = await sql<ScopedArea>`
          SELECT a.id, a.code, a.name, a.level, a.path, a.status
            FROM areas a
           WHERE a.code = ANY(${part}::text[]) AND ${areaPathInScope(scope, 'a.path')}`.execute(db);
        for (const r of rows) found.set(r.code, r);
      }
      return found;
    },

    /**
     * PostGIS's verdict on each geometry, and whether it equals the area's current boundary. The area a
     * self-intersecting ring encloses is computed by the shoelace formula, so a figure-eight's two lobes
     * cancel: a repair that changes it by more than a trace is a guess, not a repair.
     */
    async checkGeometries(inputs: readonly BoundaryInput[]): Promise<GeometryVerdict[]> {
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
            FROM stored x LEFT JOIN area_boundaries b ON b.area_id = x.area_id AND b.valid_to IS NULL AND ${areaIdInScope(scope, 'b.area_id')}
           ORDER BY x.feature`.execute(db);
        verdicts.push(...rows);
      }
      return verdicts;
    },

    /** Closes the current versions of these areas' boundaries at `at`. */
    async closeBoundaries(areaIds: readonly number[], at: Date): Promise<void> {
      for (const part of chunks(areaIds)) {
        await sql`
          UPDATE area_boundaries b SET valid_to = ${at}
           WHERE b.valid_to IS NULL AND b.area_id = ANY(${part}::bigint[]) AND ${areaIdInScope(scope, 'b.area_id')}`.execute(db);
      }
    },

    /** Opens a new current version per area (areas found in scope), from `at`, recorded against the import's change row. */
    async openBoundaries(inputs: readonly BoundaryInput[], at: Date, changeId: number): Promise<void> {
      for (const part of chunks(inputs, 2_000)) {
        await ownedInsert(db, scope, 'area_boundaries')
          .columns(['area_id', 'geom', 'valid_from', 'change_id'])
          .expression(
            sql`SELECT t.area_id, ${STORED}, ${at}::timestamptz, ${changeId}::bigint
                  FROM (SELECT t.area_id, ST_SetSRID(ST_GeomFromGeoJSON(t.geojson), 4326) AS g
                          FROM unnest(${part.map((i) => i.areaId)}::bigint[], ${part.map((i) => i.geojson)}::text[]) AS t(area_id, geojson)) t`,
          )
          .execute();
      }
    },

    recordImportChange(change: { at: Date; actorId: number | null; areaId: number; summary: unknown }): Promise<number> {
      return recordImportChange(db, scope, change);
    },

    /**
     * How well each reading of a feature sits on what the area already has: its current boundary (by
     * centroid offset) or, when it has none yet, the buildings located under it (its own, and its grids').
     * Readings in the declared crs and in the others side by side, so a file in GCJ-02 declared as WGS84
     * shows as a ~500 m shift that another reading undoes.
     */
    async crsFits(readings: readonly CrsReading[]): Promise<CrsFit[]> {
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
            LEFT JOIN area_boundaries b ON b.area_id = x.area_id AND b.valid_to IS NULL AND ${areaIdInScope(scope, 'b.area_id')}
            LEFT JOIN LATERAL (
              SELECT count(*) AS buildings, count(*) FILTER (WHERE ST_Intersects(x.g, c.location)) AS inside
                -- Grids under an area in scope are in scope.
                FROM (SELECT c.location FROM areas c
                       WHERE (c.parent_id = x.area_id OR c.parent_id IN (SELECT g.id FROM areas g WHERE g.parent_id = x.area_id))
                         AND c.level = 'building' AND c.status = 'active' AND c.location IS NOT NULL AND ${areaPathInScope(scope, 'c.path')}
                       ORDER BY c.id LIMIT ${CRS_FIT_BUILDING_SAMPLE}) c
               WHERE b.id IS NULL) k ON true
           ORDER BY x.feature, x.crs`.execute(db);
        fits.push(...rows);
      }
      return fits;
    },
  };
}

/**
 * The area tree as the division-code import writes it (the division module's CSV import and adoption
 * reach areas only through this): new areas under parents the caller's scope holds, renames of areas
 * in scope, the import's change row. The import checks every parent against the scope before it
 * writes; the statements keep to the scope as well.
 */
export function areaTreeWriter(db: Db, scope: Scope) {
  return {
    /**
     * Holds off other writers of the area tree until the import commits, so nothing validated can change
     * before it is applied. Readers are not blocked (SHARE ROW EXCLUSIVE conflicts with writes only).
     */
    async lockTree(): Promise<void> {
      await sql`LOCK TABLE areas IN SHARE ROW EXCLUSIVE MODE`.execute(db);
    },

    /**
     * Inserts areas whose parents already exist (and were checked against the scope), a chunk per
     * statement. The path trigger fills `path` and `depth`. Only when asked does it return the new ids
     * (for the rows that parent later ones): shipping 600,000 ids back for leaves costs time for nothing.
     */
    async insertAreas(areas: readonly NewArea[], at: Date, returnIds: boolean): Promise<{ id: number; code: string; path: string }[]> {
      const created: { id: number; code: string; path: string }[] = [];
      for (const part of chunks(areas)) {
        const insert = ownedInsert(db, scope, 'areas')
          .columns(['code', 'name', 'level', 'parent_id', 'sort_order', 'created_at', 'updated_at'])
          .expression(
            sql`SELECT t.code, t.name, t.level, t.parent_id, t.sort_order, ${at}::timestamptz, ${at}::timestamptz
                  FROM unnest(${part.map((a) => a.code)}::text[], ${part.map((a) => a.name)}::text[], ${part.map((a) => a.level)}::text[],
                              ${part.map((a) => a.parentId)}::bigint[], ${part.map((a) => a.sortOrder)}::int[]) AS t(code, name, level, parent_id, sort_order)`,
          );
        if (returnIds) created.push(...(await insert.returning(['id', 'code', 'path']).execute()));
        else await insert.execute();
      }
      return created;
    },

    async renameAreas(renames: readonly { id: number; name: string }[], at: Date): Promise<void> {
      for (const part of chunks(renames)) {
        await sql`
          UPDATE areas a SET name = t.name, updated_at = ${at}
            FROM unnest(${part.map((r) => r.id)}::bigint[], ${part.map((r) => r.name)}::text[]) AS t(id, name)
           WHERE a.id = t.id AND ${areaPathInScope(scope, 'a.path')}`.execute(db);
      }
    },

    recordImportChange(change: { at: Date; actorId: number | null; areaId: number; summary: unknown }): Promise<number> {
      return recordImportChange(db, scope, change);
    },
  };
}

export type AreaTreeWriter = ReturnType<typeof areaTreeWriter>;
export type AreaImportRepository = ReturnType<typeof areaImportRepository>;
