import { auditActorListSchema, auditCheckpointSchema, auditListQuerySchema, auditPageSchema, errorBodySchema } from '@redgrid/contracts';
import { ctxOf, type App } from '../../platform/http.ts';
import { getAuditCheckpoint, listAuditActors, listAuditEntries } from './audit.service.ts';

export function registerAuditRoutes(app: App): void {
  app.get('/api/audit', {
    config: { permission: 'audit.read' },
    schema: {
      tags: ['audit'],
      summary: '审计日志（审计管理员）',
      querystring: auditListQuerySchema,
      response: { 200: auditPageSchema, 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema },
    },
  }, (req) => listAuditEntries(ctxOf(req), req.query));

  app.get('/api/audit/actors', {
    config: { permission: 'audit.read' },
    schema: {
      tags: ['audit'],
      summary: '审计日志中出现过的操作人（供按姓名筛选）',
      response: { 200: auditActorListSchema, 401: errorBodySchema, 403: errorBodySchema },
    },
  }, (req) => listAuditActors(ctxOf(req)));

  app.get('/api/audit/checkpoint', {
    config: { permission: 'audit.read' },
    schema: {
      tags: ['audit'],
      summary: '审计链签名检查点（审计管理员；请另行保存，供日后 audit:verify --checkpoint 核验）',
      response: { 200: auditCheckpointSchema, 401: errorBodySchema, 403: errorBodySchema, 409: errorBodySchema },
    },
  }, (req) => getAuditCheckpoint(ctxOf(req)));
}
