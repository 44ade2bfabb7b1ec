import { sql, type RawBuilder } from 'kysely';
import { COVERAGE_SLIVER_WIDTH_M, type AdjustmentResult, type AreaLevel } from '@redgrid/contracts';
import type { Scope } from '../../../platform/context.ts';
import { areaPathInScope } from '../../../platform/scope.ts';
import type { Tx } from '../../../platform/transaction.ts';
import { describeValidity } from '../import/boundary-features.ts';

export interface LockedArea {
  id: number;
  code: string;
  name: string;
  level: AreaLevel;
  path: string;
  parentId: number | null;
  status: 'active' | 'retired';
  households: number | null;
  gridType: 'comprehensive' | 'dedicated' | null;
}

/** Areas in scope, locked for the rest of the transaction so two adjustments of one grid queue. */
export async function lockAreas(tx: Tx, scope: Scope, ids: number[]): Promise<LockedArea[]> {
  if (ids.length === 0) return [];
  const { rows } = await sql<LockedArea>`
    SELECT a.id, a.code, a.name, a.level, a.path, a.parent_id AS "parentId", a.status, a.households, a.grid_type AS "gridType"
      FROM areas a
     WHERE a.id = ANY(${ids}::bigint[]) AND ${areaPathInScope(scope, 'a.path')}
     ORDER BY a.id
       FOR UPDATE`.execute(tx);
  return rows;
}

/** A geometry held as hex EWKB: exact, so pieces computed in SQL go back in without rounding. */
export type Wkb = string;

export function fromWkb(wkb: Wkb): RawBuilder<unknown> {
  return sql`ST_GeomFromEWKB(decode(${wkb}, 'hex'))`;
}

export function fromGeoJson(geojson: unknown): RawBuilder<unknown> {
  return sql`ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(geojson)}), 4326)`;
}

export interface GeometryCheck {
  valid: boolean;
  reason: string;
  areaM2: number;
  wkb: Wkb;
}

/**
 * Validity, area and exact bytes of a geometry. `reason` is already in our words (PostGIS's text is
 * not echoed). The embedded engine answers some malformed input (an unclosed ring) with no row at all
 * instead of an error: that is an invalid geometry too, not a crash.
 */
export async function checkGeometry(tx: Tx, geometry: RawBuilder<unknown>): Promise<GeometryCheck> {
  const { rows } = await sql<GeometryCheck>`
    SELECT ST_IsValid(g) AS valid, ST_IsValidReason(g) AS reason, ST_Area(g::geography) AS "areaM2", encode(ST_AsEWKB(ST_Multi(g)), 'hex') AS wkb
      FROM (SELECT ${geometry} AS g) x`.execute(tx);
  const row = rows[0];
  if (!row) return { valid: false, reason: '几何无法读取（环是否闭合？）', areaM2: 0, wkb: '' };
  return row.valid ? row : { ...row, reason: describeValidity(row.reason) };
}

/**
 * The ground a redrawn area gives up that nothing else will cover: its current boundary minus the new
 * one, minus its active siblings, within its parent (when the parent has a boundary), slivers left out
 * as in the coverage report. Run before the current version closes.
 */
export async function gapOpenedM2(tx: Tx, areaId: number, parentId: number, geometry: RawBuilder<unknown>): Promise<number> {
  const { rows } = await sql<{ m2: number | null }>`
    WITH given AS (
           SELECT ST_Difference(b.geom, g.geom) AS geom
             FROM area_boundaries b, (SELECT ${geometry} AS geom) g WHERE b.area_id = ${areaId} AND b.valid_to IS NULL),
         taken AS (
           SELECT ST_Union(b.geom) AS geom
             FROM areas a JOIN area_boundaries b ON b.area_id = a.id AND b.valid_to IS NULL, given
            WHERE a.parent_id = ${parentId} AND a.id <> ${areaId} AND a.status = 'active' AND ST_Intersects(b.geom, given.geom)),
         open AS (
           SELECT CASE WHEN taken.geom IS NULL THEN given.geom ELSE ST_Difference(given.geom, taken.geom) END AS geom FROM given, taken)
    SELECT sum(ST_Area(d.geom::geography)) AS m2
      FROM open LEFT JOIN area_boundaries p ON p.area_id = ${parentId} AND p.valid_to IS NULL,
           LATERAL ST_Dump(ST_CollectionExtract(COALESCE(ST_Intersection(open.geom, p.geom), open.geom), 3)) d
     WHERE 2 * ST_Area(d.geom::geography) >= ${COVERAGE_SLIVER_WIDTH_M} * ST_Perimeter(d.geom::geography)`.execute(tx);
  return rows[0]?.m2 ?? 0;
}

