/**
 * The grid proposal's vocabulary (网格划分方案): what proposeGrids takes, what it answers, and the issues
 * it reports to people (`issue` builds one). Types only, but for that one builder.
 */
import type { MultiPolygon } from 'geojson';

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

export function issue(code: ProposalIssueCode, message: string, grid: number | null, buildingIds: number[] = []): ProposalIssue {
  return { code, message, grid, buildingIds };
}
