import type { MultiPolygon, Position } from 'geojson';
import {
  METERS_PER_DEGREE,
  boundedVoronoi,
  bounds,
  centroidAndArea,
  clipCellsDetailed,
  dissolveTiles,
  orderNorthToSouthRows,
  perimeterOf,
  planarFrame,
  pointInGeometry,
  signedArea,
  type PlanarGeometry,
  type Pt,
} from './partition-geometry.ts';

/**
 * 网格划分方案: a proposed partition of a community into grids, from its boundary and its buildings'
 * positions and household counts. Pure and deterministic (no randomness; buildings are taken in id order),
 * so the same input always gives the same draft.
 *
 * How it works, in a local planar frame measured in metres:
 * 1. Buildings at the same point become one site. Each site gets its Voronoi cell clipped to the community;
 *    a cell cut in two by a bend of the boundary keeps the piece holding its site, and its stray pieces go
 *    later to the grid they share the longest border with. Sites whose cell misses the community (a building
 *    drawn outside it) ride along with the nearest site.
 * 2. Sites are nodes of a graph whose edges are the borders their pieces share inside the community. An edge
 *    costs its border length × (s / d)², s the typical spacing between neighbouring buildings and d the
 *    distance of the two: a border between close buildings (inside a compound, 楼栋群) is expensive to cut,
 *    one across a road, a river or open land is cheap. Single-linkage clusters (links ≤ 2.5 s) name the
 *    building groups that diagnostics speak of.
 * 3. A building above the household maximum is a grid on its own. For the rest, the grid count k is tried
 *    between ⌈total/max⌉ and ⌊total/min⌋ (the feasible counts), nearest the count that puts each grid at
 *    the middle of the range first; each k is partitioned and scored, and the best wins. A partition is
 *    recursive bisection: every straight cut across five directions is scored by its cost (above, made
 *    ratio-cut fair so one-grid slabs are not peeled off), by how far the halves' average sizes drift from
 *    the ideal and by whether the halves can still meet the range; the best cut whose halves both stay
 *    connected (a union–find sweep per direction) is taken. Cheap cuts run through gaps, so bisection
 *    follows building groups when the range allows it.
 * 4. A local pass: reconnect a grid left in pieces; bring grids into the range (single moves, else passing
 *    households along a path of neighbouring grids); lower the cut cost, the spread of sizes and each grid's
 *    spread about its centre; finally reunite building groups that fit in one grid. Every move keeps the
 *    grid it leaves connected and never adds households outside the range.
 * 5. A grid's geometry is the union of its sites' pieces (dissolveTiles: shared vertices snapped, T-junctions
 *    filled, shared edges cancelled), so neighbours share every vertex and stay seamless after rounding;
 *    points on the community's edges are put on the geodesic (GeodesicEdges). Grids are numbered in rows
 *    from north to south, west to east within a row.
 *
 * Measured for 2,000 clustered buildings on the 2-core dev container while it was busy (load ~5–7):
 * 0.45–1.0 s CPU for a first call in a fresh process (JIT warm-up), 0.3–0.5 s after. Budget: 2 s.
 */

export interface ProposalBuilding {
  id: number;
  /** WGS84. */
  lng: number;
  lat: number;
  households: number;
}

export interface HouseholdRange {
  min: number;
  max: number;
}

export interface GridProposalInput {
  /** The community, WGS84. */
  boundary: MultiPolygon;
  buildings: readonly ProposalBuilding[];
  range: HouseholdRange;
  /** Asked-for number of grids; by default chosen from the range. */
  gridCount?: number | undefined;
}

export type ProposalIssueCode =
  | 'no_buildings'
  | 'total_below_min'
  | 'range_infeasible'
  | 'grid_count_outside_range'
  | 'grid_count_reduced'
  | 'building_over_max'
  | 'grid_under_min'
  | 'grid_over_max'
  | 'not_contiguous'
  | 'buildings_outside_boundary'
  | 'cluster_split'
  | 'boundary_part_without_buildings';

export interface ProposalIssue {
  code: ProposalIssueCode;
  /** For people (zh-CN). */
  message: string;
  /** 0-based index into `grids`, or null for the whole proposal. */
  grid: number | null;
  buildingIds: number[];
}

export interface ProposedGrid {
  /** Ascending. */
  buildingIds: number[];
  households: number;
  /** WGS84, 9 decimals, RFC 7946 winding; one polygon unless the community itself is in pieces. */
  geometry: MultiPolygon;
  areaM2: number;
  /** Polsby–Popper 4πA/P²: 1 for a disc, 0.785 for a square, towards 0 for a sliver. */
  compactness: number;
  status: 'under' | 'over' | null;
}

export interface GridProposal {
  /** Numbered north to south, west to east. */
  grids: ProposedGrid[];
  totalHouseholds: number;
  /** Grid counts that could keep every grid in range, by totals alone; null when none can. */
  feasibleCounts: { min: number; max: number } | null;
  /** Grid counts tried, the chosen one first. */
  triedCounts: number[];
  issues: ProposalIssue[];
}

/** Output precision: 1e-9° is about 0.1 mm, so slivers against the community's own edges stay far below 1 m². */
const DECIMALS = 9;
/** Buildings this close (× typical spacing) belong to one building group. */
const CLUSTER_LINK = 2.5;
/** Weight of the halves' size drift against the cut cost, per half-range of drift. */
const IMBALANCE_WEIGHT = 0.25;
/** Weight of a household outside the range (per half-range) in a cut's score: effectively a constraint. */
const VIOLATION_WEIGHT = 50;
/** Weight of the spread of grid sizes against cut cost in the local pass. */
const SIZE_WEIGHT = 0.5;
/** Weight of the grids' spread about their centres (moment of inertia) in the local pass. */
const COMPACT_WEIGHT = 0.5;
/** Added to the score of a cut that leaves a half in pieces. */
const DISCONNECTED_PENALTY = 1000;
/** Grid counts tried, nearest the middle of the range first. */
const MAX_COUNTS_TRIED = 3;
/** Longest path of grids that pass households on to repair one grid. */
const MAX_REPAIR_PATH = 8;
/** Shorter shared borders (m) are touching corners, not adjacency. */
const MIN_BORDER_M = 0.01;
/** Vertices closer than this (m) are one vertex. */
const SNAP_M = 0.001;

export function proposeGrids(input: GridProposalInput): GridProposal {
  checkInput(input);
  const { range } = input;
  const buildings = [...input.buildings].sort((a, b) => a.id - b.id);
  const totalHouseholds = buildings.reduce((s, b) => s + b.households, 0);
  const [minLng, minLat, maxLng, maxLat] = bounds(input.boundary.coordinates.flat(2));
  const frame = planarFrame([(minLng + maxLng) / 2, (minLat + maxLat) / 2], METERS_PER_DEGREE);
  const boundary: PlanarGeometry = input.boundary.coordinates.map((polygon) => polygon.map((ring) => ring.map((p) => [...frame.toPlanar(p)])));
  const feasibleCounts = countsFor(totalHouseholds, range);
  const issues: ProposalIssue[] = [];
  const sites = sitesOf(buildings, frame.toPlanar);

  if (sites.length === 0) {
    issues.push(issue('no_buildings', '社区内没有带位置的楼栋，只能整体作为 1 个网格', null));
    const { grids } = finishGrids([{ pieces: boundary, buildingIds: [], households: 0 }], Math.sqrt(netArea(boundary)), frame, range, issues, input.boundary);
    return { grids, totalHouseholds, feasibleCounts, triedCounts: [1], issues };
  }

  const box = bounds([...boundary.flat(2), ...sites.map((s): Position => [s.x, s.y])]);
  const diagonal = Math.hypot(box[2] - box[0], box[3] - box[1]);
  const voronoi = boundedVoronoi(
    sites.map((s): Pt => [s.x, s.y]),
    box,
    Math.max(100, diagonal * 0.1),
  );
  const cells = clipCellsDetailed(voronoi, sites.length, boundary, { fast: true });
  const pieces = cells.map((cell, i) => piecesOf(cell.geometry, sites[i]));
  const outside = sites.flatMap((s) => (pointInGeometry([s.x, s.y], boundary) ? [] : s.buildingIds));
  if (outside.length > 0) {
    issues.push(issue('buildings_outside_boundary', `${outside.length} 栋楼的位置在社区边界之外，已归入最近的网格，请核对楼栋位置或社区边界`, null, outside));
  }

  const borders = sharedBorders(voronoi, cells, pieces, sites, boundary, diagonal);
  const graph = buildGraph(sites, pieces, borders.primary, voronoi);
  const plan = choosePartition(graph, range, input.gridCount, issues);

  const groups = plan.groups.map(
    (nodes): GroupGeometry => ({
      pieces: nodes.flatMap((n) => primaryPiece(pieces, graph.siteOf[n] ?? -1)),
      buildingIds: nodes.flatMap((n) => graph.buildingsOf[n] ?? []),
      households: nodes.reduce((sum, n) => sum + (graph.hs[n] ?? 0), 0),
    }),
  );
  attachStrayPieces(groups, plan.groupOf, graph, pieces, borders.stray, issues);
  const { grids, indexOfGroup } = finishGrids(groups, graph.spacing, frame, range, issues, input.boundary);
  reportSplitBuildingGroups(graph, plan.groupOf, indexOfGroup, range, issues);
  return { grids, totalHouseholds, feasibleCounts, triedCounts: plan.tried, issues };
}

