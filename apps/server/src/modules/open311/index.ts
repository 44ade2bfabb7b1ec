/**
 * Open311 GeoReport v2 (issue 10): /open311/v2/ — discovery, services, service definitions, service
 * requests (GET public, POST with an API key, filed as cases of the 'open311' channel through the case
 * module's `fileCase` in a guest unit confined to the grid of the point), tokens — in XML and JSON;
 * the API keys an admin issues and revokes (/api/open311/keys), with the demo's key seeded in demo mode.
 */
import { defineModule } from '../../platform/module.ts';
import { registerOpen311Routes } from './open311.routes.ts';

export const open311Module = defineModule('open311', (app) => registerOpen311Routes(app));
export { DEMO_OPEN311_KEY, seedOpen311DemoKey } from './open311-keys.service.ts';
