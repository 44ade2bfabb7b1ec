// @vitest-environment jsdom
import type { AreaGeometry } from '@redgrid/contracts';
import { describe, expect, it } from 'vitest';
import {
  bboxOf,
  buildSplitLine,
  dedupePoints,
  fromOpenPolygons,
  insertVertex,
  labelPoint,
  midpointList,
  moveVertex,
  pointInGeometry,
  polygonFromPoints,
  removeVertex,
  toOpenPolygons,
  vertexList,
  type LngLat,
} from './geometry';

// A 0.01° square grid at Changzhou, as the server sends it (closed ring, MultiPolygon).
const square: AreaGeometry = {
  type: 'MultiPolygon',
  coordinates: [[[[120, 31.7], [120.01, 31.7], [120.01, 31.71], [120, 31.71], [120, 31.7]]]],
};

describe('open polygons for vertex editing', () => {
  it('drops and restores the closing point', () => {
    const open = toOpenPolygons(square);
    expect(open).toEqual([[[[120, 31.7], [120.01, 31.7], [120.01, 31.71], [120, 31.71]]]]);
    expect(fromOpenPolygons(open)).toEqual({ type: 'Polygon', coordinates: square.coordinates[0] });
  });

  it('keeps the ring closed when the first vertex moves', () => {
    const moved = fromOpenPolygons(moveVertex(toOpenPolygons(square), { polygon: 0, ring: 0, vertex: 0 }, [119.999, 31.699]));
    const ring = moved.type === 'Polygon' ? moved.coordinates[0] : [];
    expect(ring?.[0]).toEqual([119.999, 31.699]);
    expect(ring?.[ring.length - 1]).toEqual([119.999, 31.699]);
  });

  it('inserts a vertex after the given one, wrapping past the last edge', () => {
    const open = toOpenPolygons(square);
    const mids = midpointList(open);
    expect(mids).toHaveLength(4);
    expect(mids[3]?.position).toEqual([120, 31.705]);
    const inserted = insertVertex(open, { polygon: 0, ring: 0, vertex: 3 }, [119.995, 31.705]);
    expect(inserted[0]?.[0]).toEqual([[120, 31.7], [120.01, 31.7], [120.01, 31.71], [120, 31.71], [119.995, 31.705]]);
    expect(vertexList(inserted)).toHaveLength(5);
  });

  it('removes a vertex but never below a triangle', () => {
    const open = toOpenPolygons(square);
    const triangle = removeVertex(open, { polygon: 0, ring: 0, vertex: 1 });
    expect(triangle?.[0]?.[0]).toHaveLength(3);
    expect(triangle && removeVertex(triangle, { polygon: 0, ring: 0, vertex: 0 })).toBeNull();
  });

  it('keeps several polygons as a MultiPolygon with rounded coordinates', () => {
    const two = [...toOpenPolygons(square), [[[120.1, 31.7], [120.11, 31.7], [120.1000000004, 31.71]] as LngLat[]]];
    const geometry = fromOpenPolygons(two);
    expect(geometry.type).toBe('MultiPolygon');
    expect(geometry.type === 'MultiPolygon' ? geometry.coordinates[1]?.[0]?.[2] : null).toEqual([120.1, 31.71]);
  });
});

describe('measuring', () => {
  it('finds the bounding box and whether a point is inside', () => {
    expect(bboxOf(square)).toEqual([120, 31.7, 120.01, 31.71]);
    expect(pointInGeometry([120.005, 31.705], square)).toBe(true);
    expect(pointInGeometry([120.02, 31.705], square)).toBe(false);
  });

  it('pins a label inside even a bent shape', () => {
    const l: AreaGeometry = { type: 'Polygon', coordinates: [[[0, 0], [3, 0], [3, 1], [1, 1], [1, 3], [0, 3], [0, 0]]] };
    const c: AreaGeometry = { type: 'Polygon', coordinates: [[[0, 0], [3, 0], [3, 1], [1, 1], [1, 2], [3, 2], [3, 3], [0, 3], [0, 0]]] };
    for (const shape of [square, l, c]) {
      const point = labelPoint(shape);
      expect(point && pointInGeometry(point, shape)).toBe(true);
    }
  });
});

describe('drawing input', () => {
  it('forgets the second click of a double-click', () => {
    expect(dedupePoints([[1, 1], [1, 1], [2, 2], [2, 2]])).toEqual([[1, 1], [2, 2]]);
  });

  it('carries the ends of a split line that stop inside the grid out past its edge', () => {
    const line = buildSplitLine([[120.005, 31.702], [120.005, 31.708], [120.005, 31.708]], square);
    expect(line?.type).toBe('LineString');
    const coords = line?.coordinates ?? [];
    expect(coords).toHaveLength(2);
    const [start, end] = coords;
    expect(start?.[0]).toBeCloseTo(120.005, 7);
    expect(start?.[1]).toBeLessThan(31.7);
    expect(end?.[1]).toBeGreaterThan(31.71);
    expect(start && pointInGeometry(start, square)).toBe(false);
    expect(end && pointInGeometry(end, square)).toBe(false);
  });

  it('leaves ends that already lie outside alone, and keeps bends', () => {
    const line = buildSplitLine([[119.99, 31.705], [120.005, 31.706], [120.02, 31.705]], square);
    expect(line?.coordinates).toEqual([[119.99, 31.705], [120.005, 31.706], [120.02, 31.705]]);
  });

  it('needs two distinct points for a line and three for a polygon', () => {
    expect(buildSplitLine([[120.005, 31.702], [120.005, 31.702]], square)).toBeNull();
    expect(polygonFromPoints([[0, 0], [1, 0], [1, 0]])).toBeNull();
    expect(polygonFromPoints([[0, 0], [1, 0], [1, 1], [1, 1]])).toEqual({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] });
  });
});

describe('accuracy circle', () => {
  it('is a closed ring whose points lie the given metres from the centre', async () => {
    const { circlePolygon } = await import('./geometry');
    const circle = circlePolygon([119.97, 31.78], 50, 32);
    const ring = circle.coordinates[0] ?? [];
    expect(ring).toHaveLength(33);
    expect(ring[0]).toEqual(ring[32]);
    const north = ring[8] ?? [0, 0];
    const east = ring[0] ?? [0, 0];
    // 50 m north is about 0.00045° of latitude; east, more degrees of longitude at 31.8° N.
    expect((north[1] - 31.78) * 111_320).toBeCloseTo(50, 0);
    expect((east[0] - 119.97) * 111_320 * Math.cos((31.78 * Math.PI) / 180)).toBeCloseTo(50, 0);
  });
});
