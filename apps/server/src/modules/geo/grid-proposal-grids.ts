/**
 * From groups of nodes to proposed grids, step 5 of the grid proposal: each grid's pieces (stray pieces
 * attached to the grid they share most border with), dissolved into one seamless geometry, back in WGS84
 * with the community's edges on the geodesic; area, compactness and status; numbered in rows north to
 * south, west to east; and the issues that concern single grids.
 */
import type { MultiPolygon, Position } from 'geojson';
import { centroidAndArea, dissolveTiles, orderNorthToSouthRows, perimeterOf, signedArea, type planarFrame, type PlanarGeometry } from './partition-geometry.ts';
import { issue, type HouseholdRange, type ProposalIssue, type ProposedGrid } from './grid-proposal-types.ts';
import { primaryPiece, type Pieces } from './grid-proposal-cells.ts';
import { GeodesicEdges } from './grid-proposal-geodesic.ts';
import type { Graph } from './grid-proposal-graph.ts';

/** Output precision: 1e-9° is about 0.1 mm, so slivers against the community's own edges stay far below 1 m². */
const DECIMALS = 9;
/** Vertices closer than this (m) are one vertex. */
const SNAP_M = 0.001;

export interface GroupGeometry {
  pieces: Position[][][];
  buildingIds: number[];
  households: number;
}

/** Each group's primary pieces, buildings and households. */
export function groupGeometries(groups: readonly number[][], graph: Graph, pieces: readonly Pieces[]): GroupGeometry[] {
  return groups.map(
    (nodes): GroupGeometry => ({
      pieces: nodes.flatMap((n) => primaryPiece(pieces, graph.siteOf[n] ?? -1)),
      buildingIds: nodes.flatMap((n) => graph.buildingsOf[n] ?? []),
      households: nodes.reduce((sum, n) => sum + (graph.hs[n] ?? 0), 0),
    }),
  );
}

/**
 * Stray pieces (a cell's parts cut off from its site by a bend of the boundary) join the group they share
 * the longest border with; a piece touching nothing (a part of the community without buildings) joins
 * the nearest group, and that grid is reported as not contiguous.
 */
export function attachStrayPieces(
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
export function finishGrids(
  groups: readonly GroupGeometry[],
  spacing: number,
  frame: ReturnType<typeof planarFrame>,
  range: HouseholdRange,
  issues: ProposalIssue[],
  community: MultiPolygon,
): { grids: ProposedGrid[]; indexOfGroup: Map<number, number> } {
  const onEdges = new GeodesicEdges(community, frame, SNAP_M);
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
export function reportSplitBuildingGroups(graph: Graph, groupOf: Int32Array, indexOfGroup: ReadonlyMap<number, number>, range: HouseholdRange, issues: ProposalIssue[]): void {
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

/** Exteriors minus holes, whatever the winding. */
export function netArea(geometry: PlanarGeometry): number {
  return geometry.reduce((total, [exterior, ...holes]) => total + (exterior ? Math.abs(signedArea(exterior)) : 0) - holes.reduce((t, hole) => t + Math.abs(signedArea(hole)), 0), 0);
}
