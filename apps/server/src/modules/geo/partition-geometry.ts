import { Delaunay, type Voronoi } from 'd3-delaunay';
import { featureCollection, intersect, multiPolygon, polygon, union } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import type { LngLat } from './crs.ts';

/**
 * Planar geometry shared by everything that partitions an area into Voronoi-based pieces: the demo
 * district (demo-geometry.ts) and the grid-division proposal (grid-proposal.ts). Both work in a local
 * planar frame — Voronoi cells, areas and distances are only meaningful there — and come back to WGS84
 * at the very end, rounded, cleaned and wound per RFC 7946.
 */

/** A point in a local planar frame. */
export type Pt = readonly [number, number];

/** MultiPolygon coordinates in a planar frame. */
export type PlanarGeometry = Position[][][];

/** Metres per degree of latitude on the mean sphere (IUGG mean radius), for frames measured in metres. */
export const METERS_PER_DEGREE = (6_371_008.8 * Math.PI) / 180;

export interface PlanarFrame {
  toPlanar(position: LngLat | Position): Pt;
  /** Back to WGS84 degrees rounded to `decimals`, consecutive duplicates dropped, wound per RFC 7946. */
  toWgs84MultiPolygon(geometry: PlanarGeometry, decimals: number): MultiPolygon;
}

/**
 * An equirectangular frame around `origin`: x is scaled by cos(latitude) so that cells are not stretched
 * east–west. `unitsPerDegree` 1 gives degrees of latitude (the demo), METERS_PER_DEGREE gives metres.
 * Over a community or a district (tens of km) the distortion is far below anything that matters here.
 */
export function planarFrame(origin: LngLat, unitsPerDegree = 1): PlanarFrame {
  const [lng0, lat0] = origin;
  const kx = Math.cos((lat0 * Math.PI) / 180) * unitsPerDegree;
  return {
    toPlanar: ([lng = 0, lat = 0]) => [(lng - lng0) * kx, (lat - lat0) * unitsPerDegree],
    toWgs84MultiPolygon(geometry, decimals) {
      const scale = 10 ** decimals;
      const round = (value: number): number => Math.round(value * scale) / scale;
      const toWgs84Ring = (ring: Position[]): Position[] => {
        const out: Position[] = [];
        for (const [x = 0, y = 0] of ring) {
          const position = [round(x / kx + lng0), round(y / unitsPerDegree + lat0)];
          const last = out[out.length - 1];
          if (last && last[0] === position[0] && last[1] === position[1]) continue;
          out.push(position);
        }
        return closeRing(out);
      };
      const polygons: Position[][][] = [];
      for (const rings of geometry) {
        const converted = rings.map(toWgs84Ring).filter((ring) => ring.length >= 4);
        const [exterior, ...holes] = converted;
        if (!exterior) continue;
        polygons.push([wind(exterior, true), ...holes.map((hole) => wind(hole, false))]);
      }
      if (polygons.length === 0) throw new Error('geometry vanished when rounded');
      return { type: 'MultiPolygon', coordinates: polygons };
    },
  };
}

/** Voronoi diagram of `sites`, bounded by `box` grown by `pad` on every side. */
export function boundedVoronoi(sites: readonly Pt[], box: readonly [number, number, number, number], pad: number): Voronoi<Delaunay.Point> {
  const [minX, minY, maxX, maxY] = box;
  return Delaunay.from(sites.map(([x, y]) => [x, y])).voronoi([minX - pad, minY - pad, maxX + pad, maxY + pad]);
}

/** A Voronoi cell (bounded by the diagram's box) and what is left of it inside the clip geometry. */
export interface ClippedCell {
  /** The cell as d3 drew it (closed ring), null for a duplicate site. */
  ring: Pt[] | null;
  /** The part inside the clip geometry, null when the cell misses it. */
  geometry: PlanarGeometry | null;
  /** True when the whole cell lies inside, so `geometry` is the cell itself. */
  inside: boolean;
}

/**
 * Each site's Voronoi cell clipped to `clip`. Most cells lie wholly inside and are taken as they are.
 * The others go through polyclip, exact but slow (~2 ms a cell), unless `fast` is set: then a convex-cell
 * clipper (clipConvex) handles them and polyclip only the degenerate ones it declines.
 */
