/**
 * Base data (一数源): persons, households, houses and rentals, buildings' particulars, care groups
 * and key-population tags, household visits — each record in the deepest area it belongs to, so
 * scope follows the area tree. Identity numbers and phones are sealed (SM4 + blind index + mask).
 */
import { defineModule } from '../../platform/module.ts';
import { registerImportKind } from '../exchange/index.ts';
import { registerBasedataRoutes } from './basedata.routes.ts';
import { personImportKind } from './persons/person-import.ts';

export const basedataModule = defineModule('basedata', (app, { deps }) => {
  registerImportKind(personImportKind(deps.cipher, deps.clock));
  registerBasedataRoutes(app);
});
export { seedDemoResidents, type ResidentSeedCounts } from './seed/demo-residents.ts';