export async function currentBoundary(tx: Tx, areaId: number): Promise<{ wkb: Wkb; areaM2: number; parts: number } | undefined> {
  const { rows } = await sql<{ wkb: Wkb; areaM2: number; parts: number }>`
    SELECT encode(ST_AsEWKB(geom), 'hex') AS wkb, ST_Area(geom::geography) AS "areaM2", ST_NumGeometries(geom) AS parts
      FROM area_boundaries WHERE area_id = ${areaId} AND valid_to IS NULL`.execute(tx);
  return rows[0];
}

export interface Piece {
  wkb: Wkb;
  x: number;
  y: number;
  areaM2: number;
}

/** The polygons a line cuts a boundary into. */
export async function splitByLine(tx: Tx, areaId: number, line: unknown): Promise<Piece[]> {
  const { rows } = await sql<Piece>`
    SELECT encode(ST_AsEWKB(ST_Multi(d.geom)), 'hex') AS wkb, ST_X(ST_PointOnSurface(d.geom)) AS x, ST_Y(ST_PointOnSurface(d.geom)) AS y,
           ST_Area(d.geom::geography) AS "areaM2"
      FROM area_boundaries b,
           LATERAL ST_Dump(ST_CollectionExtract(ST_Split(b.geom, ${fromGeoJson(line)}), 3)) d
     WHERE b.area_id = ${areaId} AND b.valid_to IS NULL`.execute(tx);
  return rows;
}

/** Each drawn polygon clipped to the boundary, plus what the drawn polygons leave uncovered or cover twice. */
export async function clipPieces(tx: Tx, areaId: number, polygons: unknown[]) {
  const { rows } = await sql<Piece & { index: number }>`
    SELECT p.ord::int - 1 AS index, encode(ST_AsEWKB(ST_Multi(c.g)), 'hex') AS wkb,
           ST_X(ST_PointOnSurface(c.g)) AS x, ST_Y(ST_PointOnSurface(c.g)) AS y, ST_Area(c.g::geography) AS "areaM2"
      FROM area_boundaries b,
           unnest(${polygons.map((p) => JSON.stringify(p))}::text[]) WITH ORDINALITY AS p(geojson, ord),
           LATERAL (SELECT ST_CollectionExtract(ST_Intersection(b.geom, ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(p.geojson), 4326))), 3) AS g) c
     WHERE b.area_id = ${areaId} AND b.valid_to IS NULL
     ORDER BY p.ord`.execute(tx);
  const { rows: check } = await sql<{ uncoveredM2: number; overlapM2: number }>`
    WITH pieces AS (SELECT ST_GeomFromEWKB(decode(w, 'hex')) AS g, ord FROM unnest(${rows.map((r) => r.wkb)}::text[]) WITH ORDINALITY AS t(w, ord))
    SELECT ST_Area(ST_Difference(b.geom, (SELECT ST_Union(g) FROM pieces))::geography) AS "uncoveredM2",
           COALESCE((SELECT sum(ST_Area(ST_Intersection(p1.g, p2.g)::geography)) FROM pieces p1 JOIN pieces p2 ON p1.ord < p2.ord AND ST_Intersects(p1.g, p2.g)), 0) AS "overlapM2"
      FROM area_boundaries b WHERE b.area_id = ${areaId} AND b.valid_to IS NULL`.execute(tx);
  return { pieces: rows, uncoveredM2: check[0]?.uncoveredM2 ?? 0, overlapM2: check[0]?.overlapM2 ?? 0 };
}

export async function unionOf(tx: Tx, areaIds: number[]): Promise<{ wkb: Wkb; parts: number; inputParts: number }> {
  const { rows } = await sql<{ wkb: Wkb; parts: number; inputParts: number }>`
    SELECT encode(ST_AsEWKB(ST_Multi(ST_Union(geom))), 'hex') AS wkb, ST_NumGeometries(ST_Union(geom)) AS parts, sum(ST_NumGeometries(geom))::int AS "inputParts"
      FROM area_boundaries WHERE area_id = ANY(${areaIds}::bigint[]) AND valid_to IS NULL`.execute(tx);
  const row = rows[0];
  if (!row?.wkb) throw new Error('no boundaries to merge');
  return row;
}

