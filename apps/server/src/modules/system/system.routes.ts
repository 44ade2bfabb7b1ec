import { errorBodySchema, healthSchema, metaSchema } from '@redgrid/contracts';
import type { Registry } from 'prom-client';
import type { AppConfig } from '../../config.ts';
import type { AppDeps } from '../../platform/context.ts';
import type { App } from '../../platform/http.ts';
import type { DemoAccountCard } from '../../platform/module.ts';

const VERSION = '0.1.0';
const started = Date.now();

/** The database as the health check sees it: its engine and a round trip, not a handle. */
export interface DatabaseProbe {
  engine: AppDeps['database']['kind'];
  ping(): Promise<number>;
}

export function registerSystemRoutes(app: App, config: AppConfig, probe: DatabaseProbe, registry: Registry, demoAccounts: readonly DemoAccountCard[]): void {
  app.get('/api/health', {
    config: { permission: 'public' },
    schema: { tags: ['system'], summary: '健康检查（含数据库可达性）', response: { 200: healthSchema, 503: healthSchema } },
  }, async (_req, reply) => {
    let ok = true;
    let latencyMs = -1;
    try {
      latencyMs = Math.round((await probe.ping()) * 100) / 100;
    } catch {
      ok = false;
    }
    const body = { status: ok ? ('ok' as const) : ('degraded' as const), db: { ok, engine: probe.engine, latencyMs }, uptimeSeconds: Math.round((Date.now() - started) / 1000) };
    return reply.status(ok ? 200 : 503).send(body);
  });

  app.get('/api/meta', {
    config: { permission: 'public' },
    schema: { tags: ['system'], summary: '运行模式与登录页信息', response: { 200: metaSchema, 500: errorBodySchema } },
  }, () => ({
    name: 'redgrid' as const,
    version: VERSION,
    mode: config.mode,
    engine: probe.engine,
    // Demo credentials are shown only in demo mode, where they are the documented way in.
    demoAccounts: config.mode === 'demo' ? demoAccounts.map(({ username, password, description }) => ({ username, password, description })) : null,
    passwordPolicy: config.passwordPolicy,
    baseMapUrl: config.baseMapUrl,
    gridHouseholds: config.gridHouseholds,
  }));

  app.get('/metrics', { config: { permission: 'public' }, schema: { hide: true } }, async (_req, reply) => {
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });

  app.get('/api/openapi.json', { config: { permission: 'public' }, schema: { hide: true } }, () => app.swagger());
}
