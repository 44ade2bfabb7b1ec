import { describe, expect, it } from 'vitest';
import type { LngLat } from './geometry';
import { drawFeatures, editFeatures } from './map-features';

const a: LngLat = [120, 31.7];
const b: LngLat = [120.01, 31.7];
const c: LngLat = [120.01, 31.71];
const pointer: LngLat = [120, 31.71];

const roles = (features: ReturnType<typeof drawFeatures>) => features.map((f) => f.properties['role'] ?? f.geometry.type);

describe('drawFeatures', () => {
  it('draws a split line with its points and the rubber band to the pointer', () => {
    expect(roles(drawFeatures([a, b], 'draw-line', pointer))).toEqual(['Point', 'Point', 'line', 'rubber']);
  });

  it('closes a polygon of three points and bends the rubber band back to the first point', () => {
    const features = drawFeatures([a, b, c], 'draw-polygon', pointer);
    expect(roles(features)).toEqual(['shape', 'Point', 'Point', 'Point', 'line', 'rubber']);
    expect(features[0]?.geometry).toEqual({ type: 'Polygon', coordinates: [[a, b, c, a]] });
    expect(features.at(-1)?.geometry).toEqual({ type: 'LineString', coordinates: [c, pointer, a] });
  });

  it('shows nothing to rubber-band from before the first point', () => {
    expect(drawFeatures([], 'draw-line', pointer)).toEqual([]);
  });
});

describe('editFeatures', () => {
  it('lists the shape, then the midpoints, then the vertices with the chosen one marked', () => {
    const features = editFeatures([[[a, b, c]]], { polygon: 0, ring: 0, vertex: 1 }, true);
    expect(roles(features)).toEqual(['shape', 'midpoint', 'midpoint', 'midpoint', 'vertex', 'vertex', 'vertex']);
    expect(features.filter((f) => f.properties['selected'] === true).map((f) => f.properties['v'])).toEqual([1]);
  });

  it('leaves the midpoints out while a vertex is dragged', () => {
    expect(roles(editFeatures([[[a, b, c]]], null, false))).toEqual(['shape', 'vertex', 'vertex', 'vertex']);
  });
});
