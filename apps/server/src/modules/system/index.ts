/**
 * The operational surface (系统): health, meta for the login page, Prometheus metrics, the OpenAPI
 * document and its browsable reference, and the guard that closes them in production.
 */
import fastifySwaggerUi from '@fastify/swagger-ui';
import { defineModule } from '../../platform/module.ts';
import { guardOperationalEndpoints } from './ops-guard.ts';
import { schedulerFor } from '../../platform/scheduler.ts';
import { registerJobRoutes } from './jobs.routes.ts';
import { registerSystemRoutes } from './system.routes.ts';

export const systemModule = defineModule('system', async (app, { deps, registry, demoAccounts }) => {
  // The guard's hook covers the routes of this module's context only: the reference (/api/docs)
  // is registered here, after it, so that it is guarded too.
  guardOperationalEndpoints(app, deps);
  const database = deps.database;
  registerSystemRoutes(app, deps.config, { engine: database.kind, ping: () => database.ping() }, registry, demoAccounts ?? []);
  registerJobRoutes(app, schedulerFor(deps, app.log));
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
});
