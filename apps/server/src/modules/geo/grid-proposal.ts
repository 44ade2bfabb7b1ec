/**
 * 网格划分方案: a proposed partition of a community into grids, from its boundary and its buildings'
 * positions and household counts. Pure and deterministic (no randomness; buildings are taken in id order),
 * so the same input always gives the same draft. This file is the entry (proposeGrids) and runs the steps,
 * each in a file of its own, in a local planar frame measured in metres:
 * 1. grid-proposal-cells.ts — buildings at the same point become one site. Each site gets its Voronoi cell
 *    clipped to the community; a cell cut in two by a bend of the boundary keeps the piece holding its
 *    site, and its stray pieces go later to the grid they share the longest border with. Sites whose cell
 *    misses the community (a building drawn outside it) ride along with the nearest site.
 * 2. grid-proposal-graph.ts, grid-proposal-groups.ts — sites are nodes of a graph whose edges are the
 *    borders their pieces share inside the community. An edge costs its border length × (s / d)², s the
 *    typical spacing between neighbouring buildings and d the distance of the two: a border between close
 *    buildings (inside a compound, 楼栋群) is expensive to cut, one across a road, a river or open land is
 *    cheap. Single-linkage clusters (links ≤ 2.5 s) name the building groups that diagnostics speak of.
 * 3. grid-proposal-partition.ts, grid-proposal-bisection.ts — a building above the household maximum is a
 *    grid on its own. For the rest, the grid count k is tried between ⌈total/max⌉ and ⌊total/min⌋ (the
 *    feasible counts, grid-proposal-range.ts), nearest the count that puts each grid at the middle of the
 *    range first; each k is partitioned and scored, and the best wins. A partition is recursive bisection:
 *    every straight cut across five directions is scored by its cost (above, made ratio-cut fair so
 *    one-grid slabs are not peeled off), by how far the halves' average sizes drift from the ideal and by
 *    whether the halves can still meet the range; the best cut whose halves both stay connected (a
 *    union–find sweep per direction) is taken. Cheap cuts run through gaps, so bisection follows building
 *    groups when the range allows it.
 * 4. grid-proposal-local-search.ts — a local pass: reconnect a grid left in pieces; bring grids into the
 *    range (single moves, else passing households along a path of neighbouring grids); lower the cut cost,
 *    the spread of sizes and each grid's spread about its centre; finally reunite building groups that fit
 *    in one grid. Every move keeps the grid it leaves connected and never adds households outside the range.
 * 5. grid-proposal-grids.ts, grid-proposal-geodesic.ts — a grid's geometry is the union of its sites'
 *    pieces (dissolveTiles: shared vertices snapped, T-junctions filled, shared edges cancelled), so
 *    neighbours share every vertex and stay seamless after rounding; points on the community's edges are
 *    put on the geodesic (GeodesicEdges). Grids are numbered in rows from north to south, west to east
 *    within a row.
 * The types in and out and the issues are in grid-proposal-types.ts; the planar geometry it shares with
 * the demo district in partition-geometry.ts. Timings: bench/grid-proposal.bench.ts, docs/benchmarks.md.
 */
import type { Position } from 'geojson';
import { METERS_PER_DEGREE, boundedVoronoi, bounds, clipCellsDetailed, planarFrame, pointInGeometry, type PlanarGeometry, type Pt } from './partition-geometry.ts';
import { issue, type GridProposal, type GridProposalInput, type ProposalIssue } from './grid-proposal-types.ts';
import { piecesOf, sharedBorders, sitesOf } from './grid-proposal-cells.ts';
import { buildGraph } from './grid-proposal-graph.ts';
import { attachStrayPieces, finishGrids, groupGeometries, netArea, reportSplitBuildingGroups } from './grid-proposal-grids.ts';
import { choosePartition } from './grid-proposal-partition.ts';
import { countsFor } from './grid-proposal-range.ts';

export type {
  GridProposal,
  GridProposalInput,
  HouseholdRange,
  ProposalBuilding,
  ProposalIssue,
  ProposalIssueCode,
  ProposedGrid,
} from './grid-proposal-types.ts';

/** The draft for one community: the steps above, in order. */
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

  const groups = groupGeometries(plan.groups, graph, pieces);
  attachStrayPieces(groups, plan.groupOf, graph, pieces, borders.stray, issues);
  const { grids, indexOfGroup } = finishGrids(groups, graph.spacing, frame, range, issues, input.boundary);
  reportSplitBuildingGroups(graph, plan.groupOf, indexOfGroup, range, issues);
  return { grids, totalHouseholds, feasibleCounts, triedCounts: plan.tried, issues };
}

/** Input no community can have (a bad range, duplicate ids, positions that are not numbers) is the caller's bug: thrown, not reported. */
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
