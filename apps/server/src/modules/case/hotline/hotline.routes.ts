import {
  caseDetailSchema,
  errorBodySchema,
  hotlineCaseSchema,
  hotlineCategoryMapInputSchema,
  hotlineCategoryMapSavedSchema,
  hotlineCategoryMapSchema,
  hotlineListQuerySchema,
  hotlineListSchema,
  hotlineOrderInputSchema,
  hotlineRepliesExportQuerySchema,
  hotlineReplyInputSchema,
  hotlineRevealedSchema,
  hotlineRevealInputSchema,
  idParamsSchema,
} from '@redgrid/contracts';
import { z } from 'zod';
import { ctxOf, type App } from '../../../platform/http.ts';
import { sendFile } from '../../exchange/index.ts';
import { deleteCategoryMap, enterHotlineOrder, exportHotlineReplies, hotlineOfCase, listCategoryMap, listHotlineOrders, replyToHotlineOrder, revealHotlineCaller, saveCategoryMap } from './hotline.service.ts';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };
const tags = ['cases'];
const fileResponse = z.unknown().meta({ type: 'string', format: 'binary', description: '文件内容（CSV 或 XLSX）' });

/** The 12345 desk (12345 热线): work orders in, the category map, replies out. Imports go through /api/imports (kind hotline_orders). */
export function registerHotlineRoutes(app: App): void {
  app.post('/api/cases/hotline', {
    config: { permission: 'case.hotline' },
    schema: { tags, summary: '登记 12345 工单（工单编号重复时返回已登记的案件，200）；办理时限不能早于现在', body: hotlineOrderInputSchema, response: { 201: caseDetailSchema, 200: caseDetailSchema, ...errors } },
  }, async (req, reply) => {
    const { created, detail } = await enterHotlineOrder(ctxOf(req), req.body);
    return reply.status(created ? 201 : 200).send(detail);
  });

  app.get('/api/cases/hotline', {
    config: { permission: 'case.hotline' },
    schema: { tags, summary: '12345 工单列表（按办理时限，临期与超期可筛选，回复状态）', querystring: hotlineListQuerySchema, response: { 200: hotlineListSchema, ...errors } },
  }, (req) => listHotlineOrders(ctxOf(req), req.query));

  app.get('/api/cases/hotline/replies/export', {
    config: { permission: 'case.hotline' },
    schema: { tags, summary: '导出待回传 12345 的回复（工单编号、回复内容、办理结果、办结时间），带导出水印，记入审计', querystring: hotlineRepliesExportQuerySchema, response: { 200: fileResponse, ...errors } },
  }, async (req, reply) => sendFile(reply, await exportHotlineReplies(ctxOf(req), req.query)));

  app.get('/api/cases/:id/hotline', {
    config: { permission: 'case.read' },
    schema: { tags, summary: '案件的 12345 工单信息（保密工单的诉求人仅 12345 受理员可见）', params: idParamsSchema, response: { 200: hotlineCaseSchema, ...errors } },
  }, (req) => hotlineOfCase(ctxOf(req), req.params.id));

  app.put('/api/cases/:id/hotline/reply', {
    config: { permission: 'case.hotline' },
    schema: { tags, summary: '填写（或修改）回复 12345 的内容与办理结果（不改变案件状态）', params: idParamsSchema, body: hotlineReplyInputSchema, response: { 200: hotlineCaseSchema, ...errors } },
  }, (req) => replyToHotlineOrder(ctxOf(req), req.params.id, req.body));

  app.post('/api/cases/:id/hotline/reveal', {
    config: { permission: 'case.hotline' },
    schema: { tags, summary: '查看诉求人完整姓名或电话（须写明原因，记入审计）', params: idParamsSchema, body: hotlineRevealInputSchema, response: { 200: hotlineRevealedSchema, ...errors } },
  }, (req) => revealHotlineCaller(ctxOf(req), req.params.id, req.body));

  app.get('/api/hotline/categories', {
    config: { permission: 'case.hotline' },
    schema: { tags, summary: '12345 分类与网事清单事项的对应表（本区）', response: { 200: hotlineCategoryMapSchema, ...errors } },
  }, (req) => listCategoryMap(ctxOf(req)));

  app.put('/api/hotline/categories', {
    config: { permission: 'affairs.manage' },
    schema: { tags, summary: '设置一个 12345 分类（一级/二级/三级）对应的事项（区管理员）', body: hotlineCategoryMapInputSchema, response: { 200: hotlineCategoryMapSavedSchema, ...errors } },
  }, (req) => saveCategoryMap(ctxOf(req), req.body));

  app.delete('/api/hotline/categories/:id', {
    config: { permission: 'affairs.manage' },
    schema: { tags, summary: '删除一条 12345 分类对应', params: idParamsSchema, response: { 204: z.null(), ...errors } },
  }, async (req, reply) => {
    await deleteCategoryMap(ctxOf(req), req.params.id);
    return reply.status(204).send(null);
  });
}