// ---------------------------------------------------------------------------------------------------
// Input and sites

function checkInput(input: GridProposalInput): void {
  const { min, max } = input.range;
  if (!(Number.isFinite(min) && Number.isFinite(max) && min >= 0 && max > 0 && max >= min)) throw new Error(`bad household range ${min}–${max}`);
  if (input.boundary.coordinates.length === 0) throw new Error('empty boundary');
  const ids = new Set<number>();
  for (const b of input.buildings) {
    if (ids.has(b.id)) throw new Error(`building ${b.id} given twice`);
    ids.add(b.id);
    if (!Number.isFinite(b.lng) || !Number.isFinite(b.lat)) throw new Error(`building ${b.id} has no usable position`);
    if (!Number.isFinite(b.households) || b.households < 0) throw new Error(`building ${b.id} has ${b.households} households`);
  }
  if (input.gridCount !== undefined && !(Number.isInteger(input.gridCount) && input.gridCount >= 1)) throw new Error(`bad grid count ${input.gridCount}`);
}

interface Site {
  x: number;
  y: number;
  households: number;
  buildingIds: number[];
}

/** Buildings at the same stored position (7 decimals, ~1 cm) share a site: a Voronoi diagram has one cell per point. */
function sitesOf(buildings: readonly ProposalBuilding[], toPlanar: (p: Position) => Pt): Site[] {
  const byKey = new Map<string, Site>();
  for (const b of buildings) {
    const lng = Math.round(b.lng * 1e7) / 1e7;
    const lat = Math.round(b.lat * 1e7) / 1e7;
    const key = `${lng},${lat}`;
    const site = byKey.get(key);
    if (site) {
      site.households += b.households;
      site.buildingIds.push(b.id);
    } else {
      const [x, y] = toPlanar([lng, lat]);
      byKey.set(key, { x, y, households: b.households, buildingIds: [b.id] });
    }
  }
  return [...byKey.values()];
}

function countsFor(total: number, { min, max }: HouseholdRange): { min: number; max: number } | null {
  const low = Math.max(1, Math.ceil(total / max));
  const high = min === 0 ? Infinity : Math.floor(total / min);
  return low <= high ? { min: low, max: Number.isFinite(high) ? high : low } : null;
}

interface Pieces {
  polygons: Position[][][];
  /** Index of the piece holding the site (or nearest to it), -1 when the cell misses the community. */
  primary: number;
}

function piecesOf(geometry: PlanarGeometry | null, site: Site | undefined): Pieces {
  const polygons = geometry ?? [];
  if (!site || polygons.length === 0) return { polygons, primary: -1 };
  if (polygons.length === 1) return { polygons, primary: 0 };
  const holding = polygons.findIndex((polygon) => pointInGeometry([site.x, site.y], [polygon]));
  if (holding >= 0) return { polygons, primary: holding };
  let nearest = 0;
  let best = Infinity;
  polygons.forEach((polygon, k) => {
    const c = centroidAndArea([polygon]);
    const d = Math.hypot(c.x - site.x, c.y - site.y);
    if (d < best) {
      best = d;
      nearest = k;
    }
  });
  return { polygons, primary: nearest };
}

function primaryPiece(pieces: readonly Pieces[], site: number): Position[][][] {
  const p = pieces[site];
  const polygon = p ? p.polygons[p.primary] : undefined;
  return polygon ? [polygon] : [];
}

// ---------------------------------------------------------------------------------------------------
// Shared borders between pieces

interface Borders {
  /** site i * n + site j (i < j) → length of the border their primary pieces share (m). */
  primary: Map<number, number>;
  /** "site/piece" of a stray piece → (neighbouring "site/piece" → shared length). */
  stray: Map<string, Map<string, number>>;
}

/**
 * Which pieces share which length of border. The border of sites i and j is the part of their Voronoi
 * edge inside the community; when a cell is in several pieces, each stretch of that edge is attributed
 * to the piece found a millimetre to its side.
 */
function sharedBorders(
  voronoi: ReturnType<typeof boundedVoronoi>,
  cells: ReturnType<typeof clipCellsDetailed>,
  pieces: readonly Pieces[],
  sites: readonly Site[],
  boundary: PlanarGeometry,
  diagonal: number,
): Borders {
  const n = sites.length;
  const edges = ringEdges(boundary);
  const primary = new Map<number, number>();
  const stray = new Map<string, Map<string, number>>();
  // d3 jitters collinear sites a little, so their cell edges sit slightly off the true bisector: about 1 mm per km.
  const tolerance = Math.max(1e-6, diagonal * 1e-6);
  const addStray = (from: string, to: string, length: number): void => {
    const links = stray.get(from) ?? new Map<string, number>();
    links.set(to, (links.get(to) ?? 0) + length);
    stray.set(from, links);
  };
  for (let i = 0; i < n; i++) {
    const si = sites[i];
    const ci = cells[i];
    const pi = pieces[i];
    if (!si || !ci?.ring || !pi || pi.primary < 0) continue;
    // Delaunay neighbours, not voronoi.neighbors(): d3 matches shared edges by exact coordinates, which
    // misses neighbours whose cells have duplicate vertices (co-circular sites) or were clipped to its box.
    for (const j of voronoi.delaunay.neighbors(i)) {
      const sj = sites[j];
      const cj = cells[j];
      const pj = pieces[j];
      if (j <= i || !sj || !cj || !pj || pj.primary < 0) continue;
      for (const [a, b] of bisectorEdges(ci.ring, [si.x, si.y], [sj.x, sj.y], tolerance)) {
        const stretches: [number, number][] = ci.inside && cj.inside ? [[0, 1]] : insideStretches(a, b, edges, boundary);
        const edgeLength = Math.hypot(b[0] - a[0], b[1] - a[1]);
        for (const [t0, t1] of stretches) {
          const length = (t1 - t0) * edgeLength;
          if (length < MIN_BORDER_M) continue;
          const mid: Pt = [a[0] + ((t0 + t1) / 2) * (b[0] - a[0]), a[1] + ((t0 + t1) / 2) * (b[1] - a[1])];
          const pieceI = pi.polygons.length === 1 ? 0 : pieceAt(pi.polygons, towards(mid, [si.x, si.y]));
          const pieceJ = pj.polygons.length === 1 ? 0 : pieceAt(pj.polygons, towards(mid, [sj.x, sj.y]));
          if (pieceI < 0 || pieceJ < 0) continue;
          if (pieceI === pi.primary && pieceJ === pj.primary) {
            primary.set(i * n + j, (primary.get(i * n + j) ?? 0) + length);
            continue;
          }
          const keyI = `${i}/${pieceI}`;
          const keyJ = `${j}/${pieceJ}`;
          if (pieceI !== pi.primary) addStray(keyI, keyJ, length);
          if (pieceJ !== pj.primary) addStray(keyJ, keyI, length);
        }
      }
    }
  }
  return { primary, stray };
}

/** The edges of cell `ring` lying on the perpendicular bisector of `si` and `sj`: their shared Voronoi edge. */
function bisectorEdges(ring: readonly Pt[], si: Pt, sj: Pt, tolerance: number): [Pt, Pt][] {
  const dx = sj[0] - si[0];
  const dy = sj[1] - si[1];
  const length = Math.hypot(dx, dy);
  if (length === 0) return [];
  const mx = (si[0] + sj[0]) / 2;
  const my = (si[1] + sj[1]) / 2;
  const off = (p: Pt): number => Math.abs(((p[0] - mx) * dx + (p[1] - my) * dy) / length);
  const out: [Pt, Pt][] = [];
  for (let k = 0; k + 1 < ring.length; k++) {
    const a = ring[k];
    const b = ring[k + 1];
    if (a && b && off(a) <= tolerance && off(b) <= tolerance && (a[0] !== b[0] || a[1] !== b[1])) out.push([a, b]);
  }
  return out;
}

/** Every ring edge of a geometry as x0, y0, x1, y1 quadruples. */
function ringEdges(geometry: PlanarGeometry): Float64Array {
  const out: number[] = [];
  for (const polygon of geometry) {
    for (const ring of polygon) {
      for (let k = 0; k + 1 < ring.length; k++) {
        const [x0 = 0, y0 = 0] = ring[k] ?? [];
        const [x1 = 0, y1 = 0] = ring[k + 1] ?? [];
        out.push(x0, y0, x1, y1);
      }
    }
  }
  return Float64Array.from(out);
}

