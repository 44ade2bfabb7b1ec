import { describe, expect, it } from 'vitest';
import { shortName } from './kpi-bars';
import { beijingDate, formatRate, periodFromParams, presetPeriod } from './kpi-period';

describe('KPI periods', () => {
  it.each([
    ['2026-12-07T10:00:00Z', 'month', '2026-12-01', '2026-12-31'],
    ['2026-12-07T10:00:00Z', 'quarter', '2026-10-01', '2026-12-31'],
    ['2026-02-10T00:00:00Z', 'month', '2026-02-01', '2026-02-28'],
    ['2028-02-10T00:00:00Z', 'month', '2028-02-01', '2028-02-29'],
    ['2026-05-31T12:00:00Z', 'quarter', '2026-04-01', '2026-06-30'],
    // 17:00 UTC on 31 March is already 1 April in Beijing: the second quarter.
    ['2026-03-31T17:00:00Z', 'quarter', '2026-04-01', '2026-06-30'],
  ] as const)('at %s, %s is %s – %s', (now, preset, from, to) => {
    expect(presetPeriod(preset, new Date(now))).toEqual({ from, to });
  });

  it('reads the period from the address bar, naming a preset when it is one, else this quarter', () => {
    const now = new Date('2026-12-07T02:00:00Z');
    expect(periodFromParams(new URLSearchParams('from=2026-12-01&to=2026-12-31'), now).preset).toBe('month');
    expect(periodFromParams(new URLSearchParams('from=2026-11-03&to=2026-11-20'), now)).toEqual({ preset: 'custom', period: { from: '2026-11-03', to: '2026-11-20' } });
    expect(periodFromParams(new URLSearchParams('from=2026-11-30&to=2026-11-01'), now)).toEqual({ preset: 'quarter', period: { from: '2026-10-01', to: '2026-12-31' } });
    expect(periodFromParams(new URLSearchParams('from=yesterday'), now).preset).toBe('quarter');
  });

  it('shows shares with one decimal and no share without a denominator', () => {
    expect(formatRate(0.725)).toBe('72.5%');
    expect(formatRate(1)).toBe('100.0%');
    expect(formatRate(null)).toBe('—');
    expect(beijingDate(new Date('2026-12-07T16:30:00Z'))).toBe('2026-12-08');
  });
});

describe('chart labels', () => {
  it('drop the statutory suffix and keep four characters', () => {
    expect(shortName('站北社区居民委员会')).toBe('站北社区');
    expect(shortName('戚墅堰街道')).toBe('戚墅堰街…');
    expect(shortName('东村村民委员会')).toBe('东村');
  });
});
