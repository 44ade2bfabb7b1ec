import { CASE_AREA_FIGURES, CASE_DEPARTMENT_FIGURES, CASE_PERSON_FIGURES, type CaseAreaFigure, type CaseDepartmentFigure, type CasePersonFigure } from '@redgrid/contracts';
import { sql, type RawBuilder } from 'kysely';
import type { Scope } from '../../platform/context.ts';
import { ownedBy, scopedFrom, type Db } from '../../platform/data-access.ts';
import { areaFigures, dayColumn, departmentFigures, exactForArea, missedPredicate, PATROL_ROLES, personFigures } from './case-kpi-figures.ts';
import type { KpiCounts } from './case-kpi.ts';
import { CASE_COLUMNS } from './case.repository.ts';

export type { KpiCounts } from './case-kpi.ts';

/** The cases of a KPI query: reported in [from, to) in a grid of the area's subtree. */
export interface KpiPeriod {
  areaPath: string;
  from: Date;
  to: Date;
}

/** `count(*) FILTER (WHERE …)::int AS "<figure>"` for each figure, in raw SQL. */
function countColumns<K extends string>(figures: Record<K, RawBuilder<boolean>>, keys: readonly K[]) {
  return sql.join(keys.map((k) => sql`(count(*) FILTER (WHERE ${figures[k]}))::int AS ${sql.ref(k)}`));
}

function countsOf<K extends string>(row: Record<string, unknown> | undefined, keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, Number(row?.[k] ?? 0)])) as Record<K, number>;
}

/** `sum(r.<column>)::int AS "<figure>"` for each area figure: the sums of case_kpi_days. */
const sumColumns = sql.join(CASE_AREA_FIGURES.map((k) => sql`coalesce(sum(r.${sql.ref(dayColumn(k))}), 0)::int AS ${sql.ref(k)}`));

const BEIJING_MS = 8 * 3600_000;

/** The Beijing dates [from, to) of a period that starts and ends at Beijing midnight, else null. */
function daysOf(p: KpiPeriod): { from: string; to: string } | null {
  const [from, to] = [new Date(p.from.getTime() + BEIJING_MS).toISOString(), new Date(p.to.getTime() + BEIJING_MS).toISOString()];
  return from.endsWith('T00:00:00.000Z') && to.endsWith('T00:00:00.000Z') ? { from: from.slice(0, 10), to: to.slice(0, 10) } : null;
}

function addCounts(a: KpiCounts, b: KpiCounts): KpiCounts {
  return Object.fromEntries(CASE_AREA_FIGURES.map((k) => [k, a[k] + b[k]])) as KpiCounts;
}

/** Roles listed as patrol workers in a list rendered into SQL. */
const patrolRoles = sql.raw(`(${PATROL_ROLES.map((r) => `'${r}'`).join(', ')})`);

/**
 * The KPI queries of an area for a period, through the caller's case scope: the figures of the whole
 * subtree, the same per child area, per department whistled in and per person (one grouped query each),
 * and the cases behind one figure. Every count and list is built from the predicates of case-kpi-figures.ts.
 */
