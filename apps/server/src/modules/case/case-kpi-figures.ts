import type { CaseAreaFigure, CaseDepartmentFigure, CasePersonFigure } from '@redgrid/contracts';
import { sql, type Expression, type RawBuilder } from 'kysely';
import type { Scope } from '../../platform/context.ts';
import { ownedBy } from '../../platform/data-access.ts';

/**
 * The KPI figures as named SQL predicates on a case row `c` (its grid joined as `g`): the count of a figure
 * is `count(*) FILTER (WHERE predicate)` and its drill-down list is `WHERE predicate`, built by the same
 * function, so the number on the KPI page and the cases behind it cannot drift apart. Department and
 * person figures take the department or person as an expression: a column of the breakdown's grouping, or
 * the id a drill-down names.
 *
 * Timeline facts are read through the timeline's own scope (a department whistled in sees the timeline of
 * what was dispatched to it). `late` on a step's row records whether its red deadline had passed when it
 * was done (case.service.ts), so "on time" is decided once, on the working-time clock, when it happens.
 */

type Predicate = RawBuilder<boolean>;
const OPEN = sql.raw(`('reported', 'accepted', 'dispatched', 'handling', 'handled', 'suspended')`);

/**
 * Channels by which a grid's own patrol finds a problem (the worker's phone, a household visit), and
 * channels by which somebody else found it first (a resident, 12345, Open311, staff above the grid).
 */
export const PATROL_CHANNELS = ['grid_worker', 'household_visit'] as const;
export const OTHER_CHANNELS = ['resident', 'hotline_12345', 'open311', 'staff'] as const;
const channelList = (list: readonly string[]) => sql.raw(`(${list.map((c) => `'${c}'`).join(', ')})`);

/** The case has a timeline row of one of these actions, with a further condition on it (`e`). */
function hasEvent(scope: Scope, actions: readonly string[], extra: Predicate = sql<boolean>`true`): Predicate {
  return sql<boolean>`EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.action IN (${sql.join(actions)}) AND ${extra} AND ${ownedBy(scope, 'case_events as e')})`;
}
const notLate = sql<boolean>`NOT coalesce((e.payload->>'late')::boolean, false)`;

/**
 * 按时上报: a patrol report is on time when its report row does not say it came late — the reporting path
 * marks `late` when the discovery time it was given lies beyond the reporting limit on the working clock;
 * a report made where it was found is on time.
 */
function reportedOnTime(scope: Scope, pruned = false): Predicate {
  const none = sql<boolean>`NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.action = 'report' AND coalesce((e.payload->>'late')::boolean, false) AND ${ownedBy(scope, 'case_events as e')})`;
  return sql<boolean>`(c.channel IN ${channelList(PATROL_CHANNELS)} AND ${pruned ? sql<boolean>`(${factMissing(256)} OR ${none})` : none})`;
}

/**
 * The case's timeline has no row of a fact at all (`kpi_facts`, 0034: all its rows, whatever the reader's
 * scope), so no row the reader sees has it either: a test that spares the correlated subquery for most cases,
 * never changing the answer. Bits as in case_kpi_event_bits.
 */
const factMissing = (bit: number) => sql<boolean>`(c.kpi_facts & ${sql.lit(bit)}) = 0`;
/** The predicate, tried only when some row of the case's timeline has the fact. */
const withFact = (bit: number, predicate: Predicate) => sql<boolean>`(NOT ${factMissing(bit)} AND ${predicate})`;

/**
 * 漏报 (missed report, 数字城管 supervisor evaluation): a problem in the grid that another channel — a resident,
 * a 12345 work order, an Open311 client, staff above the grid — brought in while the grid's patrol had not
 * reported it first. Not counted: a report refused as invalid (rejected), a duplicate merged into another
 * case (the surviving case counts once), and a case into which the grid's own earlier patrol report was
 * merged (the patrol found it first).
 */
export function missedPredicate(scope: Scope, pruned = false): Predicate {
  const none = sql<boolean>`NOT EXISTS (SELECT 1 FROM cases w WHERE w.merged_into = c.id AND w.channel IN ${channelList(PATROL_CHANNELS)} AND w.reported_at <= c.reported_at AND ${ownedBy(scope, 'cases as w')})`;
  // kpi_patrol_merged (0034): some patrol report was merged into the case, seen by this reader or not.
  return sql<boolean>`(c.channel IN ${channelList(OTHER_CHANNELS)} AND c.state NOT IN ('rejected', 'merged') AND ${pruned ? sql<boolean>`(NOT c.kpi_patrol_merged OR ${none})` : none})`;
}

/** The case closed (fixed or not) with its closing step on time. */
function closedOnTime(scope: Scope): Predicate {
  return sql<boolean>`(c.state IN ('closed', 'closed_unfixed') AND NOT coalesce((SELECT (e.payload->>'late')::boolean FROM case_events e WHERE e.case_id = c.id AND e.to_state IN ('closed', 'closed_unfixed') AND ${ownedBy(scope, 'case_events as e')} ORDER BY e.seq DESC LIMIT 1), false))`;
}

