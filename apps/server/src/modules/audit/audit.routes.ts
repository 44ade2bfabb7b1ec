import { auditListQuerySchema, auditPageSchema, errorBodySchema } from '@redgrid/contracts';
import { ctxOf, type App } from '../../platform/http.ts';
import { listAuditEntries } from './audit.service.ts';

export function registerAuditRoutes(app: App): void {
  app.get('/api/audit', {
    schema: {
      tags: ['audit'],
      summary: '审计日志（审计管理员）',
      querystring: auditListQuerySchema,
      response: { 200: auditPageSchema, 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema },
    },
  }, (req) => listAuditEntries(ctxOf(req), req.query));
}