export function caseKpiRepository(db: Db, scope: Scope) {
  /** The period's cases of the subtree, with their grid as `g` (the scope predicate of `c` goes beside it). */
  const base = (p: KpiPeriod) => sql`g.path LIKE ${`${p.areaPath}%`} AND c.reported_at >= ${p.from} AND c.reported_at < ${p.to}`;
  /**
   * The days of case_kpi_days a period reads, when the sums serve this reader: a reader by area only (the
   * sums hold the cases whose timeline that reader sees whole; `ownedBy` on the sums' grid_id is the same
   * area filter as on a case's), and a period of whole Beijing days.
   */
  const summedBy = (p: KpiPeriod) => (scope.areas.length > 0 && scope.departments.length === 0 ? daysOf(p) : null);

  return {
    /**
     * The figures of the whole subtree. A reader by area (the figures' usual reader) gets the sums of
     * case_kpi_days over the subtree's grids in their scope and the period's days, plus the few cases the
     * sums leave out, counted case by case; anyone else counts the period's cases one by one (a department's
     * staff: what was dispatched to them, found by its index).
     */
    async counts(p: KpiPeriod): Promise<KpiCounts> {
      const days = summedBy(p);
      if (!days) {
        const r = await sql<Record<string, unknown>>`SELECT ${countColumns(areaFigures(scope), CASE_AREA_FIGURES)} FROM cases c JOIN areas g ON g.id = c.grid_id WHERE ${ownedBy(scope, 'cases as c')} AND ${base(p)}`.execute(db);
        return countsOf(r.rows[0], CASE_AREA_FIGURES);
      }
      const summed = await sql<Record<string, unknown>>`
        SELECT ${sumColumns} FROM case_kpi_days r JOIN areas g ON g.id = r.grid_id
         WHERE ${ownedBy(scope, 'cases as r')} AND g.path LIKE ${`${p.areaPath}%`} AND r.day >= ${days.from}::date AND r.day < ${days.to}::date`.execute(db);
      const rest = await sql<Record<string, unknown>>`
        SELECT ${countColumns(areaFigures(scope), CASE_AREA_FIGURES)} FROM cases c JOIN areas g ON g.id = c.grid_id
         WHERE ${ownedBy(scope, 'cases as c')} AND ${base(p)} AND NOT ${exactForArea}`.execute(db);
      return addCounts(countsOf(summed.rows[0], CASE_AREA_FIGURES), countsOf(rest.rows[0], CASE_AREA_FIGURES));
    },

    /** The figures of each child area (by the id of the child on the grid's path); children without cases are absent. */
    async byChildArea(p: KpiPeriod): Promise<Map<number, KpiCounts>> {
      const child = sql`split_part(substr(g.path, ${p.areaPath.length + 1}), '/', 1)`;
      const days = summedBy(p);
      const rows = async (inexactOnly: boolean) =>
        (
          await sql<Record<string, unknown>>`
            SELECT ${child} AS child, ${countColumns(areaFigures(scope), CASE_AREA_FIGURES)}
              FROM cases c JOIN areas g ON g.id = c.grid_id
             WHERE ${ownedBy(scope, 'cases as c')} AND ${base(p)} AND g.path <> ${p.areaPath} ${inexactOnly ? sql`AND NOT ${exactForArea}` : sql``}
             GROUP BY 1`.execute(db)
        ).rows;
      if (!days) return new Map((await rows(false)).map((row) => [Number(row.child), countsOf(row, CASE_AREA_FIGURES)]));
      const summed = await sql<Record<string, unknown>>`
        SELECT ${child} AS child, ${sumColumns} FROM case_kpi_days r JOIN areas g ON g.id = r.grid_id
         WHERE ${ownedBy(scope, 'cases as r')} AND g.path LIKE ${`${p.areaPath}%`} AND g.path <> ${p.areaPath} AND r.day >= ${days.from}::date AND r.day < ${days.to}::date
         GROUP BY 1`.execute(db);
      const out = new Map(summed.rows.map((row) => [Number(row.child), countsOf(row, CASE_AREA_FIGURES)]));
      for (const row of await rows(true)) {
        const id = Number(row.child);
        const counts = countsOf(row, CASE_AREA_FIGURES);
        out.set(id, out.has(id) ? addCounts(out.get(id)!, counts) : counts);
      }
      return out;
    },

    /**
     * The figures of each department the period's cases were dispatched to (a case sent to two counts for
     * both), with the department's name as its dispatch recorded it.
     */
    async byDepartment(p: KpiPeriod): Promise<{ id: number; name: string; counts: Record<CaseDepartmentFigure, number> }[]> {
      const figures = departmentFigures(scope, sql.ref('dd.department_id'));
      const r = await sql<Record<string, unknown>>`
        SELECT dd.department_id AS id, max(dd.name) AS name, ${countColumns(figures, CASE_DEPARTMENT_FIGURES)}
          FROM cases c JOIN areas g ON g.id = c.grid_id
          JOIN (SELECT e.case_id, e.holder_department_id AS department_id, max(e.payload->>'departmentName') AS name
                  FROM case_events e WHERE e.action = 'dispatch' AND e.holder_department_id IS NOT NULL AND ${ownedBy(scope, 'case_events as e')}
                 GROUP BY 1, 2) dd ON dd.case_id = c.id
         WHERE ${ownedBy(scope, 'cases as c')} AND ${base(p)}
         GROUP BY dd.department_id`.execute(db);
      return r.rows.map((row) => ({ id: Number(row.id), name: String(row.name ?? `#${String(row.id)}`), counts: countsOf(row, CASE_DEPARTMENT_FIGURES) }));
    },

    /**
     * The figures of each person the period's cases name: their reporters, those who handled or closed them
     * on the spot, and — where the scope reaches role assignments — the patrol workers of the grids of
     * cases others found first (each (case, person) pair once, so a figure counts a case once a person).
     */
    async byPerson(p: KpiPeriod): Promise<Map<number, Record<CasePersonFigure, number>>> {
      const patrol = scope.areas.length > 0;
      const figures = personFigures(scope, sql.ref('pp.person_id'), patrol);
      // Patrol workers are paired with the cases they missed only: the rest of their figures are their own rows.
      const pairsPatrol = patrol
        ? sql`UNION SELECT c.id, ra.user_id FROM cases c JOIN areas g ON g.id = c.grid_id JOIN role_assignments ra ON ra.role IN ${patrolRoles} JOIN areas pa ON pa.id = ra.area_id AND g.path LIKE pa.path || '%'
               WHERE ${ownedBy(scope, 'role_assignments as ra')} AND ${ownedBy(scope, 'cases as c')} AND ${base(p)} AND ${missedPredicate(scope, true)}`
        : sql``;
      const rows = await sql<Record<string, unknown>>`
        WITH pairs AS (
          SELECT c.id AS case_id, c.reporter_user_id AS person_id FROM cases c JOIN areas g ON g.id = c.grid_id WHERE ${ownedBy(scope, 'cases as c')} AND ${base(p)} AND c.reporter_user_id IS NOT NULL
          UNION SELECT c.id, e.actor_id FROM cases c JOIN areas g ON g.id = c.grid_id JOIN case_events e ON e.case_id = c.id AND e.action IN ('handle', 'self_close') AND e.actor_id IS NOT NULL AND ${ownedBy(scope, 'case_events as e')} WHERE ${ownedBy(scope, 'cases as c')} AND ${base(p)}
          ${pairsPatrol}
        )
        SELECT pp.person_id AS id, ${countColumns(figures, CASE_PERSON_FIGURES)}
          FROM cases c JOIN areas g ON g.id = c.grid_id JOIN pairs pp ON pp.case_id = c.id
         WHERE ${ownedBy(scope, 'cases as c')} AND ${base(p)}
         GROUP BY pp.person_id`.execute(db);
      return new Map(rows.rows.map((row) => [Number(row.id), countsOf(row, CASE_PERSON_FIGURES)]));
    },

    /** Patrol workers posted on the area, below it or above it (listed even with nothing to count), with their names. */
    async patrolWorkers(areaPath: string): Promise<{ id: number; name: string }[]> {
      if (scope.areas.length === 0) return [];
      const r = await sql<{ id: number; name: string }>`
        SELECT DISTINCT u.id::int AS id, u.display_name AS name
          FROM role_assignments ra JOIN areas pa ON pa.id = ra.area_id JOIN users u ON u.id = ra.user_id
         WHERE ra.role IN ${patrolRoles} AND (pa.path LIKE ${`${areaPath}%`} OR ${areaPath} LIKE pa.path || '%') AND NOT u.disabled
           AND ${ownedBy(scope, 'role_assignments as ra')} AND ${ownedBy(scope, 'users as u')}`.execute(db);
      return r.rows;
    },

    /** Names of people as the timeline recorded them (their latest row), for people the scope's users do not show. */
    async actorNames(ids: readonly number[]): Promise<Map<number, string>> {
      if (ids.length === 0) return new Map();
      const r = await sql<{ id: number; name: string }>`
        SELECT DISTINCT ON (e.actor_id) e.actor_id::int AS id, e.actor_name AS name FROM case_events e
         WHERE e.actor_id = ANY(${[...ids]}::bigint[]) AND ${ownedBy(scope, 'case_events as e')}
         ORDER BY e.actor_id, e.created_at DESC`.execute(db);
      return new Map(r.rows.map((x) => [Number(x.id), x.name]));
    },

    /** The cases one figure counts, newest first: the same predicate as the count, one page. */
    figureCases(p: KpiPeriod, predicate: RawBuilder<boolean>, limit: number, offset: number) {
      return scopedFrom(db, scope, 'cases as c')
        .innerJoin('areas as g', 'g.id', 'c.grid_id')
        .select(CASE_COLUMNS)
        .where('g.path', 'like', `${p.areaPath}%`)
        .where('c.reported_at', '>=', p.from)
        .where('c.reported_at', '<', p.to)
        .where(predicate)
        .orderBy('c.reported_at', 'desc')
        .orderBy('c.id', 'desc')
        .limit(limit)
        .offset(offset)
        .execute();
    },

    /**
     * Reported and closed instants of the period's closed cases, for the average handling time: all of them
     * when `expected` (the period's closed count) is at most `sample`, else a uniform sample of about `sample`
     * — the cases whose id falls in the first k of 64 buckets, read from their own index (0035).
     */
    closedSpans(p: KpiPeriod, expected: number, sample: number) {
      const buckets = expected <= sample ? 64 : Math.max(1, Math.ceil((64 * sample) / expected));
      let q = scopedFrom(db, scope, 'cases as c')
        .innerJoin('areas as g', 'g.id', 'c.grid_id')
        .where('g.path', 'like', `${p.areaPath}%`)
        .where('c.reported_at', '>=', p.from)
        .where('c.reported_at', '<', p.to)
        .where('c.closed_at', 'is not', null);
      // Buckets named one by one (not `< k`): the planner then reads them from cases_kpi_timed_idx (0035).
      if (buckets < 64) q = q.where(sql<boolean>`(c.id % 64) = ANY(${Array.from({ length: buckets }, (_, i) => i)}::bigint[])`);
      return q.select(['c.reported_at as reportedAt', 'c.closed_at as closedAt']).limit(sample * 4).execute();
    },
  };
}

export type { CaseAreaFigure };
