/**
 * Synthetic communities for the grid proposal's tests and benchmark: drawn in metres east/north of a point
 * in Changzhou, then turned into WGS84. Deterministic, so the benchmark times the very input the tests
 * check.
 */
import type { MultiPolygon } from 'geojson';
import type { GridProposalInput, HouseholdRange, ProposalBuilding } from './grid-proposal.ts';
import { METERS_PER_DEGREE } from './partition-geometry.ts';
import { seededRandom } from './seeded-random.ts';

export const ORIGIN: [number, number] = [120.05, 31.75];
const KX = Math.cos((ORIGIN[1] * Math.PI) / 180) * METERS_PER_DEGREE;

/** The point x m east and y m north of ORIGIN. */
export const lngLat = (x: number, y: number): [number, number] => [ORIGIN[0] + x / KX, ORIGIN[1] + y / METERS_PER_DEGREE];

/** A one-polygon MultiPolygon from rings in metres (closed here). */
export function polygonOf(...rings: [number, number][][]): MultiPolygon {
  return { type: 'MultiPolygon', coordinates: [rings.map((ring) => [...ring, ring[0] ?? [0, 0]].map(([x, y]) => lngLat(x, y)))] };
}

export function rect(x0: number, y0: number, x1: number, y1: number): [number, number][] {
  return [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
  ];
}

/**
 * A 3 km square community with `count` buildings (12–71 households each, ids 1…count) in clusters of about
 * 30, each spread over 300 m around a random centre: compounds with open land between them.
 */
export function clusteredCommunity(count: number, seed: number, range: HouseholdRange): GridProposalInput {
  const rand = seededRandom(seed, 'clustered-community');
  const centres = Array.from({ length: Math.ceil(count / 30) }, () => [rand() * 3000, rand() * 3000] as const);
  const buildings = Array.from({ length: count }, (_, i): ProposalBuilding => {
    const [cx, cy] = centres[Math.floor(rand() * centres.length)] ?? [0, 0];
    const [lng, lat] = lngLat(Math.min(2990, Math.max(10, cx + (rand() - 0.5) * 300)), Math.min(2990, Math.max(10, cy + (rand() - 0.5) * 300)));
    return { id: i + 1, lng, lat, households: 12 + Math.floor(rand() * 60) };
  });
  return { boundary: polygonOf(rect(0, 0, 3000, 3000)), buildings, range };
}