export function clipCellsDetailed(voronoi: Voronoi<Delaunay.Point>, count: number, clip: PlanarGeometry, options: { fast?: boolean } = {}): ClippedCell[] {
  const [onlyPolygon] = clip;
  const clipFeature: Feature<Polygon | MultiPolygon> = clip.length === 1 && onlyPolygon ? polygon(onlyPolygon) : multiPolygon(clip);
  const oriented = options.fast ? orientRings(clip) : clip;
  const clipBox = bounds(clip.flat(2));
  return Array.from({ length: count }, (_, i): ClippedCell => {
    const cell = voronoi.cellPolygon(i);
    if (!cell) return { ring: null, geometry: null, inside: false };
    const ring: Pt[] = cell.map(([x, y]) => [x, y]);
    if (isInsideGeometry(ring, clip)) return { ring, geometry: [[ring.map(([x, y]) => [x, y])]], inside: true };
    if (options.fast) {
      const fast = clipConvex(ring, oriented, clipBox);
      // Nothing left of a cell whose centre is inside cannot be right: let polyclip have a look.
      const suspicious = fast === null && pointInGeometry(centroidOf(ring), clip);
      if (fast !== 'degenerate' && !suspicious) return { ring, geometry: fast, inside: false };
    }
    const clipped = intersect(featureCollection([polygon([cell.map(([x, y]) => [x, y])]), clipFeature]));
    return { ring, geometry: clipped ? coordinatesOf(clipped) : null, inside: false };
  });
}

/** Each site's Voronoi cell clipped to `clip`; null for a duplicate site (no cell) or a cell that misses `clip`. */
export function clipCells(voronoi: Voronoi<Delaunay.Point>, count: number, clip: PlanarGeometry): (PlanarGeometry | null)[] {
  return clipCellsDetailed(voronoi, count, clip).map((cell) => cell.geometry);
}

export function unionAll(parts: readonly PlanarGeometry[]): PlanarGeometry {
  const [first, ...rest] = parts;
  if (!first) throw new Error('nothing to union');
  if (rest.length === 0) return first;
  const merged = union(featureCollection(parts.map((coordinates) => multiPolygon(coordinates))));
  if (!merged) throw new Error('union came out empty');
  return coordinatesOf(merged);
}

export function coordinatesOf(feature: Feature<Polygon | MultiPolygon>): PlanarGeometry {
  return feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
}

/** Area-weighted centroid and (net) area of planar polygons. */
export function centroidAndArea(geometry: PlanarGeometry): { x: number; y: number; area: number } {
  let area = 0;
  let cx = 0;
  let cy = 0;
  for (const rings of geometry) {
    rings.forEach((ring) => {
      for (let i = 0; i + 1 < ring.length; i++) {
        const [x0 = 0, y0 = 0] = ring[i] ?? [];
        const [x1 = 0, y1 = 0] = ring[i + 1] ?? [];
        const cross = x0 * y1 - x1 * y0;
        area += cross / 2;
        cx += ((x0 + x1) * cross) / 6;
        cy += ((y0 + y1) * cross) / 6;
      }
    });
  }
  // polyclip winds exteriors counter-clockwise and holes clockwise, so the signed sum is the net area.
  return { x: cx / area, y: cy / area, area: Math.abs(area) };
}

function centroidOf(ring: readonly Pt[]): Pt {
  const c = centroidAndArea([[ring.map(([x, y]) => [x, y])]]);
  return Number.isFinite(c.x) && Number.isFinite(c.y) ? [c.x, c.y] : (ring[0] ?? [0, 0]);
}

/** Total length of every ring (exteriors and holes). */
export function perimeterOf(geometry: PlanarGeometry): number {
  let total = 0;
  for (const rings of geometry) {
    for (const ring of rings) {
      for (let i = 0; i + 1 < ring.length; i++) {
        const [x0 = 0, y0 = 0] = ring[i] ?? [];
        const [x1 = 0, y1 = 0] = ring[i + 1] ?? [];
        total += Math.hypot(x1 - x0, y1 - y0);
      }
    }
  }
  return total;
}

/**
 * Numbering the way grids are numbered: rows from north to south, west to east within a row. A row is a
 * band as tall as a typical piece (√(total area / pieces)), starting at the northernmost centroid; each
 * piece goes to the band holding its centroid. Returns the pieces in that order (stable for ties).
 */
