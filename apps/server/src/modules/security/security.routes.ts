import { errorBodySchema, idParamsSchema, loginFailureTrailSchema, probingReportSchema, securityPolicyInputSchema, securitySettingsSchema, sessionIdParamsSchema, sessionListQuerySchema, sessionPageSchema } from '@redgrid/contracts';
import { z } from 'zod';
import { ctxOf, type App } from '../../platform/http.ts';
import { listSessions, loginFailureTrail, probingReport, revokeSession, securitySettings, unlockAccount, updateSecurityPolicy } from './security.service.ts';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };

export function registerSecurityRoutes(app: App): void {
  app.get('/api/security/settings', {
    config: { permission: 'security.manage' },
    schema: { tags: ['security'], summary: '安全设置与被锁定账号（安全管理员）', response: { 200: securitySettingsSchema, ...errors } },
  }, (req) => securitySettings(ctxOf(req)));

  app.put('/api/security/policy', {
    config: { permission: 'security.manage' },
    schema: { tags: ['security'], summary: '设置密码与锁定策略（安全管理员）', body: securityPolicyInputSchema, response: { 200: securitySettingsSchema, ...errors } },
  }, (req) => updateSecurityPolicy(ctxOf(req), req.body));

  app.get('/api/security/sessions', {
    config: { permission: 'security.manage' },
    schema: { tags: ['security'], summary: '在线会话（安全管理员）', querystring: sessionListQuerySchema, response: { 200: sessionPageSchema, ...errors } },
  }, (req) => listSessions(ctxOf(req), req.query));

  app.delete('/api/security/sessions/:id', {
    config: { permission: 'security.manage' },
    schema: { tags: ['security'], summary: '强制下线', params: sessionIdParamsSchema, response: { 204: z.null(), ...errors } },
  }, async (req, reply) => {
    await revokeSession(ctxOf(req), req.params.id);
    return reply.status(204).send(null);
  });

  app.post('/api/security/users/:id/unlock', {
    config: { permission: 'security.manage' },
    schema: { tags: ['security'], summary: '解除登录锁定', params: idParamsSchema, response: { 204: z.null(), ...errors } },
  }, async (req, reply) => {
    await unlockAccount(ctxOf(req), req.params.id);
    return reply.status(204).send(null);
  });

  app.get('/api/security/users/:id/login-failures', {
    config: { permission: 'security.manage' },
    schema: { tags: ['security'], summary: '账号的登录失败记录（来自审计日志）', params: idParamsSchema, response: { 200: loginFailureTrailSchema, ...errors } },
  }, (req) => loginFailureTrail(ctxOf(req), req.params.id));

  app.get('/api/security/probing', {
    config: { permission: 'security.manage' },
    schema: { tags: ['security'], summary: '越权探测：被拒绝的访问按账号计数（近 10 分钟与 24 小时）', response: { 200: probingReportSchema, ...errors } },
  }, (req) => probingReport(ctxOf(req)));
}
