import type { AreaGeometry } from '@redgrid/contracts';

/**
 * Plain geometry for the map's editing tools: no MapLibre here, so the rules can be tested as
 * tables. Coordinates are [lng, lat] in WGS84, the map's own system.
 */
export type LngLat = [number, number];

/** [west, south, east, north]. */
export type Bbox = [number, number, number, number];

/**
 * Polygons as the editor holds them: each ring without the repeated closing point, so that moving
 * the first vertex cannot leave the ring open.
 */
export type OpenPolygons = LngLat[][][];

/** Where a vertex sits: polygon, ring (0 = outer) and index in the open ring. */
export interface VertexRef {
  polygon: number;
  ring: number;
  vertex: number;
}

export interface LineStringGeometry {
  type: 'LineString';
  coordinates: LngLat[];
}

export interface PolygonGeometry {
  type: 'Polygon';
  coordinates: LngLat[][];
}

/** Seven decimals are about 1 cm: more is noise from the mouse, less moves boundaries. */
export function round7(value: number): number {
  return Math.round(value * 1e7) / 1e7;
}

function roundPoint([lng, lat]: LngLat): LngLat {
  return [round7(lng), round7(lat)];
}

function samePoint(a: LngLat, b: LngLat, epsilon = 1e-9): boolean {
  return Math.abs(a[0] - b[0]) <= epsilon && Math.abs(a[1] - b[1]) <= epsilon;
}

function polygonsOf(geometry: AreaGeometry): LngLat[][][] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

/** Drops the closing point of every ring (and consecutive duplicates a GIS export may carry). */
export function toOpenPolygons(geometry: AreaGeometry): OpenPolygons {
  return polygonsOf(geometry).map((polygon) =>
    polygon.map((ring) => {
      const open = dedupePoints(ring.map(([lng, lat]) => [lng, lat] as LngLat));
      const first = open[0];
      const last = open[open.length - 1];
      if (open.length > 1 && first && last && samePoint(first, last)) open.pop();
      return open;
    }),
  );
}

/** Closes the rings again: one polygon comes back as a Polygon, several as a MultiPolygon. */
export function fromOpenPolygons(polygons: OpenPolygons): AreaGeometry {
  const closed = polygons.map((polygon) =>
    polygon.map((ring) => {
      const rounded = ring.map(roundPoint);
      const first = rounded[0];
      return first ? [...rounded, first] : rounded;
    }),
  );
  const only = closed[0];
  return closed.length === 1 && only ? { type: 'Polygon', coordinates: only } : { type: 'MultiPolygon', coordinates: closed };
}

function mapRing(polygons: OpenPolygons, ref: Pick<VertexRef, 'polygon' | 'ring'>, change: (ring: LngLat[]) => LngLat[]): OpenPolygons {
  return polygons.map((polygon, p) => (p !== ref.polygon ? polygon : polygon.map((ring, r) => (r !== ref.ring ? ring : change(ring)))));
}

export function moveVertex(polygons: OpenPolygons, ref: VertexRef, to: LngLat): OpenPolygons {
  return mapRing(polygons, ref, (ring) => ring.map((point, v) => (v === ref.vertex ? to : point)));
}

/** Inserts a vertex after `ref.vertex` (between it and the next one, wrapping at the end). */
export function insertVertex(polygons: OpenPolygons, ref: VertexRef, at: LngLat): OpenPolygons {
  return mapRing(polygons, ref, (ring) => [...ring.slice(0, ref.vertex + 1), at, ...ring.slice(ref.vertex + 1)]);
}

/** Removes a vertex; a ring keeps at least three, so this answers null when it would break one. */
export function removeVertex(polygons: OpenPolygons, ref: VertexRef): OpenPolygons | null {
  const ring = polygons[ref.polygon]?.[ref.ring];
  if (!ring || ring.length <= 3) return null;
  return mapRing(polygons, ref, (r) => r.filter((_, v) => v !== ref.vertex));
}

export function vertexList(polygons: OpenPolygons): { ref: VertexRef; position: LngLat }[] {
  return polygons.flatMap((polygon, p) => polygon.flatMap((ring, r) => ring.map((position, v) => ({ ref: { polygon: p, ring: r, vertex: v }, position }))));
}