export function orderNorthToSouthRows<T extends { x: number; y: number; area: number }>(pieces: readonly T[], options: { xQuantum?: number } = {}): T[] {
  const rowHeight = Math.sqrt(pieces.reduce((total, p) => total + p.area, 0) / Math.max(1, pieces.length));
  const top = Math.max(...pieces.map((p) => p.y));
  const row = (y: number): number => Math.floor((top - y) / rowHeight + 1e-9);
  // With a quantum, centres that differ in x only by rounding noise count as level and go north first.
  const q = options.xQuantum ?? 0;
  const column = (x: number): number => (q > 0 ? Math.round(x / q) : x);
  return [...pieces].sort((a, b) => row(a.y) - row(b.y) || column(a.x) - column(b.x) || b.y - a.y);
}

/**
 * How many groups are not connected through `neighbours` (an adjacency list over all sites), given the
 * group of each member site. A group in two pieces would be an enclave (飞地) nobody asked for.
 */
export function countBrokenGroups(members: readonly number[], groups: readonly number[], neighbours: readonly (readonly number[])[]): number {
  const groupOfSite = new Map(members.map((site, m) => [site, groups[m] ?? -1]));
  const byGroup = new Map<number, number[]>();
  members.forEach((site, m) => {
    const g = groups[m] ?? -1;
    byGroup.set(g, [...(byGroup.get(g) ?? []), site]);
  });
  let broken = 0;
  for (const [g, own] of byGroup) {
    const [first] = own;
    if (first === undefined) continue;
    const seen = new Set([first]);
    const queue = [first];
    for (let site = queue.pop(); site !== undefined; site = queue.pop()) {
      for (const next of neighbours[site] ?? []) {
        if (!seen.has(next) && groupOfSite.get(next) === g) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    if (seen.size < own.length) broken += 1;
  }
  return broken;
}

export function wind(ring: Position[], counterClockwise: boolean): Position[] {
  return signedArea(ring) > 0 === counterClockwise ? ring : [...ring].reverse();
}

export function signedArea(ring: readonly Position[]): number {
  let total = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [x0 = 0, y0 = 0] = ring[i] ?? [];
    const [x1 = 0, y1 = 0] = ring[i + 1] ?? [];
    total += x0 * y1 - x1 * y0;
  }
  return total / 2;
}

export function closeRing(ring: Position[]): Position[] {
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (!first || !last) return ring;
  return first[0] === last[0] && first[1] === last[1] ? ring : [...ring, first];
}

function openRing(ring: readonly Position[]): Pt[] {
  const pts: Pt[] = ring.map(([x = 0, y = 0]) => [x, y]);
  const first = pts[0];
  const last = pts[pts.length - 1];
  return pts.length > 1 && first && last && first[0] === last[0] && first[1] === last[1] ? pts.slice(0, -1) : pts;
}

/**
 * Whether the closed ring `inner` lies inside `clip`. Holes are handled conservatively: a cell whose box
 * meets a hole's box counts as not inside, which only sends it to the exact path.
 */
export function isInsideGeometry(inner: readonly Pt[], clip: PlanarGeometry): boolean {
  const innerBox = bounds(inner);
  return clip.some(([exterior, ...holes]) => {
    if (!exterior || !isInside(inner, openRing(exterior))) return false;
    return holes.every((hole) => !boxesIntersect(innerBox, bounds(openRing(hole))));
  });
}

/**
 * Whether closed ring `inner` lies inside the open ring `outer`: one vertex inside, no vertex of `outer`
 * inside `inner` and no edges crossing. Touching counts as not inside, which only sends a cell to the
 * exact path.
 */
export function isInside(inner: readonly Pt[], outer: readonly Pt[]): boolean {
  const [first] = inner;
  if (!first || !pointInRing(first, outer)) return false;
  if (outer.some((p) => pointInRing(p, inner))) return false;
  for (let i = 0; i + 1 < inner.length; i++) {
    const a = inner[i];
    const b = inner[i + 1];
    if (!a || !b) continue;
    for (let j = 0; j < outer.length; j++) {
      const c = outer[j];
      const d = outer[(j + 1) % outer.length];
      if (c && d && segmentsTouch(a, b, c, d)) return false;
    }
  }
  return true;
}

export function segmentsTouch(a: Pt, b: Pt, c: Pt, d: Pt): boolean {
  const orient = (p: Pt, q: Pt, r: Pt): number => Math.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]));
  const o1 = orient(a, b, c);
  const o2 = orient(a, b, d);
  const o3 = orient(c, d, a);
  const o4 = orient(c, d, b);
  // Collinear or touching configurations count as touching: conservative is fine here.
  return o1 !== o2 && o3 !== o4 ? true : o1 === 0 || o2 === 0 || o3 === 0 || o4 === 0 ? boxesOverlap(a, b, c, d) : false;
}

