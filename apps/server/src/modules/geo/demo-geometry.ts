import { Delaunay } from 'd3-delaunay';
import type { MultiPolygon } from 'geojson';
import { shortAreaName } from './area-name.ts';
import type { LngLat } from './crs.ts';
import { seededRandom } from './seeded-random.ts';
import {
  boundedVoronoi,
  bounds,
  centroidAndArea,
  clipCells,
  closeRing,
  countBrokenGroups,
  orderNorthToSouthRows,
  planarFrame,
  pointInRing,
  unionAll,
  type PlanarGeometry,
  type Pt,
} from './partition-geometry.ts';

/**
 * Synthetic but plausible geography for the demo district, Changzhou Jingkai District (常州经开区).
 * Real boundaries are not public as open data, so the demo draws its own: a hand-written district hull
 * partitioned, seamlessly and without overlaps, into streets/towns, communities/villages and grids
 * ("无缝覆盖"). Pure: the output depends only on the area list, the seed and the grid count.
 *
 * How it is drawn (bottom-up, so that every level shares the same edges):
 * 1. Sample points inside the hull, denser around the old urban core, and run Lloyd's algorithm on the
 *    samples (k-means) to place one site per grid. Each grid then holds about the same sample mass,
 *    i.e. about the same number of households, so urban grids come out small and rural grids large,
 *    as in the field.
 * 2. Group the sites into streets/towns, then each street's sites into its communities, with exact group
 *    sizes (the planned grid counts): a capacity-constrained assignment to anchor points, re-centred a
 *    few times (balanced k-means). The optimal assignment is separable by a power diagram, so groups
 *    are compact; other starting anchors are tried until every group is also contiguous.
 * 3. Grid = Voronoi cell of its site clipped to the hull; community = union of its grids;
 *    street = union of its communities; district = union of its streets. Since every boundary is made of
 *    the same Voronoi edges, neighbours share vertices exactly and rounding to 7 decimals moves both sides
 *    identically: no T-junction gaps.
 *
 * Measured for the full Jingkai input (82 communities, 295 grids), Node 20 on the 2-core dev container
 * while it was busy with other work (load average ~5): first call in a fresh process 0.8–1.05 s wall,
 * 0.65–0.8 s CPU (mostly JIT warm-up of polyclip/bignumber.js); later calls 0.25–0.45 s. Roughly a
 * quarter each for site placement, grouping, clipping and unions. Budget: 3 s.
 */

export interface DemoAreaInput {
  code: string;
  name: string;
  level: 'district' | 'street' | 'community';
  parentCode: string | null;
}

export interface DemoGridPlan {
  /** Community code (12 digits) + 3-digit sequence. */
  code: string;
  name: string;
  communityCode: string;
  households: number;
  /** WGS84, 7 decimals, RFC 7946 winding. */
  geometry: MultiPolygon;
}

export interface DemoGeographyOptions {
  seed?: number;
  gridCount?: number;
}

export interface DemoGeography {
  /** Area code → WGS84 MultiPolygon for the district, every street/town and every community/village. */
  boundaries: Map<string, MultiPolygon>;
  /** Sorted by code. */
  grids: DemoGridPlan[];
  /** Grid codes given a household count deliberately outside `GRID_HOUSEHOLD_RANGE`, for the size-balance report to find. */
  plantedOutliers: string[];
}

/** One row of the national statistical division list (国家统计局 区划代码). */
export interface DivisionCsvRow {
  code: string;
  name: string;
  level: string | number;
  parent_code: string | null;
}

/** The field report counts 295 grids in Jingkai District. */
export const DEMO_GRID_COUNT = 295;
export const DEMO_SEED = 20_240_601;

/** The moderate grid size the division rules ask for ("规模适度"); planted outliers fall outside it. */
export const GRID_HOUSEHOLD_RANGE = { min: 300, max: 500 } as const;

