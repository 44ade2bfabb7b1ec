import type { CaseKpi } from '@redgrid/contracts';
import type { KpiCounts } from './case-kpi.repository.ts';

/**
 * The case indicators (考核指标) from their counts, with the formulas of the 数字城管 evaluation suite
 * (standards.md b2): 应处置数 = reported − rejected − merged; 处置率 = handled / 应处置; 按期处置率 =
 * handled on time / 应处置; 结案率 = closed / 应处置; 按期结案率 = closed on time / 应处置; 返工率 =
 * reworked / closed; 延期率 = extended / 应处置; 自办自结率 = self-handled / reported; 满意率 =
 * (satisfied + basically satisfied) / rated; closed within the grid / community = their share of closures.
 * A rate with no denominator is null (shown as "—"), never 0 % or 100 %.
 */
export function kpiFrom(c: KpiCounts, avgHandlingHours: number | null): CaseKpi['figures'] {
  const shouldHandle = c.reported - c.rejected - c.merged;
  const closedAll = c.closed + c.closedUnfixed;
  const rate = (num: number, den: number): number | null => (den > 0 ? Math.round((num / den) * 10_000) / 10_000 : null);
  return {
    reported: c.reported,
    accepted: c.accepted,
    rejected: c.rejected,
    shouldHandle,
    selfHandled: c.selfHandled,
    selfHandledRate: rate(c.selfHandled, c.reported),
    escalated: { community: c.escalatedCommunity, town: c.escalatedTown, district: c.escalatedDistrict },
    dispatched: c.dispatched,
    handled: c.handled,
    handlingRate: rate(c.handled, shouldHandle),
    onTimeHandlingRate: rate(c.handledOnTime, shouldHandle),
    closed: closedAll,
    closedUnfixed: c.closedUnfixed,
    closureRate: rate(closedAll, shouldHandle),
    onTimeClosureRate: rate(c.closedOnTime, shouldHandle),
    reworkRate: rate(c.reworked, closedAll),
    extensionRate: rate(c.extended, shouldHandle),
    overdue: c.overdue,
    yellowCards: c.yellowCards,
    redCards: c.redCards,
    open: c.open,
    avgHandlingHours,
    satisfactionRate: rate(c.satisfied, c.rated),
    closedWithinGridRate: rate(c.closedInGrid, c.closed),
    closedWithinCommunityRate: rate(c.closedInCommunity, c.closed),
  };
}