function boxesOverlap(a: Pt, b: Pt, c: Pt, d: Pt): boolean {
  return (
    Math.max(a[0], b[0]) >= Math.min(c[0], d[0]) &&
    Math.max(c[0], d[0]) >= Math.min(a[0], b[0]) &&
    Math.max(a[1], b[1]) >= Math.min(c[1], d[1]) &&
    Math.max(c[1], d[1]) >= Math.min(a[1], b[1])
  );
}

function boxesIntersect(a: readonly number[], b: readonly number[]): boolean {
  const [aMinX = 0, aMinY = 0, aMaxX = 0, aMaxY = 0] = a;
  const [bMinX = 0, bMinY = 0, bMaxX = 0, bMaxY = 0] = b;
  return aMinX <= bMaxX && bMinX <= aMaxX && aMinY <= bMaxY && bMinY <= aMaxY;
}

/** Even–odd test against one ring (open or closed). */
export function pointInRing([x, y]: Pt, ring: readonly (Pt | Position)[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi = 0, yi = 0] = ring[i] ?? [];
    const [xj = 0, yj = 0] = ring[j] ?? [];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Inside a valid (multi)polygon: even–odd over every ring, so holes and separate parts both count right. */
export function pointInGeometry(point: Pt, geometry: PlanarGeometry): boolean {
  let inside = false;
  for (const rings of geometry) for (const ring of rings) if (pointInRing(point, ring)) inside = !inside;
  return inside;
}

export function bounds(points: readonly (Pt | Position)[]): [number, number, number, number] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [x = 0, y = 0] of points) {
    if (x < minX) minX = x;
    if (y < minY) minY = y;
    if (x > maxX) maxX = x;
    if (y > maxY) maxY = y;
  }
  return [minX, minY, maxX, maxY];
}

/**
 * Unions each group of tiles — polygons that tile without overlapping, like clipped Voronoi cells — into
 * one geometry per group, by cancelling the edges two tiles of a group share. Exact where polyclip is not
 * robust (co-circular sites give duplicate Voronoi vertices, and its union can fail on them) and linear in
 * the number of vertices. First every vertex within `tolerance` of another becomes that vertex, and a
 * vertex lying on another tile's edge is inserted into it: then neighbouring groups share every vertex
 * of their common border too, so rounding cannot open gaps between them. `cellSize` (≥ tolerance) sizes
 * the spatial hash; about the typical tile width is right.
 */
export function dissolveTiles(groups: readonly (readonly Position[][][])[], tolerance: number, cellSize: number): PlanarGeometry[] {
  const vertices = new VertexIndex(tolerance, Math.max(cellSize, tolerance * 4));
  const snapped = groups.map((tiles) => tiles.map((polygon) => polygon.map((ring) => ring.map((p) => vertices.snap(p)))));
  return snapped.map((tiles) => {
    const edges = new Map<number, Map<number, number>>();
    const add = (a: number, b: number): void => {
      const back = edges.get(b);
      const count = back?.get(a) ?? 0;
      if (back && count > 0) {
        if (count === 1) back.delete(a);
        else back.set(a, count - 1);
        return;
      }
      const out = edges.get(a) ?? new Map<number, number>();
      out.set(b, (out.get(b) ?? 0) + 1);
      edges.set(a, out);
    };
    for (const polygon of tiles) {
      polygon.forEach((raw, r) => {
        const ring = vertices.withJunctions(raw);
        if (ring.length < 4) return;
        // Interior on the left: exteriors counter-clockwise, holes clockwise.
        const ccw = vertices.signedArea(ring) > 0;
        const ordered = ccw === (r === 0) ? ring : [...ring].reverse();
        for (let k = 0; k + 1 < ordered.length; k++) add(ordered[k] ?? 0, ordered[k + 1] ?? 0);
      });
    }
    return vertices.assemble(edges);
  });
}

/** Snapped vertices in a spatial hash, and the ring work done on their indexes. */
class VertexIndex {
  private readonly xs: number[] = [];
  private readonly ys: number[] = [];
  private readonly cells = new Map<number, number[]>();

