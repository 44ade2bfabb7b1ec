import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { area, bbox, booleanClockwise, booleanValid, difference, featureCollection, intersect, multiPolygon, union } from '@turf/turf';
import type { MultiPolygon } from 'geojson';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_GRID_COUNT,
  GRID_HOUSEHOLD_RANGE,
  JINGKAI_DISTRICT_CODE,
  JINGKAI_TOWNSHIP_CODES,
  buildDemoGeography,
  selectJingkaiAreas,
  shortAreaName,
  type DemoAreaInput,
  type DemoGeography,
  type DivisionCsvRow,
} from './demo-geometry.ts';

// The shared data folder sits beside the repository.
const DIVISIONS_CSV = new URL('../../../../../../shared/data/divisions/changzhou_3204_5level_2021.csv', import.meta.url);

function readDivisions(): DivisionCsvRow[] {
  const path = fileURLToPath(DIVISIONS_CSV);
  if (!existsSync(path)) throw new Error(`division list not found at ${path}; tests expect ../shared beside the repo`);
  const [header, ...lines] = readFileSync(path, 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  expect(header).toBe('code,name,level,parent_code');
  return lines.map((line) => {
    const [code = '', name = '', level = '', parentCode = ''] = line.split(',');
    return { code, name, level, parent_code: parentCode === '' ? null : parentCode };
  });
}

const TOWNS = ['320412104000', '320412105000', '320412106000'];
const STREETS = ['320412001000', '320412002000', '320412003000'];

let areas: DemoAreaInput[];
let demo: DemoGeography;

// How long this takes is measured in bench/grid-proposal.bench.ts (its first row), not asserted here.
beforeAll(() => {
  areas = selectJingkaiAreas(readDivisions());
  demo = buildDemoGeography(areas);
});

const communities = (): DemoAreaInput[] => areas.filter((area) => area.level === 'community');

function boundary(code: string): MultiPolygon {
  const geometry = demo.boundaries.get(code);
  if (!geometry) throw new Error(`no boundary for ${code}`);
  return geometry;
}

/** Parent code → child geometries, for every level including community → grids. */
function childrenByParent(): Map<string, { code: string; geometry: MultiPolygon }[]> {
  const map = new Map<string, { code: string; geometry: MultiPolygon }[]>();
  const add = (parent: string, code: string, geometry: MultiPolygon): void => {
    map.set(parent, [...(map.get(parent) ?? []), { code, geometry }]);
  };
  for (const area of areas) if (area.parentCode) add(area.parentCode, area.code, boundary(area.code));
  for (const grid of demo.grids) add(grid.communityCode, grid.code, grid.geometry);
  return map;
}

function bboxesTouch(a: MultiPolygon, b: MultiPolygon): boolean {
  const [aMinX = 0, aMinY = 0, aMaxX = 0, aMaxY = 0] = bbox(a);
  const [bMinX = 0, bMinY = 0, bMaxX = 0, bMaxY = 0] = bbox(b);
  return aMinX <= bMaxX && bMinX <= aMaxX && aMinY <= bMaxY && bMinY <= aMaxY;
}

function overlapArea(a: MultiPolygon, b: MultiPolygon): number {
  const shared = intersect(featureCollection([multiPolygon(a.coordinates), multiPolygon(b.coordinates)]));
  return shared ? area(shared) : 0;
}

function unionOf(geometries: MultiPolygon[]): MultiPolygon {
  const [first] = geometries;
  if (!first) throw new Error('nothing to union');
  if (geometries.length === 1) return first;
  const merged = union(featureCollection(geometries.map((geometry) => multiPolygon(geometry.coordinates))));
  if (!merged) throw new Error('empty union');
  return merged.geometry.type === 'Polygon'
    ? { type: 'MultiPolygon', coordinates: [merged.geometry.coordinates] }
    : merged.geometry;
}

function differenceArea(a: MultiPolygon, b: MultiPolygon): number {
  const rest = difference(featureCollection([multiPolygon(a.coordinates), multiPolygon(b.coordinates)]));
  return rest ? area(rest) : 0;
}

function allGeometries(): { code: string; geometry: MultiPolygon }[] {
  return [
    ...[...demo.boundaries].map(([code, geometry]) => ({ code, geometry })),
    ...demo.grids.map((grid) => ({ code: grid.code, geometry: grid.geometry })),
  ];
}

describe('selectJingkaiAreas', () => {
  it('picks the district, its 6 townships and their 82 communities/villages', () => {
    const district = areas.filter((area) => area.level === 'district');
    expect(district).toEqual([{ code: JINGKAI_DISTRICT_CODE, name: '常州经开区', level: 'district', parentCode: null }]);
    expect(areas.filter((area) => area.level === 'street').map((area) => area.code)).toEqual([...JINGKAI_TOWNSHIP_CODES]);
    expect(communities()).toHaveLength(82);
    for (const community of communities()) expect(JINGKAI_TOWNSHIP_CODES).toContain(community.parentCode);
  });

  it.each([
    { raw: '戚大街社区居民委员会', short: '戚大街社区' },
    { raw: '梅港社区居委会', short: '梅港社区' },
    { raw: '卢家巷社区居委会（含卢家巷村村委）', short: '卢家巷社区' },
    { raw: '漕溪村村委会', short: '漕溪村' },
    { raw: '岑村村委会', short: '岑村' },
    { raw: '戚墅堰街道', short: '戚墅堰街道' },
    { raw: '戚大街社区', short: '戚大街社区' },
  ])('shortens $raw to $short', ({ raw, short }) => {
    expect(shortAreaName(raw)).toBe(short);
  });
});

describe('buildDemoGeography', () => {
  it('is deterministic for a seed, and the seed matters', () => {
    const again = buildDemoGeography(areas);
    const serialise = (geography: DemoGeography): string =>
      JSON.stringify({ ...geography, boundaries: [...geography.boundaries] });
    expect(serialise(again)).toBe(serialise(demo));
    expect(serialise(buildDemoGeography(areas, { seed: 7 }))).not.toBe(serialise(demo));
  });

  describe('counts and codes', () => {
    it(`plans exactly ${DEMO_GRID_COUNT} grids with unique 15-digit codes under their community`, () => {
      expect(demo.grids).toHaveLength(DEMO_GRID_COUNT);
      const codes = demo.grids.map((grid) => grid.code);
      expect(new Set(codes).size).toBe(codes.length);
      expect(codes).toEqual([...codes].sort());
      for (const grid of demo.grids) {
        expect(grid.code).toMatch(/^\d{15}$/);
        expect(grid.code.startsWith(grid.communityCode)).toBe(true);
      }
    });

    it('gives every community at least one grid, numbered 001… without holes, named after the community', () => {
      for (const community of communities()) {
        const own = demo.grids.filter((grid) => grid.communityCode === community.code);
        expect(own.length, community.code).toBeGreaterThanOrEqual(1);
        own.forEach((grid, i) => {
          expect(grid.code.slice(12)).toBe(String(i + 1).padStart(3, '0'));
          expect(grid.name).toBe(`${community.name}第${i + 1}网格`);
        });
      }
      expect(demo.grids.find((grid) => grid.code === '320412001002001')?.name).toBe('戚大街社区第1网格');
    });

    it('numbers grids north to south in rows a typical grid tall, west to east within a row', () => {
      for (const community of communities()) {
        const own = demo.grids.filter((grid) => grid.communityCode === community.code);
        const centres = own.map((grid) => planarCentroidAndArea(grid.geometry));
        const rowHeight = Math.sqrt(sumOf(centres.map((c) => c.area)) / own.length);
        const top = Math.max(...centres.map((c) => c.y));
        const keys = centres.map((c) => ({ row: Math.floor((top - c.y) / rowHeight + 1e-9), x: c.x }));
        for (let i = 1; i < keys.length; i++) {
          const previous = keys[i - 1];
          const current = keys[i];
          if (!previous || !current) continue;
          const inOrder = current.row > previous.row || (current.row === previous.row && current.x > previous.x);
          expect(inOrder, own[i]?.code).toBe(true);
        }
      }
    });

    it('has a boundary for the district, every township and every community', () => {
      expect([...demo.boundaries.keys()]).toEqual(areas.map((area) => area.code));
    });
  });

  describe('households', () => {
    it('plants 3–5 outliers outside the moderate range and keeps every other grid inside it', () => {
      expect(demo.plantedOutliers.length).toBeGreaterThanOrEqual(3);
      expect(demo.plantedOutliers.length).toBeLessThanOrEqual(5);
      const planted = new Set(demo.plantedOutliers);
      const byCode = new Map(demo.grids.map((grid) => [grid.code, grid]));
      for (const code of planted) {
        const grid = byCode.get(code);
        expect(grid, code).toBeDefined();
        const households = grid?.households ?? 0;
        expect(households < GRID_HOUSEHOLD_RANGE.min || households > GRID_HOUSEHOLD_RANGE.max).toBe(true);
      }
      expect(demo.grids.some((grid) => planted.has(grid.code) && grid.households < GRID_HOUSEHOLD_RANGE.min)).toBe(true);
      expect(demo.grids.some((grid) => planted.has(grid.code) && grid.households > GRID_HOUSEHOLD_RANGE.max)).toBe(true);
      for (const grid of demo.grids.filter((g) => !planted.has(g.code))) {
        expect(grid.households).toBeGreaterThanOrEqual(GRID_HOUSEHOLD_RANGE.min);
        expect(grid.households).toBeLessThanOrEqual(GRID_HOUSEHOLD_RANGE.max);
      }
    });

    it('totals roughly 400 households per grid', () => {
      const total = sumOf(demo.grids.map((grid) => grid.households));
      expect(total).toBeGreaterThan(DEMO_GRID_COUNT * 380);
      expect(total).toBeLessThan(DEMO_GRID_COUNT * 420);
    });
  });

  describe('seamless coverage, no overlaps', () => {
    it('children add up to their parent within 0.1 % at every level', () => {
      for (const [parent, children] of childrenByParent()) {
        const parentArea = area(boundary(parent));
        const childArea = sumOf(children.map((child) => area(child.geometry)));
        expect(Math.abs(childArea - parentArea) / parentArea, parent).toBeLessThan(0.001);
      }
    });

    it('siblings overlap by less than 1 m² at every level', () => {
      for (const [parent, children] of childrenByParent()) {
        children.forEach((a, i) => {
          for (const b of children.slice(i + 1)) {
            if (!bboxesTouch(a.geometry, b.geometry)) continue;
            expect(overlapArea(a.geometry, b.geometry), `${parent}: ${a.code} × ${b.code}`).toBeLessThan(1);
          }
        });
      }
    });

    it('grids of neighbouring communities do not overlap either', () => {
      demo.grids.forEach((a, i) => {
        for (const b of demo.grids.slice(i + 1)) {
          if (a.communityCode === b.communityCode || !bboxesTouch(a.geometry, b.geometry)) continue;
          expect(overlapArea(a.geometry, b.geometry), `${a.code} × ${b.code}`).toBeLessThan(1);
        }
      });
    });

    it('children leave no gap in their parent and stick out nowhere (after rounding to 7 decimals)', () => {
      for (const [parent, children] of childrenByParent()) {
        const merged = unionOf(children.map((child) => child.geometry));
        expect(differenceArea(boundary(parent), merged), `gap in ${parent}`).toBeLessThan(1);
        expect(differenceArea(merged, boundary(parent)), `outside ${parent}`).toBeLessThan(1);
      }
      const allGrids = unionOf(demo.grids.map((grid) => grid.geometry));
      expect(differenceArea(boundary(JINGKAI_DISTRICT_CODE), allGrids)).toBeLessThan(1);
    });

    it('draws every township and community in one piece, without enclaves or holes', () => {
      for (const area of areas) {
        expect(boundary(area.code).coordinates.map((polygon) => polygon.length), area.code).toEqual([1]);
      }
    });

    it('makes each town larger than each urban street', () => {
      const smallestTown = Math.min(...TOWNS.map((code) => area(boundary(code))));
      const largestStreet = Math.max(...STREETS.map((code) => area(boundary(code))));
      expect(smallestTown).toBeGreaterThan(largestStreet);
    });
  });

  describe('geometry', () => {
    it('every polygon is valid, closed and wound per RFC 7946', () => {
      for (const { code, geometry } of allGeometries()) {
        expect(booleanValid(geometry), code).toBe(true);
        for (const [exterior, ...holes] of geometry.coordinates) {
          for (const ring of [exterior ?? [], ...holes]) {
            expect(ring.length, code).toBeGreaterThanOrEqual(4);
            expect(ring[ring.length - 1], code).toEqual(ring[0]);
          }
          expect(booleanClockwise(exterior ?? []), `${code} exterior`).toBe(false);
          for (const hole of holes) expect(booleanClockwise(hole), `${code} hole`).toBe(true);
        }
      }
    });

    it('stays inside the Jingkai box and keeps 7 decimals', () => {
      for (const { code, geometry } of allGeometries()) {
        for (const [lng = NaN, lat = NaN] of geometry.coordinates.flat(2)) {
          expect(lng, code).toBeGreaterThan(119.9);
          expect(lng, code).toBeLessThan(120.3);
          expect(lat, code).toBeGreaterThan(31.6);
          expect(lat, code).toBeLessThan(31.95);
          expect(Math.round(lng * 1e7) / 1e7).toBe(lng);
          expect(Math.round(lat * 1e7) / 1e7).toBe(lat);
        }
      }
    });
  });

  describe('other inputs', () => {
    it('honours a different grid count and still covers the district', () => {
      const small = buildDemoGeography(areas, { gridCount: 120, seed: 3 });
      expect(small.grids).toHaveLength(120);
      const districtArea = area(small.boundaries.get(JINGKAI_DISTRICT_CODE) ?? boundary(JINGKAI_DISTRICT_CODE));
      expect(Math.abs(sumOf(small.grids.map((grid) => area(grid.geometry))) - districtArea) / districtArea).toBeLessThan(0.001);
    });

    it.each([
      { name: 'too few grids for the communities', input: () => areas, gridCount: 50, message: /below the 82 communities/ },
      {
        name: 'a community without a known street',
        input: () => [...areas, { code: '320412999001', name: '外来社区', level: 'community' as const, parentCode: '320412999000' }],
        gridCount: DEMO_GRID_COUNT,
        message: /no street parent/,
      },
      { name: 'duplicate codes', input: () => [...areas, ...areas.slice(-1)], gridCount: DEMO_GRID_COUNT, message: /unique/ },
      { name: 'no district', input: () => areas.filter((area) => area.level !== 'district'), gridCount: DEMO_GRID_COUNT, message: /one district/ },
    ])('rejects $name', ({ input, gridCount, message }) => {
      expect(() => buildDemoGeography(input(), { gridCount })).toThrow(message);
    });
  });
});

function sumOf(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** Area-weighted centroid and area, with longitude scaled to latitude-equivalent length as the generator does. */
function planarCentroidAndArea(geometry: MultiPolygon): { x: number; y: number; area: number } {
  const kx = Math.cos((31.77 * Math.PI) / 180);
  let signedArea = 0;
  let cx = 0;
  let cy = 0;
  for (const ring of geometry.coordinates.flat()) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const [lng0 = 0, y0 = 0] = ring[i] ?? [];
      const [lng1 = 0, y1 = 0] = ring[i + 1] ?? [];
      const x0 = lng0 * kx;
      const x1 = lng1 * kx;
      const cross = x0 * y1 - x1 * y0;
      signedArea += cross / 2;
      cx += ((x0 + x1) * cross) / 6;
      cy += ((y0 + y1) * cross) / 6;
    }
  }
  return { x: cx / signedArea, y: cy / signedArea, area: Math.abs(signedArea) };
}
