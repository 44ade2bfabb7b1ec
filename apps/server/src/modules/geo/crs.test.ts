import { describe, expect, it } from 'vitest';
import type { Position } from 'geojson';
import { CRS_VALUES } from '@redgrid/contracts';
import {
  convertGeometry,
  convertPoint,
  detectSwappedLatLng,
  distanceMeters,
  fromWgs84,
  isGcj02Applied,
  isInChinaBounds,
  toWgs84,
  type ConvertibleGeometry,
  type Crs,
  type LngLat,
} from './crs.ts';

const CHANGZHOU_JINGKAI: LngLat = [120.05, 31.75];
const CHANGZHOU_CENTRE: LngLat = [119.974, 31.811];
const PARIS: LngLat = [2.3522, 48.8566];

describe('distanceMeters', () => {
  it.each([
    { a: [0, 0], b: [0, 1], expected: 111_195 },
    { a: [0, 0], b: [1, 0], expected: 111_195 },
    { a: [120, 60], b: [121, 60], expected: 55_597 },
    { a: CHANGZHOU_JINGKAI, b: CHANGZHOU_JINGKAI, expected: 0 },
  ] satisfies { a: LngLat; b: LngLat; expected: number }[])('$a → $b ≈ $expected m', ({ a, b, expected }) => {
    expect(distanceMeters(a, b)).toBeCloseTo(expected, -1);
  });
});

describe('round trips through a Chinese CRS come back to the same WGS84 point', () => {
  const cases: { name: string; point: LngLat; crs: Crs; toleranceM: number }[] = [
    { name: 'Changzhou Jingkai via GCJ-02', point: CHANGZHOU_JINGKAI, crs: 'gcj02', toleranceM: 0.5 },
    { name: 'Changzhou centre via GCJ-02', point: CHANGZHOU_CENTRE, crs: 'gcj02', toleranceM: 0.5 },
    { name: 'Changzhou Jingkai via BD-09', point: CHANGZHOU_JINGKAI, crs: 'bd09', toleranceM: 0.5 },
    { name: 'Urumqi via GCJ-02', point: [87.6168, 43.8256], crs: 'gcj02', toleranceM: 0.5 },
    { name: 'Sanya via BD-09', point: [109.512, 18.2528], crs: 'bd09', toleranceM: 0.5 },
  ];
  it.each(cases)('$name within $toleranceM m', ({ point, crs, toleranceM }) => {
    const shifted = fromWgs84(point[0], point[1], crs);
    const back = toWgs84(shifted[0], shifted[1], crs);
    expect(distanceMeters(point, back)).toBeLessThan(toleranceM);
  });

  it('GCJ-02 → BD-09 → GCJ-02 without passing through WGS84', () => {
    const gcj = fromWgs84(...CHANGZHOU_JINGKAI, 'gcj02');
    const bd = convertPoint(gcj[0], gcj[1], 'gcj02', 'bd09');
    expect(distanceMeters(gcj, convertPoint(bd[0], bd[1], 'bd09', 'gcj02'))).toBeLessThan(0.5);
  });
});

describe('offsets in Changzhou are large enough to matter', () => {
  it.each([
    { crs: 'gcj02', min: 400, max: 700 },
    // BD-09 adds Baidu's own ~0.006° shift on top of GCJ-02.
    { crs: 'bd09', min: 900, max: 1400 },
  ] satisfies { crs: Crs; min: number; max: number }[])('WGS84 ↔ $crs offset is $min–$max m', ({ crs, min, max }) => {
    const shifted = fromWgs84(...CHANGZHOU_JINGKAI, crs);
    const offset = distanceMeters(CHANGZHOU_JINGKAI, shifted);
    expect(offset).toBeGreaterThan(min);
    expect(offset).toBeLessThan(max);
  });

  it('GCJ-02 moves Changzhou east and slightly south', () => {
    const [lng, lat] = fromWgs84(...CHANGZHOU_JINGKAI, 'gcj02');
    expect(lng).toBeGreaterThan(CHANGZHOU_JINGKAI[0]);
    expect(lat).toBeLessThan(CHANGZHOU_JINGKAI[1]);
  });
});

