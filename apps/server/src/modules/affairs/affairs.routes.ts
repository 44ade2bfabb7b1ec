import {
  affairCatalogueCreateQuerySchema,
  affairCatalogueQuerySchema,
  affairCatalogueSchema,
  affairCategoryInputSchema,
  affairCategoryUpdateSchema,
  affairExportQuerySchema,
  affairItemInputSchema,
  affairItemSchema,
  affairItemUpdateSchema,
  errorBodySchema,
  idParamsSchema,
  publicAffairListSchema,
  publicAffairQuerySchema,
} from '@redgrid/contracts';
import { z } from 'zod';
import { ctxOf, type App } from '../../platform/http.ts';
import { sendFile } from '../exchange/index.ts';
import { exportCatalogue } from './affairs-exchange.ts';
import { createCategory, createItem, deleteCategory, getCatalogue, getItem, listPublicAffairs, updateCategory, updateItem } from './affairs.service.ts';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };
const tags = ['affairs'];

/** The catalogue of grid affairs (网事清单): read, edit, export; the public list for residents. */
export function registerAffairsRoutes(app: App): void {
  app.get('/api/affairs/catalogue', {
    config: { permission: 'affairs.read' },
    schema: { tags, summary: '网事清单：类别树与事项（默认为本人所在区；系统管理员可选区）', querystring: affairCatalogueQuerySchema, response: { 200: affairCatalogueSchema, ...errors } },
  }, (req) => getCatalogue(ctxOf(req), req.query));

  app.get('/api/affairs/items/:id', {
    config: { permission: 'affairs.read' },
    schema: { tags, summary: '网事事项详情（处置层级、责任部门、时限、条件、自定义字段）', params: idParamsSchema, response: { 200: affairItemSchema, ...errors } },
  }, (req) => getItem(ctxOf(req), req.params.id));

  app.post('/api/affairs/categories', {
    config: { permission: 'affairs.manage' },
    schema: { tags, summary: '新建类别（编码每级 2 位，上级类别须已存在）', querystring: affairCatalogueCreateQuerySchema, body: affairCategoryInputSchema, response: { 201: affairCatalogueSchema, ...errors } },
  }, async (req, reply) => reply.status(201).send(await createCategory(ctxOf(req), req.query.areaId, req.body)));

  app.patch('/api/affairs/categories/:id', {
    config: { permission: 'affairs.manage' },
    schema: { tags, summary: '修改类别名称、排序，停用或启用', params: idParamsSchema, body: affairCategoryUpdateSchema, response: { 200: affairCatalogueSchema, ...errors } },
  }, (req) => updateCategory(ctxOf(req), req.params.id, req.body));

  app.delete('/api/affairs/categories/:id', {
    config: { permission: 'affairs.manage' },
    schema: { tags, summary: '删除空类别（有事项或下级类别的不能删除，请停用）', params: idParamsSchema, response: { 200: affairCatalogueSchema, ...errors } },
  }, (req) => deleteCategory(ctxOf(req), req.params.id));

  app.post('/api/affairs/items', {
    config: { permission: 'affairs.manage' },
    schema: { tags, summary: '新建事项（黄灯时限须小于红灯时限；编码在本区唯一）', body: affairItemInputSchema, response: { 201: affairItemSchema, ...errors } },
  }, async (req, reply) => reply.status(201).send(await createItem(ctxOf(req), req.body)));

  app.put('/api/affairs/items/:id', {
    config: { permission: 'affairs.manage' },
    schema: { tags, summary: '保存事项（带读取时的版本号；他人已修改时 409）；停用即 active=false', params: idParamsSchema, body: affairItemUpdateSchema, response: { 200: affairItemSchema, ...errors } },
  }, (req) => updateItem(ctxOf(req), req.params.id, req.body));

  app.get('/api/affairs/export', {
    config: { permission: 'affairs.manage' },
    schema: { tags, summary: '导出网事清单（XLSX/CSV，列与导入相同；带导出人水印，记入审计）', querystring: affairExportQuerySchema, response: { 200: z.any(), ...errors } },
  }, async (req, reply) => sendFile(reply, await exportCatalogue(ctxOf(req), req.query)));

  app.get('/api/public/affairs', {
    config: { permission: 'public' },
    schema: { tags, summary: '居民可上报的事项（公开：只有编码、名称、类别）', querystring: publicAffairQuerySchema, response: { 200: publicAffairListSchema, 400: errorBodySchema } },
  }, (req) => listPublicAffairs(ctxOf(req), req.query.district));
}
