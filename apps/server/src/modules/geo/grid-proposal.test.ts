import { bbox, featureCollection, intersect, multiPolygon } from '@turf/turf';
import type { MultiPolygon, Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { proposeGrids, type GridProposal, type GridProposalInput, type ProposalBuilding } from './grid-proposal.ts';
import { ORIGIN, clusteredCommunity, lngLat, polygonOf, rect } from './grid-proposal.fixtures.ts';
import { METERS_PER_DEGREE, centroidAndArea, planarFrame, pointInGeometry, signedArea, type PlanarGeometry } from './partition-geometry.ts';

// Synthetic communities are drawn in metres east/north of a point in Changzhou (grid-proposal.fixtures.ts).
const frame = planarFrame(ORIGIN, METERS_PER_DEGREE);
const RANGE = { min: 300, max: 500 };

let nextId = 1;
function building(x: number, y: number, households: number): ProposalBuilding {
  const [lng, lat] = lngLat(x, y);
  return { id: nextId++, lng, lat, households };
}

/** A block of buildings `cols` × `rows`, `step` metres apart, starting at (x0, y0). */
function block(x0: number, y0: number, cols: number, rows: number, step: number, households: number): ProposalBuilding[] {
  return Array.from({ length: cols * rows }, (_, i) => building(x0 + (i % cols) * step, y0 + Math.floor(i / cols) * step, households));
}

function planar(geometry: MultiPolygon): PlanarGeometry {
  return geometry.coordinates.map((polygon) => polygon.map((ring) => ring.map((p): Position => [...frame.toPlanar(p)])));
}

/** Area in square metres in the local planar frame (lng/lat edges are straight). */
function planarAreaM2(geometry: MultiPolygon): number {
  return planar(geometry).reduce((total, [exterior, ...holes]) => total + Math.abs(signedArea(exterior ?? [])) - holes.reduce((t, h) => t + Math.abs(signedArea(h)), 0), 0);
}

/**
 * Area on the sphere with geodesic edges, as PostGIS geography measures it (the coverage report): each
 * ring fanned into spherical triangles (Van Oosterom & Strackee). The proposal puts points on the
 * community's edges on the geodesic, so this is the measure that must add up.
 */
function sphericalAreaM2(geometry: MultiPolygon): number {
  const R = 6_371_008.8;
  const unit = ([lng = 0, lat = 0]: Position): [number, number, number] => {
    const l = (lng * Math.PI) / 180;
    const f = (lat * Math.PI) / 180;
    return [Math.cos(f) * Math.cos(l), Math.cos(f) * Math.sin(l), Math.sin(f)];
  };
  const ringArea = (ring: Position[]): number => {
    const [a, ...rest] = ring.slice(0, -1).map(unit);
    if (!a) return 0;
    let total = 0;
    for (let i = 0; i + 1 < rest.length; i++) {
      const b = rest[i] ?? a;
      const c = rest[i + 1] ?? a;
      const triple = a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0]) + a[2] * (b[0] * c[1] - b[1] * c[0]);
      const dots = 1 + (a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) + (b[0] * c[0] + b[1] * c[1] + b[2] * c[2]) + (c[0] * a[0] + c[1] * a[1] + c[2] * a[2]);
      total += 2 * Math.atan2(triple, dots);
    }
    return Math.abs(total) * R * R;
  };
  return geometry.coordinates.reduce((total, [exterior, ...holes]) => total + ringArea(exterior ?? []) - holes.reduce((t, h) => t + ringArea(h), 0), 0);
}

function overlapM2(a: MultiPolygon, b: MultiPolygon): number {
  const [aMinX = 0, aMinY = 0, aMaxX = 0, aMaxY = 0] = bbox(a);
  const [bMinX = 0, bMinY = 0, bMaxX = 0, bMaxY = 0] = bbox(b);
  if (aMinX > bMaxX || bMinX > aMaxX || aMinY > bMaxY || bMinY > aMaxY) return 0;
  const shared = intersect(featureCollection([multiPolygon(a.coordinates), multiPolygon(b.coordinates)]));
  if (!shared) return 0;
  return planarAreaM2(shared.geometry.type === 'Polygon' ? { type: 'MultiPolygon', coordinates: [shared.geometry.coordinates] } : shared.geometry);
}

