import type { AreaLevel } from '@redgrid/contracts';
import type { SystemUnit } from '../../../platform/unit-of-work.ts';
import { areaSeedRepository } from './area-seed.repository.ts';

/** A district as the system seeds it: its division tree, grids, boundaries (GeoJSON, WGS84) and buildings. */
export interface DistrictSeed {
  /** Top-down: every parent before its children. */
  divisions: readonly { code: string; name: string; level: AreaLevel; parentCode: string | null }[];
  /** The division the seeding change is recorded on. */
  districtCode: string;
  at: Date;
  changeSummary: unknown;
  /** Boundaries of divisions, by code. */
  boundaries: readonly { code: string; geometry: unknown }[];
  grids: readonly { code: string; name: string; communityCode: string; households: number; geometry: unknown }[];
  buildings: readonly { code: string; name: string; gridCode: string; households: number; lng: number; lat: number }[];
}

/**
 * Writes a district in the system's unit (one transaction with the rest of the seed): divisions
 * (a division already there by code keeps its id and takes the name), one `seed` change, the grids,
 * every boundary and the buildings, in that order. Answers the id of every division and grid by code.
 */
export async function seedDistrict(unit: SystemUnit, seed: DistrictSeed): Promise<Map<string, number>> {
  const areas = unit.use(areaSeedRepository);
  const ids = new Map<string, number>();
  const idOf = (code: string) => {
    const id = ids.get(code);
    if (id === undefined) throw new Error(`seed: area ${code} missing`);
    return id;
  };
  for (const [i, d] of seed.divisions.entries()) {
    ids.set(d.code, await areas.upsertDivision({ code: d.code, name: d.name, level: d.level, parentId: d.parentCode ? (ids.get(d.parentCode) ?? null) : null, sortOrder: i }));
  }
  const changeId = await areas.recordChange({ kind: 'seed', at: seed.at, areaId: idOf(seed.districtCode), summary: seed.changeSummary });
  const grids = await areas.insertGrids(seed.grids.map((g, i) => ({ code: g.code, name: g.name, parentId: idOf(g.communityCode), households: g.households, sortOrder: i + 1 })));
  for (const [code, id] of grids) ids.set(code, id);
  await areas.insertBoundaries(
    [...seed.boundaries, ...seed.grids].map((s) => ({ areaId: idOf(s.code), geojson: JSON.stringify(s.geometry) })),
    seed.at,
    changeId,
  );
  await areas.insertBuildings(seed.buildings.map((b, i) => ({ code: b.code, name: b.name, parentId: idOf(b.gridCode), households: b.households, lng: b.lng, lat: b.lat, sortOrder: i + 1 })));
  return ids;
}
