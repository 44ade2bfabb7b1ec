/**
 * Choosing the grid count, step 3 of the grid proposal: buildings above the household maximum become grids
 * of their own; the other nodes are tried at up to MAX_COUNTS_TRIED counts (the asked one, or those nearest
 * the middle of the range), each split by bisection, refined by the local pass and scored; the best wins.
 */
import { issue, type HouseholdRange, type ProposalIssue } from './grid-proposal-types.ts';
import { Bisector } from './grid-proposal-bisection.ts';
import type { Graph } from './grid-proposal-graph.ts';
import { components, membersOf } from './grid-proposal-groups.ts';
import { refine } from './grid-proposal-local-search.ts';
import { countsFor, halfRange, violation } from './grid-proposal-range.ts';

/** Grid counts tried, nearest the middle of the range first. */
const MAX_COUNTS_TRIED = 3;

/** The partition chosen: each group's nodes (buildings over the maximum first), each node's group, and the grid counts tried (the chosen one first). */
export interface Plan {
  groups: number[][];
  groupOf: Int32Array;
  tried: number[];
}

/** Tries the candidate grid counts and keeps the best-scored partition; what it cannot honour goes to `issues`. */
export function choosePartition(graph: Graph, range: HouseholdRange, asked: number | undefined, issues: ProposalIssue[]): Plan {
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