/** Jingkai administers these 6 of Wujin District's townships; the 2021 division list still files them under 320412. */
export const JINGKAI_DISTRICT_CODE = '320412000000';
export const JINGKAI_DISTRICT_NAME = '常州经开区';
export const JINGKAI_TOWNSHIP_CODES = [
  '320412001000', // 戚墅堰街道
  '320412002000', // 丁堰街道
  '320412003000', // 潞城街道
  '320412104000', // 遥观镇
  '320412105000', // 横林镇
  '320412106000', // 横山桥镇
] as const;

/**
 * Hand-drawn WGS84 hull, east of central Changzhou. Plausible, not surveyed: the real outline follows
 * canals and roads we have no open data for.
 */
export const DEMO_DISTRICT_HULL: readonly LngLat[] = [
  [119.985, 31.742],
  [119.998, 31.772],
  [120.018, 31.786],
  [120.04, 31.812],
  [120.062, 31.838],
  [120.095, 31.855],
  [120.14, 31.85],
  [120.176, 31.832],
  [120.178, 31.808],
  [120.212, 31.79],
  [120.215, 31.762],
  [120.198, 31.722],
  [120.16, 31.7],
  [120.11, 31.688],
  [120.06, 31.694],
  [120.018, 31.708],
  [119.992, 31.722],
];

/** Rough township centres, so the towns sit where a local would expect them (urban streets west, towns north/east/south). */
const TOWNSHIP_ANCHORS: Readonly<Record<string, LngLat>> = {
  '320412001000': [120.05, 31.735],
  '320412002000': [120.005, 31.76],
  '320412003000': [120.03, 31.79],
  '320412104000': [120.085, 31.712],
  '320412105000': [120.175, 31.745],
  '320412106000': [120.11, 31.825],
};

/** The old Qishuyan/Dingyan urban core: household density peaks here. */
const URBAN_CORE: LngLat = [120.03, 31.755];
const URBAN_CORE_SIGMA_DEG = 0.025;
const URBAN_CORE_PEAK = 3;

const SAMPLES_PER_GRID = 64;
const LLOYD_ITERATIONS = 12;
const TOWNSHIP_RECENTRING = 2;
const COMMUNITY_RECENTRING = 4;
const PLANTED_OUTLIER_COUNT = 4;
const MAX_PARTITION_ATTEMPTS = 24;
const DECIMALS = 7;

/**
 * Picks Jingkai's district node, its 6 townships and their communities/villages from the division list.
 * Committee suffixes are dropped from names ("站北社区居民委员会" → "站北社区"): an area is the community,
 * not its committee.
 */
export function selectJingkaiAreas(csvRows: readonly DivisionCsvRow[]): DemoAreaInput[] {
  const townships = new Set<string>(JINGKAI_TOWNSHIP_CODES);
  const byCode = new Map(csvRows.map((row) => [row.code, row]));
  if (!byCode.has(JINGKAI_DISTRICT_CODE)) throw new Error(`division list lacks ${JINGKAI_DISTRICT_CODE}`);

  const areas: DemoAreaInput[] = [
    { code: JINGKAI_DISTRICT_CODE, name: JINGKAI_DISTRICT_NAME, level: 'district', parentCode: null },
  ];
  for (const code of JINGKAI_TOWNSHIP_CODES) {
    const row = byCode.get(code);
    if (!row) throw new Error(`division list lacks township ${code}`);
    areas.push({ code, name: shortAreaName(row.name), level: 'street', parentCode: JINGKAI_DISTRICT_CODE });
  }
  const communities = csvRows
    .filter((row) => row.parent_code !== null && townships.has(row.parent_code))
    .sort((a, b) => compareStrings(a.code, b.code));
  for (const row of communities) {
    areas.push({ code: row.code, name: shortAreaName(row.name), level: 'community', parentCode: row.parent_code });
  }
  return areas;
}

// Kept here too: the demo's callers and tests know it by this module.
export { shortAreaName };

