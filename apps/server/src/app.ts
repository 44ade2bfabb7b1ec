import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import { CSRF_HEADER, SESSION_COOKIE } from '@redgrid/contracts';
import Fastify from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { affairsModule } from './modules/affairs/index.ts';
import { areaModule } from './modules/area/index.ts';
import { basedataModule } from './modules/basedata/index.ts';
import { calendarModule } from './modules/calendar/index.ts';
import { caseModule } from './modules/case/index.ts';
import { auditModule } from './modules/audit/index.ts';
import { departmentModule } from './modules/department/index.ts';
import { divisionModule } from './modules/division/index.ts';
import { exchangeModule } from './modules/exchange/index.ts';
import { attachmentModule } from './modules/attachment/index.ts';
import { notificationModule } from './modules/notification/index.ts';
import { open311Module } from './modules/open311/index.ts';
import { authModule, cookieOptions, resolveSession } from './modules/auth/index.ts';
import { securityModule } from './modules/security/index.ts';
import { systemModule } from './modules/system/index.ts';
import { DEMO_ACCOUNTS } from './seed/demo-accounts.ts';
import { userModule } from './modules/user/index.ts';
import type { ModuleOptions } from './platform/module.ts';
import { scopeFromRoles, type AppDeps, type RequestContext } from './platform/context.ts';
import { makeContext, withActor } from './platform/unit-of-work.ts';
import { assertRoutePermission, requireRoutePermissions, routePermission } from './platform/route-permission.ts';
import { AppError } from './platform/errors.ts';
import { handleError, notFoundBody, type App } from './platform/http.ts';
import { safeEqual } from './platform/crypto.ts';
import { serverOptions } from './platform/server-options.ts';
import { registerSecurityHeaders } from './platform/security-headers.ts';
import { registerJsonBody } from './platform/json-body.ts';
import { registerRefusalTrail } from './platform/refusals.ts';
import { newSchedulerFor } from './platform/scheduler.ts';

// Validation messages reach Chinese users as they are.
z.config(z.locales.zhCN());

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

export interface BuildAppOptions {
  /** Extra pino options (tests pass a stream). */
  logger?: boolean | Record<string, unknown>;
}