/** The stretches [t0, t1] of segment a→b that lie inside the geometry. */
function insideStretches(a: Pt, b: Pt, edges: Float64Array, geometry: PlanarGeometry): [number, number][] {
  const ex = b[0] - a[0];
  const ey = b[1] - a[1];
  const [minX, maxX] = a[0] < b[0] ? [a[0], b[0]] : [b[0], a[0]];
  const [minY, maxY] = a[1] < b[1] ? [a[1], b[1]] : [b[1], a[1]];
  const ts = [0, 1];
  for (let k = 0; k + 3 < edges.length; k += 4) {
    const cx = edges[k] ?? 0;
    const cy = edges[k + 1] ?? 0;
    const dx = (edges[k + 2] ?? 0) - cx;
    const dy = (edges[k + 3] ?? 0) - cy;
    if (Math.max(cx, cx + dx) < minX || Math.min(cx, cx + dx) > maxX || Math.max(cy, cy + dy) < minY || Math.min(cy, cy + dy) > maxY) continue;
    const denominator = ex * dy - ey * dx;
    if (denominator === 0) continue;
    const t = ((cx - a[0]) * dy - (cy - a[1]) * dx) / denominator;
    const u = ((cx - a[0]) * ey - (cy - a[1]) * ex) / denominator;
    if (t > 0 && t < 1 && u >= 0 && u <= 1) ts.push(t);
  }
  ts.sort((p, q) => p - q);
  const stretches: [number, number][] = [];
  for (let k = 0; k + 1 < ts.length; k++) {
    const t0 = ts[k] ?? 0;
    const t1 = ts[k + 1] ?? 0;
    if (t1 - t0 < 1e-12) continue;
    const tm = (t0 + t1) / 2;
    if (pointInGeometry([a[0] + tm * ex, a[1] + tm * ey], geometry)) stretches.push([t0, t1]);
  }
  return stretches;
}

/** A millimetre from `p` towards `site`: just inside the piece whose border passes through `p`. */
function towards(p: Pt, site: Pt): Pt {
  const dx = site[0] - p[0];
  const dy = site[1] - p[1];
  const d = Math.hypot(dx, dy);
  return d === 0 ? p : [p[0] + (dx / d) * 1e-3, p[1] + (dy / d) * 1e-3];
}

function pieceAt(polygons: readonly Position[][][], p: Pt): number {
  return polygons.findIndex((polygon) => pointInGeometry(p, [polygon]));
}

// ---------------------------------------------------------------------------------------------------
// The graph of sites

interface Edge {
  to: number;
  /** Cost of putting a grid border here. */
  w: number;
  /** Distance between the two sites (m). */
  d: number;
}

interface Graph {
  n: number;
  xs: Float64Array;
  ys: Float64Array;
  hs: Float64Array;
  adj: Edge[][];
  /** The same adjacency in compressed rows, for the hot loops: node u's edges are start[u]…start[u+1]. */
  start: Int32Array;
  to: Int32Array;
  w: Float64Array;
  /** Node → its site (for geometry). */
  siteOf: Int32Array;
  /** Node → buildings it carries (its site's and those of sites without area riding along). */
  buildingsOf: number[][];
  /** Node → building group (single-linkage cluster). */
  clusterOf: Int32Array;
  clusterHouseholds: number[];
  /** Typical spacing of neighbouring buildings (m). */
  spacing: number;
}

