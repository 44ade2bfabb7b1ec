// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { formatLngLat, parseCoordinates } from './coordinates';

describe('parseCoordinates', () => {
  it.each([
    ['120.05,31.77', 120.05, 31.77, false],
    ['120.05, 31.77', 120.05, 31.77, false],
    ['120.05 31.77', 120.05, 31.77, false],
    ['１２０．０５，３１．７７', 120.05, 31.77, false],
    ['  120.053421\t31.771002 ', 120.053421, 31.771002, false],
    ['31.77 120.05', 120.05, 31.77, true],
    ['31.77,120.05', 120.05, 31.77, true],
    ['N31.77 E120.05', 120.05, 31.77, false],
    ['31.77N, 120.05E', 120.05, 31.77, false],
    ['120.05°E 31.77°N', 120.05, 31.77, false],
    ['纬度：31.77 经度：120.05', 120.05, 31.77, false],
    ['lat=31.77&lng=120.05', 120.05, 31.77, false],
    ['https://uri.amap.com/marker?position=120.05,31.77', 120.05, 31.77, false],
    ['E120.05, 31.77', 120.05, 31.77, false],
    ['-74.006, 40.7128', -74.006, 40.7128, false],
    ['40.7128 W74.006', -74.006, 40.7128, false],
  ])('%s → (%d, %d) swapped=%s', (text, lng, lat, swapped) => {
    expect(parseCoordinates(text)).toEqual({ ok: true, point: { lng, lat, swapped } });
  });

  it('names why it cannot read the text', () => {
    expect(parseCoordinates('   ')).toEqual({ ok: false, reason: 'empty' });
    expect(parseCoordinates('120.05')).toEqual({ ok: false, reason: 'count' });
    expect(parseCoordinates('120.05, 31.77, 12')).toEqual({ ok: false, reason: 'count' });
    expect(parseCoordinates('站北社区')).toEqual({ ok: false, reason: 'count' });
    expect(parseCoordinates('200, 95')).toEqual({ ok: false, reason: 'range' });
  });

  it('swaps a latitude-first pair only when it cannot be read the other way round', () => {
    // Both readings are plausible far from China: keep the stated order.
    expect(parseCoordinates('10, 20')).toEqual({ ok: true, point: { lng: 10, lat: 20, swapped: false } });
    // 120 cannot be a latitude.
    expect(parseCoordinates('10, 120')).toEqual({ ok: true, point: { lng: 120, lat: 10, swapped: true } });
  });
});

describe('formatLngLat', () => {
  it('writes six decimals, longitude first', () => {
    expect(formatLngLat(120.05, 31.7712346)).toBe('120.050000, 31.771235');
  });
});