/** Builds the demo district's boundaries and grid plan. Same input and seed give byte-identical output. */
export function buildDemoGeography(areas: readonly DemoAreaInput[], options: DemoGeographyOptions = {}): DemoGeography {
  const seed = options.seed ?? DEMO_SEED;
  const gridCount = options.gridCount ?? DEMO_GRID_COUNT;
  const tree = organise(areas, gridCount);

  const sizeRandom = seededRandom(seed, 'community-size');
  const gridsPerCommunity = apportion(
    tree.communities.map((community) => communityWeight(community, sizeRandom)),
    gridCount,
  );
  const sites = placeGridSites(gridCount, seededRandom(seed, 'sites'));
  const hull = planarHull();
  const voronoi = demoVoronoi(sites, hull);
  const neighbours = sites.map((_, i) => [...voronoi.neighbors(i)]);

  // Group sites: townships first, then communities within each township.
  const allSites = sites.map((_, i) => i);
  const townshipSizes = tree.streets.map((street) =>
    sum(tree.communitiesOf(street.code).map((index) => gridsPerCommunity[index] ?? 0)),
  );
  const knownAnchors = tree.streets.map((street, i) => {
    const known = TOWNSHIP_ANCHORS[street.code];
    return known ? toPlanar(known) : fallbackAnchor(sites, i, tree.streets.length);
  });
  const jitter = seededRandom(seed, 'township-anchors');
  const townshipOf = partitionContiguous(allSites, sites, neighbours, townshipSizes, TOWNSHIP_RECENTRING, (attempt) =>
    knownAnchors.map(([x, y]) => (attempt === 0 ? [x, y] : [x + 0.02 * (jitter() - 0.5), y + 0.02 * (jitter() - 0.5)])),
  );
  const communityMembers: number[][] = tree.communities.map(() => []);
  const startPick = seededRandom(seed, 'community-anchors');
  tree.streets.forEach((street, s) => {
    const members = allSites.filter((i) => townshipOf[i] === s);
    const communityIndexes = tree.communitiesOf(street.code);
    const sizes = communityIndexes.map((index) => gridsPerCommunity[index] ?? 0);
    const groupOf = partitionContiguous(members, sites, neighbours, sizes, COMMUNITY_RECENTRING, (attempt, points) =>
      farthestPoints(points, sizes.length, attempt === 0 ? undefined : Math.floor(startPick() * points.length)),
    );
    members.forEach((site, m) => {
      const index = communityIndexes[groupOf[m] ?? -1];
      if (index === undefined) throw new Error('site left unassigned');
      communityMembers[index]?.push(site);
    });
  });

  const cells = clipToHull(voronoi, sites.length, hull);
  const grids: DemoGridPlan[] = [];
  const planarCommunities = tree.communities.map((community, c) => {
    const own = (communityMembers[c] ?? []).map((site) => cells[site]).filter(isDefined);
    numberGrids(own).forEach((cell, n) => {
      grids.push({
        code: `${community.code}${String(n + 1).padStart(3, '0')}`,
        name: `${shortAreaName(community.name)}第${n + 1}网格`,
        communityCode: community.code,
        households: 0,
        geometry: toWgs84MultiPolygon(cell),
      });
    });
    return unionAll(own);
  });
  const planarStreets = tree.streets.map((street) =>
    unionAll(tree.communitiesOf(street.code).map((index) => planarCommunities[index]).filter(isDefined)),
  );

  // Top-down order: district, townships, communities (each by code).
  const boundaries = new Map<string, MultiPolygon>();
  boundaries.set(tree.district.code, toWgs84MultiPolygon(unionAll(planarStreets)));
  tree.streets.forEach((street, s) => {
    const geometry = planarStreets[s];
    if (geometry) boundaries.set(street.code, toWgs84MultiPolygon(geometry));
  });
  tree.communities.forEach((community, c) => {
    const geometry = planarCommunities[c];
    if (geometry) boundaries.set(community.code, toWgs84MultiPolygon(geometry));
  });

  grids.sort((a, b) => compareStrings(a.code, b.code));
  const plantedOutliers = assignHouseholds(grids, seededRandom(seed, 'households'));
  return { boundaries, grids, plantedOutliers };
}

