/**
 * Pure geometry (地理计算): coordinate systems (WGS84 / GCJ-02 / BD-09), the demo district's synthetic
 * geometry, seeded randomness, the grid proposal and short area names. No database, no HTTP, and it
 * imports nothing from area: every other module, the seeds and the benchmarks use geo only from here.
 */
export {
  convertGeometry,
  convertPoint,
  detectSwappedLatLng,
  distanceMeters,
  fromWgs84,
  gcj02ToWgs84,
  GCJ02_INVERSE_MAX_STEPS,
  isGcj02Applied,
  isInChinaBounds,
  isValidLngLat,
  toWgs84,
  type ConvertibleGeometry,
  type Crs,
  type LngLat,
} from './crs.ts';
export {
  buildDemoGeography,
  DEMO_DISTRICT_HULL,
  DEMO_GRID_COUNT,
  DEMO_SEED,
  GRID_HOUSEHOLD_RANGE,
  JINGKAI_DISTRICT_CODE,
  JINGKAI_DISTRICT_NAME,
  JINGKAI_TOWNSHIP_CODES,
  selectJingkaiAreas,
  type DemoAreaInput,
  type DemoGeography,
  type DemoGeographyOptions,
  type DemoGridPlan,
  type DivisionCsvRow,
} from './demo-geometry.ts';
export { seededRandom } from './seeded-random.ts';
export {
  proposeGrids,
  type GridProposal,
  type GridProposalInput,
  type HouseholdRange,
  type ProposalBuilding,
  type ProposalIssue,
  type ProposalIssueCode,
  type ProposedGrid,
} from './grid-proposal.ts';
export { shortAreaName } from './area-name.ts';
/** A synthetic clustered community, for the grid proposal benchmark (bench/grid-proposal.bench.ts). */
export { clusteredCommunity } from './grid-proposal.fixtures.ts';
