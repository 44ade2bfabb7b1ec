/**
 * Base data (一数源): persons, households, houses and rentals, buildings' particulars, care groups
 * and key-population tags, household visits — each record in the deepest area it belongs to, so
 * scope follows the area tree. Identity numbers and phones are sealed (SM4 + blind index + mask).
 */
import { defineModule } from '../../platform/module.ts';
import { schedulerFor } from '../../platform/scheduler.ts';
import type { RekeyTarget } from '../../platform/rekey.ts';
import { registerImportKind } from '../exchange/index.ts';
import { registerBasedataRoutes } from './basedata.routes.ts';
import { houseImportKind, organisationImportKind } from './imports/record-imports.ts';
import { personImportKind } from './persons/person-import.ts';
import { tagExpiryJob } from './shared/tag-expiry.job.ts';

export const basedataModule = defineModule('basedata', (app, { deps }) => {
  registerImportKind(personImportKind(deps.cipher, deps.clock));
  registerImportKind(houseImportKind(deps.cipher, deps.clock));
  registerImportKind(organisationImportKind(deps.cipher, deps.clock));
  registerBasedataRoutes(app);
  schedulerFor(deps, app.log).register(tagExpiryJob());
});
export { seedDemoResidents, type ResidentSeedCounts } from './seed/demo-residents.ts';
/** For the synthetic-resident generator (npm run data:generate) and the benchmarks. */
export { PERSON_IMPORT_FIELDS } from './persons/person-import.ts';
export { sealPersons } from './persons/person-seal.ts';
export { namePinyin } from './shared/names.ts';
/** How an address typed into the person search becomes its pieces (the benchmark explains its plans with them). */
export { addressTerms } from './persons/person-search-terms.ts';

/**
 * Every sealed column of the base data, for the key-rotation job (npm run data:rekey). Proposals from
 * visits keep sealed phones inside their JSON: they are short-lived (confirmed or rejected within
 * days) and are not walked; a rotation should wait until none is pending.
 */
export const rekeyTargets: readonly RekeyTarget[] = [
  { table: 'persons', id: 'id', fields: [{ encrypted: 'id_enc', blindIndex: 'id_bidx' }, { encrypted: 'phone_enc', blindIndex: 'phone_bidx' }] },
  { table: 'houses', id: 'id', fields: [{ encrypted: 'owner_id_enc', blindIndex: 'owner_id_bidx' }, { encrypted: 'owner_phone_enc' }] },
  { table: 'rentals', id: 'id', fields: [{ encrypted: 'lessor_id_enc', blindIndex: 'lessor_id_bidx' }, { encrypted: 'lessor_phone_enc' }] },
  { table: 'households', id: 'id', fields: [{ encrypted: 'home_phone_enc' }] },
  { table: 'building_profiles', id: 'area_id', fields: [{ encrypted: 'property_phone_enc' }, { encrypted: 'head_phone_enc' }] },
  { table: 'person_tags', id: 'id', fields: [{ encrypted: 'guardian_phone_enc' }] },
  { table: 'organisations', id: 'id', fields: [{ encrypted: 'legal_rep_phone_enc' }] },
];
export { EDUCATION, GIVEN_FEMALE, GIVEN_MALE, OCCUPATIONS, SOURCE_REGIONS, SURNAMES } from './seed/synthetic-people.ts';
