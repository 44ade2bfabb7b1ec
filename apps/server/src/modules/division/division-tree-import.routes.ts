import { divisionImportQuerySchema, divisionImportReportSchema, errorBodySchema } from '@redgrid/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { acceptedReport, ctxOf, readBodiesAsBytes, type App } from '../../platform/http.ts';
import { importDivisionsCsv } from './division-tree-import.service.ts';

/**
 * Body limit of the division CSV import into the area tree, above the API's default (1 MiB): the
 * national division file is 31 MB as CSV. Only this route takes such bodies.
 */
export const DIVISION_CSV_BODY_LIMIT = 64 * 1024 * 1024;

const CSV_TYPES = ['text/csv', 'application/csv'];
const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 413: errorBodySchema, 415: errorBodySchema, 422: errorBodySchema };

function registerCsvRoute(scoped: FastifyInstance): void {
  const app = scoped.withTypeProvider<ZodTypeProvider>();
  // This context alone reads CSV, as bytes: the service decodes UTF-8 or GBK (what Excel writes).
  readBodiesAsBytes(scoped, CSV_TYPES, DIVISION_CSV_BODY_LIMIT, '只接受 CSV 文件（Content-Type: text/csv）');

  app.post('/api/areas/import/divisions', {
    config: { permission: 'area.manage' },
    bodyLimit: DIVISION_CSV_BODY_LIMIT,
    schema: {
      tags: ['areas'],
      summary: '导入统计用区划代码（CSV：code,name,level,parent_code）',
      description:
        '请求体为 CSV 文件本身（text/csv，UTF-8 或 GBK，最大 64 MiB）。全部校验通过才写入，否则 422 import_rejected，details.report 为逐行报告。已存在的代码不改名，除非 updateNames=true；重复导入同一文件不做任何修改。',
      consumes: CSV_TYPES,
      // Documents the body for OpenAPI; the bytes are read by the parser above, not validated here.
      body: z.unknown().meta({ type: 'string', format: 'binary', description: 'code,name,level,parent_code 的 CSV 文件' }),
      querystring: divisionImportQuerySchema,
      response: { 200: divisionImportReportSchema, ...errors },
    },
  }, async (req) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    return acceptedReport(await importDivisionsCsv(ctxOf(req), body, req.query));
  });
}

/** The division-code CSV import into the area tree; the URL stays under /api/areas, where clients know it. */
export function registerDivisionTreeImportRoutes(app: App): void {
  void app.register(async (scoped) => registerCsvRoute(scoped));
}
