import { sql } from 'kysely';
import { OPEN_CASE_STATES } from '@redgrid/contracts';
import type { Scope } from '../../platform/context.ts';
import { ownedInsert, scopedDelete, scopedFrom, scopedUpdate, type Db } from '../../platform/data-access.ts';

/** Metres per degree of latitude (the shortest, at the equator: a box from it is never too small). */
const M_PER_DEG_LAT = 110_574;
/** Metres per degree of longitude at the equator; shrinks with cos(latitude). */
const M_PER_DEG_LNG = 111_320;

/** Defaults when no area on the grid's path has its own rule (0027_case_routing.sql). */
export const DUPLICATE_DEFAULTS = { radiusM: 50, windowHours: 72 } as const;

/**
 * Duplicate suggestions (并单), followers (关注), and the locks a merge takes — through the caller's scope.
 */
export function caseRoutingRepository(db: Db, scope: Scope) {
  return {
    /**
     * Open cases of an item within `radiusM` metres on the ellipsoid of a point, reported since `since`,
     * nearest first. The box around the point (degrees, a little wider than the radius at this latitude)
     * lets the GiST index of open cases' points (cases_open_location_idx: the same state list) find the few
     * near ones; the geography distance then decides — the same SQL on PostgreSQL and the embedded engine.
     */
    duplicates(f: { itemCode: string; lng: number; lat: number; radiusM: number; since: Date; excludeId?: number | undefined; limit: number }) {
      const dLat = (f.radiusM / M_PER_DEG_LAT) * 1.05;
      const dLng = (f.radiusM / (M_PER_DEG_LNG * Math.max(Math.cos((Math.min(Math.abs(f.lat), 89) * Math.PI) / 180), 0.01))) * 1.05;
      const point = sql`ST_SetSRID(ST_MakePoint(${f.lng}::float8, ${f.lat}::float8), 4326)`;
      const distance = sql<number>`ST_Distance(c.location::geography, ${point}::geography)`;
      let q = scopedFrom(db, scope, 'cases as c')
        .select(['c.id', distance.as('distanceM')])
        .where('c.state', 'in', [...OPEN_CASE_STATES])
        .where('c.item_code', '=', f.itemCode)
        .where('c.reported_at', '>=', f.since)
        .where(sql<boolean>`c.location IS NOT NULL AND c.location && ST_MakeEnvelope(${f.lng - dLng}::float8, ${f.lat - dLat}::float8, ${f.lng + dLng}::float8, ${f.lat + dLat}::float8, 4326)`)
        .where(sql<boolean>`ST_DWithin(c.location::geography, ${point}::geography, ${f.radiusM}::float8)`);
      if (f.excludeId !== undefined) q = q.where('c.id', '!=', f.excludeId);
      return q.orderBy(distance).orderBy('c.id').limit(f.limit).execute();
    },

    /** The duplicate rules set on any of these areas (a grid's path); the deepest one applies. */
    duplicateRules(areaIds: readonly number[]) {
      if (areaIds.length === 0) return Promise.resolve([]);
      return scopedFrom(db, scope, 'case_duplicate_rules as r').select(['r.area_id as areaId', 'r.radius_m as radiusM', 'r.window_hours as windowHours']).where('r.area_id', 'in', [...areaIds]).execute();
    },

    /**
     * Locks the cases a merge touches, lowest id first, so that two merges at once (A into B and B into A,
     * or A into B and A into C) run one after the other and the second sees what the first did.
     */
    async lock(ids: readonly number[]): Promise<void> {
      await scopedFrom(db, scope, 'cases as c').select('c.id').where('c.id', 'in', [...new Set(ids)].sort((a, b) => a - b)).orderBy('c.id').forUpdate().execute();
    },

    /** A case changed by something recorded on another case (a duplicate merged into it): its version moves. */
    async touch(id: number, at: Date): Promise<void> {
      await scopedUpdate(db, scope, 'cases').set({ version: sql`version + 1`, updated_at: at }).where('id', '=', id).execute();
    },

    /** Follows a case (again: nothing changes). The case's owners are copied so the row is scoped like it. */
    async follow(f: { caseId: number; userIds: readonly number[]; source: 'reporter' | 'merged' | 'self'; gridId: number; departmentId: number | null; at: Date }): Promise<void> {
      if (f.userIds.length === 0) return;
      await ownedInsert(db, scope, 'case_followers')
        .values([...new Set(f.userIds)].map((u) => ({ case_id: f.caseId, user_id: u, source: f.source, grid_id: f.gridId, department_id: f.departmentId, created_at: f.at })))
        .onConflict((oc) => oc.columns(['case_id', 'user_id']).doNothing())
        .execute();
    },

    async unfollow(caseId: number, userId: number): Promise<void> {
      await scopedDelete(db, scope, 'case_followers').where('case_id', '=', caseId).where('user_id', '=', userId).execute();
    },

    /** Everyone following a case. */
    async followers(caseId: number): Promise<number[]> {
      const rows = await scopedFrom(db, scope, 'case_followers as f').select('f.user_id as userId').where('f.case_id', '=', caseId).orderBy('f.user_id').execute();
      return rows.map((r) => Number(r.userId));
    },

    /** The cases among these that a person follows. */
    async followedOf(userId: number, caseIds: readonly number[]): Promise<Set<number>> {
      if (caseIds.length === 0) return new Set();
      const rows = await scopedFrom(db, scope, 'case_followers as f').select('f.case_id as caseId').where('f.user_id', '=', userId).where('f.case_id', 'in', [...caseIds]).execute();
      return new Set(rows.map((r) => Number(r.caseId)));
    },

    /** The case moved to another grid or department: its followers' rows move with it. */
    async moveFollowers(caseId: number, gridId: number, departmentId: number | null): Promise<void> {
      await scopedUpdate(db, scope, 'case_followers').set({ grid_id: gridId, department_id: departmentId }).where('case_id', '=', caseId).execute();
    },

    /** The grid workers and leaders posted to these areas (a grid and its community: both work the grid). */
    async gridStaff(areaPaths: readonly string[]): Promise<number[]> {
      if (areaPaths.length === 0) return [];
      const rows = await scopedFrom(db, scope, 'role_assignments as r')
        .innerJoin('areas as a', 'a.id', 'r.area_id')
        .innerJoin('users as u', 'u.id', 'r.user_id')
        .select('r.user_id as id')
        .where('a.path', 'in', [...areaPaths])
        .where('r.role', 'in', ['grid_worker', 'grid_leader'])
        .where('u.disabled', '=', false)
        .execute();
      return [...new Set(rows.map((r) => Number(r.id)))];
    },
  };
}

export type DuplicateRow = Awaited<ReturnType<ReturnType<typeof caseRoutingRepository>['duplicates']>>[number];
