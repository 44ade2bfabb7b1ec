import type { TFunction } from 'i18next';

export interface HouseholdRange {
  min: number;
  max: number;
}

/** Where a household count falls against a range, as the balance report judges it. */
export function rangeStatus(households: number, range: HouseholdRange): 'under' | 'in' | 'over' {
  return households < range.min ? 'under' : households > range.max ? 'over' : 'in';
}

/** A typed range whose upper bound is below its lower one (either may be left empty). */
export function rangeInvalid(min: number | null, max: number | null): boolean {
  return min !== null && max !== null && max < min;
}

/** The warning a grid's total would raise after a change, or null when it stays in range. */
export function householdsWarning(t: TFunction, name: string, households: number | null, range: HouseholdRange): string | null {
  if (households === null) return null;
  const status = rangeStatus(households, range);
  if (status === 'in') return null;
  return t(status === 'under' ? 'areas.upkeep.under' : 'areas.upkeep.over', { name, households, min: range.min, max: range.max });
}

/** The grid's households after a building with `added` households joins it (or `before` becomes `after`). */
export function gridTotalAfter(gridHouseholds: number | null, before: number, after: number): number {
  return (gridHouseholds ?? 0) - before + after;
}