/**
 * Figures of an area's cases read from the timeline (each a correlated EXISTS through the timeline's scope):
 * the definition, and what a case whose projection is not exact for the reader is counted by.
 */
export function timelineAreaFigures(scope: Scope): Record<CaseAreaFigure, Predicate> {
  return {
    reported: sql<boolean>`true`,
    accepted: sql<boolean>`(c.accepted_at IS NOT NULL OR c.self_handled)`,
    rejected: sql<boolean>`c.state = 'rejected'`,
    merged: sql<boolean>`c.state = 'merged'`,
    // 应处置数: reported − rejected − merged.
    shouldHandle: sql<boolean>`c.state NOT IN ('rejected', 'merged')`,
    selfHandled: sql<boolean>`c.self_handled`,
    escalatedCommunity: hasEvent(scope, ['escalate'], sql<boolean>`e.holder_level = 'community'`),
    escalatedTown: hasEvent(scope, ['escalate'], sql<boolean>`e.holder_level = 'town'`),
    escalatedDistrict: hasEvent(scope, ['escalate'], sql<boolean>`e.holder_level = 'district'`),
    dispatched: hasEvent(scope, ['dispatch']),
    handled: sql<boolean>`(c.handled_at IS NOT NULL OR c.self_handled)`,
    handledOnTime: hasEvent(scope, ['handle', 'self_close'], notLate),
    closed: sql<boolean>`c.state IN ('closed', 'closed_unfixed')`,
    closedFixed: sql<boolean>`c.state = 'closed'`,
    closedUnfixed: sql<boolean>`c.state = 'closed_unfixed'`,
    closedOnTime: closedOnTime(scope),
    closedInGrid: sql<boolean>`(c.state = 'closed' AND c.closed_level = 'grid')`,
    closedInCommunity: sql<boolean>`(c.state = 'closed' AND c.closed_level IN ('grid', 'community'))`,
    reworked: hasEvent(scope, ['verify_fail']),
    extended: hasEvent(scope, ['approve_extension']),
    overdue: hasEvent(scope, ['overdue_alert'], sql<boolean>`e.payload->>'level' = 'red'`),
    yellowCards: sql<boolean>`c.supervision = 'yellow'`,
    redCards: sql<boolean>`c.supervision = 'red'`,
    rated: sql<boolean>`c.rating IS NOT NULL`,
    satisfied: sql<boolean>`c.rating IN ('satisfied', 'basically_satisfied')`,
    open: sql<boolean>`c.state IN ${OPEN}`,
    patrolReported: sql<boolean>`c.channel IN ${channelList(PATROL_CHANNELS)}`,
    reportedOnTime: reportedOnTime(scope),
    missed: missedPredicate(scope),
  };
}

/**
 * The bit of each area figure in `case_kpi_mask` (migration 0034), which computes the figures of a case from
 * its row and the timeline facts projected onto it (`kpi_facts`: escalated to which level, dispatched,
 * handled on time, closing step late, reworked, extended, red overdue, reported late), the same definitions
 * as `timelineAreaFigures`; case_kpi_days sums them per (grid, day).
 */
export const AREA_FIGURE_BITS: Readonly<Record<CaseAreaFigure, number>> = {
  reported: 0,
  accepted: 1,
  rejected: 2,
  merged: 3,
  shouldHandle: 4,
  selfHandled: 5,
  escalatedCommunity: 6,
  escalatedTown: 7,
  escalatedDistrict: 8,
  dispatched: 9,
  handled: 10,
  handledOnTime: 11,
  closed: 12,
  closedFixed: 13,
  closedUnfixed: 14,
  closedOnTime: 15,
  closedInGrid: 16,
  closedInCommunity: 17,
  reworked: 18,
  extended: 19,
  overdue: 20,
  yellowCards: 21,
  redCards: 22,
  rated: 23,
  satisfied: 24,
  open: 25,
  patrolReported: 26,
  reportedOnTime: 27,
  missed: 28,
};

