import { boundaryImportRequestSchema, type BoundaryImportInput } from '@redgrid/contracts';
import { describe, expect, it } from 'vitest';
import { distanceMeters } from '../../geo/index.ts';
import { IssueList } from '../../../platform/import-report.ts';
import { checkBoundaryFeatures, describeValidity, placementIssue, positionsOf, suspectCrs } from './boundary-features.ts';

const SQUARE = [[[120.05, 31.75], [120.06, 31.75], [120.06, 31.76], [120.05, 31.76], [120.05, 31.75]]];

function check(features: unknown[], overrides: Partial<BoundaryImportInput> = {}) {
  const request = boundaryImportRequestSchema.parse({
    crs: 'wgs84',
    mapping: { code: 'code', name: 'name' },
    featureCollection: { type: 'FeatureCollection', features },
    ...overrides,
  });
  const errors = new IssueList();
  const candidates = checkBoundaryFeatures(request, errors);
  return { candidates, errors: errors.list().map((e) => [e.feature, e.code]) };
}

const feature = (geometry: unknown, properties: Record<string, unknown> | null = { code: '320412001001' }) => ({ type: 'Feature', properties, geometry });

describe('boundary features', () => {
  it('accepts a polygon and a multipolygon, a code given as a number, and reads the mapped name', () => {
    const { candidates, errors } = check([
      feature({ type: 'Polygon', coordinates: SQUARE }, { code: '320412001001', name: '站北社区' }),
      feature({ type: 'MultiPolygon', coordinates: [SQUARE] }, { code: 320412001002 }),
    ]);
    expect(errors).toEqual([]);
    expect(candidates.map((c) => [c.feature, c.code, c.name, c.geometry.type])).toEqual([
      [0, '320412001001', '站北社区', 'Polygon'],
      [1, '320412001002', null, 'MultiPolygon'],
    ]);
  });

  it.each([
    ['no code property', feature({ type: 'Polygon', coordinates: SQUARE }, { name: 'x' }), 'bad_code'],
    ['null properties', feature({ type: 'Polygon', coordinates: SQUARE }, null), 'bad_code'],
    ['a code with spaces inside', feature({ type: 'Polygon', coordinates: SQUARE }, { code: '3204 12' }), 'bad_code'],
    ['no geometry', feature(null), 'invalid_geometry'],
    ['a point', feature({ type: 'Point', coordinates: [120.05, 31.75] }), 'unsupported_geometry'],
    ['positions that are not numbers', feature({ type: 'Polygon', coordinates: [[['120', '31']]] }), 'invalid_geometry'],
    ['an unclosed ring', feature({ type: 'Polygon', coordinates: [SQUARE[0]?.slice(0, 4)] }), 'unclosed_ring'],
    ['a ring of three points', feature({ type: 'Polygon', coordinates: [[[120.05, 31.75], [120.06, 31.75], [120.05, 31.75]]] }), 'invalid_geometry'],
    ['latitude first', feature({ type: 'Polygon', coordinates: [SQUARE[0]?.map(([x, y]) => [y, x])] }), 'swapped_lat_lng'],
    ['a place outside China', feature({ type: 'Polygon', coordinates: [[[2.35, 48.85], [2.36, 48.85], [2.36, 48.86], [2.35, 48.85]]] }), 'outside_china'],
  ])('names %s', (_what, f, code) => {
    const { candidates, errors } = check([f]);
    expect(candidates).toEqual([]);
    expect(errors).toEqual([[0, code]]);
  });

  it('names a second feature for the same area', () => {
    const f = feature({ type: 'Polygon', coordinates: SQUARE });
    expect(check([f, f]).errors).toEqual([[1, 'duplicate_code']]);
  });

  it('says which way round the coordinates are', () => {
    const request = boundaryImportRequestSchema.parse({
      crs: 'wgs84',
      mapping: { code: 'code' },
      featureCollection: { type: 'FeatureCollection', features: [feature({ type: 'Polygon', coordinates: [SQUARE[0]?.map(([x, y]) => [y, x])] })] },
    });
    const errors = new IssueList();
    checkBoundaryFeatures(request, errors);
    expect(errors.list()[0]?.message).toContain('[纬度, 经度]');
  });

  it('converts GCJ-02 to WGS84 (about 500 m in Changzhou) and keeps rings closed', () => {
    const { candidates } = check([feature({ type: 'Polygon', coordinates: SQUARE })], { crs: 'gcj02' });
    const geometry = candidates[0]?.geometry;
    if (geometry?.type !== 'Polygon') throw new Error('expected a polygon');
    const ring = geometry.coordinates[0] ?? [];
    const [x0 = 0, y0 = 0] = ring[0] ?? [];
    const [x1 = 1, y1 = 1] = ring.at(-1) ?? [];
    expect([x0, y0]).toEqual([x1, y1]);
    const shift = distanceMeters([120.05, 31.75], [x0, y0]);
    expect(shift).toBeGreaterThan(400);
    expect(shift).toBeLessThan(700);
  });
});