  constructor(
    private readonly tolerance: number,
    private readonly cellSize: number,
  ) {}

  private cell(v: number): number {
    return Math.floor(v / this.cellSize);
  }

  private key(cx: number, cy: number): number {
    return (cx + 2 ** 24) * 2 ** 25 + (cy + 2 ** 24);
  }

  snap([x = 0, y = 0]: Position): number {
    const cx = this.cell(x);
    const cy = this.cell(y);
    let best = -1;
    let bestD = this.tolerance;
    for (let i = cx - 1; i <= cx + 1; i++) {
      for (let j = cy - 1; j <= cy + 1; j++) {
        for (const v of this.cells.get(this.key(i, j)) ?? []) {
          const d = Math.hypot((this.xs[v] ?? 0) - x, (this.ys[v] ?? 0) - y);
          if (d <= bestD && (best < 0 || d < bestD || v < best)) {
            best = v;
            bestD = d;
          }
        }
      }
    }
    if (best >= 0) return best;
    const v = this.xs.length;
    this.xs.push(x);
    this.ys.push(y);
    const key = this.key(cx, cy);
    const list = this.cells.get(key);
    if (list) list.push(v);
    else this.cells.set(key, [v]);
    return v;
  }

  /** The ring with every known vertex lying on one of its edges inserted, and repeated vertices dropped. */
  withJunctions(ring: readonly number[]): number[] {
    const out: number[] = [];
    const push = (v: number): void => {
      if (out[out.length - 1] !== v) out.push(v);
    };
    for (let k = 0; k + 1 < ring.length; k++) {
      const a = ring[k] ?? 0;
      const b = ring[k + 1] ?? 0;
      push(a);
      const ax = this.xs[a] ?? 0;
      const ay = this.ys[a] ?? 0;
      const dx = (this.xs[b] ?? 0) - ax;
      const dy = (this.ys[b] ?? 0) - ay;
      const length2 = dx * dx + dy * dy;
      if (length2 === 0) continue;
      const length = Math.sqrt(length2);
      const inserts: [number, number][] = [];
      const [x0, x1] = [this.cell(Math.min(ax, ax + dx) - this.tolerance), this.cell(Math.max(ax, ax + dx) + this.tolerance)];
      const [y0, y1] = [this.cell(Math.min(ay, ay + dy) - this.tolerance), this.cell(Math.max(ay, ay + dy) + this.tolerance)];
      for (let i = x0; i <= x1; i++) {
        for (let j = y0; j <= y1; j++) {
          for (const v of this.cells.get(this.key(i, j)) ?? []) {
            if (v === a || v === b) continue;
            const px = (this.xs[v] ?? 0) - ax;
            const py = (this.ys[v] ?? 0) - ay;
            const t = (px * dx + py * dy) / length2;
            if (t * length <= this.tolerance || (1 - t) * length <= this.tolerance) continue;
            if (Math.abs(px * dy - py * dx) / length <= this.tolerance) inserts.push([t, v]);
          }
        }
      }
      inserts.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
      for (const [, v] of inserts) push(v);
    }
    const last = ring[ring.length - 1];
    if (last !== undefined) push(last);
    return out;
  }

  signedArea(ring: readonly number[]): number {
    let total = 0;
    for (let k = 0; k + 1 < ring.length; k++) {
      const a = ring[k] ?? 0;
      const b = ring[k + 1] ?? 0;
      total += (this.xs[a] ?? 0) * (this.ys[b] ?? 0) - (this.xs[b] ?? 0) * (this.ys[a] ?? 0);
    }
    return total / 2;
  }

