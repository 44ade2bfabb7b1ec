import {
  errorBodySchema,
  idParamsSchema,
  importCheckBodySchema,
  importJobListQuerySchema,
  importJobListSchema,
  importJobSchema,
  importKindInfoSchema,
  importKindParamsSchema,
  importUploadQuerySchema,
  tableFormatQuerySchema,
} from '@redgrid/contracts';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ctxOf, type App } from '../../platform/http.ts';
import { contentDisposition } from '../../platform/tabular/index.ts';
import {
  cancelImport,
  describeImportKind,
  getImportJob,
  importErrorReport,
  importTemplate,
  listImportJobs,
  resumeImport,
  startApply,
  startCheck,
  uploadImport,
  type FileDownload,
  type JobQueue,
} from './exchange.service.ts';

/*
 * Every route is declared `signed_in`: which permission an import needs depends on its kind (the
 * persons kind needs the persons' permission, work orders theirs), so each use case checks the
 * kind's permission through its unit of work (403 without it) and the job's area through its scope
 * (404 outside it).
 */

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 413: errorBodySchema, 422: errorBodySchema };
const fileResponse = z.unknown().meta({ type: 'string', format: 'binary', description: '文件内容（CSV 或 XLSX）' });

/** Sends a file as a download; the name travels RFC 6266-encoded (Chinese names survive). */
export function sendFile(reply: FastifyReply, file: FileDownload): FastifyReply {
  return reply.header('content-type', file.contentType).header('content-disposition', contentDisposition(file.fileName)).header('cache-control', 'no-store').send(file.stream);
}

function registerUploadRoute(scoped: FastifyInstance, queue: JobQueue): void {
  const app = scoped.withTypeProvider<ZodTypeProvider>();
  // This context alone takes the file itself as the body, as a stream: it goes to disk as it arrives.
  scoped.removeAllContentTypeParsers();
  scoped.addContentTypeParser('*', (_req, payload, done) => done(null, payload));

  app.post('/api/imports/kinds/:kind/jobs', {
    config: { permission: 'signed_in' },
    schema: {
      tags: ['imports'],
      summary: '上传导入文件（CSV 或 XLSX），建立导入任务',
      description: '请求体为文件本身（application/octet-stream）；格式按内容识别，CSV 编码自动识别（UTF-8、UTF-16、GBK/GB18030）。文件大小上限见配置 REDGRID_IMPORT_MAX_BYTES（默认 512 MiB）。需要该导入类型的权限，areaId 须在管辖范围内。',
      params: importKindParamsSchema,
      querystring: importUploadQuerySchema,
      body: z.unknown().meta({ type: 'string', format: 'binary' }),
      response: { 201: importJobSchema, ...errors },
    },
  }, async (req, reply) => {
    const body = req.body as AsyncIterable<Uint8Array>;
    return reply.status(201).send(await uploadImport(ctxOf(req), req.params.kind, req.query, body, queue));
  });
}

export function registerExchangeRoutes(app: App, queue: JobQueue): void {
  void app.register(async (scoped) => registerUploadRoute(scoped, queue));

  app.get('/api/imports/kinds/:kind', {
    config: { permission: 'signed_in' },
    schema: { tags: ['imports'], summary: '导入类型的列说明', params: importKindParamsSchema, response: { 200: importKindInfoSchema, ...errors } },
  }, (req) => describeImportKind(ctxOf(req), req.params.kind));

  app.get('/api/imports/kinds/:kind/template', {
    config: { permission: 'signed_in' },
    schema: { tags: ['imports'], summary: '下载导入模板（列名与示例行）', params: importKindParamsSchema, querystring: tableFormatQuerySchema, response: { 200: fileResponse, ...errors } },
  }, async (req, reply) => sendFile(reply, await importTemplate(ctxOf(req), req.params.kind, req.query.format)));

  app.get('/api/imports/jobs', {
    config: { permission: 'signed_in' },
    schema: { tags: ['imports'], summary: '导入任务列表（管辖范围内、有权限的类型）', querystring: importJobListQuerySchema, response: { 200: importJobListSchema, ...errors } },
  }, (req) => listImportJobs(ctxOf(req), req.query, queue));

  app.get('/api/imports/jobs/:id', {
    config: { permission: 'signed_in' },
    schema: { tags: ['imports'], summary: '导入任务（进度、计数、前几条问题）', params: idParamsSchema, response: { 200: importJobSchema, ...errors } },
  }, (req) => getImportJob(ctxOf(req), req.params.id, queue));

  app.post('/api/imports/jobs/:id/check', {
    config: { permission: 'signed_in' },
    schema: { tags: ['imports'], summary: '按列对应关系开始检查（试运行，不写入数据）', params: idParamsSchema, body: importCheckBodySchema, response: { 200: importJobSchema, ...errors } },
  }, (req) => startCheck(ctxOf(req), req.params.id, req.body, queue));

  app.post('/api/imports/jobs/:id/apply', {
    config: { permission: 'signed_in' },
    schema: { tags: ['imports'], summary: '开始导入（后台分批写入，跳过有问题的行）', params: idParamsSchema, response: { 200: importJobSchema, ...errors } },
  }, (req) => startApply(ctxOf(req), req.params.id, queue));

  app.post('/api/imports/jobs/:id/cancel', {
    config: { permission: 'signed_in' },
    schema: { tags: ['imports'], summary: '取消导入任务（已提交的批次保留）', params: idParamsSchema, response: { 200: importJobSchema, ...errors } },
  }, (req) => cancelImport(ctxOf(req), req.params.id, queue));

  app.post('/api/imports/jobs/:id/resume', {
    config: { permission: 'signed_in' },
    schema: { tags: ['imports'], summary: '从中断处继续导入', params: idParamsSchema, response: { 200: importJobSchema, ...errors } },
  }, (req) => resumeImport(ctxOf(req), req.params.id, queue));

  app.get('/api/imports/jobs/:id/errors', {
    config: { permission: 'signed_in' },
    schema: { tags: ['imports'], summary: '下载错误报告（每个问题一行：行号、列、原因、原始内容）', params: idParamsSchema, response: { 200: fileResponse, ...errors } },
  }, async (req, reply) => sendFile(reply, await importErrorReport(ctxOf(req), req.params.id)));
}