describe('the one placement check for every geometry that enters', () => {
  it.each([
    { what: 'longitude 500', positions: [[500, 31.7]], code: 'outside_china', says: '投影坐标' },
    { what: 'EPSG:3857 metres', positions: [[13_363_000, 3_729_000]], code: 'outside_china', says: 'EPSG:3857' },
    { what: 'the edge of the GCJ-02 box', positions: [[72.005, 38]], code: 'outside_china', says: '不在中国境内' },
    { what: 'latitude first', positions: [[31.75, 120.05]], code: 'swapped_lat_lng', says: '[纬度, 经度]' },
  ])('$what → $code', ({ positions, code, says }) => {
    const issue = placementIssue(positions);
    expect(issue?.code).toBe(code);
    expect(issue?.message).toContain(says);
  });

  it('passes Changzhou and walks every nesting of coordinates', () => {
    expect(placementIssue([[120.05, 31.75]])).toBeNull();
    expect([...positionsOf({ type: 'MultiPolygon', coordinates: [SQUARE, SQUARE] })]).toHaveLength(10);
    expect([...positionsOf({ type: 'LineString', coordinates: [[1, 2], [3, 4]] })]).toEqual([[1, 2], [3, 4]]);
    expect([...positionsOf(null)]).toEqual([]);
  });
});

describe('PostGIS validity reasons in our words, never echoed', () => {
  it.each([
    ['Self-intersection[120.1 31.7]', '自相交（位置 120.1 31.7）'],
    ['Too few points in geometry component[120 31]', '点数太少（位置 120 31）'],
    ['Hole lies outside shell[121.03 31.77]', '内环在外环之外（位置 121.03 31.77）'],
    ['Something PostGIS says one day[1 2]', '几何无效'],
    [null, '几何无效'],
  ])('%s → %s', (reason, expected) => {
    expect(describeValidity(reason)).toBe(expected);
  });
});

describe('a declared crs that looks wrong is named', () => {
  const fit = (crs: string, offsetM: number | null, buildings = 0, inside = 0) => ({ crs, offsetM, buildings, inside });
  it.each([
    { what: 'GCJ-02 declared as WGS84, against the current boundary', fits: [fit('wgs84', 540), fit('gcj02', 3), fit('bd09', 1_100)], crs: 'gcj02' },
    { what: 'BD-09 declared as GCJ-02', fits: [fit('gcj02', 900), fit('wgs84', 1_400), fit('bd09', 20)], declared: 'gcj02', crs: 'bd09' },
    { what: 'a real redraw 300 m away that no reading undoes', fits: [fit('wgs84', 300), fit('gcj02', 250), fit('bd09', 800)], crs: null },
    { what: 'a small adjustment', fits: [fit('wgs84', 40), fit('gcj02', 520), fit('bd09', 1_000)], crs: null },
    { what: 'GCJ-02 declared as WGS84, against the buildings', fits: [fit('wgs84', null, 40, 6), fit('gcj02', null, 40, 40), fit('bd09', null, 40, 0)], crs: 'gcj02' },
    { what: 'too few buildings to tell', fits: [fit('wgs84', null, 2, 0), fit('gcj02', null, 2, 2), fit('bd09', null, 2, 0)], crs: null },
  ])('$what → $crs', ({ fits, crs, declared }) => {
    const suspect = suspectCrs((declared ?? 'wgs84') as 'wgs84' | 'gcj02', fits);
    expect(suspect?.crs ?? null).toBe(crs);
    if (crs) expect(suspect?.message).toContain(crs);
  });
});
