import {
  CASE_AREA_FIGURES,
  CASE_DEPARTMENT_FIGURES,
  CASE_PERSON_FIGURES,
  caseKpiBreakdownQuerySchema,
  caseKpiExportQuerySchema,
  caseKpiQuerySchema,
  type caseListQuerySchema,
  type CaseKpi,
  type CaseKpiBreakdown,
  type CaseKpiFigures,
} from '@redgrid/contracts';
import { sql } from 'kysely';
import type { z } from 'zod';
import type { RequestContext } from '../../platform/context.ts';
import { areaNamesByIds } from '../../platform/cross-scope.repository.ts';
import { scopedFrom } from '../../platform/data-access.ts';
import { notFound, validationFailed } from '../../platform/errors.ts';
import type { Cell } from '../../platform/tabular/index.ts';
import { read, type Unit } from '../../platform/unit-of-work.ts';
import { areaGeoRepository } from '../area/index.ts';
import { workingClockFor } from '../calendar/index.ts';
import { exportTable } from '../exchange/index.ts';
import { areaFigures, departmentFigures, personFigures } from './case-kpi-figures.ts';
import { caseKpiRepository, type KpiPeriod } from './case-kpi.repository.ts';
import { departmentKpiFrom, kpiFrom, personKpiFrom, type KpiCounts } from './case-kpi.ts';
import { caseScope } from './case.service.ts';
import type { CaseRow } from './case.repository.ts';

/**
 * The KPI page's use cases (考核指标, issue 10): the figures of an area for a period, the same broken down
 * by child area, department and person, the cases behind any figure (the inbox's list, filtered by the
 * figure's own predicate), and the table as XLSX. All read through the caller's case scope: a grid worker
 * counts their grid, a department's staff what was dispatched to their department.
 */

/**
 * The reporting limit of 按时上报 in working hours from discovery (the phone's draft) to the report. The
 * standards name the rate but no number; two working hours lets a worker finish the household they are in.
 */
export const REPORT_LIMIT_WORK_HOURS = 2;

/**
 * How many closed cases the average handling time is taken over, about: all of a period's when they are no
 * more, else a uniform sample of this size (by case id). Each is timed on the working-time clock here (~17 µs a
 * case), so the sample bounds the page's time at any scale; a sample of 1,000 puts the average within a few
 * percent of the full one (its standard error is 1/√1000 ≈ 3 % of the spread of handling times).
 */
const KPI_TIMED_CASES = 1_000;
const BEIJING_MS = 8 * 3600_000;

function kpiRepo(unit: Unit) {
  return unit.use((db, scope) => caseKpiRepository(db, caseScope(unit.actor, scope)));
}

/** The area (in the caller's scope, else 404) and the instants of a period of Beijing dates, `to` inclusive. */
async function periodOf(unit: Unit, q: { areaId: number; from: string; to: string }): Promise<{ area: { id: number; name: string; level: string }; period: KpiPeriod }> {
  const area = (await unit.use(areaGeoRepository).listBriefs([q.areaId]))[0];
  if (!area) throw notFound('区域');
  const path = (await unit.use((db) => areaNamesByIds(db, [q.areaId]))).get(q.areaId)!.path;
  const from = new Date(Date.parse(`${q.from}T00:00:00Z`) - BEIJING_MS);
  const to = new Date(Date.parse(`${q.to}T00:00:00Z`) - BEIJING_MS + 86_400_000);
  return { area: { id: area.id, name: area.name, level: area.level }, period: { areaPath: path, from, to } };
}

/** The KPIs of an area (and everything under it) for cases reported between two Beijing dates. */
export function caseKpi(ctx: RequestContext, raw: z.input<typeof caseKpiQuerySchema>): Promise<CaseKpi> {
  const q = caseKpiQuerySchema.parse(raw);
  return read(ctx, 'case.read', async (unit) => {
    const { area, period } = await periodOf(unit, q);
    const kpi = kpiRepo(unit);
    const counts = await kpi.counts(period);
    const spans = await kpi.closedSpans(period, counts.closed, KPI_TIMED_CASES);
    const clock = await workingClockFor(unit);
    const avg = spans.length ? spans.reduce((sum, s) => sum + clock.workingHoursBetween(new Date(s.reportedAt), new Date(s.closedAt!)), 0) / spans.length : null;
    return { area: { id: area.id, name: area.name }, from: q.from, to: q.to, figures: kpiFrom(counts, avg === null ? null : Math.round(avg * 10) / 10) };
  });
}

const ZERO_AREA = Object.fromEntries(CASE_AREA_FIGURES.map((k) => [k, 0])) as KpiCounts;
const ZERO_PERSON = Object.fromEntries(CASE_PERSON_FIGURES.map((k) => [k, 0])) as Parameters<typeof personKpiFrom>[0];