/** Builds the HTTP application without listening, so tests can inject requests. */
export async function buildApp(deps: AppDeps, options: BuildAppOptions = {}): Promise<App> {
  const { config } = deps;
  const app = Fastify({
    logger: options.logger ?? {
      level: config.logLevel,
      // Personal data stays out of logs: no query strings (searches carry names and phones), no bodies, no cookies.
      serializers: {
        req: (req: { method: string; url: string; id: string }) => ({ method: req.method, path: req.url.split('?')[0], id: req.id }),
      },
      redact: { paths: ['req.headers.cookie', 'req.headers.authorization', `req.headers["${CSRF_HEADER}"]`], remove: true },
    },
    bodyLimit: config.bodyLimitBytes,
    ...serverOptions(config),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  // The API speaks JSON only: anything else is 415, not a string that fails validation.
  app.removeContentTypeParser('text/plain');
  registerJsonBody(app);

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'redgrid_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  // Before any route (and before the OpenAPI collector) so every route is checked and documented.
  requireRoutePermissions(app);
  await app.register(fastifyCookie);
  await registerSecurityHeaders(app, config);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'redgrid 红网格 API', version: '0.1.0', description: '党建引领网格化基层治理平台接口。会话使用 HttpOnly Cookie；写操作须带 x-csrf-token 头。' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } } },
      security: [{ session: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });

  app.decorateRequest('ctx', null as unknown as RequestContext);
  app.decorateRequest('session', null);
  registerRefusalTrail(app);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    const ctx = makeContext(deps, { actor: null, scope: null, log: request.log, requestId: String(request.id), ip: request.ip });
    request.ctx = ctx;
    const routeConfig = request.routeOptions.config;
    const url = request.routeOptions.url;
    // The API reference (/api/docs) is public like the OpenAPI document it renders.
    const permission = routePermission(url, routeConfig);
    const token = request.cookies[SESSION_COOKIE];
    if (permission === 'public' && routeConfig.readsSession && token) {
      try {
        const found = await resolveSession(ctx, token);
        request.ctx = withActor(ctx, found.actor, scopeFromRoles(found.actor.roles));
        request.session = { csrfToken: found.csrfToken, expiresAt: found.expiresAt };
      } catch (err) {
        if (!(err instanceof AppError) || (err.code !== 'unauthenticated' && err.code !== 'session_expired')) throw err;
        if (err.code === 'session_expired') reply.clearCookie(SESSION_COOKIE, cookieOptions(config, request));
      }
      return;
    }
    if (permission === undefined || permission === 'public') return;

    if (!token) throw new AppError('unauthenticated', '请先登录');
    let resolved;
    try {
      resolved = await resolveSession(ctx, token);
    } catch (err) {
      if (err instanceof AppError && err.code === 'session_expired') reply.clearCookie(SESSION_COOKIE, cookieOptions(config, request));
      throw err;
    }
    // A cookie is sent by the browser on its own; a write must also prove it came from our page.
    if (!SAFE_METHODS.has(request.method)) {
      const header = request.headers[CSRF_HEADER];
      if (typeof header !== 'string' || !safeEqual(header, resolved.csrfToken)) {
        throw new AppError('csrf_failed', '请求缺少有效的 CSRF 令牌，请刷新页面后重试');
      }
    }
    // Known from here on, so a refusal below is recorded against the account (platform/refusals.ts).
    request.ctx = withActor(ctx, resolved.actor, scopeFromRoles(resolved.actor.roles));
    if (resolved.actor.mustChangePassword && !routeConfig.allowBeforePasswordChange) {
      throw new AppError('forbidden', '请先修改初始密码', { mustChangePassword: true });
    }
    assertRoutePermission(resolved.actor, permission);
    request.session = { csrfToken: resolved.csrfToken, expiresAt: resolved.expiresAt };
  });

  app.addHook('onResponse', async (request, reply) => {
    httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  // This app's scheduler: the modules below register their jobs on it (schedulerFor finds it).
  const scheduler = newSchedulerFor(deps, app.log);
  const modules: ModuleOptions = { deps, registry, demoAccounts: DEMO_ACCOUNTS };
  await app.register(systemModule, modules);
  await app.register(notificationModule, modules);
  await app.register(authModule, modules);
  await app.register(areaModule, modules);
  await app.register(userModule, modules);
  await app.register(departmentModule, modules);
  await app.register(divisionModule, modules);
  await app.register(auditModule, modules);
  await app.register(securityModule, modules);
  await app.register(calendarModule, modules);
  await app.register(basedataModule, modules);
  await app.register(exchangeModule, modules);
  await app.register(attachmentModule, modules);
  await app.register(affairsModule, modules);
  await app.register(caseModule, modules);
  await app.register(open311Module, modules);
  // The jobs the modules registered run once the server is ready (unless REDGRID_SCHEDULER=off), and
  // stop on close — running ones finish their batch — before the database closes (boot.ts).
  if (config.scheduler) app.addHook('onReady', async () => scheduler.start());
  app.addHook('onClose', async () => scheduler.stop());

  const webDist = config.webDist ?? fileURLToPath(new URL('../../web/dist', import.meta.url));
  const hasWeb = existsSync(`${webDist}/index.html`);
  if (hasWeb) {
    await app.register(fastifyStatic, { root: webDist, wildcard: false, index: false });
    app.get('/', { config: { permission: 'public' }, schema: { hide: true } }, (_req, reply) => reply.sendFile('index.html'));
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    // Client-side routes of the console get its page; API and asset misses get the error shape.
    if (hasWeb && request.method === 'GET' && !path.startsWith('/api') && !path.startsWith('/metrics') && !/\.[a-z0-9]+$/i.test(path)) {
      return reply.type('text/html').sendFile('index.html');
    }
    return reply.status(404).send(notFoundBody(request));
  });

  return app;
}