// ---------------------------------------------------------------------------------------------------
// Input

interface AreaTree {
  district: DemoAreaInput;
  streets: DemoAreaInput[];
  communities: DemoAreaInput[];
  communitiesOf(streetCode: string): number[];
}

function organise(areas: readonly DemoAreaInput[], gridCount: number): AreaTree {
  const codes = new Set(areas.map((area) => area.code));
  if (codes.size !== areas.length) throw new Error('area codes must be unique');
  const districts = areas.filter((area) => area.level === 'district');
  const district = districts[0];
  if (!district || districts.length > 1) throw new Error('expected exactly one district area');
  const streets = areas
    .filter((area) => area.level === 'street')
    .sort((a, b) => compareStrings(a.code, b.code));
  const streetCodes = new Set(streets.map((street) => street.code));
  for (const street of streets) {
    if (street.parentCode !== district.code) throw new Error(`street ${street.code} is not under ${district.code}`);
  }
  const communities = areas
    .filter((area) => area.level === 'community')
    .sort((a, b) => compareStrings(a.code, b.code));
  const indexesByStreet = new Map<string, number[]>(streets.map((street) => [street.code, []]));
  communities.forEach((community, index) => {
    if (!/^\d{12}$/.test(community.code)) throw new Error(`community code ${community.code} is not 12 digits`);
    if (community.parentCode === null || !streetCodes.has(community.parentCode)) {
      throw new Error(`community ${community.code} has no street parent among the input`);
    }
    indexesByStreet.get(community.parentCode)?.push(index);
  });
  if (streets.length === 0) throw new Error('expected at least one street');
  for (const [code, indexes] of indexesByStreet) {
    if (indexes.length === 0) throw new Error(`street ${code} has no communities`);
  }
  if (!Number.isInteger(gridCount)) throw new Error(`gridCount ${gridCount} is not an integer`);
  if (gridCount < communities.length) {
    throw new Error(`gridCount ${gridCount} is below the ${communities.length} communities (each needs a grid)`);
  }
  // Grid codes have a 3-digit sequence.
  if (gridCount > communities.length * 999) throw new Error(`gridCount ${gridCount} exceeds 999 grids per community`);
  return {
    district,
    streets,
    communities,
    communitiesOf: (streetCode) => indexesByStreet.get(streetCode) ?? [],
  };
}

/**
 * Relative household weight. In the national code the last three digits 001–199 are residents'
 * committees (社区) and 200–399 villagers' committees (村); urban streets (township code below 100)
 * are the densest.
 */
function communityWeight(community: DemoAreaInput, rand: () => number): number {
  const isVillage = Number(community.code.slice(9)) >= 200;
  const isUrbanStreet = Number(community.code.slice(6, 9)) < 100;
  if (isVillage) return 0.3 + 0.8 * rand();
  return isUrbanStreet ? 1 + 1.6 * rand() : 0.7 + 1.3 * rand();
}

/** Largest-remainder apportionment with a floor of one grid per community. */
function apportion(weights: number[], total: number): number[] {
  const counts = weights.map(() => 1);
  const remaining = total - weights.length;
  const weightSum = sum(weights);
  const quotas = weights.map((weight) => (weight / weightSum) * remaining);
  quotas.forEach((quota, i) => {
    counts[i] = 1 + Math.floor(quota);
  });
  let left = total - sum(counts);
  const byRemainder = quotas
    .map((quota, i) => ({ i, remainder: quota - Math.floor(quota) }))
    .sort((a, b) => b.remainder - a.remainder || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left === 0) break;
    counts[i] = (counts[i] ?? 0) + 1;
    left -= 1;
  }
  return counts;
}

/**
 * Households: most grids in 310–490 (triangular around 400), then a few planted far outside
 * `GRID_HOUSEHOLD_RANGE`, alternating undersized and oversized.
 */
