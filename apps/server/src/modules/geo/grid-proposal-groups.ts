/**
 * Which nodes of the site graph belong together: building groups (楼栋群, single-linkage clusters of close
 * neighbours), the connected components of a grid (contiguity), and the members of each grid. Works on
 * plain adjacency lists, so it needs nothing else from the graph.
 */

/** Buildings this close (× typical spacing) belong to one building group. */
const CLUSTER_LINK = 2.5;

/**
 * Building groups: single linkage over neighbouring sites no further apart than CLUSTER_LINK spacings.
 * Answers each node's group (numbered in order of their first node) and each group's households.
 */
export function buildingGroups(adj: readonly (readonly { to: number; d: number }[])[], hs: Float64Array, spacing: number): { clusterOf: Int32Array; clusterHouseholds: number[] } {
  const n = adj.length;
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
  return { clusterOf, clusterHouseholds };
}

/** Members of each group, in node order. */
export function membersOf(groupOf: Int32Array, count: number): number[][] {
  const groups: number[][] = Array.from({ length: count }, () => []);
  groupOf.forEach((g, u) => groups[g]?.push(u));
  return groups;
}

/** Connected components of group g's members (lists of nodes), largest household total first. */
export function components(graph: { adj: readonly (readonly { to: number }[])[]; hs: Float64Array }, groupOf: Int32Array, g: number, members: readonly number[]): number[][] {
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
