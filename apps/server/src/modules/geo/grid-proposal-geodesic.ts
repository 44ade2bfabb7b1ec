/**
 * The grid proposal's last touch on geometry: vertices that grid borders add on the community's edges go
 * onto the geodesic through the edge's ends (GeodesicEdges), so the grids' areas on the ellipsoid add up
 * to the community's.
 */
import type { MultiPolygon, Position } from 'geojson';
import type { planarFrame, Pt } from './partition-geometry.ts';

/**
 * Where a grid border meets the community's boundary it adds a vertex on one of the community's edges.
 * On the straight lng/lat chord that vertex is exactly on the edge for PostGIS geometry, but every area
 * the product measures is on the ellipsoid or sphere (PostGIS geography in the coverage report, turf in
 * the console), where an edge is a geodesic: 5 mm off the chord over a 900 m edge, enough for the
 * coverage report to find a 2–10 m² "gap" between the grids and the community. So vertices lying on a
 * community edge are moved onto the great circle through the edge's ends. Planar overlays then see
 * millimetre slivers, far below anything reported. Deterministic per vertex, so neighbours stay identical.
 */
export class GeodesicEdges {
  private readonly edges: { a: Pt; b: Pt; n: [number, number, number]; ends: [Position, Position] }[] = [];
  private readonly cells = new Map<string, number[]>();
  private readonly cellSize = 200;

  constructor(
    community: MultiPolygon,
    private readonly frame: ReturnType<typeof planarFrame>,
    /** Vertices closer than this (m) to an edge are on it. */
    private readonly snap: number,
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
          const [x0, x1] = [Math.floor((Math.min(a[0], b[0]) - this.snap) / this.cellSize), Math.floor((Math.max(a[0], b[0]) + this.snap) / this.cellSize)];
          const [y0, y1] = [Math.floor((Math.min(a[1], b[1]) - this.snap) / this.cellSize), Math.floor((Math.max(a[1], b[1]) + this.snap) / this.cellSize)];
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
      if (off > this.snap || along <= this.snap || along >= length - this.snap) continue;
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
