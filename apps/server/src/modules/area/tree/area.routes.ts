import { areaDetailSchema, areaListQuerySchema, areaSchema, createPlaceSchema, errorBodySchema, idParamsSchema, updateAreaSchema } from '@redgrid/contracts';
import { z } from 'zod';
import { ctxOf, type App } from '../../../platform/http.ts';
import { createPlace, updateArea } from '../places/area-place.service.ts';
import { getArea, listAreas, listMyRootAreas } from './area.service.ts';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };

export function registerAreaRoutes(app: App): void {
  app.get('/api/areas/roots', {
    config: { permission: 'area.read' },
    schema: { tags: ['areas'], summary: '我的区域（数据范围的顶层）', response: { 200: z.array(areaSchema), ...errors } },
  }, (req) => listMyRootAreas(ctxOf(req)));

  app.get('/api/areas', {
    config: { permission: 'area.read' },
    schema: { tags: ['areas'], summary: '下级区域或按代码/名称搜索', querystring: areaListQuerySchema, response: { 200: z.array(areaSchema), ...errors } },
  }, (req) => listAreas(ctxOf(req), req.query));

  app.get('/api/areas/:id', {
    config: { permission: 'area.read' },
    schema: { tags: ['areas'], summary: '区域详情（含上级路径）', params: idParamsSchema, response: { 200: areaDetailSchema, ...errors } },
  }, (req) => getArea(ctxOf(req), req.params.id));

  app.patch('/api/areas/:id', {
    config: { permission: 'area.manage' },
    schema: { tags: ['areas'], summary: '修改区域属性（名称、户数、网格类型、每格户数范围）', params: idParamsSchema, body: updateAreaSchema, response: { 200: areaDetailSchema, ...errors } },
  }, (req) => updateArea(ctxOf(req), req.params.id, req.body));

  app.post('/api/areas/places', {
    config: { permission: 'area.manage' },
    schema: { tags: ['areas'], summary: '新建楼栋（网格下）或单元（楼栋下）', body: createPlaceSchema, response: { 201: areaDetailSchema, ...errors } },
  }, async (req, reply) => reply.status(201).send(await createPlace(ctxOf(req), req.body)));
}
