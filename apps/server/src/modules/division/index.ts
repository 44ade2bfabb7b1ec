/**
 * The division code library (区划代码库): editions of the national statistical division codes, loaded
 * from CSV, browsed, compared with each other and with the area tree, and adopted into the tree.
 */
import { defineModule } from '../../platform/module.ts';
import { registerDivisionLibraryRoutes } from './division-library.routes.ts';
import { registerDivisionTreeImportRoutes } from './division-tree-import.routes.ts';

export const divisionModule = defineModule('division', (app) => {
  registerDivisionLibraryRoutes(app);
  registerDivisionTreeImportRoutes(app);
});

export { adoptDivisions, deleteEdition, importEdition, listEditions } from './division-library.service.ts';
export { importDivisionsCsv, type CsvInput } from './division-tree-import.service.ts';