function assignHouseholds(grids: DemoGridPlan[], rand: () => number): string[] {
  for (const grid of grids) grid.households = Math.round(310 + 90 * (rand() + rand()));
  const planted: string[] = [];
  const count = Math.min(PLANTED_OUTLIER_COUNT, Math.floor(grids.length / 50));
  const taken = new Set<number>();
  while (planted.length < count) {
    const index = Math.floor(rand() * grids.length);
    const grid = grids[index];
    if (!grid || taken.has(index)) continue;
    taken.add(index);
    grid.households = planted.length % 2 === 0 ? Math.round(150 + 90 * rand()) : Math.round(560 + 120 * rand());
    planted.push(grid.code);
  }
  return planted.sort(compareStrings);
}

// ---------------------------------------------------------------------------------------------------
// Sites

/** Local planar frame in degrees of latitude-equivalent length, so Voronoi cells are not stretched east–west. */
const FRAME = planarFrame([120.1, 31.77]);

function toPlanar(position: LngLat): Pt {
  return FRAME.toPlanar(position);
}

function toWgs84MultiPolygon(geometry: PlanarGeometry): MultiPolygon {
  return FRAME.toWgs84MultiPolygon(geometry, DECIMALS);
}

function planarHull(): Pt[] {
  return DEMO_DISTRICT_HULL.map(toPlanar);
}

function placeGridSites(count: number, rand: () => number): Pt[] {
  const hull = planarHull();
  const [minX, minY, maxX, maxY] = bounds(hull);
  const core = toPlanar(URBAN_CORE);
  const wanted = count * SAMPLES_PER_GRID;
  const drawn = new Float64Array(2 * wanted);
  for (let n = 0; n < wanted; ) {
    const p: Pt = [minX + (maxX - minX) * rand(), minY + (maxY - minY) * rand()];
    const d2 = (p[0] - core[0]) ** 2 + (p[1] - core[1]) ** 2;
    const density = 1 + URBAN_CORE_PEAK * Math.exp(-d2 / (2 * URBAN_CORE_SIGMA_DEG ** 2));
    if (rand() * (1 + URBAN_CORE_PEAK) < density && pointInRing(p, hull)) {
      drawn[2 * n] = p[0];
      drawn[2 * n + 1] = p[1];
      n += 1;
    }
  }
  // Visiting the samples in serpentine rows keeps successive nearest-site searches local
  // (d3's find walks from the previous answer), which makes each Lloyd pass close to linear.
  const band = (maxY - minY) / 64;
  const rowOf = (n: number): number => Math.floor(((drawn[2 * n + 1] ?? 0) - minY) / band);
  const order = Array.from({ length: wanted }, (_, n) => n).sort((a, b) => {
    const rowA = rowOf(a);
    const ax = drawn[2 * a] ?? 0;
    const bx = drawn[2 * b] ?? 0;
    return rowA - rowOf(b) || (rowA % 2 === 0 ? ax - bx : bx - ax) || a - b;
  });
  const samples = new Float64Array(2 * wanted);
  order.forEach((from, to) => {
    samples[2 * to] = drawn[2 * from] ?? 0;
    samples[2 * to + 1] = drawn[2 * from + 1] ?? 0;
  });

  // Initial sites: distinct random samples, so they start inside the hull and never coincide.
  const sites = new Float64Array(2 * count);
  const used = new Set<number>();
  while (used.size < count) {
    const index = Math.floor(rand() * wanted);
    if (used.has(index)) continue;
    sites[2 * used.size] = samples[2 * index] ?? 0;
    sites[2 * used.size + 1] = samples[2 * index + 1] ?? 0;
    used.add(index);
  }

  const sx = new Float64Array(count);
  const sy = new Float64Array(count);
  const won = new Uint32Array(count);
  for (let iteration = 0; iteration < LLOYD_ITERATIONS; iteration++) {
    const delaunay = new Delaunay(sites);
    sx.fill(0);
    sy.fill(0);
    won.fill(0);
    let hint = 0;
    for (let n = 0; n < wanted; n++) {
      const x = samples[2 * n] ?? 0;
      const y = samples[2 * n + 1] ?? 0;
      hint = delaunay.find(x, y, hint);
      sx[hint] = (sx[hint] ?? 0) + x;
      sy[hint] = (sy[hint] ?? 0) + y;
      won[hint] = (won[hint] ?? 0) + 1;
    }
    // A site that won no samples stays put rather than collapsing onto the origin.
    for (let i = 0; i < count; i++) {
      const k = won[i] ?? 0;
      if (k === 0) continue;
      sites[2 * i] = (sx[i] ?? 0) / k;
      sites[2 * i + 1] = (sy[i] ?? 0) / k;
    }
  }
  return Array.from({ length: count }, (_, i): Pt => [sites[2 * i] ?? 0, sites[2 * i + 1] ?? 0]);
}

