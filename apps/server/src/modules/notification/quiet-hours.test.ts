import { describe, expect, it } from 'vitest';
import { inQuietHours, outsideQuietHours, retryDelayMs } from './quiet-hours.ts';

describe('quiet hours (Beijing time)', () => {
  it.each([
    // [UTC instant, Beijing wall clock, quiet?]
    ['2026-11-20T13:59:00Z', '21:59', false],
    ['2026-11-20T14:00:00Z', '22:00', true],
    ['2026-11-20T18:30:00Z', '02:30', true],
    ['2026-11-20T22:59:00Z', '06:59', true],
    ['2026-11-20T23:00:00Z', '07:00', false],
    ['2026-11-20T02:00:00Z', '10:00', false],
  ])('%s (%s in Beijing) quiet: %s', (utc, _beijing, quiet) => {
    expect(inQuietHours(new Date(utc))).toBe(quiet);
  });

  it('moves a message due at night to 07:00 Beijing the next morning, a daytime one not at all', () => {
    expect(outsideQuietHours(new Date('2026-11-20T14:30:00Z')).toISOString()).toBe('2026-11-20T23:00:00.000Z'); // 22:30 → 07:00 next day
    expect(outsideQuietHours(new Date('2026-11-20T17:00:00Z')).toISOString()).toBe('2026-11-20T23:00:00.000Z'); // 01:00 → 07:00 same day
    expect(outsideQuietHours(new Date('2026-11-20T02:00:00Z')).toISOString()).toBe('2026-11-20T02:00:00.000Z');
  });

  it('backs off 1, 2, 4, 8 minutes and caps at six hours', () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([60_000, 120_000, 240_000, 480_000]);
    expect(retryDelayMs(30)).toBe(360 * 60_000);
  });
});