/** The middle of every edge; dragging one inserts a vertex after `ref.vertex`. */
export function midpointList(polygons: OpenPolygons): { ref: VertexRef; position: LngLat }[] {
  return polygons.flatMap((polygon, p) =>
    polygon.flatMap((ring, r) =>
      ring.flatMap((a, v) => {
        const b = ring[(v + 1) % ring.length];
        if (!b || ring.length < 2) return [];
        return [{ ref: { polygon: p, ring: r, vertex: v }, position: [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2] as LngLat }];
      }),
    ),
  );
}

/** Bounding box of any set of positions; null when there are none. */
export function bboxOfPoints(points: Iterable<LngLat>): Bbox | null {
  let box: Bbox | null = null;
  for (const [lng, lat] of points) {
    if (!Number.isFinite(lng) || !Number.isFinite(lat)) continue;
    if (!box) box = [lng, lat, lng, lat];
    else box = [Math.min(box[0], lng), Math.min(box[1], lat), Math.max(box[2], lng), Math.max(box[3], lat)];
  }
  return box;
}

export function bboxOf(geometry: AreaGeometry): Bbox | null {
  return bboxOfPoints(polygonsOf(geometry).flat(2));
}

export function unionBbox(boxes: readonly (Bbox | null | undefined)[]): Bbox | null {
  return bboxOfPoints(boxes.flatMap((b) => (b ? [[b[0], b[1]] as LngLat, [b[2], b[3]] as LngLat] : [])));
}