/** The properties every proposal must have, whatever the input. */
function expectSoundPartition(input: GridProposalInput, result: GridProposal): void {
  // Every building in exactly one grid, and the households add up.
  const ids = result.grids.flatMap((g) => g.buildingIds);
  expect([...ids].sort((a, b) => a - b)).toEqual(input.buildings.map((b) => b.id).sort((a, b) => a - b));
  const households = new Map(input.buildings.map((b) => [b.id, b.households]));
  for (const grid of result.grids) expect(grid.households).toBe(grid.buildingIds.reduce((s, id) => s + (households.get(id) ?? 0), 0));

  // Each grid one polygon, containing its own buildings.
  for (const grid of result.grids) {
    expect(grid.geometry.coordinates).toHaveLength(1);
    const shape = planar(grid.geometry);
    for (const id of grid.buildingIds) {
      const b = input.buildings.find((x) => x.id === id);
      if (b && pointInGeometry(frame.toPlanar([b.lng, b.lat]), planar(input.boundary))) expect(pointInGeometry(frame.toPlanar([b.lng, b.lat]), shape)).toBe(true);
    }
  }

  // Seamless: no overlaps, and together exactly the community on the sphere (so no gaps either).
  const community = planarAreaM2(input.boundary);
  const sum = result.grids.reduce((s, g) => s + sphericalAreaM2(g.geometry), 0);
  expect(Math.abs(sum - sphericalAreaM2(input.boundary))).toBeLessThan(0.1);
  for (let i = 0; i < result.grids.length; i++) {
    for (let j = i + 1; j < result.grids.length; j++) {
      const a = result.grids[i]?.geometry;
      const b = result.grids[j]?.geometry;
      if (a && b) expect(overlapM2(a, b)).toBeLessThan(0.01);
    }
  }

  // Numbered in rows a typical grid tall from north to south, west to east within a row (by centroid).
  const centres = result.grids.map((g) => centroidAndArea(planar(g.geometry)));
  const rowHeight = Math.sqrt(community / result.grids.length);
  const top = Math.max(...centres.map((c) => c.y));
  const rows = centres.map((c) => Math.floor((top - c.y) / rowHeight + 1e-9));
  for (let i = 1; i < centres.length; i++) {
    const [row, previousRow] = [rows[i] ?? 0, rows[i - 1] ?? 0];
    expect(row).toBeGreaterThanOrEqual(previousRow);
    if (row === previousRow) expect(centres[i]?.x ?? 0).toBeGreaterThanOrEqual((centres[i - 1]?.x ?? 0) - 0.01);
  }
}

function clusterOf(input: GridProposalInput, id: number, splitX: number): 'west' | 'east' {
  const b = input.buildings.find((x) => x.id === id);
  return b && frame.toPlanar([b.lng, b.lat])[0] < splitX ? 'west' : 'east';
}

const uniform: GridProposalInput = { boundary: polygonOf(rect(0, 0, 800, 800)), buildings: block(20, 20, 20, 20, 40, 40), range: RANGE };

// Two compounds 30 m apart inside, with a 200 m "river" between them; the west one is bigger.
const river: GridProposalInput = {
  boundary: polygonOf(rect(0, 0, 560, 300)),
  buildings: [...block(30, 30, 5, 8, 30, 25), ...block(400, 30, 5, 8, 30, 15)],
  range: RANGE,
};

const huge: GridProposalInput = {
  boundary: polygonOf(rect(0, 0, 800, 800)),
  buildings: [...block(20, 20, 2, 20, 40, 40), building(400, 400, 900)],
  range: RANGE,
};

