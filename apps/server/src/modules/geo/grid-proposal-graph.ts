/**
 * The site graph of the grid proposal: one node per site with a piece of the community (sites without
 * one ride with the nearest that has), its households and buildings, and an edge per shared border,
 * weighted so that a border between close buildings is dear to cut and one across a gap is cheap.
 * Kept twice: as lists, and in compressed rows for the bisection's and the local pass's hot loops.
 */
import type { boundedVoronoi } from './partition-geometry.ts';
import { MIN_BORDER_M, type Pieces, type Site } from './grid-proposal-cells.ts';
import { buildingGroups } from './grid-proposal-groups.ts';

export interface Edge {
  to: number;
  /** Cost of putting a grid border here. */
  w: number;
  /** Distance between the two sites (m). */
  d: number;
}

export interface Graph {
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

/** The graph of `sites` from their pieces and the primary borders they share (sharedBorders). */
export function buildGraph(sites: readonly Site[], pieces: readonly Pieces[], borders: Map<number, number>, voronoi: ReturnType<typeof boundedVoronoi>): Graph {
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

  const { clusterOf, clusterHouseholds } = buildingGroups(adj, hs, spacing);
  return { n, xs, ys, hs, adj, start, to, w, siteOf: Int32Array.from(siteOf), buildingsOf, clusterOf, clusterHouseholds, spacing };
}