function fallbackAnchor(sites: readonly Pt[], i: number, of: number): Pt {
  // Unknown township codes (not the Jingkai list): spread anchors round the centre.
  const centre = centroidOf(sites);
  const angle = (2 * Math.PI * i) / of;
  return [centre[0] + 0.05 * Math.cos(angle), centre[1] + 0.05 * Math.sin(angle)];
}

/** Spread-out starting anchors: the given point (default: northernmost, then westernmost), then farthest-point picks. */
function farthestPoints(points: readonly Pt[], k: number, start?: number): Pt[] {
  const first = start === undefined ? [...points].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0] : points[start];
  if (!first) throw new Error('cannot pick anchors from no points');
  const anchors: Pt[] = [first];
  const nearest = points.map((p) => dist2(p, first));
  while (anchors.length < k) {
    let best = 0;
    nearest.forEach((d, i) => {
      if (d > (nearest[best] ?? -1)) best = i;
    });
    const next = points[best];
    if (!next) throw new Error('not enough points for anchors');
    anchors.push(next);
    points.forEach((p, i) => {
      nearest[i] = Math.min(nearest[i] ?? Infinity, dist2(p, next));
    });
  }
  return anchors;
}

/**
 * Balanced k-means whose groups must also be contiguous: a community in two pieces would be an enclave
 * (飞地) nobody asked for. The optimal assignment is separable by a power diagram, yet a small group can
 * still take two cells that meet only at a corner, so other starting anchors are tried until every group
 * is connected through shared Voronoi edges; the attempt with the fewest broken groups wins.
 * Returns the group of each member, in member order.
 */
function partitionContiguous(
  members: readonly number[],
  sites: readonly Pt[],
  neighbours: readonly number[][],
  sizes: readonly number[],
  recentring: number,
  anchorsFor: (attempt: number, points: readonly Pt[]) => Pt[],
): number[] {
  const points = members.map((site) => sites[site]).filter(isDefined);
  let best: number[] = [];
  let bestBroken = Infinity;
  for (let attempt = 0; attempt < MAX_PARTITION_ATTEMPTS && bestBroken > 0; attempt++) {
    const groups = partition(points, anchorsFor(attempt, points), sizes, recentring);
    const broken = countBrokenGroups(members, groups, neighbours);
    if (broken < bestBroken) {
      best = groups;
      bestBroken = broken;
    }
  }
  return best;
}

/** Balanced k-means: exact group sizes, anchors re-centred on their groups `recentring` times. */
function partition(points: readonly Pt[], initialAnchors: readonly Pt[], sizes: readonly number[], recentring: number): number[] {
  if (sum([...sizes]) !== points.length) throw new Error('group sizes do not add up to the number of points');
  let anchors = initialAnchors;
  let groups = assignWithCapacities(points, anchors, sizes);
  for (let iteration = 0; iteration < recentring; iteration++) {
    anchors = anchors.map((anchor, g) => {
      const members = points.filter((_, i) => groups[i] === g);
      return members.length > 0 ? centroidOf(members) : anchor;
    });
    groups = assignWithCapacities(points, anchors, sizes);
  }
  return groups;
}

/**
 * Minimum total squared distance assignment of points to anchors with exact capacities, by successive
 * shortest paths: each point joins through the cheapest chain of moves "point → group a, some member of
 * a → group b, …, → a group with room". Shortest paths keep the partial assignment optimal, so the
 * residual graph has no negative cycles and Bellman–Ford over the k groups suffices. O(n·(n·k + k³)).
 */