/** Ray casting; points exactly on an edge may land either way, which is fine for a pointer. */
export function pointInRing([x, y]: LngLat, ring: readonly LngLat[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
    const a = ring[i];
    const b = ring[j];
    if (!a || !b) continue;
    if (a[1] > y !== b[1] > y && x < ((b[0] - a[0]) * (y - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside;
  }
  return inside;
}

export function pointInGeometry(point: LngLat, geometry: AreaGeometry): boolean {
  return polygonsOf(geometry).some(([outer, ...holes]) => !!outer && pointInRing(point, outer) && !holes.some((hole) => pointInRing(point, hole)));
}

function ringArea(ring: readonly LngLat[]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
    const a = ring[i];
    const b = ring[j];
    if (a && b) sum += (b[0] - a[0]) * (b[1] + a[1]);
  }
  return Math.abs(sum / 2);
}

/**
 * Where to pin a name: the centroid of the largest outer ring, or, for a bent shape whose centroid
 * falls outside, the middle of the widest stretch of the ring along the centroid's latitude.
 */
export function labelPoint(geometry: AreaGeometry): LngLat | null {
  const outers = polygonsOf(geometry).flatMap(([outer]) => (outer && outer.length >= 3 ? [outer] : []));
  const largest = outers.reduce<LngLat[] | null>((best, ring) => (!best || ringArea(ring) > ringArea(best) ? ring : best), null);
  if (!largest) return null;
  let cx = 0;
  let cy = 0;
  let a = 0;
  for (let i = 0, j = largest.length - 1; i < largest.length; j = i, i += 1) {
    const p = largest[i];
    const q = largest[j];
    if (!p || !q) continue;
    const f = q[0] * p[1] - p[0] * q[1];
    cx += (q[0] + p[0]) * f;
    cy += (q[1] + p[1]) * f;
    a += f * 3;
  }
  const centroid: LngLat = a === 0 ? (largest[0] ?? [0, 0]) : [cx / a, cy / a];
  if (pointInGeometry(centroid, geometry)) return centroid;
  const crossings: number[] = [];
  for (let i = 0, j = largest.length - 1; i < largest.length; j = i, i += 1) {
    const p = largest[i];
    const q = largest[j];
    if (!p || !q || p[1] > centroid[1] === q[1] > centroid[1]) continue;
    crossings.push(p[0] + ((centroid[1] - p[1]) * (q[0] - p[0])) / (q[1] - p[1]));
  }
  crossings.sort((x, y) => x - y);
  let best: LngLat | null = null;
  let widest = -1;
  for (let i = 0; i + 1 < crossings.length; i += 2) {
    const from = crossings[i] ?? 0;
    const to = crossings[i + 1] ?? 0;
    if (to - from > widest) {
      widest = to - from;
      best = [(from + to) / 2, centroid[1]];
    }
  }
  return best ?? centroid;
}

/** Drops consecutive repeats (a double-click lands the same point twice). */
export function dedupePoints(points: readonly LngLat[], epsilon = 1e-9): LngLat[] {
  const out: LngLat[] = [];
  for (const point of points) {
    const last = out[out.length - 1];
    if (!last || !samePoint(last, point, epsilon)) out.push(point);
  }
  return out;
}

/** How far along `dir` from `from` the ray leaves `box`; 0 when it starts outside. */
function exitDistance(from: LngLat, dir: LngLat, box: Bbox): number {
  const [west, south, east, north] = box;
  if (from[0] < west || from[0] > east || from[1] < south || from[1] > north) return 0;
  const limits: number[] = [];
  if (dir[0] > 0) limits.push((east - from[0]) / dir[0]);
  if (dir[0] < 0) limits.push((west - from[0]) / dir[0]);
  if (dir[1] > 0) limits.push((north - from[1]) / dir[1]);
  if (dir[1] < 0) limits.push((south - from[1]) / dir[1]);
  return limits.length === 0 ? 0 : Math.min(...limits);
}

function extendEnd(end: LngLat, before: LngLat, grid: AreaGeometry, box: Bbox): LngLat {
  if (!pointInGeometry(end, grid)) return end;
  const dx = end[0] - before[0];
  const dy = end[1] - before[1];
  const length = Math.hypot(dx, dy);
  if (length === 0) return end;
  const dir: LngLat = [dx / length, dy / length];
  const t = exitDistance(end, dir, box);
  return [end[0] + dir[0] * t, end[1] + dir[1] * t];
}

/**
 * The cut line sent to the split endpoint. The server needs a line that crosses the whole grid;
 * ending a click exactly outside a boundary is fiddly (on a phone especially), so an end that lies
 * inside the grid is carried straight on, in the direction of its last segment, until it is
 * clear of the grid's bounding box. Null until there are two distinct points.
 */
export function buildSplitLine(points: readonly LngLat[], grid: AreaGeometry): LineStringGeometry | null {
  const line = dedupePoints(points);
  const first = line[0];
  const second = line[1];
  const last = line[line.length - 1];
  const beforeLast = line[line.length - 2];
  if (!first || !second || !last || !beforeLast) return null;
  const box = bboxOf(grid);
  if (!box) return null;
  // A margin of a tenth of the box (at least ~10 m) so the end is clearly outside.
  const margin = Math.max((box[2] - box[0]) * 0.1, (box[3] - box[1]) * 0.1, 1e-4);
  const padded: Bbox = [box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin];
  const start = extendEnd(first, second, grid, padded);
  const end = extendEnd(last, beforeLast, grid, padded);
  return { type: 'LineString', coordinates: [start, ...line.slice(1, -1), end].map(roundPoint) };
}

/** A drawn outline as a polygon; null until it has three distinct corners. */
export function polygonFromPoints(points: readonly LngLat[]): PolygonGeometry | null {
  const ring = dedupePoints(points);
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (first && last && ring.length > 1 && samePoint(first, last)) ring.pop();
  if (ring.length < 3) return null;
  const rounded = ring.map(roundPoint);
  const start = rounded[0];
  return start ? { type: 'Polygon', coordinates: [[...rounded, start]] } : null;
}

/** Metres per degree of latitude on the WGS84 mean radius: plenty for an accuracy circle of a few hundred metres. */
const METRES_PER_DEGREE = 111_320;

/**
 * A circle of `meters` around a point as a closed polygon ring (WGS84), for drawing a device
 * position's accuracy; longitude degrees shrink with the cosine of the latitude.
 */
export function circlePolygon(center: LngLat, meters: number, steps = 64): PolygonGeometry {
  const [lng, lat] = center;
  const dLat = meters / METRES_PER_DEGREE;
  const dLng = meters / (METRES_PER_DEGREE * Math.max(Math.cos((lat * Math.PI) / 180), 1e-6));
  const ring: LngLat[] = [];
  for (let i = 0; i < steps; i += 1) {
    const a = (2 * Math.PI * i) / steps;
    ring.push([round7(lng + dLng * Math.cos(a)), round7(lat + dLat * Math.sin(a))]);
  }
  const first = ring[0];
  if (first) ring.push([first[0], first[1]]);
  return { type: 'Polygon', coordinates: [ring] };
}