/** The column of case_kpi_days that sums a figure (its name in snake case). */
export function dayColumn(figure: CaseAreaFigure): string {
  return figure.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`);
}

/**
 * Whether the projected facts of a case are exact for a reader of its grid: its timeline all in its grid
 * (a reader who sees the case through its grid sees every row), no patrol report merged into it (漏报 needs
 * the merged case's scope). The cases summed in case_kpi_days.
 */
export const exactForArea = sql<boolean>`c.kpi_summed`;

/**
 * Whether they are exact for a department's staff: the rows they read are those held by a department, and
 * the case's timeline names no other department than the one it is with.
 */
const exactForDepartment = sql<boolean>`(NOT c.kpi_mixed AND NOT c.kpi_patrol_merged AND (c.kpi_event_dept IS NULL OR c.kpi_event_dept = c.department_id))`;

const mask = (facts: RawBuilder<number>) => sql<number>`case_kpi_mask(c.state, c.accepted_at, c.handled_at, c.self_handled, c.closed_level, c.supervision, c.rating, c.channel, ${facts})`;

/**
 * Figures of an area's cases (the headline and each child area), as the reader's scope reads them: from the
 * facts projected onto the case row where they are exact for this reader (a reader by area or a department's
 * staff), else from the timeline. Formulas of the rates are in case-kpi.ts.
 */
export function areaFigures(scope: Scope): Record<CaseAreaFigure, Predicate> {
  const timeline = timelineAreaFigures(scope);
  // A reader holding both axes (areas and departments) may see a case through either: the timeline decides.
  if (scope.areas.length > 0 && scope.departments.length > 0) return timeline;
  const [exact, facts] = scope.areas.length > 0 ? [exactForArea, sql<number>`c.kpi_facts`] : [exactForDepartment, sql<number>`c.kpi_dept_facts`];
  const m = mask(facts);
  return Object.fromEntries(
    (Object.keys(AREA_FIGURE_BITS) as CaseAreaFigure[]).map((k) => [k, sql<boolean>`(CASE WHEN ${exact} THEN (${m} & ${sql.lit(1 << AREA_FIGURE_BITS[k])}) <> 0 ELSE ${timeline[k]} END)`]),
  ) as Record<CaseAreaFigure, Predicate>;
}

/**
 * Figures of one department `d`: cases whistled to it (a case returned by one department and sent to
 * another counts for both as dispatched, and its handling only for the one that handled it). Steps are
 * the department's when it held the case at that row.
 */
export function departmentFigures(scope: Scope, d: Expression<number>): Record<CaseDepartmentFigure, Predicate> {
  const held = sql<boolean>`e.holder_department_id = ${d}`;
  const dispatched = withFact(8, hasEvent(scope, ['dispatch'], held));
  return {
    dispatched,
    // A return's row holds the level it went back to; the case's department is still the one returning it.
    returned: hasEvent(scope, ['return'], sql<boolean>`e.department_id = ${d}`),
    handled: hasEvent(scope, ['handle'], held),
    handledOnTime: withFact(16, hasEvent(scope, ['handle'], sql<boolean>`${held} AND ${notLate}`)),
    closed: sql<boolean>`(c.state IN ('closed', 'closed_unfixed') AND c.department_id = ${d} AND ${dispatched})`,
    closedOnTime: sql<boolean>`(${closedOnTime(scope)} AND c.department_id = ${d} AND ${dispatched})`,
    reworked: withFact(32, hasEvent(scope, ['verify_fail'], held)),
    extended: withFact(64, hasEvent(scope, ['approve_extension'], held)),
    overdue: withFact(128, hasEvent(scope, ['overdue_alert'], sql<boolean>`${held} AND e.payload->>'level' = 'red'`)),
    yellowCards: hasEvent(scope, ['supervise'], sql<boolean>`${held} AND e.payload->>'grade' = 'yellow'`),
    redCards: hasEvent(scope, ['supervise'], sql<boolean>`${held} AND e.payload->>'grade' = 'red'`),
    open: sql<boolean>`(c.state IN ${OPEN} AND c.holder_department_id = ${d})`,
  };
}

/**
 * Figures of one person `p`: the cases they reported (on time or not), the problems in grids they patrol
 * that others found first (`patrolAreas`: the grid-worker posts, present only where the scope reaches
 * role assignments), and the steps they closed on the spot or handled.
 */
export function personFigures(scope: Scope, p: Expression<number>, patrol: boolean): Record<CasePersonFigure, Predicate> {
  const by = sql<boolean>`e.actor_id = ${p}`;
  return {
    reported: sql<boolean>`c.reporter_user_id = ${p}`,
    reportedOnTime: sql<boolean>`(c.reporter_user_id = ${p} AND ${reportedOnTime(scope, true)})`,
    missed: patrol ? sql<boolean>`(${missedPredicate(scope, true)} AND ${patrolledBy(scope, p)})` : sql<boolean>`false`,
    selfHandled: hasEvent(scope, ['self_close'], by),
    handled: hasEvent(scope, ['handle', 'self_close'], by),
    handledOnTime: withFact(16, hasEvent(scope, ['handle', 'self_close'], sql<boolean>`${by} AND ${notLate}`)),
  };
}

/** Roles that patrol a grid (巡查): its grid workers, and a community's workers for each of its grids. */
export const PATROL_ROLES = ['grid_worker'] as const;

/** The person holds a patrol post on the case's grid or an area above it. */
export function patrolledBy(scope: Scope, p: Expression<number>): Predicate {
  return sql<boolean>`EXISTS (SELECT 1 FROM role_assignments ra JOIN areas pa ON pa.id = ra.area_id WHERE ra.user_id = ${p} AND ra.role IN ${channelList(PATROL_ROLES)} AND g.path LIKE pa.path || '%' AND ${ownedBy(scope, 'role_assignments as ra')})`;
}

