/** The audit trail (审计日志) for the audit admin: the whole trail, read-only, and signed checkpoints of its head. */
import { defineModule } from '../../platform/module.ts';
import { registerAuditRoutes } from './audit.routes.ts';

export const auditModule = defineModule('audit', (app) => registerAuditRoutes(app));