/** The areas directly under one, in the caller's own scope (not the case scope: a department's staff see their street's tree). */
function childAreas(unit: Unit, parentId: number) {
  return unit.use((db, scope) =>
    scopedFrom(db, scope, 'areas as a')
      .select(['a.id', 'a.name', 'a.code', 'a.level', 'a.status'])
      .where('a.parent_id', '=', parentId)
      .where('a.level', 'not in', ['building', 'unit'])
      .orderBy('a.sort_order')
      .orderBy('a.code')
      .execute(),
  );
}

/**
 * The breakdown of an area's KPIs: by child area (each child's subtree, every active child listed), by
 * department (each department the period's cases were whistled to), or by person (reporters, handlers and
 * the patrol workers posted there). A bounded number of grouped queries, whatever the size of the tree.
 */
export function caseKpiBreakdown(ctx: RequestContext, raw: z.input<typeof caseKpiBreakdownQuerySchema>): Promise<CaseKpiBreakdown> {
  const q = caseKpiBreakdownQuerySchema.parse(raw);
  return read(ctx, 'case.read', async (unit) => {
    const { area, period } = await periodOf(unit, q);
    const head = { area: { id: area.id, name: area.name }, from: q.from, to: q.to };
    const kpi = kpiRepo(unit);
    if (q.by === 'department') {
      const rows = await kpi.byDepartment(period);
      return { by: 'department', ...head, rows: rows.map((r) => ({ id: r.id, name: r.name, figures: departmentKpiFrom(r.counts) })).sort((a, b) => b.figures.dispatched - a.figures.dispatched || a.name.localeCompare(b.name, 'zh-CN')) };
    }
    if (q.by === 'person') {
      const counts = await kpi.byPerson(period);
      const workers = await kpi.patrolWorkers(period.areaPath);
      const names = new Map(workers.map((w) => [w.id, w.name]));
      const unnamed = [...counts.keys()].filter((id) => !names.has(id));
      for (const [id, name] of await kpi.actorNames(unnamed)) names.set(id, name);
      const ids = [...new Set([...counts.keys(), ...workers.map((w) => w.id)])];
      const rows = ids.map((id) => ({ id, name: names.get(id) ?? `#${id}`, figures: personKpiFrom(counts.get(id) ?? ZERO_PERSON) }));
      return { by: 'person', ...head, rows: rows.sort((a, b) => b.figures.reported + b.figures.handled - (a.figures.reported + a.figures.handled) || a.name.localeCompare(b.name, 'zh-CN')) };
    }
    const counts = await kpi.byChildArea(period);
    const children = await childAreas(unit, area.id);
    const rows = children
      .filter((c) => c.status === 'active' || counts.has(c.id))
      .map((c) => ({ id: c.id, name: c.name, code: c.code, level: c.level, figures: kpiFrom(counts.get(c.id) ?? ZERO_AREA, null) }));
    return { by: 'area', ...head, rows };
  });
}

type ListQuery = z.output<typeof caseListQuerySchema>;

/**
 * The cases one figure counts (GET /api/cases?figure=…): the area's period, of a department or a person
 * when one is named; the predicate is the one the count used. A figure the dimension does not have is a 400.
 */
export async function casesOfFigure(unit: Unit, f: ListQuery, limit: number): Promise<CaseRow[]> {
  const { period } = await periodOf(unit, { areaId: f.areaId!, from: f.from!, to: f.to! });
  const scope = caseScope(unit.actor, unit.scope);
  const figure = f.figure!;
  let predicate;
  if (f.departmentId !== undefined) {
    if (!(CASE_DEPARTMENT_FIGURES as readonly string[]).includes(figure)) throw validationFailed({ figure: ['部门没有这项指标'] });
    predicate = departmentFigures(scope, sql.val(f.departmentId))[figure as (typeof CASE_DEPARTMENT_FIGURES)[number]];
  } else if (f.personId !== undefined) {
    if (!(CASE_PERSON_FIGURES as readonly string[]).includes(figure)) throw validationFailed({ figure: ['人员没有这项指标'] });
    predicate = personFigures(scope, sql.val(f.personId), scope.areas.length > 0)[figure as (typeof CASE_PERSON_FIGURES)[number]];
  } else {
    if (!(CASE_AREA_FIGURES as readonly string[]).includes(figure)) throw validationFailed({ figure: ['区域没有这项指标'] });
    predicate = areaFigures(scope)[figure as (typeof CASE_AREA_FIGURES)[number]];
  }
  return kpiRepo(unit).figureCases(period, predicate, limit, f.offset);
}

const pct = (r: number | null): Cell => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);