  /**
   * Walks the edges left after cancellation into rings, keeping the interior on the left: at a vertex with
   * several ways on, it takes the first one clockwise from where it came in, so a group touching itself at
   * a corner comes out as separate rings rather than one self-touching ring. Counter-clockwise rings are
   * exteriors; each clockwise ring is a hole of the smallest exterior around it.
   */
  assemble(edges: Map<number, Map<number, number>>): PlanarGeometry {
    const angle = (from: number, to: number): number => Math.atan2((this.ys[to] ?? 0) - (this.ys[from] ?? 0), (this.xs[to] ?? 0) - (this.xs[from] ?? 0));
    const take = (a: number, b: number): void => {
      const out = edges.get(a);
      const count = out?.get(b) ?? 0;
      if (!out || count === 0) return;
      if (count === 1) out.delete(b);
      else out.set(b, count - 1);
    };
    const rings: number[][] = [];
    const starts = [...edges.keys()].sort((a, b) => a - b);
    for (const start of starts) {
      for (;;) {
        const first = [...(edges.get(start)?.keys() ?? [])].sort((a, b) => a - b)[0];
        if (first === undefined) break;
        const ring = [start, first];
        take(start, first);
        let prev = start;
        let at = first;
        for (let guard = 0; at !== start && guard < 10_000_000; guard++) {
          const back = angle(at, prev);
          let next = -1;
          let turn = Infinity;
          for (const candidate of edges.get(at)?.keys() ?? []) {
            let rotation = back - angle(at, candidate);
            while (rotation <= 1e-12) rotation += 2 * Math.PI;
            if (rotation < turn) {
              turn = rotation;
              next = candidate;
            }
          }
          if (next < 0) break;
          take(at, next);
          ring.push(next);
          prev = at;
          at = next;
        }
        if (at === start && ring.length >= 4) rings.push(ring);
      }
    }
    const toPositions = (ring: number[]): Position[] => ring.map((v) => [this.xs[v] ?? 0, this.ys[v] ?? 0]);
    const exteriors = rings.filter((ring) => this.signedArea(ring) > 0).map((ring) => ({ ring, area: this.signedArea(ring), holes: [] as Position[][] }));
    for (const hole of rings.filter((ring) => this.signedArea(ring) < 0)) {
      // A point just to the left of the hole's first edge lies in the group, so inside its exterior.
      const a = hole[0] ?? 0;
      const b = hole[1] ?? 0;
      const dx = (this.xs[b] ?? 0) - (this.xs[a] ?? 0);
      const dy = (this.ys[b] ?? 0) - (this.ys[a] ?? 0);
      const length = Math.hypot(dx, dy) || 1;
      const probe: Pt = [((this.xs[a] ?? 0) + (this.xs[b] ?? 0)) / 2 - (dy / length) * this.tolerance, ((this.ys[a] ?? 0) + (this.ys[b] ?? 0)) / 2 + (dx / length) * this.tolerance];
      const owner = exteriors.filter((e) => pointInRing(probe, toPositions(e.ring))).sort((p, q) => p.area - q.area)[0];
      owner?.holes.push(toPositions(hole));
    }
    return exteriors.sort((p, q) => q.area - p.area).map((e) => [toPositions(e.ring), ...e.holes]);
  }
}

/** A copy with exteriors counter-clockwise and holes clockwise (interior on the left of every edge). */
export function orientRings(geometry: PlanarGeometry): PlanarGeometry {
  return geometry.map((rings) => rings.map((ring, r) => wind(ring, r === 0)));
}

interface Crossing {
  /** Position along the cell's boundary: edge index + fraction along it. */
  key: number;
  point: Position;
}

interface Chain {
  entry: Crossing;
  exit: Crossing;
  points: Position[];
}

/**
 * The part of a convex polygon `cell` (closed ring, either winding) inside `clip` (rings oriented by
 * orientRings), null when none, or 'degenerate' when a vertex of one lies on or within a hair of the
 * other's boundary — then the caller falls back to a general clipper. A Weiler–Atherton walk made simple
 * by convexity: each clip edge crosses the cell's boundary at most twice (Cyrus–Beck), the clip rings'
 * stretches inside the cell become chains from an entry to an exit, and output rings alternate chains
 * with arcs of the cell's boundary, walked counter-clockwise from each exit to the next entry.
 */
