import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Registry } from 'prom-client';
import type { AppDeps } from './context.ts';
import type { App } from './http.ts';

/** What app.ts hands every module when it registers it. */
export interface ModuleOptions {
  deps: AppDeps;
  /** The app's Prometheus registry, for modules that publish metrics. */
  registry: Registry;
  /** The documented demo accounts (seed/), shown on the login page in demo mode only. */
  demoAccounts?: readonly DemoAccountCard[];
}

/** What the login page shows of a demo account. */
export interface DemoAccountCard {
  username: string;
  password: string;
  description: string;
}

/**
 * A module's HTTP surface as a Fastify plugin: `app.ts` registers modules, never route files. The
 * plugin's own context inherits the app's validation, error handler, authentication and the route
 * permission check; whatever a module adds (content parsers, hooks) stays inside it.
 */
export function defineModule(name: string, register: (app: App, options: ModuleOptions) => void | Promise<void>): FastifyPluginAsync<ModuleOptions> {
  const plugin: FastifyPluginAsync<ModuleOptions> = async (instance: FastifyInstance, options: ModuleOptions) => {
    await register(instance.withTypeProvider<ZodTypeProvider>() as App, options);
  };
  Object.defineProperty(plugin, 'name', { value: `redgrid-${name}` });
  return plugin;
}
