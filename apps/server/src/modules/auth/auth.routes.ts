import { changePasswordSchema, errorBodySchema, loginRequestSchema, passwordPolicyViewSchema, SESSION_COOKIE, sessionResponseSchema, sessionStateSchema } from '@redgrid/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppConfig } from '../../config.ts';
import { ctxOf, type App } from '../../platform/http.ts';
import { loginRateLimit } from '../../platform/rate-limit.ts';
import { requireActor } from '../../platform/scope.ts';
import { changeOwnPassword, login, logout, passwordPolicyInForce, toMe } from './auth.service.ts';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 423: errorBodySchema };

export function cookieOptions(config: AppConfig, request: FastifyRequest) {
  const secure = config.cookieSecure === 'always' || (config.cookieSecure === 'auto' && request.protocol === 'https');
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure };
}

export function registerAuthRoutes(app: App, config: AppConfig): void {
  // The login route sits in its own context with its rate limits (per IP and per username).
  app.register(async (scoped: App) => {
    const limitLogin = await loginRateLimit(scoped, config);
    scoped.post('/api/auth/login', {
      config: { permission: 'public' },
      preHandler: limitLogin,
      schema: { tags: ['auth'], summary: '登录', body: loginRequestSchema, response: { 200: sessionResponseSchema, ...errors, 429: errorBodySchema } },
    }, async (req, reply) => {
      const result = await login(ctxOf(req), { ...req.body, userAgent: req.headers['user-agent'] ?? null });
      reply.setCookie(SESSION_COOKIE, result.token, { ...cookieOptions(config, req), maxAge: config.sessionMaxHours * 3600 });
      return result.response;
    });
  });

  app.post('/api/auth/logout', {
    config: { permission: 'signed_in', allowBeforePasswordChange: true },
    schema: { tags: ['auth'], summary: '退出登录', response: { 204: z.null(), ...errors } },
  }, async (req, reply: FastifyReply) => {
    await logout(ctxOf(req));
    reply.clearCookie(SESSION_COOKIE, cookieOptions(config, req));
    return reply.status(204).send(null);
  });

  app.get('/api/auth/me', {
    config: { permission: 'signed_in', allowBeforePasswordChange: true },
    schema: { tags: ['auth'], summary: '当前用户与会话', response: { 200: sessionResponseSchema, ...errors } },
  }, (req) => {
    const actor = requireActor(ctxOf(req));
    return { user: toMe(actor), csrfToken: req.session?.csrfToken ?? '', expiresAt: req.session?.expiresAt.toISOString() ?? '' };
  });

  // The console asks this on every load, signed in or not: "nobody" is an answer, not an error, so the
  // login page does not log a 401 to the browser console. API clients keep /api/auth/me and its 401.
  app.get('/api/auth/session', {
    config: { permission: 'public', readsSession: true },
    schema: { tags: ['auth'], summary: '当前会话（未登录时 session 为 null，不报 401）', response: { 200: sessionStateSchema, ...errors } },
  }, (req) => {
    const actor = ctxOf(req).actor;
    if (!actor || !req.session) return { session: null };
    return { session: { user: toMe(actor), csrfToken: req.session.csrfToken, expiresAt: req.session.expiresAt.toISOString() } };
  });

  app.get('/api/auth/password-policy', {
    config: { permission: 'public' },
    schema: { tags: ['auth'], summary: '现行密码规则（最短长度、字符类别；登录页与改密表单提示用）', response: { 200: passwordPolicyViewSchema, 500: errorBodySchema } },
  }, (req) => passwordPolicyInForce(ctxOf(req)));

  app.post('/api/auth/password', {
    config: { permission: 'signed_in', allowBeforePasswordChange: true },
    schema: { tags: ['auth'], summary: '修改自己的密码', body: changePasswordSchema, response: { 204: z.null(), ...errors } },
  }, async (req, reply) => {
    await changeOwnPassword(ctxOf(req), req.body);
    return reply.status(204).send(null);
  });
}
