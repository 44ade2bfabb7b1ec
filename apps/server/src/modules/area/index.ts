/**
 * The area tree (区域): its front door. Other modules, the seeds and the benchmarks import the area
 * module only from here.
 */
// TRANSITION: the area module's owner fills in its module plugin and the rest of its public surface.
export { IssueList } from '../../platform/import-report.ts';
export { importDivisionsCsv } from './import/area-import.service.ts';
export { levelLabel } from './import/division-csv.ts';
