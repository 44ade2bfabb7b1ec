import { sql } from 'kysely';
import type { Scope } from '../../platform/context.ts';
import { scopedFrom, type Db } from '../../platform/data-access.ts';

/** Cases as points of the map, through the caller's (case-narrowed) scope. */
export function caseMapRepository(db: Db, scope: Scope) {
  const cases = () => scopedFrom(db, scope, 'cases as c');
  return {
    /**
     * Cases with a point in the box (WGS84; none: everywhere in scope), at most `limit`: overdue (red),
     * red card, warned (yellow), yellow card, emergency, urgent, then the newest — so a cut keeps the
     * cases a supervisor must see. `&&` against the envelope uses the GiST index (0031 for open cases).
     */
    points(f: { states: readonly string[]; bbox: readonly [number, number, number, number] | undefined; now: Date; limit: number }) {
      let q = cases()
        .select([
          'c.id',
          'c.case_no as caseNo',
          'c.title',
          'c.item_name as itemName',
          'c.urgency',
          'c.supervision',
          'c.state',
          'c.due_yellow_at as dueYellowAt',
          'c.due_red_at as dueRedAt',
          sql<number>`ST_X(c.location)`.as('lng'),
          sql<number>`ST_Y(c.location)`.as('lat'),
        ])
        .where('c.state', 'in', [...f.states])
        .where('c.location', 'is not', null);
      if (f.bbox) {
        const [minLng, minLat, maxLng, maxLat] = f.bbox;
        q = q.where(sql<boolean>`c.location && ST_MakeEnvelope(${minLng}::float8, ${minLat}::float8, ${maxLng}::float8, ${maxLat}::float8, 4326)`);
      }
      return q
        .orderBy(sql`CASE WHEN c.due_red_at <= ${f.now} THEN 0 WHEN c.supervision = 'red' THEN 1 WHEN c.due_yellow_at <= ${f.now} THEN 2 WHEN c.supervision = 'yellow' THEN 3 WHEN c.urgency = 'emergency' THEN 4 WHEN c.urgency = 'urgent' THEN 5 ELSE 6 END`)
        .orderBy('c.reported_at', 'desc')
        .orderBy('c.id', 'desc')
        .limit(f.limit)
        .execute();
    },

    /** How many cases in these states have no point (located by the reporter's grid), per grid; the most first. */
    unlocatedByGrid(f: { states: readonly string[]; limit: number }) {
      return cases()
        .select(['c.grid_id as gridId', sql<number>`count(*)::int`.as('count')])
        .where('c.state', 'in', [...f.states])
        .where('c.location', 'is', null)
        .groupBy('c.grid_id')
        .orderBy(sql`count(*)`, 'desc')
        .orderBy('c.grid_id')
        .limit(f.limit)
        .execute();
    },

    /** The open cases under an area path (none: the whole scope) by where they stand now, and today's reports. */
    async counts(f: { areaPath: string | undefined; now: Date; dayStart: Date }) {
      // The grid's path under the area asked for (the cases themselves are scoped; the grid is only a place).
      const q = cases().innerJoin('areas as g', 'g.id', 'c.grid_id').where('g.path', 'like', `${f.areaPath ?? '/'}%`);
      const open = sql`c.state IN ('reported', 'accepted', 'dispatched', 'handling', 'handled', 'suspended')`;
      return q
        .select([
          sql<number>`(count(*) FILTER (WHERE ${open}))::int`.as('open'),
          sql<number>`(count(*) FILTER (WHERE ${open} AND c.due_red_at <= ${f.now}))::int`.as('overdue'),
          sql<number>`(count(*) FILTER (WHERE ${open} AND c.due_yellow_at <= ${f.now} AND NOT coalesce(c.due_red_at <= ${f.now}, false)))::int`.as('warned'),
          sql<number>`(count(*) FILTER (WHERE ${open} AND c.supervision = 'red'))::int`.as('redCards'),
          sql<number>`(count(*) FILTER (WHERE ${open} AND c.supervision = 'yellow'))::int`.as('yellowCards'),
          sql<number>`(count(*) FILTER (WHERE c.reported_at >= ${f.dayStart}))::int`.as('reportedToday'),
        ])
        .where((eb) => eb.or([eb('c.state', 'in', ['reported', 'accepted', 'dispatched', 'handling', 'handled', 'suspended']), eb('c.reported_at', '>=', f.dayStart)]))
        .executeTakeFirstOrThrow();
    },
  };
}
