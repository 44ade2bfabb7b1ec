/**
 * The catalogue of grid affairs (网事清单, issue 10): a district's tree of categories and items with
 * the level that handles each, the kind of department responsible, filing and closing conditions,
 * yellow/red limits for accepting and handling (per area grade optionally), custom fields and the
 * resident and skip-level flags. The case workflow reads items through `affairItem` and
 * `listActiveItems`; the demo seeds a catalogue shaped like the field's through `seedAffairsCatalogue`.
 */
import { defineModule } from '../../platform/module.ts';
import { registerImportKind } from '../exchange/index.ts';
import { affairImportKind } from './affairs-exchange.ts';
import { registerAffairsRoutes } from './affairs.routes.ts';

export const affairsModule = defineModule('affairs', (app, { deps }) => {
  registerImportKind(affairImportKind(deps.clock));
  registerAffairsRoutes(app);
});
export { affairItem, listActiveItems, type AffairItemRef } from './affairs.service.ts';
export { limitsFor, type StepLimit } from './affair-rules.ts';
export { seedAffairsCatalogue, DEMO_CATALOGUE_COUNTS } from './seed/demo-catalogue.ts';
