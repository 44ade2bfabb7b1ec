import { areaDetailSchema, areaListQuerySchema, areaSchema, errorBodySchema, idParamsSchema } from '@redgrid/contracts';
import { z } from 'zod';
import { ctxOf, type App } from '../../platform/http.ts';
import { getArea, listAreas, listMyRootAreas } from './area.service.ts';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };

export function registerAreaRoutes(app: App): void {
  app.get('/api/areas/roots', {
    schema: { tags: ['areas'], summary: '我的区域（数据范围的顶层）', response: { 200: z.array(areaSchema), ...errors } },
  }, (req) => listMyRootAreas(ctxOf(req)));

  app.get('/api/areas', {
    schema: { tags: ['areas'], summary: '下级区域或按代码/名称搜索', querystring: areaListQuerySchema, response: { 200: z.array(areaSchema), ...errors } },
  }, (req) => listAreas(ctxOf(req), req.query));

  app.get('/api/areas/:id', {
    schema: { tags: ['areas'], summary: '区域详情（含上级路径）', params: idParamsSchema, response: { 200: areaDetailSchema, ...errors } },
  }, (req) => getArea(ctxOf(req), req.params.id));
}
