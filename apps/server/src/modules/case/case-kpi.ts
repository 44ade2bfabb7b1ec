import type { CaseAreaFigure, CaseDepartmentFigure, CaseDepartmentFigures, CaseKpiFigures, CasePatrol, CasePersonFigure, CasePersonFigures } from '@redgrid/contracts';

/** The counts behind the case KPIs: one per figure (case-kpi-figures.ts), of the cases reported in a period. */
export type KpiCounts = Record<CaseAreaFigure, number>;

/** A share rounded to four places; null without a denominator (shown as "—"), never 0 % or 100 %. */
export function rate(num: number, den: number): number | null {
  return den > 0 ? Math.round((num / den) * 10_000) / 10_000 : null;
}

/**
 * 巡查 (patrol) rates, as the 数字城管 supervisor evaluation defines them: 漏报率 = 漏报数 / (上报数 + 漏报数) —
 * of all the problems in the grid, the share its patrol did not report first; 按时上报率 = 按时上报数 / 上报数.
 */
export function patrolFrom(reported: number, onTime: number, missed: number): CasePatrol {
  return { reported, onTime, missed, missedRate: rate(missed, reported + missed), onTimeReportRate: rate(onTime, reported) };
}

/**
 * The case indicators (考核指标) from their counts, with the formulas of the 数字城管 evaluation suite
 * (standards.md b2): 应处置数 = reported − rejected − merged; 处置率 = handled / 应处置; 按期处置率 =
 * handled on time / 应处置; 结案率 = closed / 应处置; 按期结案率 = closed on time / 应处置; 返工率 =
 * reworked / closed; 延期率 = extended / 应处置; 自办自结率 = self-handled / reported; 满意率 =
 * (satisfied + basically satisfied) / rated; closed within the grid / community = their share of closures
 * (fixed ones); the patrol rates as in `patrolFrom`.
 */
export function kpiFrom(c: KpiCounts, avgHandlingHours: number | null): CaseKpiFigures {
  return {
    reported: c.reported,
    accepted: c.accepted,
    rejected: c.rejected,
    shouldHandle: c.shouldHandle,
    selfHandled: c.selfHandled,
    selfHandledRate: rate(c.selfHandled, c.reported),
    escalated: { community: c.escalatedCommunity, town: c.escalatedTown, district: c.escalatedDistrict },
    dispatched: c.dispatched,
    handled: c.handled,
    handlingRate: rate(c.handled, c.shouldHandle),
    onTimeHandlingRate: rate(c.handledOnTime, c.shouldHandle),
    closed: c.closed,
    closedUnfixed: c.closedUnfixed,
    closureRate: rate(c.closed, c.shouldHandle),
    onTimeClosureRate: rate(c.closedOnTime, c.shouldHandle),
    reworkRate: rate(c.reworked, c.closed),
    extensionRate: rate(c.extended, c.shouldHandle),
    overdue: c.overdue,
    yellowCards: c.yellowCards,
    redCards: c.redCards,
    open: c.open,
    avgHandlingHours,
    satisfactionRate: rate(c.satisfied, c.rated),
    closedWithinGridRate: rate(c.closedInGrid, c.closedFixed),
    closedWithinCommunityRate: rate(c.closedInCommunity, c.closedFixed),
    patrol: patrolFrom(c.patrolReported, c.reportedOnTime, c.missed),
  };
}

/** A department's figures: 处置率 and 按期处置率 over what was dispatched to it, 退单率, 结案率, 返工率 = reworked / handled. */
export function departmentKpiFrom(c: Record<CaseDepartmentFigure, number>): CaseDepartmentFigures {
  return {
    ...c,
    handlingRate: rate(c.handled, c.dispatched),
    onTimeHandlingRate: rate(c.handledOnTime, c.dispatched),
    returnRate: rate(c.returned, c.dispatched),
    closureRate: rate(c.closed, c.dispatched),
    reworkRate: rate(c.reworked, c.handled),
  };
}

/** A person's figures: 按时上报率, 漏报率 (as in `patrolFrom`), 自办自结率 of their reports, 按期处置率 of their handling. */
export function personKpiFrom(c: Record<CasePersonFigure, number>): CasePersonFigures {
  const patrol = patrolFrom(c.reported, c.reportedOnTime, c.missed);
  return { ...c, onTimeReportRate: patrol.onTimeReportRate, missedRate: patrol.missedRate, selfHandledRate: rate(c.selfHandled, c.reported), onTimeHandlingRate: rate(c.handledOnTime, c.handled) };
}