/** Sibling grids whose current boundary overlaps the geometry by more than a square metre. */
export async function overlappingSiblings(tx: Tx, parentId: number, exceptIds: number[], geometry: RawBuilder<unknown>) {
  const { rows } = await sql<{ id: number; name: string; overlapM2: number }>`
    SELECT a.id, a.name, ST_Area(ST_Intersection(b.geom, g.geom)::geography) AS "overlapM2"
      FROM areas a JOIN area_boundaries b ON b.area_id = a.id AND b.valid_to IS NULL, (SELECT ${geometry} AS geom) g
     WHERE a.parent_id = ${parentId} AND a.status = 'active' AND a.level = 'grid' AND a.id <> ALL(${exceptIds}::bigint[])
       AND ST_Intersects(b.geom, g.geom) AND NOT ST_Touches(b.geom, g.geom)`.execute(tx);
  return rows.filter((r) => r.overlapM2 >= 1);
}

export async function outsideParentM2(tx: Tx, parentId: number, geometry: RawBuilder<unknown>): Promise<number | null> {
  const { rows } = await sql<{ m2: number }>`
    SELECT ST_Area(ST_Difference(g.geom, b.geom)::geography) AS m2
      FROM area_boundaries b, (SELECT ${geometry} AS geom) g WHERE b.area_id = ${parentId} AND b.valid_to IS NULL`.execute(tx);
  return rows[0]?.m2 ?? null;
}

export async function closeBoundary(tx: Tx, areaId: number, at: Date): Promise<void> {
  await sql`UPDATE area_boundaries SET valid_to = ${at} WHERE area_id = ${areaId} AND valid_to IS NULL`.execute(tx);
}

export async function openBoundary(tx: Tx, areaId: number, wkb: Wkb, at: Date, changeId: number | null): Promise<void> {
  await sql`INSERT INTO area_boundaries (area_id, geom, valid_from, change_id) VALUES (${areaId}, ST_Multi(${fromWkb(wkb)}), ${at}, ${changeId})`.execute(tx);
}

export async function boundaryGeoJson(tx: Tx, wkb: Wkb): Promise<unknown> {
  const { rows } = await sql<{ g: unknown }>`SELECT ST_AsGeoJSON(${fromWkb(wkb)}, 7)::json AS g`.execute(tx);
  return rows[0]?.g ?? null;
}

/** Every code ever issued directly under a prefix at one length — retired areas included. */
export async function issuedCodes(tx: Tx, prefix: string, length: number): Promise<string[]> {
  const { rows } = await sql<{ code: string }>`SELECT code FROM areas WHERE starts_with(code, ${prefix}) AND length(code) = ${length}`.execute(tx);
  return rows.map((r) => r.code);
}

export async function insertGrid(tx: Tx, grid: { code: string; name: string; parentId: number; gridType: 'comprehensive' | 'dedicated'; gridSubtype?: string | null; households: number | null }): Promise<number> {
  const { rows } = await sql<{ id: number }>`
    INSERT INTO areas (code, name, level, parent_id, grid_type, grid_subtype, households)
    VALUES (${grid.code}, ${grid.name}, 'grid', ${grid.parentId}, ${grid.gridType}, ${grid.gridSubtype ?? null}, ${grid.households})
    RETURNING id`.execute(tx);
  const id = rows[0]?.id;
  if (id === undefined) throw new Error('grid insert returned nothing');
  return id;
}

export async function retireArea(tx: Tx, id: number, at: Date): Promise<void> {
  await sql`UPDATE areas SET status = 'retired', retired_at = ${at}, updated_at = ${at} WHERE id = ${id}`.execute(tx);
}

export interface MovableChild {
  id: number;
  code: string;
  name: string;
  level: AreaLevel;
  households: number;
  fromId: number;
  toId: number;
}

/**
 * Where each active building or sub-grid under `sourceIds` (or, with `alsoAt`, any building of those
 * grids lying inside them) belongs among the `targetIds` grids: the one containing its position,
 * else the nearest. Buildings use their location, sub-grids a point on their surface.
 */