function buildGraph(sites: readonly Site[], pieces: readonly Pieces[], borders: Map<number, number>, voronoi: ReturnType<typeof boundedVoronoi>): Graph {
  const n0 = sites.length;
  const nodeOfSite = new Int32Array(n0).fill(-1);
  const siteOf: number[] = [];
  sites.forEach((_, i) => {
    if ((pieces[i]?.primary ?? -1) >= 0) {
      nodeOfSite[i] = siteOf.length;
      siteOf.push(i);
    }
  });
  // A site whose cell misses the community has no area of its own: it rides with the nearest site that has.
  const riders: number[][] = siteOf.map(() => []);
  if (siteOf.length === 0) {
    // Every building lies outside the community: one node at the first site carries them all.
    siteOf.push(0);
    riders.push([]);
    for (let i = 1; i < n0; i++) riders[0]?.push(i);
  } else {
    sites.forEach((s, i) => {
      if ((nodeOfSite[i] ?? -1) >= 0) return;
      let best = 0;
      let bestD = Infinity;
      siteOf.forEach((site, node) => {
        const t = sites[site];
        const d = t ? Math.hypot(t.x - s.x, t.y - s.y) : Infinity;
        if (d < bestD) {
          bestD = d;
          best = node;
        }
      });
      riders[best]?.push(i);
    });
  }

  const n = siteOf.length;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  const hs = new Float64Array(n);
  const buildingsOf: number[][] = [];
  siteOf.forEach((site, node) => {
    const s = sites[site];
    xs[node] = s?.x ?? 0;
    ys[node] = s?.y ?? 0;
    const carried = [site, ...(riders[node] ?? [])].map((i) => sites[i]);
    hs[node] = carried.reduce((sum, c) => sum + (c?.households ?? 0), 0);
    buildingsOf.push(carried.flatMap((c) => c?.buildingIds ?? []).sort((a, b) => a - b));
  });

  // Typical spacing: the median distance from a site to its nearest Delaunay neighbour.
  const nearest: number[] = [];
  siteOf.forEach((site) => {
    const s = sites[site];
    let best = Infinity;
    for (const j of voronoi.delaunay.neighbors(site)) {
      const t = sites[j];
      if (s && t) best = Math.min(best, Math.hypot(t.x - s.x, t.y - s.y));
    }
    if (Number.isFinite(best) && best > 0) nearest.push(best);
  });
  nearest.sort((a, b) => a - b);
  const spacing = nearest[Math.floor(nearest.length / 2)] ?? 100;

  const adj: Edge[][] = siteOf.map(() => []);
  for (const [key, length] of borders) {
    const i = Math.floor(key / n0);
    const j = key - i * n0;
    const u = nodeOfSite[i] ?? -1;
    const v = nodeOfSite[j] ?? -1;
    if (u < 0 || v < 0 || length < MIN_BORDER_M) continue;
    const d = Math.hypot((xs[u] ?? 0) - (xs[v] ?? 0), (ys[u] ?? 0) - (ys[v] ?? 0));
    const closeness = d > 0 ? Math.min(16, Math.max(0.01, (spacing / d) ** 2)) : 16;
    const w = length * closeness;
    adj[u]?.push({ to: v, w, d });
    adj[v]?.push({ to: u, w, d });
  }
  for (const list of adj) list.sort((a, b) => a.to - b.to);
  const start = new Int32Array(n + 1);
  adj.forEach((list, u) => (start[u + 1] = (start[u] ?? 0) + list.length));
  const to = Int32Array.from(adj.flatMap((list) => list.map((e) => e.to)));
  const w = Float64Array.from(adj.flatMap((list) => list.map((e) => e.w)));

  // Building groups: single linkage over neighbouring sites no further apart than CLUSTER_LINK spacings.
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    let r = i;
    while ((parent[r] ?? r) !== r) r = parent[r] ?? r;
    while ((parent[i] ?? i) !== r) {
      const next = parent[i] ?? i;
      parent[i] = r;
      i = next;
    }
    return r;
  };
  adj.forEach((list, u) => {
    for (const e of list) {
      if (e.to > u && e.d <= CLUSTER_LINK * spacing) {
        const a = find(u);
        const b = find(e.to);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  });
  const clusterOf = new Int32Array(n);
  const clusterIndex = new Map<number, number>();
  const clusterHouseholds: number[] = [];
  for (let u = 0; u < n; u++) {
    const root = find(u);
    let c = clusterIndex.get(root);
    if (c === undefined) {
      c = clusterHouseholds.length;
      clusterIndex.set(root, c);
      clusterHouseholds.push(0);
    }
    clusterOf[u] = c;
    clusterHouseholds[c] = (clusterHouseholds[c] ?? 0) + (hs[u] ?? 0);
  }
  return { n, xs, ys, hs, adj, start, to, w, siteOf: Int32Array.from(siteOf), buildingsOf, clusterOf, clusterHouseholds, spacing };
}

// ---------------------------------------------------------------------------------------------------
// Choosing the grid count and partitioning

interface Plan {
  groups: number[][];
  groupOf: Int32Array;
  tried: number[];
}

function choosePartition(graph: Graph, range: HouseholdRange, asked: number | undefined, issues: ProposalIssue[]): Plan {
  const { n, hs } = graph;
  const mid = (range.min + range.max) / 2;
  const locked: number[] = [];
  const free: number[] = [];
  for (let u = 0; u < n; u++) ((hs[u] ?? 0) > range.max ? locked : free).push(u);
  for (const u of locked) {
    const ids = graph.buildingsOf[u] ?? [];
    issues.push(
      issue(
        'building_over_max',
        `${ids.length > 1 ? `${ids.length} 栋同一位置的楼` : '1 栋楼'}共 ${hs[u] ?? 0} 户，超过每格上限 ${range.max} 户，单独划为一个网格`,
        null,
        ids,
      ),
    );
  }
  const freeTotal = free.reduce((s, u) => s + (hs[u] ?? 0), 0);
  const total = freeTotal + locked.reduce((s, u) => s + (hs[u] ?? 0), 0);
  const feasible = countsFor(total, range);

  let candidates: number[];
  if (free.length === 0) {
    candidates = [0];
  } else if (asked !== undefined) {
    let k = asked - locked.length;
    if (k > free.length) {
      issues.push(issue('grid_count_reduced', `只有 ${free.length + locked.length} 处楼栋位置，最多划 ${free.length + locked.length} 个网格`, null));
      k = free.length;
    }
    if (k < 1) {
      issues.push(issue('grid_count_reduced', `有 ${locked.length} 栋楼须单独成格，至少划 ${locked.length + 1} 个网格`, null));
      k = 1;
    }
    if (feasible && (k + locked.length < feasible.min || k + locked.length > feasible.max)) {
      issues.push(issue('grid_count_outside_range', `按 ${range.min}–${range.max} 户/格，宜划 ${feasible.min}–${feasible.max} 个网格；按要求划 ${k + locked.length} 个，部分网格会超出范围`, null));
    }
    candidates = [k];
  } else if (freeTotal < range.min) {
    if (locked.length === 0) issues.push(issue('total_below_min', `全社区共 ${total} 户，不足每格下限 ${range.min} 户，只划 1 个网格`, null));
    candidates = [1];
  } else {
    const low = Math.max(1, Math.ceil(freeTotal / range.max));
    const high = Math.min(free.length, range.min === 0 ? free.length : Math.floor(freeTotal / range.min));
    const target = mid > 0 ? freeTotal / mid : 1;
    if (low <= high) {
      candidates = Array.from({ length: high - low + 1 }, (_, i) => low + i)
        .sort((a, b) => Math.abs(a - target) - Math.abs(b - target) || a - b)
        .slice(0, MAX_COUNTS_TRIED);
    } else {
      const a = Math.min(free.length, Math.max(1, Math.floor(target)));
      candidates = [...new Set([a, Math.min(free.length, a + 1)])];
      if (!feasible || locked.length === 0) {
        issues.push(issue('range_infeasible', `共 ${total} 户，无论划几个网格都无法使每格都在 ${range.min}–${range.max} 户之间`, null));
      }
    }
  }

  const ideal = mid > 0 ? freeTotal / mid : 1;
  const bisector = new Bisector(graph, range);
  let best: { score: number; k: number; groups: number[][]; groupOf: Int32Array } | null = null;
  for (const k of candidates) {
    const groups: number[][] = locked.map((u) => [u]);
    if (k > 0) groups.push(...bisector.split(Int32Array.from(free), k).map((g) => Array.from(g)));
    const groupOf = new Int32Array(n);
    groups.forEach((members, g) => members.forEach((u) => (groupOf[u] = g)));
    const lockedSet = new Set(locked);
    refine(graph, groupOf, groups.length, range, lockedSet);
    const score = scorePartition(graph, groupOf, groups.length, range, lockedSet) + 0.5 * Math.abs(k - ideal);
    if (!best || score < best.score - 1e-9) best = { score, k, groups: membersOf(groupOf, groups.length), groupOf };
  }
  if (!best) throw new Error('no partition');
  const chosen = best.k;
  return { groups: best.groups, groupOf: best.groupOf, tried: [chosen + locked.length, ...candidates.filter((k) => k !== chosen).map((k) => k + locked.length)] };
}

function membersOf(groupOf: Int32Array, count: number): number[][] {
  const groups: number[][] = Array.from({ length: count }, () => []);
  groupOf.forEach((g, u) => groups[g]?.push(u));
  return groups;
}

function violation(h: number, range: HouseholdRange): number {
  return Math.max(0, range.min - h) + Math.max(0, h - range.max);
}

function halfRange(range: HouseholdRange): number {
  return Math.max(1, (range.max - range.min) / 2, range.max * 0.05);
}

/**
 * Lower is better: grids in pieces and grids out of range dominate; then building groups that could have
 * stayed whole but were split, and grids that join two groups each big enough for a grid of their own.
 */
function scorePartition(graph: Graph, groupOf: Int32Array, count: number, range: HouseholdRange, locked: ReadonlySet<number>): number {
  const h = new Float64Array(count);
  graph.hs.forEach((v, u) => (h[groupOf[u] ?? 0] = (h[groupOf[u] ?? 0] ?? 0) + v));
  let score = 0;
  const groups = membersOf(groupOf, count);
  groups.forEach((members, g) => {
    const only = members[0];
    if (members.length === 1 && only !== undefined && locked.has(only)) return;
    const v = violation(h[g] ?? 0, range);
    if (v > 0) score += 10 + v / halfRange(range);
    if (components(graph, groupOf, g, members).length > 1) score += 10;
  });
  const groupsOfCluster = new Map<number, Set<number>>();
  const bigClustersOfGroup = new Map<number, Set<number>>();
  groupOf.forEach((g, u) => {
    const c = graph.clusterOf[u] ?? 0;
    const set = groupsOfCluster.get(c) ?? new Set<number>();
    set.add(g);
    groupsOfCluster.set(c, set);
    if ((graph.clusterHouseholds[c] ?? 0) >= range.min) {
      const big = bigClustersOfGroup.get(g) ?? new Set<number>();
      big.add(c);
      bigClustersOfGroup.set(g, big);
    }
  });
  for (const [c, set] of groupsOfCluster) if ((graph.clusterHouseholds[c] ?? 0) <= range.max) score += 0.5 * (set.size - 1);
  for (const set of bigClustersOfGroup.values()) score += set.size - 1;
  return score;
}

/** Connected components of group g's members (lists of nodes), largest household total first. */
function components(graph: Graph, groupOf: Int32Array, g: number, members: readonly number[]): number[][] {
  const seen = new Set<number>();
  const out: number[][] = [];
  for (const start of members) {
    if (seen.has(start)) continue;
    const component = [start];
    seen.add(start);
    for (let k = 0; k < component.length; k++) {
      for (const e of graph.adj[component[k] ?? 0] ?? []) {
        if (!seen.has(e.to) && groupOf[e.to] === g) {
          seen.add(e.to);
          component.push(e.to);
        }
      }
    }
    out.push(component);
  }
  const households = (c: number[]): number => c.reduce((s, u) => s + (graph.hs[u] ?? 0), 0);
  return out.sort((a, b) => households(b) - households(a) || Math.min(...a) - Math.min(...b));
}

interface Cut {
  score: number;
  axis: number;
  at: number;
  k1: number;
}

/** Fixed cut directions: east–west, north–south and both diagonals (the principal axis is added per call). */
const FIXED_ANGLES = [0, Math.PI / 2, Math.PI / 4, (3 * Math.PI) / 4];

/** Scratch shared by the recursive calls of one bisection: node-indexed, so no maps or sets in hot loops. */
class Bisector {
  private readonly fixedOrders: Int32Array[];
  private readonly member: Int32Array;
  private readonly side: Int32Array;
  private readonly rank: Int32Array;
  private readonly parent: Int32Array;
  private stamp = 0;

  constructor(
    private readonly graph: Graph,
    private readonly range: HouseholdRange,
  ) {
    const { n, xs, ys } = graph;
    this.fixedOrders = FIXED_ANGLES.map((angle) => sortedAlong(xs, ys, Int32Array.from({ length: n }, (_, i) => i), angle));
    this.member = new Int32Array(n);
    this.side = new Int32Array(n);
    this.rank = new Int32Array(n);
    this.parent = new Int32Array(n);
  }

  /**
   * Recursive bisection of `nodes` into k groups. Each level scores every straight cut along five
   * directions (the principal axis of the buildings, east–west, north–south and both diagonals) and takes
   * the best, preferring cuts whose halves are both connected.
   */
  split(nodes: Int32Array, k: number): Int32Array[] {
    if (k <= 1 || nodes.length <= 1) return [nodes];
    const { xs, ys, hs, start, to, w } = this.graph;
    const range = this.range;
    const m = nodes.length;
    const setId = ++this.stamp;
    let total = 0;
    let mx = 0;
    let my = 0;
    for (const u of nodes) {
      this.member[u] = setId;
      total += hs[u] ?? 0;
      mx += xs[u] ?? 0;
      my += ys[u] ?? 0;
    }
    mx /= m;
    my /= m;
    const ideal = total / k;
    const half = halfRange(range);
    // A side that will be split further needs room for buildings that do not divide evenly.
    const margin = Math.min(half / 2, median(Array.from(nodes, (u) => hs[u] ?? 0)));

    let cxx = 0;
    let cyy = 0;
    let cxy = 0;
    for (const u of nodes) {
      const dx = (xs[u] ?? 0) - mx;
      const dy = (ys[u] ?? 0) - my;
      cxx += dx * dx;
      cyy += dy * dy;
      cxy += dx * dy;
    }
    // Cutting across the principal axis (the direction of greatest spread) gives the roundest halves.
    const principal = 0.5 * Math.atan2(2 * cxy, cxx - cyy);
    const orders: Int32Array[] = [sortedAlong(xs, ys, nodes, principal)];
    for (const fixed of this.fixedOrders) {
      const order = new Int32Array(m);
      let r = 0;
      for (const u of fixed) if (this.member[u] === setId) order[r++] = u;
      orders.push(order);
    }

    const cuts: Float64Array[] = [];
    const sums: Float64Array[] = [];
    // connectedSides[axis][r]: both halves of a cut after rank r are connected.
    const connectedSides: Uint8Array[] = [];
    for (const order of orders) {
      const cum = new Float64Array(m);
      let running = 0;
      order.forEach((u, r) => {
        this.rank[u] = r;
        running += hs[u] ?? 0;
        cum[r] = running;
      });
      // cut[r]: the cost of the borders crossed by a cut between ranks r and r + 1.
      const cut = new Float64Array(m + 1);
      for (const u of order) {
        for (let k = start[u] ?? 0, end = start[u + 1] ?? 0; k < end; k++) {
          const v = to[k] ?? 0;
          if (v <= u || this.member[v] !== setId) continue;
          const a = this.rank[u] ?? 0;
          const b = this.rank[v] ?? 0;
          const weight = w[k] ?? 0;
          cut[a < b ? a : b] = (cut[a < b ? a : b] ?? 0) + weight;
          cut[a < b ? b : a] = (cut[a < b ? b : a] ?? 0) - weight;
        }
      }
      for (let r = 1; r < m; r++) cut[r] = (cut[r] ?? 0) + (cut[r - 1] ?? 0);
      cuts.push(cut);
      sums.push(cum);
      connectedSides.push(this.sidesConnected(order, setId));
    }

    // The yardstick for cut costs: a balanced cut across the principal axis.
    const principalSum = sums[0] ?? new Float64Array(m);
    const balancedAt = Math.max(0, principalSum.findIndex((v) => v >= (total * Math.floor(k / 2)) / k));
    const reference = Math.max(cuts[0]?.[Math.min(balancedAt, m - 2)] ?? 0, 1e-9);

    // Outside the range is all but forbidden; merely close to its ends (with more cuts to come) costs a little.
    const sideViolation = (t: number, kk: number): number => {
      const hard = Math.max(0, kk * range.min - t) + Math.max(0, t - kk * range.max);
      const tight = kk >= 2 ? Math.max(0, kk * (range.min + margin) - t) + Math.max(0, t - kk * (range.max - margin)) : 0;
      return VIOLATION_WEIGHT * hard + tight;
    };
    let chosen: Cut | null = null;
    for (const [axis, cut] of cuts.entries()) {
      const cum = sums[axis] ?? new Float64Array(m);
      const connected = connectedSides[axis] ?? new Uint8Array(m);
      for (let r = 0; r + 1 < m; r++) {
        const t1 = cum[r] ?? 0;
        const t2 = total - t1;
        const n1 = r + 1;
        const share = total > 0 ? (k * t1) / total : (k * n1) / m;
        const low = Math.floor(share);
        for (let k1 = low; k1 <= low + 1; k1++) {
          const k2 = k - k1;
          if (k1 < 1 || k2 < 1 || k1 > n1 || k2 > m - n1) continue;
          const drift = (Math.abs(t1 / k1 - ideal) + Math.abs(t2 / k2 - ideal)) / half;
          const v = (sideViolation(t1, k1) + sideViolation(t2, k2)) / half;
          // Ratio cut: a slab one grid wide costs as much border as a cut through the middle but settles
          // far fewer grids, so lopsided cuts pay for it (k²/4k1k2 is 1 for an even split).
          const lopsided = (k * k) / (4 * k1 * k2);
          // A cut leaving a half in pieces is a last resort (the local pass reconnects what it must).
          const broken = connected[r] ? 0 : DISCONNECTED_PENALTY;
          const candidate = { score: ((cut[r] ?? 0) / reference) * lopsided + IMBALANCE_WEIGHT * drift + v + broken, axis, at: r, k1 };
          if (!chosen || compareCuts(candidate, chosen) < 0) chosen = candidate;
        }
      }
    }
    if (!chosen) return [nodes];
    const order = orders[chosen.axis] ?? new Int32Array(0);
    return [...this.split(order.slice(0, chosen.at + 1), chosen.k1), ...this.split(order.slice(chosen.at + 1), k - chosen.k1)];
  }

  /**
   * For every cut along `order`, whether both halves are connected: one union–find sweep adds the nodes in
   * order (prefixes), another in reverse (suffixes), counting components as they go. O(edges) per axis.
   */
  private sidesConnected(order: Int32Array, setId: number): Uint8Array {
    const m = order.length;
    const prefix = new Uint8Array(m);
    const suffix = new Uint8Array(m + 1);
    const { start, to: targets } = this.graph;
    const sweep = (from: number, to: number, step: number, out: Uint8Array, offset: number): void => {
      const added = ++this.stamp;
      let components = 0;
      for (let r = from; r !== to; r += step) {
        const u = order[r] ?? 0;
        this.side[u] = added;
        this.parent[u] = u;
        components++;
        for (let k = start[u] ?? 0, end = start[u + 1] ?? 0; k < end; k++) {
          const v = targets[k] ?? 0;
          if (this.member[v] !== setId || this.side[v] !== added) continue;
          const a = this.find(u);
          const b = this.find(v);
          if (a !== b) {
            this.parent[Math.max(a, b)] = Math.min(a, b);
            components--;
          }
        }
        out[r + offset] = components === 1 ? 1 : 0;
      }
    };
    sweep(0, m, 1, prefix, 0);
    sweep(m - 1, -1, -1, suffix, 0);
    const both = new Uint8Array(m);
    for (let r = 0; r + 1 < m; r++) both[r] = prefix[r] && suffix[r + 1] ? 1 : 0;
    return both;
  }

  private find(u: number): number {
    let r = u;
    while ((this.parent[r] ?? r) !== r) {
      const up = this.parent[this.parent[r] ?? r] ?? r;
      this.parent[r] = up;
      r = up;
    }
    return r;
  }
}

/** Nodes sorted along a direction; ties by the perpendicular, then by index, so the order is total. */
function sortedAlong(xs: Float64Array, ys: Float64Array, nodes: Int32Array, angle: number): Int32Array {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const proj = new Float64Array(xs.length);
  const perp = new Float64Array(xs.length);
  for (const u of nodes) {
    proj[u] = (xs[u] ?? 0) * cos + (ys[u] ?? 0) * sin;
    perp[u] = (ys[u] ?? 0) * cos - (xs[u] ?? 0) * sin;
  }
  return Int32Array.from(nodes).sort((a, b) => (proj[a] ?? 0) - (proj[b] ?? 0) || (perp[a] ?? 0) - (perp[b] ?? 0) || a - b);
}

function compareCuts(a: Cut, b: Cut): number {
  return a.score - b.score || a.axis - b.axis || a.at - b.at || a.k1 - b.k1;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * The local pass after bisection, in four steps: reconnect grids in pieces, bring grids into the range,
 * reunite building groups that fit in one grid, then lower the cut cost, the spread of sizes and the
 * spread of each grid about its centre. Buildings move one at a time (or a building group at once); a
 * move always keeps the grid it leaves connected, and never adds households outside the range.
 */
function refine(graph: Graph, groupOf: Int32Array, count: number, range: HouseholdRange, locked: ReadonlySet<number>): void {
  const search = new LocalSearch(graph, groupOf, count, range, locked);
  search.reconnect();
  search.repairRange();
  search.improve();
  search.reuniteBuildingGroups();
}

class LocalSearch {
  private readonly h: Float64Array;
  private readonly size: Int32Array;
  // Moments of each group about the origin, weighted by households + 1 (so empty buildings count a little).
  private readonly q: Float64Array;
  private readonly qx: Float64Array;
  private readonly qy: Float64Array;
  private readonly qq: Float64Array;
  private readonly lockedGroups = new Set<number>();
  private readonly seen: Int32Array;
  private stamp = 0;

  constructor(
    private readonly graph: Graph,
    private readonly groupOf: Int32Array,
    private readonly count: number,
    private readonly range: HouseholdRange,
    private readonly locked: ReadonlySet<number>,
  ) {
    this.h = new Float64Array(count);
    this.size = new Int32Array(count);
    this.q = new Float64Array(count);
    this.qx = new Float64Array(count);
    this.qy = new Float64Array(count);
    this.qq = new Float64Array(count);
    this.seen = new Int32Array(graph.n);
    for (let u = 0; u < graph.n; u++) this.shift(u, groupOf[u] ?? 0, 1);
    for (const u of locked) this.lockedGroups.add(groupOf[u] ?? 0);
  }

  /** 1. A grid's smaller pieces join the neighbouring grid they share most border with. */
  reconnect(): void {
    const { adj } = this.graph;
    for (let round = 0; round < 8; round++) {
      let changed = false;
      membersOf(this.groupOf, this.count).forEach((members, g) => {
        for (const component of components(this.graph, this.groupOf, g, members).slice(1)) {
          const shared = new Map<number, number>();
          for (const u of component) {
            for (const e of adj[u] ?? []) {
              const other = this.groupOf[e.to] ?? 0;
              if (other !== g) shared.set(other, (shared.get(other) ?? 0) + e.w);
            }
          }
          const target = [...shared].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
          if (target === undefined) continue;
          for (const u of component) this.move(u, target);
          changed = true;
        }
      });
      if (!changed) break;
    }
  }

  /**
   * 2. The move that takes most households back inside the range, until none does. When no single move
   * helps (every neighbour is near its own limit), households are passed along a path of grids.
   */
  repairRange(): void {
    for (let iteration = 0; iteration < 4 * this.graph.n; iteration++) {
      const bad = this.violatingGroups();
      if (bad.length === 0) return;
      const single = this.bestMove(new Set(bad), 0);
      if (single) {
        this.move(single.u, single.to);
        continue;
      }
      if (!bad.some((g) => this.repairAlongPath(g))) return;
    }
  }

  /**
   * 3. Building groups that fit in one grid but were split: the stray parts join the grid holding most of
   * the group, all at once, when every grid involved ends in range and the grids they leave stay connected.
   */
  reuniteBuildingGroups(): void {
    const { n, hs, clusterOf, clusterHouseholds } = this.graph;
    const byCluster = new Map<number, number[]>();
    for (let u = 0; u < n; u++) {
      const list = byCluster.get(clusterOf[u] ?? 0);
      if (list) list.push(u);
      else byCluster.set(clusterOf[u] ?? 0, [u]);
    }
    for (const [c, members] of byCluster) {
      if ((clusterHouseholds[c] ?? 0) > this.range.max || members.some((u) => this.locked.has(u))) continue;
      const share = new Map<number, number>();
      for (const u of members) share.set(this.groupOf[u] ?? 0, (share.get(this.groupOf[u] ?? 0) ?? 0) + (hs[u] ?? 0) + 1e-6);
      if (share.size < 2) continue;
      const target = [...share].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 0;
      const moving = members.filter((u) => this.groupOf[u] !== target);
      const from = moving.map((u) => this.groupOf[u] ?? 0);
      for (const u of moving) this.move(u, target);
      const fine = [...share.keys()].every(
        (g) => violation(this.h[g] ?? 0, this.range) === 0 && (g === target || ((this.size[g] ?? 0) > 0 && components(this.graph, this.groupOf, g, this.membersOfGroup(g)).length === 1)),
      );
      if (!fine) moving.forEach((u, i) => this.move(u, from[i] ?? target));
    }
  }

  /** 4. Lower the cut cost, the spread of sizes and each grid's spread about its centre, within the range. */
  improve(): void {
    const { n, hs, adj, spacing } = this.graph;
    const mid = (this.range.min + this.range.max) / 2;
    const half = halfRange(this.range);
    const spread = (v: number): number => ((v - mid) / half) ** 2;
    // A building one spacing further from its grid's centre, at a typical grid size, costs about one unit.
    const inertiaUnit = spacing ** 2 * Math.max(mid, 1) * 0.1;
    for (let pass = 0; pass < 8; pass++) {
      let moved = false;
      for (let u = 0; u < n; u++) {
        const from = this.groupOf[u] ?? 0;
        if (this.locked.has(u) || (this.size[from] ?? 0) <= 1) continue;
        const hu = hs[u] ?? 0;
        let best: { to: number; gain: number } | null = null;
        const tried = new Set<number>();
        for (const e of adj[u] ?? []) {
          const to = this.groupOf[e.to] ?? 0;
          if (to === from || tried.has(to)) continue;
          tried.add(to);
          if (this.deltaViolation(u, to) > 1e-9) continue;
          const gain =
            (this.weightTo(u, to) - this.weightTo(u, from)) / spacing +
            SIZE_WEIGHT * (spread(this.h[from] ?? 0) + spread(this.h[to] ?? 0) - spread((this.h[from] ?? 0) - hu) - spread((this.h[to] ?? 0) + hu)) -
            (COMPACT_WEIGHT * this.deltaInertia(u, to)) / inertiaUnit;
          if (gain > 1e-9 && (!best || gain > best.gain + 1e-12)) best = { to, gain };
        }
        if (best && this.stillConnectedWithout(u)) {
          this.move(u, best.to);
          moved = true;
        }
      }
      if (!moved) return;
    }
  }

  /**
   * Households passed along a path of neighbouring grids: from the nearest grid with room to spare into an
   * undersized grid g, or out of an oversized g to the nearest grid with room, one building per link,
   * each chosen to match what its grid just received. Kept only if the households outside the range drop.
   */
  private repairAlongPath(g: number): boolean {
    const { n, hs, adj } = this.graph;
    const under = (this.h[g] ?? 0) < this.range.min;
    const neighbours: Set<number>[] = Array.from({ length: this.count }, () => new Set<number>());
    for (let u = 0; u < n; u++) {
      for (const e of adj[u] ?? []) {
        const a = this.groupOf[u] ?? 0;
        const b = this.groupOf[e.to] ?? 0;
        if (a !== b) neighbours[a]?.add(b);
      }
    }
    // Border buildings of `from` touching `to` that could leave `from` without splitting it.
    const movable = (from: number, to: number): number[] => {
      const out: number[] = [];
      for (let u = 0; u < n; u++) {
        if (this.groupOf[u] !== from || this.locked.has(u) || (this.size[from] ?? 0) <= 1) continue;
        if ((adj[u] ?? []).some((e) => this.groupOf[e.to] === to) && this.stillConnectedWithout(u)) out.push(u);
      }
      return out;
    };
    const hasRoom = (t: number, via: number): boolean => {
      if (this.lockedGroups.has(t)) return false;
      const [from, to] = under ? [t, via] : [via, t];
      const candidates = movable(from, to);
      return candidates.some((u) => (under ? (this.h[t] ?? 0) - (hs[u] ?? 0) >= this.range.min : (this.h[t] ?? 0) + (hs[u] ?? 0) <= this.range.max));
    };
    const parent = new Map<number, number>([[g, -1]]);
    const queue = [g];
    let end = -1;
    for (let k = 0; k < queue.length && end < 0; k++) {
      const at = queue[k] ?? 0;
      const depth = (() => {
        let d = 0;
        for (let x = at; x !== g; x = parent.get(x) ?? g) d++;
        return d;
      })();
      if (depth >= MAX_REPAIR_PATH) continue;
      for (const next of [...(neighbours[at] ?? [])].sort((p, q) => p - q)) {
        if (parent.has(next) || this.lockedGroups.has(next)) continue;
        parent.set(next, at);
        if (hasRoom(next, at)) {
          end = next;
          break;
        }
        queue.push(next);
      }
    }
    if (end < 0) return false;
    const path: number[] = [];
    for (let x = end; x !== -1; x = parent.get(x) ?? -1) path.push(x);
    // path runs end → … → g; households flow along it for an undersized g, against it for an oversized one.
    const flow = under ? path : [...path].reverse();
    const before = this.totalViolation();
    const done: { u: number; from: number }[] = [];
    let received = -1;
    for (let i = 0; i + 1 < flow.length; i++) {
      const from = flow[i] ?? 0;
      const to = flow[i + 1] ?? 0;
      const candidates = movable(from, to);
      if (candidates.length === 0) break;
      const target = received < 0 ? (under ? (this.h[from] ?? 0) - this.range.min : this.range.max - (this.h[to] ?? 0)) : received;
      const u = candidates.sort((p, q) => Math.abs((hs[p] ?? 0) - target) - Math.abs((hs[q] ?? 0) - target) || p - q)[0] ?? 0;
      received = hs[u] ?? 0;
      done.push({ u, from });
      this.move(u, to);
    }
    if (done.length === flow.length - 1 && this.totalViolation() < before - 1e-9) return true;
    for (const { u, from } of done.reverse()) this.move(u, from);
    return false;
  }

  private totalViolation(): number {
    let total = 0;
    for (let g = 0; g < this.count; g++) if (!this.lockedGroups.has(g)) total += violation(this.h[g] ?? 0, this.range);
    return total;
  }

  /** The move into or out of `groups` lowering the households outside the range by more than -threshold. */
  private bestMove(groups: ReadonlySet<number>, threshold: number): { u: number; to: number; dv: number } | null {
    const { n, adj } = this.graph;
    let best: { u: number; to: number; dv: number; dc: number } | null = null;
    for (let u = 0; u < n; u++) {
      const from = this.groupOf[u] ?? 0;
      if (this.locked.has(u) || (this.size[from] ?? 0) <= 1) continue;
      for (const e of adj[u] ?? []) {
        const to = this.groupOf[e.to] ?? 0;
        if (to === from || !(groups.has(from) || groups.has(to))) continue;
        const dv = this.deltaViolation(u, to);
        if (dv >= threshold - 1e-9) continue;
        const dc = this.weightTo(u, from) - this.weightTo(u, to);
        if (!best || dv < best.dv - 1e-9 || (Math.abs(dv - best.dv) <= 1e-9 && dc < best.dc - 1e-9)) {
          if (this.stillConnectedWithout(u)) best = { u, to, dv, dc };
        }
      }
    }
    return best;
  }

  private violatingGroups(): number[] {
    const out: number[] = [];
    for (let g = 0; g < this.count; g++) if (violation(this.h[g] ?? 0, this.range) > 0 && !this.lockedGroups.has(g)) out.push(g);
    return out;
  }

  private membersOfGroup(g: number): number[] {
    const out: number[] = [];
    for (let u = 0; u < this.graph.n; u++) if (this.groupOf[u] === g) out.push(u);
    return out;
  }

  private shift(u: number, g: number, sign: number): void {
    const { xs, ys, hs } = this.graph;
    const x = xs[u] ?? 0;
    const y = ys[u] ?? 0;
    const w = (hs[u] ?? 0) + 1;
    this.h[g] = (this.h[g] ?? 0) + sign * (hs[u] ?? 0);
    this.size[g] = (this.size[g] ?? 0) + sign;
    this.q[g] = (this.q[g] ?? 0) + sign * w;
    this.qx[g] = (this.qx[g] ?? 0) + sign * w * x;
    this.qy[g] = (this.qy[g] ?? 0) + sign * w * y;
    this.qq[g] = (this.qq[g] ?? 0) + sign * w * (x * x + y * y);
  }

  private move(u: number, to: number): void {
    this.shift(u, this.groupOf[u] ?? 0, -1);
    this.shift(u, to, 1);
    this.groupOf[u] = to;
  }

  /** Change of the two grids' summed spread about their centres (moment of inertia) if u moved to `to`. */
  private deltaInertia(u: number, to: number): number {
    const from = this.groupOf[u] ?? 0;
    const x = this.graph.xs[u] ?? 0;
    const y = this.graph.ys[u] ?? 0;
    const w = (this.graph.hs[u] ?? 0) + 1;
    const inertia = (m: number, mx: number, my: number, mm: number): number => (m > 0 ? mm - (mx * mx + my * my) / m : 0);
    const at = (g: number, sign: number): number =>
      inertia((this.q[g] ?? 0) + sign * w, (this.qx[g] ?? 0) + sign * w * x, (this.qy[g] ?? 0) + sign * w * y, (this.qq[g] ?? 0) + sign * w * (x * x + y * y));
    return at(from, -1) + at(to, 1) - at(from, 0) - at(to, 0);
  }

  private deltaViolation(u: number, to: number): number {
    const from = this.groupOf[u] ?? 0;
    const hu = this.graph.hs[u] ?? 0;
    const r = this.range;
    return violation((this.h[from] ?? 0) - hu, r) + violation((this.h[to] ?? 0) + hu, r) - violation(this.h[from] ?? 0, r) - violation(this.h[to] ?? 0, r);
  }

  private weightTo(u: number, g: number): number {
    const { start, to, w } = this.graph;
    let total = 0;
    for (let k = start[u] ?? 0, end = start[u + 1] ?? 0; k < end; k++) if (this.groupOf[to[k] ?? 0] === g) total += w[k] ?? 0;
    return total;
  }

  /** Whether u's grid stays connected without it. */
  private stillConnectedWithout(u: number): boolean {
    const { start, to } = this.graph;
    const g = this.groupOf[u] ?? 0;
    let first = -1;
    for (let k = start[u] ?? 0, end = start[u + 1] ?? 0; k < end && first < 0; k++) if (this.groupOf[to[k] ?? 0] === g) first = to[k] ?? 0;
    if (first < 0) return true;
    const visit = ++this.stamp;
    this.seen[u] = visit;
    this.seen[first] = visit;
    const queue = [first];
    for (let q = 0; q < queue.length; q++) {
      const v = queue[q] ?? 0;
      for (let k = start[v] ?? 0, end = start[v + 1] ?? 0; k < end; k++) {
        const x = to[k] ?? 0;
        if (this.seen[x] !== visit && this.groupOf[x] === g) {
          this.seen[x] = visit;
          queue.push(x);
        }
      }
    }
    // The queue holds every member reached but u: connected iff that is all the others.
    return queue.length === (this.size[g] ?? 0) - 1;
  }
}

// ---------------------------------------------------------------------------------------------------
// Geometry of the grids

interface GroupGeometry {
  pieces: Position[][][];
  buildingIds: number[];
  households: number;
}

/**
 * Stray pieces (a cell's parts cut off from its site by a bend of the boundary) join the group they share
 * the longest border with; a piece touching nothing (a part of the community without buildings) joins
 * the nearest group, and that grid is reported as not contiguous.
 */
function attachStrayPieces(
  groups: GroupGeometry[],
  groupOf: Int32Array,
  graph: Graph,
  pieces: readonly Pieces[],
  stray: Map<string, Map<string, number>>,
  issues: ProposalIssue[],
): void {
  const nodeOfSite = new Map<number, number>();
  graph.siteOf.forEach((site, node) => nodeOfSite.set(site, node));
  const groupOfPiece = (key: string, resolved: Map<string, number>): number | undefined => {
    const [site = -1, piece = -1] = key.split('/').map(Number);
    if (pieces[site]?.primary === piece) {
      const node = nodeOfSite.get(site);
      return node === undefined ? undefined : groupOf[node];
    }
    return resolved.get(key);
  };
  const strays: { key: string; polygon: Position[][] }[] = [];
  pieces.forEach((p, site) => {
    p.polygons.forEach((polygon, k) => {
      if (k !== p.primary && p.primary >= 0) strays.push({ key: `${site}/${k}`, polygon });
    });
  });
  const resolved = new Map<string, number>();
  for (let round = 0; round <= strays.length; round++) {
    let changed = false;
    for (const s of strays) {
      if (resolved.has(s.key)) continue;
      const shared = new Map<number, number>();
      for (const [other, length] of stray.get(s.key) ?? []) {
        const g = groupOfPiece(other, resolved);
        if (g !== undefined) shared.set(g, (shared.get(g) ?? 0) + length);
      }
      const target = [...shared].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
      if (target !== undefined) {
        resolved.set(s.key, target);
        changed = true;
      }
    }
    if (!changed) break;
  }
  for (const s of strays) {
    let g = resolved.get(s.key);
    if (g === undefined) {
      const c = centroidAndArea([s.polygon]);
      let bestD = Infinity;
      for (let u = 0; u < graph.n; u++) {
        const d = Math.hypot((graph.xs[u] ?? 0) - c.x, (graph.ys[u] ?? 0) - c.y);
        if (d < bestD) {
          bestD = d;
          g = groupOf[u];
        }
      }
      if (c.area >= 1) issues.push(issue('boundary_part_without_buildings', `社区边界有一块约 ${Math.round(c.area)} 平方米的区域与其他部分不相连且没有楼栋，已并入最近的网格`, null));
    }
    if (g !== undefined) groups[g]?.pieces.push(s.polygon);
  }
}

/** Geometry, numbering, households and per-grid issues. Returns the grids and each group's index among them. */
function finishGrids(
  groups: readonly GroupGeometry[],
  spacing: number,
  frame: ReturnType<typeof planarFrame>,
  range: HouseholdRange,
  issues: ProposalIssue[],
  community: MultiPolygon,
): { grids: ProposedGrid[]; indexOfGroup: Map<number, number> } {
  const onEdges = new GeodesicEdges(community, frame);
  const geometries = dissolveTiles(
    groups.map((g) => g.pieces),
    SNAP_M,
    Math.max(spacing, 1),
  );
  const drafts = groups.map((group, g) => {
    const geometry = geometries[g] ?? [];
    const shape = centroidAndArea(geometry);
    const area = netArea(geometry);
    const perimeter = perimeterOf(geometry);
    return {
      g,
      x: shape.x,
      y: shape.y,
      area,
      grid: {
        buildingIds: [...group.buildingIds].sort((a, b) => a - b),
        households: group.households,
        geometry: onEdges.bend(frame.toWgs84MultiPolygon(geometry, 15), DECIMALS),
        areaM2: Math.round(area * 10) / 10,
        compactness: perimeter > 0 ? Math.round(((4 * Math.PI * area) / perimeter ** 2) * 1000) / 1000 : 0,
        status: group.households < range.min ? ('under' as const) : group.households > range.max ? ('over' as const) : null,
      },
    };
  });
  // Centres within 1 cm east–west of each other count as one column.
  const ordered = orderNorthToSouthRows(drafts, { xQuantum: 0.01 });
  const grids = ordered.map((d) => d.grid);

  // A building over the maximum explains its own grid's status.
  for (const item of issues) {
    if (item.code !== 'building_over_max') continue;
    const owner = grids.findIndex((grid) => item.buildingIds.every((id) => grid.buildingIds.includes(id)));
    if (owner >= 0) item.grid = owner;
  }
  const explained = new Set(issues.filter((i) => i.code === 'building_over_max').map((i) => i.grid));
  const wholeExplains = issues.some((i) => i.code === 'total_below_min' || i.code === 'range_infeasible' || i.code === 'grid_count_outside_range');
  grids.forEach((grid, i) => {
    if (grid.geometry.coordinates.length > 1) issues.push(issue('not_contiguous', `第 ${i + 1} 网格由 ${grid.geometry.coordinates.length} 块组成，不连续`, i));
    if (grid.status === null || explained.has(i)) return;
    const why = wholeExplains ? '（见整体说明）' : '：相邻楼栋户数无法再均衡，请手工调整';
    issues.push(
      grid.status === 'under'
        ? issue('grid_under_min', `第 ${i + 1} 网格 ${grid.households} 户，低于下限 ${range.min} 户${why}`, i)
        : issue('grid_over_max', `第 ${i + 1} 网格 ${grid.households} 户，超过上限 ${range.max} 户${why}`, i),
    );
  });
  return { grids, indexOfGroup: new Map(ordered.map((d, i) => [d.g, i])) };
}

/** Building groups that would fit in one grid but ended up in several (a split the range did not force). */
function reportSplitBuildingGroups(graph: Graph, groupOf: Int32Array, indexOfGroup: ReadonlyMap<number, number>, range: HouseholdRange, issues: ProposalIssue[]): void {
  const byCluster = new Map<number, number[]>();
  for (let u = 0; u < graph.n; u++) {
    const list = byCluster.get(graph.clusterOf[u] ?? 0);
    if (list) list.push(u);
    else byCluster.set(graph.clusterOf[u] ?? 0, [u]);
  }
  for (const [c, nodes] of byCluster) {
    const households = graph.clusterHouseholds[c] ?? 0;
    const gridIndexes = [...new Set(nodes.map((u) => indexOfGroup.get(groupOf[u] ?? 0) ?? 0))].sort((a, b) => a - b);
    if (gridIndexes.length < 2 || households > range.max) continue;
    const ids = nodes.flatMap((u) => graph.buildingsOf[u] ?? []).sort((a, b) => a - b);
    const names = gridIndexes.map((i) => i + 1).join('、');
    issues.push(issue('cluster_split', `一组相邻楼栋（${ids.length} 栋，${households} 户）被分在第 ${names} 网格，可考虑手工合到一格`, gridIndexes[0] ?? null, ids));
  }
}

/**
 * Where a grid border meets the community's boundary it adds a vertex on one of the community's edges.
 * On the straight lng/lat chord that vertex is exactly on the edge for PostGIS geometry, but every area
 * the product measures is on the ellipsoid or sphere (PostGIS geography in the coverage report, turf in
 * the console), where an edge is a geodesic: 5 mm off the chord over a 900 m edge, enough for the
 * coverage report to find a 2–10 m² "gap" between the grids and the community. So vertices lying on a
 * community edge are moved onto the great circle through the edge's ends. Planar overlays then see
 * millimetre slivers, far below anything reported. Deterministic per vertex, so neighbours stay identical.
 */
class GeodesicEdges {
  private readonly edges: { a: Pt; b: Pt; n: [number, number, number]; ends: [Position, Position] }[] = [];
  private readonly cells = new Map<string, number[]>();
  private readonly cellSize = 200;

  constructor(
    community: MultiPolygon,
    private readonly frame: ReturnType<typeof planarFrame>,
  ) {
    for (const polygon of community.coordinates) {
      for (const ring of polygon) {
        for (let k = 0; k + 1 < ring.length; k++) {
          const p = ring[k];
          const q = ring[k + 1];
          if (!p || !q) continue;
          const a = frame.toPlanar(p);
          const b = frame.toPlanar(q);
          const n = normalise(cross(unitVector(p), unitVector(q)));
          if (!n) continue;
          const index = this.edges.length;
          this.edges.push({ a, b, n, ends: [p, q] });
          // Cells a little beyond the edge's box too: a vertex a hair from the edge may sit across a cell border.
          const [x0, x1] = [Math.floor((Math.min(a[0], b[0]) - SNAP_M) / this.cellSize), Math.floor((Math.max(a[0], b[0]) + SNAP_M) / this.cellSize)];
          const [y0, y1] = [Math.floor((Math.min(a[1], b[1]) - SNAP_M) / this.cellSize), Math.floor((Math.max(a[1], b[1]) + SNAP_M) / this.cellSize)];
          for (let i = x0; i <= x1; i++) {
            for (let j = y0; j <= y1; j++) {
              const key = `${i},${j}`;
              const list = this.cells.get(key);
              if (list) list.push(index);
              else this.cells.set(key, [index]);
            }
          }
        }
      }
    }
  }

  bend(geometry: MultiPolygon, decimals: number): MultiPolygon {
    const scale = 10 ** decimals;
    const round = (v: number): number => Math.round(v * scale) / scale;
    const rings = geometry.coordinates.map((polygon) =>
      polygon.map((ring) => {
        const out: Position[] = [];
        for (const p of ring) {
          const moved = this.onGreatCircle(p);
          const q = [round(moved[0] ?? 0), round(moved[1] ?? 0)];
          const last = out[out.length - 1];
          if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
        }
        return out;
      }),
    );
    return { type: 'MultiPolygon', coordinates: rings.map((polygon) => polygon.filter((ring) => ring.length >= 4)).filter((polygon) => polygon.length > 0) };
  }

  private onGreatCircle(p: Position): Position {
    const v = this.frame.toPlanar(p);
    for (const index of this.cells.get(`${Math.floor(v[0] / this.cellSize)},${Math.floor(v[1] / this.cellSize)}`) ?? []) {
      const e = this.edges[index];
      if (!e) continue;
      const dx = e.b[0] - e.a[0];
      const dy = e.b[1] - e.a[1];
      const length = Math.hypot(dx, dy);
      if (length === 0) continue;
      const along = ((v[0] - e.a[0]) * dx + (v[1] - e.a[1]) * dy) / length;
      const off = Math.abs((v[0] - e.a[0]) * dy - (v[1] - e.a[1]) * dx) / length;
      // On the edge (within a millimetre) but not at either end: the community's own vertices stay put.
      if (off > SNAP_M || along <= SNAP_M || along >= length - SNAP_M) continue;
      const u = unitVector(p);
      const d = dot(u, e.n);
      const w = normalise([u[0] - d * e.n[0], u[1] - d * e.n[1], u[2] - d * e.n[2]]);
      return w ? [(Math.atan2(w[1], w[0]) * 180) / Math.PI, (Math.asin(Math.max(-1, Math.min(1, w[2]))) * 180) / Math.PI] : p;
    }
    return p;
  }
}

function unitVector([lng = 0, lat = 0]: Position): [number, number, number] {
  const l = (lng * Math.PI) / 180;
  const f = (lat * Math.PI) / 180;
  return [Math.cos(f) * Math.cos(l), Math.cos(f) * Math.sin(l), Math.sin(f)];
}

function cross(a: readonly number[], b: readonly number[]): [number, number, number] {
  const [a0 = 0, a1 = 0, a2 = 0] = a;
  const [b0 = 0, b1 = 0, b2 = 0] = b;
  return [a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0];
}

function dot(a: readonly number[], b: readonly number[]): number {
  return (a[0] ?? 0) * (b[0] ?? 0) + (a[1] ?? 0) * (b[1] ?? 0) + (a[2] ?? 0) * (b[2] ?? 0);
}

function normalise(v: [number, number, number]): [number, number, number] | null {
  const length = Math.hypot(v[0], v[1], v[2]);
  return length > 1e-15 ? [v[0] / length, v[1] / length, v[2] / length] : null;
}

/** Exteriors minus holes, whatever the winding. */
function netArea(geometry: PlanarGeometry): number {
  return geometry.reduce((total, [exterior, ...holes]) => total + (exterior ? Math.abs(signedArea(exterior)) : 0) - holes.reduce((t, hole) => t + Math.abs(signedArea(hole)), 0), 0);
}

function issue(code: ProposalIssueCode, message: string, grid: number | null, buildingIds: number[] = []): ProposalIssue {
  return { code, message, grid, buildingIds };
}