describe('outside China GCJ-02 is WGS84', () => {
  it.each([
    { name: 'Paris', point: PARIS },
    { name: 'New York', point: [-74.006, 40.7128] },
    { name: 'Sydney', point: [151.2093, -33.8688] },
  ] satisfies { name: string; point: LngLat }[])('$name is unchanged both ways', ({ point }) => {
    expect(isGcj02Applied(...point)).toBe(false);
    expect(fromWgs84(...point, 'gcj02')).toEqual(point);
    expect(toWgs84(...point, 'gcj02')).toEqual(point);
  });

  it('Changzhou is shifted', () => {
    expect(isGcj02Applied(...CHANGZHOU_JINGKAI)).toBe(true);
    expect(fromWgs84(...CHANGZHOU_JINGKAI, 'gcj02')).not.toEqual(CHANGZHOU_JINGKAI);
  });

  it('identity conversions return the point unchanged', () => {
    for (const crs of CRS_VALUES) expect(convertPoint(...CHANGZHOU_JINGKAI, crs, crs)).toEqual(CHANGZHOU_JINGKAI);
  });

  it.each([
    { lng: Number.NaN, lat: 31 },
    { lng: 120, lat: Number.POSITIVE_INFINITY },
  ])('rejects non-finite input ($lng, $lat)', ({ lng, lat }) => {
    expect(() => toWgs84(lng, lat, 'gcj02')).toThrow(RangeError);
  });
});

describe('China bounds and swapped axes', () => {
  it.each([
    { lng: 120.05, lat: 31.75, inChina: true, swapped: false },
    { lng: 31.75, lat: 120.05, inChina: false, swapped: true },
    { lng: 116.4, lat: 39.9, inChina: true, swapped: false },
    { lng: 39.9, lat: 116.4, inChina: false, swapped: true },
    { lng: 2.35, lat: 48.86, inChina: false, swapped: false },
    { lng: 0, lat: 0, inChina: false, swapped: false },
    // Both orders inside the box cannot be told apart, so they are not flagged.
    { lng: 50, lat: 50, inChina: false, swapped: false },
  ])('($lng, $lat): inChina=$inChina swapped=$swapped', ({ lng, lat, inChina, swapped }) => {
    expect(isInChinaBounds(lng, lat)).toBe(inChina);
    expect(detectSwappedLatLng(lng, lat)).toBe(swapped);
  });
});

describe('convertGeometry', () => {
  const a: Position = [120.05, 31.75];
  const b: Position = [120.06, 31.75];
  const c: Position = [120.06, 31.76];
  const ring: Position[] = [a, b, c, a];
  const geometries: ConvertibleGeometry[] = [
    { type: 'Point', coordinates: a },
    { type: 'MultiPoint', coordinates: [a, b] },
    { type: 'LineString', coordinates: [a, b, c] },
    { type: 'MultiLineString', coordinates: [[a, b], [b, c]] },
    { type: 'Polygon', coordinates: [ring] },
    { type: 'MultiPolygon', coordinates: [[ring], [ring]] },
  ];

  it.each(geometries.map((geometry) => ({ type: geometry.type, geometry })))(
    '$type converts every position and leaves the input untouched',
    ({ geometry }) => {
      const before = structuredClone(geometry);
      const gcj = convertGeometry(geometry, 'wgs84', 'gcj02');
      expect(geometry).toEqual(before);
      expect(gcj.type).toBe(geometry.type);

      const original = flatPositions(geometry);
      const shifted = flatPositions(gcj);
      expect(shifted).toHaveLength(original.length);
      shifted.forEach((position, i) => {
        const source = original[i];
        if (!source || source[0] === undefined || source[1] === undefined) throw new Error('bad fixture');
        expect(position).toEqual(fromWgs84(source[0], source[1], 'gcj02'));
      });

      const back = flatPositions(convertGeometry(gcj, 'gcj02', 'wgs84'));
      back.forEach((position, i) => {
        expect(distanceMeters(toPair(position), toPair(original[i]))).toBeLessThan(0.5);
      });
    },
  );

  it('keeps altitudes', () => {
    const converted = convertGeometry({ type: 'Point', coordinates: [120.05, 31.75, 12.5] }, 'wgs84', 'bd09');
    expect(converted.coordinates[2]).toBe(12.5);
  });
});

function flatPositions(geometry: ConvertibleGeometry): Position[] {
  switch (geometry.type) {
    case 'Point':
      return [geometry.coordinates];
    case 'MultiPoint':
    case 'LineString':
      return geometry.coordinates;
    case 'MultiLineString':
    case 'Polygon':
      return geometry.coordinates.flat();
    case 'MultiPolygon':
      return geometry.coordinates.flat(2);
  }
}

function toPair(position: Position | undefined): LngLat {
  const [lng, lat] = position ?? [];
  if (lng === undefined || lat === undefined) throw new Error('position without coordinates');
  return [lng, lat];
}