export async function planMoves(tx: Tx, sourceIds: number[], targetIds: number[]): Promise<MovableChild[]> {
  const { rows } = await sql<MovableChild>`
    WITH kids AS (
      SELECT c.id, c.code, c.name, c.level, COALESCE(c.households, 0) AS households, c.parent_id AS from_id,
             COALESCE(c.location, (SELECT ST_PointOnSurface(cb.geom) FROM area_boundaries cb WHERE cb.area_id = c.id AND cb.valid_to IS NULL)) AS pos
        FROM areas c
       WHERE c.parent_id = ANY(${sourceIds}::bigint[]) AND c.status = 'active' AND c.level IN ('building', 'grid'))
    SELECT k.id, k.code, k.name, k.level, k.households, k.from_id AS "fromId",
           COALESCE((SELECT t.area_id FROM area_boundaries t
                      WHERE t.area_id = ANY(${targetIds}::bigint[]) AND t.valid_to IS NULL AND k.pos IS NOT NULL
                      ORDER BY ST_Intersects(t.geom, k.pos) DESC, t.geom <-> k.pos, t.area_id LIMIT 1), k.from_id) AS "toId"
      FROM kids k
     ORDER BY k.code`.execute(tx);
  return rows;
}

/** Buildings of other grids of the community that now lie inside `gridId`'s new boundary. */
export async function buildingsNowInside(tx: Tx, gridId: number, siblingIds: number[]): Promise<MovableChild[]> {
  if (siblingIds.length === 0) return [];
  const { rows } = await sql<MovableChild>`
    SELECT c.id, c.code, c.name, c.level, COALESCE(c.households, 0) AS households, c.parent_id AS "fromId", ${gridId}::bigint AS "toId"
      FROM areas c JOIN area_boundaries t ON t.area_id = ${gridId} AND t.valid_to IS NULL
     WHERE c.parent_id = ANY(${siblingIds}::bigint[]) AND c.status = 'active' AND c.level = 'building' AND ST_Intersects(t.geom, c.location)
     ORDER BY c.code`.execute(tx);
  return rows;
}

export async function applyMoves(tx: Tx, moves: MovableChild[], at: Date): Promise<void> {
  for (const m of moves) {
    if (m.fromId !== m.toId) await sql`UPDATE areas SET parent_id = ${m.toId}, updated_at = ${at} WHERE id = ${m.id}`.execute(tx);
  }
}

/** A grid with buildings counts their households; keep the stored figure in step after moves. */
export async function recountHouseholds(tx: Tx, gridIds: number[]): Promise<void> {
  await sql`
    UPDATE areas g SET households = s.total
      FROM (SELECT parent_id, sum(COALESCE(households, 0))::int AS total FROM areas
             WHERE parent_id = ANY(${gridIds}::bigint[]) AND level = 'building' AND status = 'active' GROUP BY parent_id) s
     WHERE g.id = s.parent_id`.execute(tx);
}

export async function householdsOf(tx: Tx, ids: number[]): Promise<Map<number, number>> {
  const { rows } = await sql<{ id: number; households: number | null }>`SELECT id, households FROM areas WHERE id = ANY(${ids}::bigint[])`.execute(tx);
  return new Map(rows.map((r) => [r.id, r.households ?? 0]));
}

export async function roleAssignmentsOn(tx: Tx, areaIds: number[]) {
  const { rows } = await sql<{ id: number; userId: number; role: string; areaId: number; username: string }>`
    SELECT r.id, r.user_id AS "userId", r.role, r.area_id AS "areaId", u.username
      FROM role_assignments r JOIN users u ON u.id = r.user_id WHERE r.area_id = ANY(${areaIds}::bigint[]) ORDER BY r.id`.execute(tx);
  return rows;
}

/** Moves role assignments to another area, dropping those the user already holds there. */
export async function moveRoleAssignments(tx: Tx, fromIds: number[], toId: number): Promise<number> {
  await sql`
    DELETE FROM role_assignments r USING role_assignments keep
     WHERE r.area_id = ANY(${fromIds}::bigint[]) AND keep.area_id = ${toId} AND keep.user_id = r.user_id AND keep.role = r.role`.execute(tx);
  const result = await sql`UPDATE role_assignments SET area_id = ${toId} WHERE area_id = ANY(${fromIds}::bigint[])`.execute(tx);
  return Number(result.numAffectedRows ?? 0);
}

export async function recordChange(tx: Tx, change: { kind: AdjustmentResult['kind']; at: Date; actorId: number | null; areaId: number; summary: unknown }): Promise<number> {
  const { rows } = await sql<{ id: number }>`
    INSERT INTO area_changes (kind, at, actor_id, area_id, summary)
    VALUES (${change.kind}, ${change.at}, ${change.actorId}, ${change.areaId}, ${JSON.stringify(change.summary)}::jsonb)
    RETURNING id`.execute(tx);
  const id = rows[0]?.id;
  if (id === undefined) throw new Error('change insert returned nothing');
  return id;
}
