import { describe, expect, it } from 'vitest';
import type { Position } from 'geojson';
import { CRS_VALUES } from '@redgrid/contracts';
import {
  convertGeometry,
  convertPoint,
  detectSwappedLatLng,
  distanceMeters,
  fromWgs84,
  gcj02ToWgs84,
  isGcj02Applied,
  isInChinaBounds,
  isValidLngLat,
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

describe('every conversion is bounded, including at the edge of the GCJ-02 box', () => {
  // gcoord's own inverse loops until its residual is under 1e-6° with no cap; along these edges its
  // box test switches the offset on and off between steps and it never returned (issue 7, fault 1:
  // GET /api/areas/locate?lng=72.005&lat=38&crs=gcj02 froze the server). These calls must return.
  const edges: LngLat[] = [];
  for (let lng = 72.0035; lng <= 72.0095; lng += 0.0005) for (const lat of [0.8293, 0.83, 20, 38, 55.8271]) edges.push([lng, lat]);
  for (let lat = 0.8285; lat <= 0.8315; lat += 0.0005) for (const lng of [72.005, 100, 137.8347]) edges.push([lng, lat]);
  edges.push([137.8347, 55.8271], [137.84, 55.83], [72.004, 0.8293]);

  it.each(edges.map(([lng, lat]) => ({ lng, lat })))('($lng, $lat) from GCJ-02 and BD-09 comes back within a kilometre', ({ lng, lat }) => {
    for (const crs of ['gcj02', 'bd09'] as const) {
      const wgs = toWgs84(lng, lat, crs);
      expect(isValidLngLat(...wgs)).toBe(true);
      expect(distanceMeters([lng, lat], wgs)).toBeLessThan(1_500);
    }
  });

  it('the inverse is exact to a micrometre inside China (lattice of 2,000+ points)', () => {
    let worst = 0;
    for (let lng = 73.5; lng < 135; lng += 1.3) {
      for (let lat = 18.2; lat < 53.5; lat += 0.9) {
        const gcj = fromWgs84(lng, lat, 'gcj02');
        worst = Math.max(worst, distanceMeters([lng, lat], gcj02ToWgs84(gcj[0], gcj[1])));
      }
    }
    expect(worst).toBeLessThan(1e-3);
  });

  it('the inverse matches the forward right at the edge where gcoord never returned', () => {
    const wgs = gcj02ToWgs84(72.005, 38);
    // The true position is west of the box, where the encoder applies no offset at all; the answer is
    // the continuous extension of the offset, a few hundred metres off, never a hang.
    expect(distanceMeters([72.005, 38], wgs)).toBeLessThan(700);
  });

  it.each([
    { lng: 500, lat: 31 },
    { lng: -180.0001, lat: 31 },
    { lng: 120, lat: 90.5 },
    { lng: 13_363_000, lat: 3_729_000 },
  ])('refuses ($lng, $lat) before converting: not a longitude/latitude', ({ lng, lat }) => {
    for (const crs of CRS_VALUES) expect(() => toWgs84(lng, lat, crs)).toThrow(RangeError);
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
