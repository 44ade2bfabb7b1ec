import { sql, type RawBuilder } from 'kysely';
import { COVERAGE_SLIVER_WIDTH_M, type AdjustmentResult, type AreaLevel } from '@redgrid/contracts';
import type { GridSubtype } from '../../../db/types.ts';
import type { Scope } from '../../../platform/context.ts';
import { ownedInsert, scopedFrom, scopedUpdate, type Db } from '../../../platform/data-access.ts';
import { areaOutsideParentM2, neighbourGapM2, overlappingSiblingGrids } from '../../../platform/cross-scope.repository.ts';
import { areaIdInScope, areaPathInScope } from '../../../platform/scope.ts';
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

export interface Piece {
  wkb: Wkb;
  x: number;
  y: number;
  areaM2: number;
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

export interface NewGrid {
  code: string;
  name: string;
  parentId: number;
  gridType: 'comprehensive' | 'dedicated';
  gridSubtype?: GridSubtype | null;
  households: number | null;
}

/**
 * The area tree as adjustments change it: areas, their boundary versions, role assignments and the
 * change log, all within the caller's scope. Every statement carries the scope predicate; where a
 * statement also reads rows through an area already loaded in scope (its children, its boundary) a
 * comment says so.
 */
export function areaAdjustRepository(db: Db, scope: Scope) {
  return {
    /** Areas in scope, locked for the rest of the transaction so two adjustments of one grid queue. */
    async lockAreas(ids: number[]): Promise<LockedArea[]> {
      if (ids.length === 0) return [];
      const { rows } = await sql<LockedArea>`
        SELECT a.id, a.code, a.name, a.level, a.path, a.parent_id AS "parentId", a.status, a.households, a.grid_type AS "gridType"
          FROM areas a
         WHERE a.id = ANY(${ids}::bigint[]) AND ${areaPathInScope(scope, 'a.path')}
         ORDER BY a.id
           FOR UPDATE`.execute(db);
      return rows;
    },

    /**
     * Validity, area and exact bytes of a geometry. `reason` is already in our words (PostGIS's text is
     * not echoed). The embedded engine answers some malformed input (an unclosed ring) with no row at all
     * instead of an error: that is an invalid geometry too, not a crash.
     */
    async checkGeometry(geometry: RawBuilder<unknown>): Promise<GeometryCheck> {
      const { rows } = await sql<GeometryCheck>`
        SELECT ST_IsValid(g) AS valid, ST_IsValidReason(g) AS reason, ST_Area(g::geography) AS "areaM2", encode(ST_AsEWKB(ST_Multi(g)), 'hex') AS wkb
          FROM (SELECT ${geometry} AS g) x`.execute(db);
      const row = rows[0];
      if (!row) return { valid: false, reason: '几何无法读取（环是否闭合？）', areaM2: 0, wkb: '' };
      return row.valid ? row : { ...row, reason: describeValidity(row.reason) };
    },

    /**
     * The ground a redrawn area gives up that nothing else will cover: its current boundary minus the new
     * one, minus its active siblings, within its parent (when the parent has a boundary), slivers left out
     * as in the coverage report. Run before the current version closes. The area itself is in scope;
     * its siblings and parent are read wherever they lie (see neighbourGapM2).
     */
    async gapOpenedM2(areaId: number, parentId: number, geometry: RawBuilder<unknown>): Promise<number> {
      const own = await sql<{ id: number }>`SELECT a.id FROM areas a WHERE a.id = ${areaId} AND ${areaPathInScope(scope, 'a.path')}`.execute(db);
      if (own.rows.length === 0) return 0;
      return neighbourGapM2(db, areaId, parentId, geometry, COVERAGE_SLIVER_WIDTH_M);
    },

    async currentBoundary(areaId: number): Promise<{ wkb: Wkb; areaM2: number; parts: number } | undefined> {
      const { rows } = await sql<{ wkb: Wkb; areaM2: number; parts: number }>`
        SELECT encode(ST_AsEWKB(b.geom), 'hex') AS wkb, ST_Area(b.geom::geography) AS "areaM2", ST_NumGeometries(b.geom) AS parts
          FROM area_boundaries b WHERE b.area_id = ${areaId} AND b.valid_to IS NULL AND ${areaIdInScope(scope, 'b.area_id')}`.execute(db);
      return rows[0];
    },

    /** The polygons a line cuts a boundary into. */
    async splitByLine(areaId: number, line: unknown): Promise<Piece[]> {
      const { rows } = await sql<Piece>`
        SELECT encode(ST_AsEWKB(ST_Multi(d.geom)), 'hex') AS wkb, ST_X(ST_PointOnSurface(d.geom)) AS x, ST_Y(ST_PointOnSurface(d.geom)) AS y,
               ST_Area(d.geom::geography) AS "areaM2"
          FROM area_boundaries b,
               LATERAL ST_Dump(ST_CollectionExtract(ST_Split(b.geom, ${fromGeoJson(line)}), 3)) d
         WHERE b.area_id = ${areaId} AND b.valid_to IS NULL AND ${areaIdInScope(scope, 'b.area_id')}`.execute(db);
      return rows;
    },

    /** Each drawn polygon clipped to the boundary, plus what the drawn polygons leave uncovered or cover twice. */
    async clipPieces(areaId: number, polygons: unknown[]) {
      const { rows } = await sql<Piece & { index: number }>`
        SELECT p.ord::int - 1 AS index, encode(ST_AsEWKB(ST_Multi(c.g)), 'hex') AS wkb,
               ST_X(ST_PointOnSurface(c.g)) AS x, ST_Y(ST_PointOnSurface(c.g)) AS y, ST_Area(c.g::geography) AS "areaM2"
          FROM area_boundaries b,
               unnest(${polygons.map((p) => JSON.stringify(p))}::text[]) WITH ORDINALITY AS p(geojson, ord),
               LATERAL (SELECT ST_CollectionExtract(ST_Intersection(b.geom, ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(p.geojson), 4326))), 3) AS g) c
         WHERE b.area_id = ${areaId} AND b.valid_to IS NULL AND ${areaIdInScope(scope, 'b.area_id')}
         ORDER BY p.ord`.execute(db);
      const { rows: check } = await sql<{ uncoveredM2: number; overlapM2: number }>`
        WITH pieces AS (SELECT ST_GeomFromEWKB(decode(w, 'hex')) AS g, ord FROM unnest(${rows.map((r) => r.wkb)}::text[]) WITH ORDINALITY AS t(w, ord))
        SELECT ST_Area(ST_Difference(b.geom, (SELECT ST_Union(g) FROM pieces))::geography) AS "uncoveredM2",
               COALESCE((SELECT sum(ST_Area(ST_Intersection(p1.g, p2.g)::geography)) FROM pieces p1 JOIN pieces p2 ON p1.ord < p2.ord AND ST_Intersects(p1.g, p2.g)), 0) AS "overlapM2"
          FROM area_boundaries b WHERE b.area_id = ${areaId} AND b.valid_to IS NULL AND ${areaIdInScope(scope, 'b.area_id')}`.execute(db);
      return { pieces: rows, uncoveredM2: check[0]?.uncoveredM2 ?? 0, overlapM2: check[0]?.overlapM2 ?? 0 };
    },

    async unionOf(areaIds: number[]): Promise<{ wkb: Wkb; parts: number; inputParts: number }> {
      const { rows } = await sql<{ wkb: Wkb; parts: number; inputParts: number }>`
        SELECT encode(ST_AsEWKB(ST_Multi(ST_Union(b.geom))), 'hex') AS wkb, ST_NumGeometries(ST_Union(b.geom)) AS parts, sum(ST_NumGeometries(b.geom))::int AS "inputParts"
          FROM area_boundaries b WHERE b.area_id = ANY(${areaIds}::bigint[]) AND b.valid_to IS NULL AND ${areaIdInScope(scope, 'b.area_id')}`.execute(db);
      const row = rows[0];
      if (!row?.wkb) throw new Error('no boundaries to merge');
      return row;
    },

    /**
     * Sibling grids whose current boundary overlaps the geometry by a square metre or more, wherever they
     * lie: a check against the neighbours' ground (see overlappingSiblingGrids).
     */
    overlappingSiblings(parentId: number, exceptIds: number[], geometry: RawBuilder<unknown>) {
      return overlappingSiblingGrids(db, parentId, exceptIds, geometry);
    },

    /** Square metres of the geometry outside the parent's current boundary; null when the parent has none. */
    outsideParentM2(parentId: number, geometry: RawBuilder<unknown>): Promise<number | null> {
      return areaOutsideParentM2(db, parentId, geometry);
    },

    async closeBoundary(areaId: number, at: Date): Promise<void> {
      await scopedUpdate(db, scope, 'area_boundaries').set({ valid_to: at }).where('area_id', '=', areaId).where('valid_to', 'is', null).execute();
    },

    async openBoundary(areaId: number, wkb: Wkb, at: Date, changeId: number | null): Promise<void> {
      await ownedInsert(db, scope, 'area_boundaries')
        .values({ area_id: areaId, geom: sql`ST_Multi(${fromWkb(wkb)})`, valid_from: at, change_id: changeId })
        .execute();
    },

    /** Boundary versions opened or closed at `at` belong to the change that made them. */
    async linkBoundariesToChange(areaIds: number[], at: Date, changeId: number): Promise<void> {
      if (areaIds.length === 0) return;
      await scopedUpdate(db, scope, 'area_boundaries')
        .set({ change_id: changeId })
        .where('area_id', 'in', areaIds)
        .where((eb) => eb.or([eb('valid_from', '=', at), eb('valid_to', '=', at)]))
        .execute();
    },

    async boundaryGeoJson(wkb: Wkb): Promise<unknown> {
      const { rows } = await sql<{ g: unknown }>`SELECT ST_AsGeoJSON(${fromWkb(wkb)}, 7)::json AS g`.execute(db);
      return rows[0]?.g ?? null;
    },

    /**
     * Every code ever issued directly under a prefix at one length — retired areas included. Codes under
     * an area are issued within its subtree, which the scope holding the area holds too.
     */
    async issuedCodes(prefix: string, length: number): Promise<string[]> {
      const rows = await scopedFrom(db, scope, 'areas as a')
        .select('a.code')
        .where(sql<boolean>`starts_with(a.code, ${prefix})`)
        .where(sql<number>`length(a.code)`, '=', length)
        .execute();
      return rows.map((r) => r.code);
    },

    async insertGrid(grid: NewGrid): Promise<number> {
      const row = await ownedInsert(db, scope, 'areas')
        .values({
          code: grid.code,
          name: grid.name,
          level: 'grid',
          parent_id: grid.parentId,
          grid_type: grid.gridType,
          grid_subtype: grid.gridSubtype ?? null,
          households: grid.households,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },

    async retireArea(id: number, at: Date): Promise<void> {
      await scopedUpdate(db, scope, 'areas').set({ status: 'retired', retired_at: at, updated_at: at }).where('id', '=', id).execute();
    },

    async setHouseholds(id: number, households: number): Promise<void> {
      await scopedUpdate(db, scope, 'areas').set({ households }).where('id', '=', id).execute();
    },

    /** Names of the active grids under a parent, but for the given ones (those a change retires or keeps). */
    async activeGridNames(parentId: number, except: number[]): Promise<Set<string>> {
      const rows = await scopedFrom(db, scope, 'areas as a')
        .select('a.name')
        .where('a.parent_id', '=', parentId)
        .where('a.level', '=', 'grid')
        .where('a.status', '=', 'active')
        .$if(except.length > 0, (q) => q.where('a.id', 'not in', except))
        .execute();
      return new Set(rows.map((r) => r.name));
    },

    async rename(id: number, name: string, at: Date): Promise<void> {
      await scopedUpdate(db, scope, 'areas').set({ name, updated_at: at }).where('id', '=', id).execute();
    },

    /**
     * Where each active building or sub-grid under `sourceIds` (or, with `alsoAt`, any building of those
     * grids lying inside them) belongs among the `targetIds` grids: the one containing its position,
     * else the nearest. Buildings use their location, sub-grids a point on their surface.
     */
    async planMoves(sourceIds: number[], targetIds: number[]): Promise<MovableChild[]> {
      const { rows } = await sql<MovableChild>`
        WITH kids AS (
          SELECT c.id, c.code, c.name, c.level, COALESCE(c.households, 0) AS households, c.parent_id AS from_id,
                 -- The boundary of an area in scope is in scope.
                 COALESCE(c.location, (SELECT ST_PointOnSurface(cb.geom) FROM area_boundaries cb WHERE cb.area_id = c.id AND cb.valid_to IS NULL)) AS pos
            FROM areas c
           WHERE c.parent_id = ANY(${sourceIds}::bigint[]) AND c.status = 'active' AND c.level IN ('building', 'grid') AND ${areaPathInScope(scope, 'c.path')})
        SELECT k.id, k.code, k.name, k.level, k.households, k.from_id AS "fromId",
               COALESCE((SELECT t.area_id FROM area_boundaries t
                          WHERE t.area_id = ANY(${targetIds}::bigint[]) AND t.valid_to IS NULL AND k.pos IS NOT NULL AND ${areaIdInScope(scope, 't.area_id')}
                          ORDER BY ST_Intersects(t.geom, k.pos) DESC, t.geom <-> k.pos, t.area_id LIMIT 1), k.from_id) AS "toId"
          FROM kids k
         ORDER BY k.code`.execute(db);
      return rows;
    },

    /** Buildings of other grids of the community that now lie inside `gridId`'s new boundary. */
    async buildingsNowInside(gridId: number, siblingIds: number[]): Promise<MovableChild[]> {
      if (siblingIds.length === 0) return [];
      const { rows } = await sql<MovableChild>`
        SELECT c.id, c.code, c.name, c.level, COALESCE(c.households, 0) AS households, c.parent_id AS "fromId", ${gridId}::bigint AS "toId"
          -- The grid was locked through the scope: its boundary is in scope.
          FROM areas c JOIN area_boundaries t ON t.area_id = ${gridId} AND t.valid_to IS NULL
         WHERE c.parent_id = ANY(${siblingIds}::bigint[]) AND c.status = 'active' AND c.level = 'building' AND ST_Intersects(t.geom, c.location)
           AND ${areaPathInScope(scope, 'c.path')}
         ORDER BY c.code`.execute(db);
      return rows;
    },

    async applyMoves(moves: MovableChild[], at: Date): Promise<void> {
      for (const m of moves) {
        if (m.fromId !== m.toId) await scopedUpdate(db, scope, 'areas').set({ parent_id: m.toId, updated_at: at }).where('id', '=', m.id).execute();
      }
    },

    /** A grid with buildings counts their households; keep the stored figure in step after moves. */
    async recountHouseholds(gridIds: number[]): Promise<void> {
      await sql`
        UPDATE areas g SET households = s.total
          -- Buildings under a grid in scope are in scope.
          FROM (SELECT parent_id, sum(COALESCE(households, 0))::int AS total FROM areas
                 WHERE parent_id = ANY(${gridIds}::bigint[]) AND level = 'building' AND status = 'active' GROUP BY parent_id) s
         WHERE g.id = s.parent_id AND ${areaPathInScope(scope, 'g.path')}`.execute(db);
    },

    async householdsOf(ids: number[]): Promise<Map<number, number>> {
      if (ids.length === 0) return new Map();
      const rows = await scopedFrom(db, scope, 'areas as a').select(['a.id', 'a.households']).where('a.id', 'in', ids).execute();
      return new Map(rows.map((r) => [r.id, r.households ?? 0]));
    },

    /** Role assignments on areas in scope, with the holder's username (the holder is named to whoever reassigns the role). */
    async roleAssignmentsOn(areaIds: number[]) {
      const { rows } = await sql<{ id: number; userId: number; role: string; areaId: number; username: string }>`
        SELECT r.id, r.user_id AS "userId", r.role, r.area_id AS "areaId", u.username
          -- Whoever holds a role on an area in scope is named to those who manage that area, wherever their home area lies.
          FROM role_assignments r JOIN users u ON u.id = r.user_id
         WHERE r.area_id = ANY(${areaIds}::bigint[]) AND ${areaIdInScope(scope, 'r.area_id')} ORDER BY r.id`.execute(db);
      return rows;
    },

    /** Moves role assignments to another area, dropping those the user already holds there. */
    async moveRoleAssignments(fromIds: number[], toId: number): Promise<number> {
      await sql`
        DELETE FROM role_assignments r USING role_assignments keep
         WHERE r.area_id = ANY(${fromIds}::bigint[]) AND keep.area_id = ${toId} AND keep.user_id = r.user_id AND keep.role = r.role
           AND ${areaIdInScope(scope, 'r.area_id')}`.execute(db);
      const result = await scopedUpdate(db, scope, 'role_assignments').set({ area_id: toId }).where('area_id', 'in', fromIds).executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async recordChange(change: { kind: AdjustmentResult['kind']; at: Date; actorId: number | null; areaId: number; summary: unknown }): Promise<number> {
      const row = await ownedInsert(db, scope, 'area_changes')
        .values({ kind: change.kind, at: change.at, actor_id: change.actorId, area_id: change.areaId, summary: JSON.stringify(change.summary) })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },
  };
}

export type AreaAdjustRepository = ReturnType<typeof areaAdjustRepository>;
