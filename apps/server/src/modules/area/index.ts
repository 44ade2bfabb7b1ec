/**
 * The area tree (区域): its front door. Other modules, the seeds and the benchmarks import the area
 * module only from here.
 */
import { defineModule } from '../../platform/module.ts';
import { registerAreaGeoRoutes } from './geography/area-geo.routes.ts';
import { registerPublicTileRoutes } from './geography/area-public-tiles.routes.ts';
import { registerAreaImportRoutes } from './import/area-import.routes.ts';
import { registerAreaProposalRoutes } from './proposal/area-proposal.routes.ts';
import { registerAreaRoutes } from './tree/area.routes.ts';

/** Every area route: the tree and places, geography and adjustments, grid proposals, imports. */
export const areaModule = defineModule('area', async (app, { deps }) => {
  registerAreaGeoRoutes(app);
  // The outlines the public report page draws (no account).
  await registerPublicTileRoutes(app, deps.config);
  registerAreaProposalRoutes(app);
  registerAreaRoutes(app);
  registerAreaImportRoutes(app);
});

/** Point location and vector tiles, scope-bound: the geography benchmark (bench/geo.bench.ts) measures them. */
export { areaGeoRepository } from './geography/area-geo.repository.ts';
export { areaTileRepository } from './geography/area-tiles.repository.ts';
/** The demo seed writes its district through this, in a unit from `asSystem`. */
export { seedDistrict, type DistrictSeed } from './tree/area-seed.service.ts';
/** The area tree as the division module's CSV import writes it (scope-bound, like any repository). */
export { areaTreeWriter, type AreaTreeWriter, type NewArea } from './import/area-import.repository.ts';