const small: GridProposalInput = { boundary: polygonOf(rect(0, 0, 300, 300)), buildings: block(50, 50, 5, 1, 40, 40), range: RANGE };

// A U-shaped community (a bay cuts into it from the north), with buildings near the bay: their Voronoi
// cells reach across the bay and are cut in two by the boundary.
const bay: GridProposalInput = {
  boundary: polygonOf([
    [0, 0],
    [900, 0],
    [900, 900],
    [560, 900],
    [560, 260],
    [340, 260],
    [340, 900],
    [0, 900],
  ]),
  buildings: [...block(30, 30, 9, 3, 100, 45), ...block(30, 330, 3, 6, 110, 45), ...block(600, 330, 3, 6, 110, 45)],
  range: RANGE,
};

// A community with a hole (an enclave of another community) and some buildings on the same spot.
const holed: GridProposalInput = {
  boundary: polygonOf(rect(0, 0, 600, 600), rect(250, 250, 350, 350).reverse()),
  buildings: [...block(30, 30, 6, 6, 100, 40), building(200, 450, 30), building(200, 450, 20)],
  range: RANGE,
};

describe('proposeGrids', () => {
  it.each([
    { name: 'a uniform block of buildings', input: uniform, grids: 40 },
    { name: 'two compounds across a river', input: river, grids: 5 },
    { name: 'one building above the maximum', input: huge, grids: 5 },
    { name: 'a community below the minimum', input: small, grids: 1 },
    { name: 'a U-shaped community', input: bay, grids: 7 },
    { name: 'a community with a hole and buildings on one spot', input: holed, grids: 4 },
  ])('partitions $name soundly into $grids grids', ({ input, grids }) => {
    const result = proposeGrids(input);
    expect(result.grids).toHaveLength(grids);
    expectSoundPartition(input, result);
  });

  it('divides a uniform block into equal, compact grids at the middle of the range', () => {
    const result = proposeGrids(uniform);
    expect(result.feasibleCounts).toEqual({ min: 32, max: 53 });
    expect(result.triedCounts[0]).toBe(40);
    expect(result.grids.map((g) => g.households)).toEqual(Array(40).fill(400));
    expect(Math.min(...result.grids.map((g) => g.compactness))).toBeGreaterThan(0.4);
    expect(result.issues).toEqual([]);
  });

  it('follows building groups: no grid spans the river, even when an even split would cross it', () => {
    const result = proposeGrids(river);
    for (const grid of result.grids) expect(new Set(grid.buildingIds.map((id) => clusterOf(river, id, 250))).size).toBe(1);
    for (const grid of result.grids) expect(grid.status).toBeNull();
    // Four grids of 400 would have been nearer the middle of the range, but one would straddle the river.
    expect(result.triedCounts).toEqual([5, 4]);
  });

  it('keeps a tight compound whole when the range allows it', () => {
    // Three compounds of 400 households in a row, 120 m apart: each one grid.
    const input: GridProposalInput = {
      boundary: polygonOf(rect(0, 0, 900, 200)),
      buildings: [...block(20, 40, 4, 4, 15, 25), ...block(320, 40, 4, 4, 15, 25), ...block(620, 40, 4, 4, 15, 25)],
      range: RANGE,
    };
    const result = proposeGrids(input);
    expect(result.grids).toHaveLength(3);
    expect(result.grids.map((g) => g.buildingIds)).toEqual([
      input.buildings.slice(0, 16).map((b) => b.id),
      input.buildings.slice(16, 32).map((b) => b.id),
      input.buildings.slice(32).map((b) => b.id),
    ]);
    expect(result.issues.filter((i) => i.code === 'cluster_split')).toEqual([]);
  });

  it('gives a building above the maximum a grid of its own and says why', () => {
    const result = proposeGrids(huge);
    const own = result.grids.findIndex((g) => g.households === 900);
    expect(result.grids[own]?.buildingIds).toHaveLength(1);
    expect(result.grids[own]?.status).toBe('over');
    expect(result.issues).toEqual([expect.objectContaining({ code: 'building_over_max', grid: own })]);
    for (const [i, grid] of result.grids.entries()) if (i !== own) expect(grid.households).toBe(400);
  });

  it('proposes one grid with a warning when the whole community is below the minimum', () => {
    const result = proposeGrids(small);
    expect(result.feasibleCounts).toBeNull();
    expect(result.grids[0]).toMatchObject({ households: 200, status: 'under' });
    expect(result.issues.map((i) => i.code)).toEqual(['total_below_min', 'grid_under_min']);
  });

  it('hands cell pieces cut off by a bay to a neighbouring grid, keeping every grid in one piece', () => {
    const result = proposeGrids(bay);
    for (const grid of result.grids) expect(grid.status).toBeNull();
    expect(result.issues.filter((i) => i.code === 'not_contiguous')).toEqual([]);
  });

  it('keeps buildings at the same spot together and leaves the hole uncovered', () => {
    const result = proposeGrids(holed);
    const [a, b] = holed.buildings.slice(-2).map((x) => x.id);
    expect(result.grids.find((g) => g.buildingIds.includes(a ?? 0))?.buildingIds).toContain(b);
    // areaM2 comes from the algorithm's own frame, centred on the community: within 1e-4 of ours.
    expect(Math.abs(result.grids.reduce((s, g) => s + g.areaM2, 0) / (600 * 600 - 100 * 100) - 1)).toBeLessThan(1e-4);
  });

  it('honours an asked-for grid count and warns when it cannot keep the range', () => {
    const fifty = proposeGrids({ ...uniform, gridCount: 50 });
    expect(fifty.grids).toHaveLength(50);
    expect(fifty.grids.map((g) => g.households)).toEqual(Array(50).fill(320));
    const tooMany = proposeGrids({ ...uniform, gridCount: 60 });
    expect(tooMany.grids).toHaveLength(60);
    expect(tooMany.issues[0]?.code).toBe('grid_count_outside_range');
    expectSoundPartition({ ...uniform, gridCount: 60 }, tooMany);
  });

  it('assigns a building drawn outside the boundary and says so', () => {
    const stray = building(900, 400, 30);
    const input = { ...uniform, buildings: [...uniform.buildings, stray] };
    const result = proposeGrids(input);
    expect(result.issues.find((i) => i.code === 'buildings_outside_boundary')?.buildingIds).toEqual([stray.id]);
    expect(result.grids.filter((g) => g.buildingIds.includes(stray.id))).toHaveLength(1);
  });

  it('is deterministic: the same input, in any order, gives the same proposal', () => {
    const input = clusteredCommunity(400, 7, RANGE);
    const first = proposeGrids(input);
    expect(proposeGrids(input)).toEqual(first);
    expect(proposeGrids({ ...input, buildings: [...input.buildings].reverse() })).toEqual(first);
  });

  // How long this takes is measured in bench/grid-proposal.bench.ts, not asserted here.
  it('divides 2,000 clustered buildings into grids all in range and in one piece', () => {
    const input = clusteredCommunity(2000, 42, RANGE);
    const result = proposeGrids(input);
    expect(result.grids.length).toBeGreaterThanOrEqual(result.feasibleCounts?.min ?? Infinity);
    expect(result.grids.filter((g) => g.status !== null)).toEqual([]);
    expect(result.grids.every((g) => g.geometry.coordinates.length === 1)).toBe(true);
    const total = result.grids.reduce((s, g) => s + g.areaM2, 0);
    // areaM2 is measured in the algorithm's frame, centred 1.5 km north of ours: 1.5e-4 apart.
    expect(Math.abs(total / (3000 * 3000) - 1)).toBeLessThan(5e-4);
  });
});