function assignWithCapacities(points: readonly Pt[], anchors: readonly Pt[], capacities: readonly number[]): number[] {
  const k = anchors.length;
  const cost = (p: Pt, g: number): number => {
    const anchor = anchors[g];
    return anchor ? dist2(p, anchor) : Infinity;
  };
  const groupOf = points.map(() => -1);
  const load = anchors.map(() => 0);
  const eps = 1e-15;

  points.forEach((point, i) => {
    // Cheapest single move from group a to group b, and who makes it.
    const moveCost = new Float64Array(k * k).fill(Infinity);
    const mover = new Int32Array(k * k).fill(-1);
    groupOf.forEach((g, s) => {
      const member = points[s];
      if (g < 0 || !member) return;
      const here = cost(member, g);
      for (let b = 0; b < k; b++) {
        if (b === g) continue;
        const delta = cost(member, b) - here;
        if (delta < (moveCost[g * k + b] ?? Infinity)) {
          moveCost[g * k + b] = delta;
          mover[g * k + b] = s;
        }
      }
    });

    const dist = anchors.map((_, g) => cost(point, g));
    const prev = anchors.map(() => -1);
    for (let round = 0; round < k - 1; round++) {
      let changed = false;
      for (let a = 0; a < k; a++) {
        const da = dist[a] ?? Infinity;
        if (!Number.isFinite(da)) continue;
        for (let b = 0; b < k; b++) {
          const candidate = da + (moveCost[a * k + b] ?? Infinity);
          if (candidate < (dist[b] ?? Infinity) - eps) {
            dist[b] = candidate;
            prev[b] = a;
            changed = true;
          }
        }
      }
      if (!changed) break;
    }

    let target = -1;
    for (let g = 0; g < k; g++) {
      if ((load[g] ?? 0) >= (capacities[g] ?? 0)) continue;
      if (target < 0 || (dist[g] ?? Infinity) < (dist[target] ?? Infinity)) target = g;
    }
    if (target < 0) throw new Error('capacities exhausted');
    load[target] = (load[target] ?? 0) + 1;

    let g = target;
    const seen = new Set<number>();
    while ((prev[g] ?? -1) >= 0) {
      if (seen.has(g)) throw new Error('assignment path loops');
      seen.add(g);
      const from = prev[g] ?? -1;
      const s = mover[from * k + g] ?? -1;
      groupOf[s] = g;
      g = from;
    }
    groupOf[i] = g;
  });
  return groupOf;
}

// ---------------------------------------------------------------------------------------------------
// Geometry (planar until the very end)

function demoVoronoi(sites: readonly Pt[], hull: readonly Pt[]) {
  return boundedVoronoi(sites, bounds(hull), 0.01);
}

/** Each site's Voronoi cell clipped to the (not quite convex) district hull. */
function clipToHull(voronoi: ReturnType<typeof demoVoronoi>, count: number, hull: readonly Pt[]): PlanarGeometry[] {
  return clipCells(voronoi, count, [[closeRing(hull.map((p) => [p[0], p[1]]))]]).map((cell, i) => {
    if (!cell) throw new Error(`Voronoi cell ${i} is missing or misses the district hull`);
    return cell;
  });
}

/** Grid numbering within a community: see orderNorthToSouthRows. */
function numberGrids(cells: readonly PlanarGeometry[]): PlanarGeometry[] {
  return orderNorthToSouthRows(cells.map((cell) => ({ cell, ...centroidAndArea(cell) }))).map((c) => c.cell);
}

// ---------------------------------------------------------------------------------------------------
// Small helpers


function centroidOf(points: readonly Pt[]): Pt {
  const n = Math.max(1, points.length);
  return [sum(points.map((p) => p[0])) / n, sum(points.map((p) => p[1])) / n];
}

function dist2(a: Pt, b: Pt): number {
  return (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}