/** The area table's columns: a title and how each row's figures give the cell. */
const AREA_COLUMNS: readonly [string, (f: CaseKpiFigures) => Cell][] = [
  ['上报数', (f) => f.reported],
  ['自办自结数', (f) => f.selfHandled],
  ['自办自结率', (f) => pct(f.selfHandledRate)],
  ['上报社区', (f) => f.escalated.community],
  ['上报街道', (f) => f.escalated.town],
  ['上报区级', (f) => f.escalated.district],
  ['派遣部门', (f) => f.dispatched],
  ['应处置数', (f) => f.shouldHandle],
  ['处置数', (f) => f.handled],
  ['处置率', (f) => pct(f.handlingRate)],
  ['按期处置率', (f) => pct(f.onTimeHandlingRate)],
  ['结案数', (f) => f.closed],
  ['结案率', (f) => pct(f.closureRate)],
  ['按期结案率', (f) => pct(f.onTimeClosureRate)],
  ['返工率', (f) => pct(f.reworkRate)],
  ['延期率', (f) => pct(f.extensionRate)],
  ['超期数', (f) => f.overdue],
  ['黄牌', (f) => f.yellowCards],
  ['红牌', (f) => f.redCards],
  ['在办', (f) => f.open],
  ['平均处置时长（工作时）', (f) => f.avgHandlingHours ?? '—'],
  ['满意率', (f) => pct(f.satisfactionRate)],
  ['网格内办结率', (f) => pct(f.closedWithinGridRate)],
  ['社区内办结率', (f) => pct(f.closedWithinCommunityRate)],
  ['巡查上报数', (f) => f.patrol.reported],
  ['按时上报率', (f) => pct(f.patrol.onTimeReportRate)],
  ['漏报数', (f) => f.patrol.missed],
  ['漏报率', (f) => pct(f.patrol.missedRate)],
];

/**
 * The KPI table as XLSX (or CSV): the area itself on the first row, then each child area — or each
 * department or person — with the exporter's watermark row and an audit row (exportTable).
 */
export async function exportCaseKpi(ctx: RequestContext, raw: z.input<typeof caseKpiExportQuerySchema>) {
  const q = caseKpiExportQuerySchema.parse(raw);
  const [total, breakdown] = [await caseKpi(ctx, q), await caseKpiBreakdown(ctx, q)];
  const period = `${q.from} 至 ${q.to}`;
  let headers: string[];
  let rows: (readonly Cell[])[];
  if (breakdown.by === 'area') {
    headers = ['区域', '编码', '统计周期', ...AREA_COLUMNS.map(([t]) => t)];
    rows = [[`${total.area.name}（合计）`, '', period, ...AREA_COLUMNS.map(([, v]) => v(total.figures))], ...breakdown.rows.map((r) => [r.name, r.code, period, ...AREA_COLUMNS.map(([, v]) => v(r.figures))])];
  } else if (breakdown.by === 'department') {
    headers = ['部门', '统计周期', '派遣数', '退单数', '处置数', '按期处置数', '结案数', '按期结案数', '返工数', '延期数', '超期数', '黄牌', '红牌', '在办', '处置率', '按期处置率', '退单率', '结案率', '返工率'];
    rows = breakdown.rows.map(({ name, figures: f }) => [name, period, f.dispatched, f.returned, f.handled, f.handledOnTime, f.closed, f.closedOnTime, f.reworked, f.extended, f.overdue, f.yellowCards, f.redCards, f.open, pct(f.handlingRate), pct(f.onTimeHandlingRate), pct(f.returnRate), pct(f.closureRate), pct(f.reworkRate)]);
  } else {
    headers = ['人员', '统计周期', '上报数', '按时上报数', '漏报数', '自办自结数', '处置数', '按期处置数', '按时上报率', '漏报率', '自办自结率', '按期处置率'];
    rows = breakdown.rows.map(({ name, figures: f }) => [name, period, f.reported, f.reportedOnTime, f.missed, f.selfHandled, f.handled, f.handledOnTime, pct(f.onTimeReportRate), pct(f.missedRate), pct(f.selfHandledRate), pct(f.onTimeHandlingRate)]);
  }
  async function* cells(): AsyncGenerator<readonly Cell[]> {
    yield* rows;
  }
  const by = { area: '按区域', department: '按部门', person: '按人员' }[q.by];
  return exportTable(ctx, {
    kind: 'case_kpi',
    label: `考核指标-${total.area.name}-${by}`,
    permission: 'case.read',
    format: 'xlsx',
    headers,
    filter: { areaId: q.areaId, from: q.from, to: q.to, by: q.by },
    areaId: q.areaId,
    rows: cells(),
  });
}
