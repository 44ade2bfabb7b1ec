import { sql } from 'kysely';
import type { Scope } from '../../platform/context.ts';
import { ownedBy, scopedFrom, type Db } from '../../platform/data-access.ts';

/** The counts behind the case KPIs of an area for a period (cases reported in [from, to)). */
export interface KpiCounts {
  reported: number;
  accepted: number;
  rejected: number;
  merged: number;
  selfHandled: number;
  escalatedCommunity: number;
  escalatedTown: number;
  escalatedDistrict: number;
  dispatched: number;
  handled: number;
  handledOnTime: number;
  closed: number;
  closedOnTime: number;
  closedUnfixed: number;
  closedInGrid: number;
  closedInCommunity: number;
  reworked: number;
  extended: number;
  overdue: number;
  yellowCards: number;
  redCards: number;
  rated: number;
  satisfied: number;
  open: number;
}

export function caseKpiRepository(db: Db, scope: Scope) {
  /** Cases with a timeline row of this action (and holder level), through the timeline's own scope. */
  const withEvent = (action: string, extra = sql`true`) =>
    sql<number>`count(*) FILTER (WHERE EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.action = ${action} AND ${extra} AND ${ownedBy(scope, 'case_events as e')}))`;
  const n = (expr: ReturnType<typeof sql>) => sql<number>`(${expr})::int`;
  return {
    async counts(areaPath: string, from: Date, to: Date): Promise<KpiCounts> {
      const row = await scopedFrom(db, scope, 'cases as c')
        .innerJoin('areas as g', 'g.id', 'c.grid_id')
        .where('g.path', 'like', `${areaPath}%`)
        .where('c.reported_at', '>=', from)
        .where('c.reported_at', '<', to)
        .select([
          n(sql`count(*)`).as('reported'),
          n(sql`count(*) FILTER (WHERE c.accepted_at IS NOT NULL OR c.self_handled)`).as('accepted'),
          n(sql`count(*) FILTER (WHERE c.state = 'rejected')`).as('rejected'),
          n(sql`count(*) FILTER (WHERE c.state = 'merged')`).as('merged'),
          n(sql`count(*) FILTER (WHERE c.self_handled)`).as('selfHandled'),
          n(withEvent('escalate', sql`e.holder_level = 'community'`)).as('escalatedCommunity'),
          n(withEvent('escalate', sql`e.holder_level = 'town'`)).as('escalatedTown'),
          n(withEvent('escalate', sql`e.holder_level = 'district'`)).as('escalatedDistrict'),
          n(withEvent('dispatch')).as('dispatched'),
          n(sql`count(*) FILTER (WHERE c.handled_at IS NOT NULL OR c.self_handled)`).as('handled'),
          n(withEvent('handle', sql`NOT coalesce((e.payload->>'late')::boolean, false)`)).as('handledOnTimeByHandle'),
          n(withEvent('self_close', sql`NOT coalesce((e.payload->>'late')::boolean, false)`)).as('handledOnTimeBySelf'),
          n(sql`count(*) FILTER (WHERE c.state = 'closed')`).as('closed'),
          n(sql`count(*) FILTER (WHERE c.state = 'closed_unfixed')`).as('closedUnfixed'),
          n(sql`count(*) FILTER (WHERE c.state IN ('closed', 'closed_unfixed') AND NOT coalesce((SELECT (e.payload->>'late')::boolean FROM case_events e WHERE e.case_id = c.id AND e.to_state IN ('closed', 'closed_unfixed') AND ${ownedBy(scope, 'case_events as e')} ORDER BY e.seq DESC LIMIT 1), false))`).as('closedOnTime'),
          n(sql`count(*) FILTER (WHERE c.state = 'closed' AND c.closed_level = 'grid')`).as('closedInGrid'),
          n(sql`count(*) FILTER (WHERE c.state = 'closed' AND c.closed_level IN ('grid', 'community'))`).as('closedInCommunity'),
          n(withEvent('verify_fail')).as('reworked'),
          n(withEvent('approve_extension')).as('extended'),
          n(withEvent('overdue_alert', sql`e.payload->>'level' = 'red'`)).as('overdue'),
          n(sql`count(*) FILTER (WHERE c.supervision = 'yellow')`).as('yellowCards'),
          n(sql`count(*) FILTER (WHERE c.supervision = 'red')`).as('redCards'),
          n(sql`count(*) FILTER (WHERE c.rating IS NOT NULL)`).as('rated'),
          n(sql`count(*) FILTER (WHERE c.rating IN ('satisfied', 'basically_satisfied'))`).as('satisfied'),
          n(sql`count(*) FILTER (WHERE c.state IN ('reported', 'accepted', 'dispatched', 'handling', 'handled', 'suspended'))`).as('open'),
        ])
        .executeTakeFirstOrThrow();
      const { handledOnTimeByHandle, handledOnTimeBySelf, ...rest } = row as unknown as KpiCounts & { handledOnTimeByHandle: number; handledOnTimeBySelf: number };
      return { ...rest, handledOnTime: handledOnTimeByHandle + handledOnTimeBySelf };
    },

    /** Reported and closed instants of the period's closed cases (for the average handling time), at most `limit`. */
    closedSpans(areaPath: string, from: Date, to: Date, limit: number) {
      return scopedFrom(db, scope, 'cases as c')
        .innerJoin('areas as g', 'g.id', 'c.grid_id')
        .where('g.path', 'like', `${areaPath}%`)
        .where('c.reported_at', '>=', from)
        .where('c.reported_at', '<', to)
        .where('c.closed_at', 'is not', null)
        .select(['c.reported_at as reportedAt', 'c.closed_at as closedAt'])
        .limit(limit)
        .execute();
    },
  };
}
