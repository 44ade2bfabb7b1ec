import { describe, expect, it } from 'vitest';
import { gridTotalAfter, rangeInvalid, rangeStatus } from './area-upkeep';

describe('household range checks', () => {
  it.each([
    [299, 'under'],
    [300, 'in'],
    [500, 'in'],
    [501, 'over'],
  ] as const)('%i households against 300–500 is %s', (households, status) => {
    expect(rangeStatus(households, { min: 300, max: 500 })).toBe(status);
  });

  it('finds a range whose upper bound is below the lower, empty bounds allowed', () => {
    expect(rangeInvalid(400, 300)).toBe(true);
    expect(rangeInvalid(300, 300)).toBe(false);
    expect(rangeInvalid(null, 100)).toBe(false);
    expect(rangeInvalid(100, null)).toBe(false);
  });

  it('counts a grid after a building joins it or changes its households', () => {
    expect(gridTotalAfter(480, 0, 36)).toBe(516);
    expect(gridTotalAfter(480, 40, 20)).toBe(460);
    expect(gridTotalAfter(null, 0, 12)).toBe(12);
  });
});
