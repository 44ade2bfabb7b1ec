/**
 * Recursive bisection, step 3 of the grid proposal: a set of nodes is cut in two by a straight line along
 * one of five directions (the principal axis of its buildings, east–west, north–south, both diagonals),
 * each half getting a share of the k grids, until every part is one grid. Every cut is scored by its
 * border cost (ratio-cut fair, against a balanced cut across the principal axis), the halves' size drift
 * and whether they can still meet the range; cuts leaving a half in pieces are a last resort.
 */
import type { HouseholdRange } from './grid-proposal-types.ts';
import type { Graph } from './grid-proposal-graph.ts';
import { halfRange } from './grid-proposal-range.ts';

/** Weight of the halves' size drift against the cut cost, per half-range of drift. */
const IMBALANCE_WEIGHT = 0.25;
/** Weight of a household outside the range (per half-range) in a cut's score: effectively a constraint. */
const VIOLATION_WEIGHT = 50;
/** Added to the score of a cut that leaves a half in pieces. */
const DISCONNECTED_PENALTY = 1000;

interface Cut {
  score: number;
  axis: number;
  at: number;
  k1: number;
}

/** Fixed cut directions: east–west, north–south and both diagonals (the principal axis is added per call). */
const FIXED_ANGLES = [0, Math.PI / 2, Math.PI / 4, (3 * Math.PI) / 4];

/** Scratch shared by the recursive calls of one bisection: node-indexed, so no maps or sets in hot loops. */
export class Bisector {
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
