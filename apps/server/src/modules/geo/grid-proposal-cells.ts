/**
 * From buildings to cells, step 1–2 of the grid proposal: buildings at one point become one site, each
 * site's Voronoi cell clipped to the community may fall in pieces (one holds the site, the rest are
 * "stray"), and which pieces share how much border inside the community — the lengths the site graph
 * is weighted by and stray pieces are attached by.
 */
import type { Position } from 'geojson';
import { centroidAndArea, pointInGeometry, type boundedVoronoi, type clipCellsDetailed, type PlanarGeometry, type Pt } from './partition-geometry.ts';
import type { ProposalBuilding } from './grid-proposal-types.ts';

/** Shorter shared borders (m) are touching corners, not adjacency. */
export const MIN_BORDER_M = 0.01;

export interface Site {
  x: number;
  y: number;
  households: number;
  buildingIds: number[];
}

/** Buildings at the same stored position (7 decimals, ~1 cm) share a site: a Voronoi diagram has one cell per point. */
export function sitesOf(buildings: readonly ProposalBuilding[], toPlanar: (p: Position) => Pt): Site[] {
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

export interface Pieces {
  polygons: Position[][][];
  /** Index of the piece holding the site (or nearest to it), -1 when the cell misses the community. */
  primary: number;
}

export function piecesOf(geometry: PlanarGeometry | null, site: Site | undefined): Pieces {
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

export function primaryPiece(pieces: readonly Pieces[], site: number): Position[][][] {
  const p = pieces[site];
  const polygon = p ? p.polygons[p.primary] : undefined;
  return polygon ? [polygon] : [];
}

export interface Borders {
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
export function sharedBorders(
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
