import {
  divisionAdoptRequestSchema,
  divisionCompareQuerySchema,
  divisionCompareSchema,
  divisionEditionImportQuerySchema,
  divisionEditionImportReportSchema,
  divisionEditionListSchema,
  divisionEditionParamsSchema,
  divisionImportReportSchema,
  divisionListQuerySchema,
  divisionListSchema,
  divisionTreeDiffQuerySchema,
  divisionTreeDiffSchema,
  errorBodySchema,
} from '@redgrid/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { acceptedReport, ctxOf, readBodiesAsBytes, type App } from '../../platform/http.ts';
import { adoptDivisions, compareEditions, deleteEdition, importEdition, listDivisions, listEditions, treeDiff } from './division-library.service.ts';

/** The national file is 31.7 MB as CSV (5.1 MB gzipped); the route takes either, up to 64 MiB. */
export const EDITION_BODY_LIMIT = 64 * 1024 * 1024;
const FILE_TYPES = ['text/csv', 'application/csv', 'application/gzip', 'application/x-gzip', 'application/octet-stream'];
const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 413: errorBodySchema, 415: errorBodySchema, 422: errorBodySchema };

function registerUploadRoute(scoped: FastifyInstance): void {
  const app = scoped.withTypeProvider<ZodTypeProvider>();
  // This context alone reads a file as bytes: the service inflates gzip and detects UTF-8 or GBK.
  readBodiesAsBytes(scoped, FILE_TYPES, EDITION_BODY_LIMIT, '只接受 CSV 文件（text/csv）或其 gzip 压缩（application/gzip）');

  app.post('/api/divisions/editions', {
    config: { permission: 'division.manage' },
    bodyLimit: EDITION_BODY_LIMIT,
    schema: {
      tags: ['divisions'],
      summary: '导入区划代码库的一个版本（CSV：code,name,level,parent_code）',
      description:
        '请求体为文件本身：CSV（text/csv，UTF-8 或 GBK）或其 gzip 压缩，最大 64 MiB。12 位统计用区划代码（5 级）或 6 位 GB/T 2260 代码（3 级）。全部校验通过才写入，否则 422 import_rejected，details.report 为逐行报告；同名版本已存在时 409，除非 replace=true；同名同文件再次导入不做修改。',
      consumes: FILE_TYPES,
      body: z.unknown().meta({ type: 'string', format: 'binary', description: 'code,name,level,parent_code 的 CSV 文件（可 gzip 压缩）' }),
      querystring: divisionEditionImportQuerySchema,
      response: { 200: divisionEditionImportReportSchema, ...errors },
    },
  }, async (req) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    return acceptedReport(await importEdition(ctxOf(req), body, req.query));
  });
}

export function registerDivisionLibraryRoutes(app: App): void {
  void app.register(async (scoped) => registerUploadRoute(scoped));

  app.get('/api/divisions/editions', {
    config: { permission: 'division.read' },
    schema: { tags: ['divisions'], summary: '区划代码库的版本', response: { 200: divisionEditionListSchema, ...errors } },
  }, async (req) => listEditions(ctxOf(req)));

  app.delete('/api/divisions/editions/:id', {
    config: { permission: 'division.manage' },
    schema: { tags: ['divisions'], summary: '删除区划代码库的一个版本', params: divisionEditionParamsSchema, response: { 204: z.null(), ...errors } },
  }, async (req, reply) => {
    await deleteEdition(ctxOf(req), req.params.id);
    return reply.code(204).send(null);
  });

  app.get('/api/divisions', {
    config: { permission: 'division.read' },
    schema: {
      tags: ['divisions'],
      summary: '浏览或查找区划代码',
      description: '不带 q：parent 的下级（不带 parent 为省级）。带 q：数字按代码前缀查找，其他按名称包含查找，结果带上级链。',
      querystring: divisionListQuerySchema,
      response: { 200: divisionListSchema, ...errors },
    },
  }, async (req) => listDivisions(ctxOf(req), req.query));

  app.get('/api/divisions/compare', {
    config: { permission: 'division.read' },
    schema: { tags: ['divisions'], summary: '比对两个版本：新增、撤销、更名', querystring: divisionCompareQuerySchema, response: { 200: divisionCompareSchema, ...errors } },
  }, async (req) => compareEditions(ctxOf(req), req.query));

  app.get('/api/divisions/tree-diff', {
    config: { permission: 'division.read' },
    schema: { tags: ['divisions'], summary: '区域树与代码库版本比对', querystring: divisionTreeDiffQuerySchema, response: { 200: divisionTreeDiffSchema, ...errors } },
  }, async (req) => treeDiff(ctxOf(req), req.query));

  app.post('/api/divisions/adopt', {
    config: { permission: 'area.manage' },
    schema: {
      tags: ['divisions'],
      summary: '从代码库采用区划到区域树',
      description: '把一个区划及其下级（到 maxLevel）按 CSV 导入的同样规则写入区域树；dryRun 只报告。该区划或其上级须已在区域树中且在管辖范围内。',
      body: divisionAdoptRequestSchema,
      response: { 200: divisionImportReportSchema, ...errors },
    },
  }, async (req) => acceptedReport(await adoptDivisions(ctxOf(req), req.body)));
}
