import { acceptGridProposalSchema, adjustmentResultSchema, errorBodySchema, gridProposalRequestSchema, gridProposalSchema, idParamsSchema } from '@redgrid/contracts';
import { ctxOf, type App } from '../../../platform/http.ts';
import { acceptGridProposal, draftGridProposal } from './area-proposal.service.ts';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };

/** Every grid of a large community with edited, many-vertex boundaries. */
const ACCEPT_BODY_LIMIT = 8 * 1024 * 1024;

export function registerAreaProposalRoutes(app: App): void {
  app.post('/api/areas/:id/grid-proposal', {
    config: { permission: 'area.manage' },
    schema: {
      tags: ['geography'],
      summary: '网格划分方案：按楼栋与户数提出草案（只读，不改数据；需区域管理权限）',
      params: idParamsSchema,
      // All fields are optional, so the body may be left out entirely.
      body: gridProposalRequestSchema.optional(),
      response: { 200: gridProposalSchema, ...errors },
    },
  }, (req) => draftGridProposal(ctxOf(req), req.params.id, req.body ?? {}));

  app.post('/api/areas/:id/grid-proposal/accept', {
    config: { permission: 'area.manage' },
    bodyLimit: ACCEPT_BODY_LIMIT,
    schema: {
      tags: ['geography'],
      summary: '接受网格划分方案：撤销现有综合网格（专属网格保留），按给定边界新建网格并按位置归属楼栋（preview=true 只预览）',
      params: idParamsSchema,
      body: acceptGridProposalSchema,
      response: { 200: adjustmentResultSchema, ...errors },
    },
  }, (req) => acceptGridProposal(ctxOf(req), req.params.id, req.body));
}
