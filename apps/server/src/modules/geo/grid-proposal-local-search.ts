/**
 * The local pass after bisection, step 4 of the grid proposal: single-building moves (and whole building
 * groups) that reconnect grids in pieces, bring grids into the household range — passing households along
 * a path of neighbouring grids when no single move helps — lower the cut cost, the spread of sizes and
 * each grid's spread about its centre, and reunite building groups that fit in one grid.
 */
import type { HouseholdRange } from './grid-proposal-types.ts';
import type { Graph } from './grid-proposal-graph.ts';
import { components, membersOf } from './grid-proposal-groups.ts';
import { halfRange, violation } from './grid-proposal-range.ts';

/** Weight of the spread of grid sizes against cut cost in the local pass. */
const SIZE_WEIGHT = 0.5;
/** Weight of the grids' spread about their centres (moment of inertia) in the local pass. */
const COMPACT_WEIGHT = 0.5;
/** Longest path of grids that pass households on to repair one grid. */
const MAX_REPAIR_PATH = 8;

/**
 * The local pass after bisection, in four steps: reconnect grids in pieces, bring grids into the range,
 * lower the cut cost, the spread of sizes and the spread of each grid about its centre, then reunite
 * building groups that fit in one grid. Buildings move one at a time (or a building group at once); a
 * move always keeps the grid it leaves connected, and never adds households outside the range.
 */
export function refine(graph: Graph, groupOf: Int32Array, count: number, range: HouseholdRange, locked: ReadonlySet<number>): void {
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
