/**
 * The area tree (区域): its front door. Other modules, the seeds and the benchmarks import the area
 * module only from here.
 */
// TRANSITION: the area module's owner fills in its module plugin and the rest of its public surface.
/** The area tree as the division module's CSV import writes it (scope-bound, like any repository). */
export { areaTreeWriter, type AreaTreeWriter, type NewArea } from './import/area-import.repository.ts';
