import { PERMISSIONS, type Permission } from '@redgrid/contracts';
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { Actor } from './context.ts';
import { forbidden } from './errors.ts';

/**
 * Every API route says who may call it, in its route definition: a permission, any signed-in
 * actor, or the public. The declaration is checked once at start-up (a route without one does not
 * start), enforced before the body is even parsed, and published in OpenAPI as `x-permission`, where
 * the generated scope test reads it.
 */
export type RoutePermission = Permission | 'signed_in' | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; required on every /api route. */
    permission?: RoutePermission;
  }
}

const VALID = new Set<string>([...PERMISSIONS, 'signed_in', 'public']);

/** Paths served by plugins (the API reference) rather than by modules. */
function isPluginRoute(url: string): boolean {
  return url.startsWith('/api/docs');
}

/** Refuses to register an /api route without a declared permission, and writes it into OpenAPI. */
export function requireRoutePermissions(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    if (!route.url.startsWith('/api/') || isPluginRoute(route.url)) return;
    const permission = (route.config as { permission?: string } | undefined)?.permission;
    if (!permission || !VALID.has(permission)) {
      throw new Error(`route ${String(route.method)} ${route.url} declares no valid permission (config.permission)`);
    }
    route.schema = { ...(route.schema ?? {}), 'x-permission': permission } as RouteOptions['schema'];
  });
}

/** The route's declared permission; undefined for non-API routes (static console, /metrics). */
export function routePermission(url: string | undefined, config: { permission?: RoutePermission }): RoutePermission | undefined {
  if (!url || !url.startsWith('/api/') || isPluginRoute(url)) return undefined;
  return config.permission;
}

/** The route-level gate: a signed-in actor without the route's permission gets 403 before any work. */
export function assertRoutePermission(actor: Actor, permission: RoutePermission): void {
  if (permission === 'public' || permission === 'signed_in') return;
  if (!actor.permissions.has(permission)) throw forbidden();
}
