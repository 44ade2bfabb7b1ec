/**
 * Household-range arithmetic shared by every step of the grid proposal: which grid counts can keep every
 * grid in range, how many households a grid has outside the range, and the half-range yardstick that
 * scores are measured in.
 */
import type { HouseholdRange } from './grid-proposal-types.ts';

/** Grid counts that could keep every grid in range, by totals alone; null when none can. */
export function countsFor(total: number, { min, max }: HouseholdRange): { min: number; max: number } | null {
  const low = Math.max(1, Math.ceil(total / max));
  const high = min === 0 ? Infinity : Math.floor(total / min);
  return low <= high ? { min: low, max: Number.isFinite(high) ? high : low } : null;
}

/** Households outside the range: below the minimum or above the maximum. */
export function violation(h: number, range: HouseholdRange): number {
  return Math.max(0, range.min - h) + Math.max(0, h - range.max);
}

/** Half the range (at least 1 household and 5 % of the maximum): the unit of size drift in scores. */
export function halfRange(range: HouseholdRange): number {
  return Math.max(1, (range.max - range.min) / 2, range.max * 0.05);
}
