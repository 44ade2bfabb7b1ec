import { sql } from 'kysely';
import type { Scope } from '../../../platform/context.ts';
import { ownedInsert, scopedFrom, scopedUpdate, type Db } from '../../../platform/data-access.ts';

/** Household visits (走访入户), their coverage per grid, and the changes they propose. */
export function visitRepository(db: Db, scope: Scope) {
  return {
    byClientKey(key: string) {
      return scopedFrom(db, scope, 'household_visits as v').select('v.id').where('v.client_key', '=', key).executeTakeFirst();
    },

    /** Inside / outside the grid's current boundary, and metres from it when outside. */
    async locate(gridId: number, lng: number, lat: number) {
      const point = sql`ST_SetSRID(ST_MakePoint(${lng}, ${lat}), 4326)`;
      const row = await scopedFrom(db, scope, 'area_boundaries as b')
        .select([sql<boolean>`ST_Covers(b.geom, ${point})`.as('inside'), sql<number>`ST_Distance(b.geom::geography, ${point}::geography)`.as('distance')])
        .where('b.area_id', '=', gridId)
        .where('b.valid_to', 'is', null)
        .executeTakeFirst();
      return row ? { inside: row.inside, distance: Math.round(Number(row.distance)) } : null;
    },

    /** Inserts the visit once: a retry with the same client key finds the first one. */
    async insert(row: { householdId: number; areaId: number; gridId: number; visitedOn: string; workerId: number; kind: 'routine' | 'info_check' | 'hazard_check' | 'hardship' | 'dispute'; findings: string | null; followUp: string | null; lng: number | null; lat: number | null; locationCheck: 'inside' | 'outside' | 'none'; distanceM: number | null; clientKey: string | null }) {
      const created = await ownedInsert(db, scope, 'household_visits')
        .values({
          household_id: row.householdId,
          area_id: row.areaId,
          grid_id: row.gridId,
          visited_on: row.visitedOn,
          worker_id: row.workerId,
          kind: row.kind,
          findings: row.findings,
          follow_up: row.followUp,
          location: row.lng !== null && row.lat !== null ? sql`ST_SetSRID(ST_MakePoint(${row.lng}, ${row.lat}), 4326)` : null,
          location_check: row.locationCheck,
          distance_m: row.distanceM,
          client_key: row.clientKey,
        })
        .onConflict((oc) => oc.column('client_key').doNothing())
        .returning('id')
        .executeTakeFirst();
      return created?.id ?? null;
    },

    async propose(rows: readonly { visitId: number; areaId: number; recordType: 'household' | 'person' | 'house'; recordId: number | null; changes: unknown; note: string | null; proposedBy: number; at: Date }[]) {
      if (rows.length === 0) return;
      await ownedInsert(db, scope, 'record_proposals')
        .values(rows.map((r) => ({ visit_id: r.visitId, area_id: r.areaId, record_type: r.recordType, record_id: r.recordId, changes: JSON.stringify(r.changes), note: r.note, proposed_by: r.proposedBy, proposed_at: r.at })))
        .execute();
    },

    /** Visits with their number of proposals: one query for one visit or a household's page of them. */
    visits(f: { id: number } | { householdId: number; limit: number }) {
      let q = scopedFrom(db, scope, 'household_visits as v')
        .select([
          'v.id',
          'v.household_id as householdId',
          'v.visited_on as visitedOn',
          'v.kind',
          'v.findings',
          'v.follow_up as followUp',
          'v.worker_id as workerId',
          'v.location_check as locationCheck',
          'v.distance_m as distanceM',
          'v.created_at as createdAt',
          () => scopedFrom(db, scope, 'record_proposals as rp').select(sql<number>`count(*)::int`.as('n')).where('rp.visit_id', '=', sql.ref<number>('v.id')).as('proposals'),
        ]);
      q = 'id' in f ? q.where('v.id', '=', f.id) : q.where('v.household_id', '=', f.householdId).limit(f.limit);
      return q.orderBy('v.visited_on', 'desc').orderBy('v.id', 'desc').execute();
    },

    /** Per active grid under an area: households, households visited in the period, visits. */
    coverage(areaPath: string, from: string, to: string) {
      return scopedFrom(db, scope, 'areas as g')
        .leftJoin('areas as a', (join) => join.on(sql<boolean>`a.path LIKE g.path || '%'`))
        .leftJoin('households as h', 'h.area_id', 'a.id')
        .leftJoin('household_visits as v', (join) => join.onRef('v.household_id', '=', 'h.id').on('v.visited_on', '>=', from).on('v.visited_on', '<=', to))
        .select(['g.id as gridId', 'g.name as gridName', sql<number>`count(DISTINCT h.id)::int`.as('households'), sql<number>`count(DISTINCT v.household_id)::int`.as('visited'), sql<number>`count(v.id)::int`.as('visits')])
        .where('g.level', '=', 'grid')
        .where('g.status', '=', 'active')
        .where('g.path', 'like', `${areaPath}%`)
        .groupBy(['g.id', 'g.name', 'g.code'])
        .orderBy('g.code')
        .execute();
    },

    proposals(areaPath: string, status: 'pending' | 'confirmed' | 'rejected') {
      return scopedFrom(db, scope, 'record_proposals as rp')
        .select(['rp.id', 'rp.record_type as recordType', 'rp.record_id as recordId', 'rp.changes', 'rp.note', 'rp.status', 'rp.proposed_by as proposedBy', 'rp.proposed_at as proposedAt', 'rp.area_id as areaId'])
        .where('rp.status', '=', status)
        .where('rp.area_id', 'in', () => scopedFrom(db, scope, 'areas as sa').select('sa.id').where('sa.path', 'like', `${areaPath}%`))
        .orderBy('rp.proposed_at', 'desc')
        .limit(200)
        .execute();
    },

    proposal(id: number) {
      return scopedFrom(db, scope, 'record_proposals as rp')
        .select(['rp.id', 'rp.record_type as recordType', 'rp.record_id as recordId', 'rp.changes', 'rp.status', 'rp.area_id as areaId'])
        .where('rp.id', '=', id)
        .forUpdate()
        .executeTakeFirst();
    },

    async decide(id: number, status: 'confirmed' | 'rejected', by: number, at: Date, note: string | null) {
      await scopedUpdate(db, scope, 'record_proposals').set({ status, decided_by: by, decided_at: at, decision_note: note }).where('id', '=', id).execute();
    },
  };
}