export function clipConvex(cell: readonly Pt[], clip: PlanarGeometry, clipBox: readonly number[]): PlanarGeometry | null | 'degenerate' {
  const ccw = signedArea(cell.map(([x, y]) => [x, y])) > 0;
  const [minX, minY, maxX, maxY] = bounds(cell);
  const scale = Math.max(maxX - minX, maxY - minY, 1e-9);
  const eps = scale * 1e-9;
  // Co-circular sites give near-duplicate Voronoi vertices; an edge of 1e-14 m has no usable direction.
  const c: Pt[] = [];
  for (const p of (ccw ? [...cell] : [...cell].reverse()).slice(0, -1)) {
    const last = c[c.length - 1];
    if (!last || Math.hypot(p[0] - last[0], p[1] - last[1]) > eps) c.push(p);
  }
  const [first, last] = [c[0], c[c.length - 1]];
  if (first && last && c.length > 1 && Math.hypot(first[0] - last[0], first[1] - last[1]) <= eps) c.pop();
  const m = c.length;
  if (m < 3) return null;
  const [bMinX = 0, bMinY = 0, bMaxX = 0, bMaxY = 0] = clipBox;
  if (maxX < bMinX || minX > bMaxX || maxY < bMinY || minY > bMaxY) return null;
  // Inward normals of the cell's edges (left of each edge, as the cell is counter-clockwise).
  const nx = new Float64Array(m);
  const ny = new Float64Array(m);
  const off = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const [x0, y0] = c[k] ?? [0, 0];
    const [x1, y1] = c[(k + 1) % m] ?? [0, 0];
    const len = Math.hypot(x1 - x0, y1 - y0) || 1;
    nx[k] = -(y1 - y0) / len;
    ny[k] = (x1 - x0) / len;
    off[k] = (nx[k] ?? 0) * x0 + (ny[k] ?? 0) * y0;
  }
  /** Smallest signed distance inside the cell (negative: outside). */
  const depth = (x: number, y: number): number => {
    let d = Infinity;
    for (let k = 0; k < m; k++) d = Math.min(d, (nx[k] ?? 0) * x + (ny[k] ?? 0) * y - (off[k] ?? 0));
    return d;
  };
  const keyOn = (k: number, x: number, y: number): number => {
    const [x0, y0] = c[k] ?? [0, 0];
    const [x1, y1] = c[(k + 1) % m] ?? [0, 0];
    const len2 = (x1 - x0) ** 2 + (y1 - y0) ** 2 || 1;
    return k + Math.min(1 - 1e-12, Math.max(0, ((x - x0) * (x1 - x0) + (y - y0) * (y1 - y0)) / len2));
  };

  const chains: Chain[] = [];
  const wholeRings: Position[][] = [];
  for (const rings of clip) {
    for (const ring of rings) {
      const n = ring.length - 1;
      if (n < 3) continue;
      const inside: boolean[] = [];
      for (let i = 0; i < n; i++) {
        const [x = 0, y = 0] = ring[i] ?? [];
        const d = depth(x, y);
        if (Math.abs(d) <= eps) return 'degenerate';
        inside.push(d > 0);
      }
      // Crossings along the ring, in ring order: [vertex index before it, t, entering?, crossing].
      const events: { i: number; t: number; entering: boolean; crossing: Crossing }[] = [];
      for (let i = 0; i < n; i++) {
        const [ax = 0, ay = 0] = ring[i] ?? [];
        const [bx = 0, by = 0] = ring[i + 1] ?? [];
        const aIn = inside[i] ?? false;
        const bIn = inside[(i + 1) % n] ?? false;
        if (aIn && bIn) continue;
        if (Math.max(ax, bx) < minX || Math.min(ax, bx) > maxX || Math.max(ay, by) < minY || Math.min(ay, by) > maxY) continue;
        // Cyrus–Beck: the stretch of a→b inside every half-plane of the cell.
        let tIn = 0;
        let tOut = 1;
        let kIn = -1;
        let kOut = -1;
        let empty = false;
        for (let k = 0; k < m && !empty; k++) {
          const num = (off[k] ?? 0) - ((nx[k] ?? 0) * ax + (ny[k] ?? 0) * ay);
          const den = (nx[k] ?? 0) * (bx - ax) + (ny[k] ?? 0) * (by - ay);
          if (den === 0) {
            if (num > 0) empty = true;
            continue;
          }
          const t = num / den;
          if (den > 0 && t > tIn) {
            tIn = t;
            kIn = k;
          } else if (den < 0 && t < tOut) {
            tOut = t;
            kOut = k;
          }
          if (tIn > tOut) empty = true;
        }
        const length = Math.hypot(bx - ax, by - ay);
        if (empty || (tOut - tIn) * length <= eps) {
          if (!empty && (tOut - tIn) * length > -eps) return 'degenerate';
          if (aIn !== bIn) return 'degenerate';
          continue;
        }
        if (!aIn) {
          if (kIn < 0) return 'degenerate';
          const point = [ax + tIn * (bx - ax), ay + tIn * (by - ay)];
          events.push({ i, t: tIn, entering: true, crossing: { key: keyOn(kIn, point[0] ?? 0, point[1] ?? 0), point } });
        }
        if (!bIn) {
          if (kOut < 0) return 'degenerate';
          const point = [ax + tOut * (bx - ax), ay + tOut * (by - ay)];
          events.push({ i, t: tOut, entering: false, crossing: { key: keyOn(kOut, point[0] ?? 0, point[1] ?? 0), point } });
        }
      }
      if (events.length === 0) {
        if (inside[0]) wholeRings.push(ring);
        continue;
      }
      if (events.length % 2 !== 0) return 'degenerate';
      events.sort((p, q) => p.i - q.i || p.t - q.t);
      // Rotate so the walk starts at an entry; entries and exits must then alternate.
      const first = events.findIndex((e) => e.entering);
      const ordered = [...events.slice(first), ...events.slice(0, first)];
      for (let e = 0; e < ordered.length; e += 2) {
        const entry = ordered[e];
        const exit = ordered[e + 1];
        if (!entry || !exit || !entry.entering || exit.entering) return 'degenerate';
        const points: Position[] = [entry.crossing.point];
        for (let i = (entry.i + 1) % n; i !== (exit.i + 1) % n; i = (i + 1) % n) {
          const v = ring[i];
          if (v) points.push(v);
        }
        points.push(exit.crossing.point);
        chains.push({ entry: entry.crossing, exit: exit.crossing, points });
      }
    }
  }

  const pieces: Position[][] = [];
  if (chains.length > 0) {
    // Every crossing in counter-clockwise order round the cell; equal positions are a degenerate touch.
    const around = chains
      .flatMap((chain, index) => [
        { key: chain.entry.key, index, entering: true },
        { key: chain.exit.key, index, entering: false },
      ])
      .sort((p, q) => p.key - q.key);
    for (let i = 1; i < around.length; i++) if ((around[i]?.key ?? 0) - (around[i - 1]?.key ?? 0) <= 1e-12) return 'degenerate';
    const positionOfExit = new Map(around.flatMap((a, i) => (a.entering ? [] : [[a.index, i] as const])));
    const used = new Set<number>();
    for (let start = 0; start < chains.length; start++) {
      if (used.has(start)) continue;
      const ring: Position[] = [];
      let at = start;
      for (let guard = 0; guard <= chains.length; guard++) {
        const chain = chains[at];
        if (!chain || used.has(at)) return 'degenerate';
        used.add(at);
        ring.push(...chain.points);
        // Walking on from this exit, the next crossing must be an entry.
        const i = positionOfExit.get(at) ?? 0;
        const next = around[(i + 1) % around.length];
        if (!next?.entering) return 'degenerate';
        const from = chain.exit.key;
        const wraps = next.key <= from;
        // Cell corners passed on the way: corner k starts edge k.
        const lastCorner = Math.floor(next.key) + (wraps ? m : 0);
        for (let k = Math.floor(from) + 1; k <= lastCorner; k++) {
          const v = c[k % m];
          if (v) ring.push([v[0], v[1]]);
        }
        at = next.index;
        if (at === start) break;
      }
      if (at !== start) return 'degenerate';
      ring.push(ring[0] ?? [0, 0]);
      pieces.push(dedupeRing(ring));
    }
  }

  // Rings of the clip wholly inside the cell: islands are pieces of their own, holes go to what holds them.
  const holes: Position[][] = [];
  for (const ring of wholeRings) (signedArea(ring) > 0 ? pieces : holes).push(ring);
  if (chains.length === 0) {
    const [x0, y0] = c[0] ?? [0, 0];
    if (pointInGeometry([x0, y0], clip)) pieces.unshift([...c.map(([x, y]) => [x, y]), [x0, y0]]);
  }
  if (pieces.length === 0) return null;
  const result: PlanarGeometry = pieces.filter((ring) => ring.length >= 4).map((ring) => [ring]);
  for (const hole of holes) {
    const probe = hole[0] ?? [0, 0];
    const owner = result.filter(([outer]) => outer && pointInRing([probe[0] ?? 0, probe[1] ?? 0], outer)).sort((p, q) => Math.abs(signedArea(p[0] ?? [])) - Math.abs(signedArea(q[0] ?? [])))[0];
    if (!owner) return 'degenerate';
    owner.push(hole);
  }
  return result.length > 0 ? result : null;
}

function dedupeRing(ring: Position[]): Position[] {
  return ring.filter((p, i) => i === 0 || p[0] !== ring[i - 1]?.[0] || p[1] !== ring[i - 1]?.[1]);
}
