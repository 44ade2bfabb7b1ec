import { describe, expect, it } from 'vitest';
import { areaGeometrySchema, balanceQuerySchema, coverageQuerySchema, locateBatchSchema, locateQuerySchema } from './geo.ts';

describe('query coordinates are plain decimals (issue 7, fault 9)', () => {
  it.each(['120.05', '-3', '120', '.5', '0.0', '+120.5'])('%s is read', (lng) => {
    expect(locateQuerySchema.safeParse({ lng, lat: '31.7' }).success).toBe(true);
  });

  it.each(['', ' ', '0x78', '1e2', 'Infinity', 'NaN', ' 120', '120 ', '120,5', '١٢٠', '--1'])('%j is refused, not read as a number', (lng) => {
    const parsed = locateQuerySchema.safeParse({ lng, lat: '31.7' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['lng']);
  });

  it('reads the value it was given and range-checks it', () => {
    expect(locateQuerySchema.parse({ lng: '120.05', lat: '31.7' })).toMatchObject({ lng: 120.05, lat: 31.7, crs: 'wgs84' });
    expect(locateQuerySchema.safeParse({ lng: '180.5', lat: '31.7' }).success).toBe(false);
    expect(locateQuerySchema.safeParse({ lng: '120', lat: '91' }).success).toBe(false);
  });

  it('coverage and balance thresholds are read as strictly', () => {
    expect(coverageQuerySchema.parse({ minAreaM2: '0.5' })).toEqual({ minAreaM2: 0.5 });
    expect(coverageQuerySchema.parse({})).toEqual({});
    expect(coverageQuerySchema.safeParse({ minAreaM2: '' }).success).toBe(false);
    expect(balanceQuerySchema.safeParse({ min: '0x10' }).success).toBe(false);
    expect(balanceQuerySchema.parse({ min: '300', max: '500' })).toEqual({ min: 300, max: 500 });
  });
});

describe('geometry positions are longitude and latitude (issue 7, fault 7)', () => {
  const ring = (lng: number, lat: number) => [[lng, lat], [lng + 0.01, lat], [lng + 0.01, lat + 0.01], [lng, lat]];
  it.each([
    { what: 'longitude 500', coordinates: [ring(500, 31)] },
    { what: 'EPSG:3857 metres', coordinates: [ring(13_363_000, 3_729_000)] },
    { what: 'latitude 95', coordinates: [ring(120, 95)] },
    { what: 'an unclosed ring', coordinates: [ring(120, 31).slice(0, 3).concat([[120.02, 31.02]])] },
  ])('$what is refused', ({ coordinates }) => {
    expect(areaGeometrySchema.safeParse({ type: 'Polygon', coordinates }).success).toBe(false);
  });

  it('a closed ring in range passes, and batch points are range-checked', () => {
    expect(areaGeometrySchema.safeParse({ type: 'Polygon', coordinates: [ring(120, 31)] }).success).toBe(true);
    expect(locateBatchSchema.safeParse({ points: [[120, 31]] }).success).toBe(true);
    expect(locateBatchSchema.safeParse({ points: [[120, 31], [500, 31]] }).success).toBe(false);
  });
});
