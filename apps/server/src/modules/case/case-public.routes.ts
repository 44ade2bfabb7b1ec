import fastifyMultipart from '@fastify/multipart';
import {
  ATTACHMENT_LIMITS,
  CSRF_HEADER,
  errorBodySchema,
  publicCaseParamsSchema,
  publicCaseSchema,
  publicPhotoParamsSchema,
  publicPhotoQuerySchema,
  publicPhotoUploadSchema,
  publicRateSchema,
  publicReportAnswerSchema,
  publicReportSchema,
  publicTrackQuerySchema,
} from '@redgrid/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppConfig } from '../../config.ts';
import type { Actor } from '../../platform/context.ts';
import { safeEqual } from '../../platform/crypto.ts';
import { AppError } from '../../platform/errors.ts';
import { ctxOf, type App } from '../../platform/http.ts';
import { publicRateLimit } from '../../platform/rate-limit.ts';
import { dispositionOf, type AttachmentFile } from '../attachment/index.ts';
import { addTrackedPhoto, fileResidentReport, rateTrackedCase, trackCase, trackedPhoto } from './case-public.service.ts';

const errors = { 400: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 413: errorBodySchema, 415: errorBodySchema, 429: errorBodySchema };
const tags = ['public'];

/**
 * A signed-in resident on the public form (the console links to it): their report joins their own list
 * (我的上报). The route is public, so the session counts only with its CSRF token — a page elsewhere
 * cannot file a report in someone's name.
 */
function signedInReporter(req: FastifyRequest): Actor | null {
  const actor = ctxOf(req).actor;
  const header = req.headers[CSRF_HEADER];
  if (!actor || !req.session || typeof header !== 'string' || !safeEqual(header, req.session.csrfToken)) return null;
  return actor.permissions.has('case.report') ? actor : null;
}

async function sendPublicPhoto(reply: FastifyReply, file: AttachmentFile): Promise<FastifyReply> {
  const blob = await file.open();
  if (!blob) throw new AppError('not_found', '照片已不在存储中');
  return reply
    .header('content-type', file.contentType)
    .header('content-length', String(blob.size))
    .header('content-disposition', dispositionOf('inline', file.fileName))
    // The link carries the code: no shared cache keeps it.
    .header('cache-control', 'private, no-store')
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; img-src 'self'; sandbox")
    .send(blob.stream);
}

/**
 * The resident's channel without an account (居民随手拍): report, add photos, track and rate. Rate
 * limited per client address; multipart read in this context only.
 */
export async function registerPublicCaseRoutes(app: App, config: AppConfig): Promise<void> {
  await app.register(async (scoped) => {
    const api = scoped.withTypeProvider<ZodTypeProvider>() as App;
    const limit = await publicRateLimit(scoped, config);
    await scoped.register(fastifyMultipart, { limits: { fileSize: ATTACHMENT_LIMITS.photo.maxBytes + 1, files: 1, fields: 2, fieldSize: 256, parts: 3, headerPairs: 100 }, throwFileSizeLimit: true });

    api.post('/api/public/cases', {
      config: { permission: 'public', readsSession: true },
      onRequest: limit.writes,
      schema: {
        tags,
        summary: '居民上报问题（无需登录）：选择事项、描述、地图选点或定位（WGS84/GCJ-02），可留姓名电话（加密保存，不公开）或匿名；同一 clientKey 重试为同一件。返回受理编号与查询码',
        body: publicReportSchema,
        response: { 201: publicReportAnswerSchema, ...errors },
      },
    }, async (req, reply) => reply.status(201).send(await fileResidentReport(ctxOf(req), req.body, signedInReporter(req))));

    api.get('/api/public/cases/:caseNo', {
      config: { permission: 'public' },
      onRequest: limit.reads,
      schema: { tags, summary: '按受理编号与查询码查看办理进度（公开形式：不含人员姓名与电话）；编号或查询码不对一律 404', params: publicCaseParamsSchema, querystring: publicTrackQuerySchema, response: { 200: publicCaseSchema, ...errors } },
    }, (req) => trackCase(ctxOf(req), req.params.caseNo, req.query.t));

    api.post('/api/public/cases/:caseNo/rating', {
      config: { permission: 'public' },
      onRequest: limit.writes,
      schema: { tags, summary: '居民评价办理结果（满意/基本满意/不满意），不满意后可要求重新办理', params: publicCaseParamsSchema, querystring: publicTrackQuerySchema, body: publicRateSchema, response: { 200: publicCaseSchema, ...errors } },
    }, (req) => rateTrackedCase(ctxOf(req), req.params.caseNo, req.query.t, req.body));

    api.post('/api/public/cases/:caseNo/photos', {
      config: { permission: 'public' },
      onRequest: limit.writes,
      schema: {
        tags,
        summary: '上报后补充照片（multipart，file 字段，一次一张）：上报后 60 分钟内、受理前，最多 3 张；只收 JPEG/PNG/WebP（按内容识别），不超过 10 MB；公开显示的是去除 EXIF/GPS 的副本',
        consumes: ['multipart/form-data'],
        params: publicCaseParamsSchema,
        querystring: publicPhotoQuerySchema,
        response: { 201: publicPhotoUploadSchema, ...errors },
      },
    }, async (req, reply) => {
      const saved = await addTrackedPhoto(ctxOf(req), req.params.caseNo, req.query.t, req.query.clientKey, async () => {
        if (!req.isMultipart()) throw new AppError('unsupported_media_type', '请以 multipart/form-data 上传照片（字段 file）');
        const part = await req.file().catch((err: unknown) => {
          if ((err as { code?: unknown }).code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError('payload_too_large', '照片不能超过 10 MB', { limitBytes: ATTACHMENT_LIMITS.photo.maxBytes });
          throw err;
        });
        if (!part) throw new AppError('validation_failed', '没有收到照片：请把照片放在 file 字段', { fields: { file: ['必填'] } });
        return { stream: part.file, fileName: part.filename };
      }).catch((err: unknown) => {
        // A refusal before the whole body arrived: drop the rest so the phone reads the answer.
        if (!req.raw.complete) {
          req.raw.unpipe();
          req.raw.resume();
        }
        throw err;
      });
      return reply.status(201).send(saved);
    });

    api.get('/api/public/cases/:caseNo/photos/:photoId', {
      config: { permission: 'public' },
      onRequest: limit.reads,
      schema: { tags, summary: '进度页上的照片（公开副本：去除 EXIF、GPS 等全部元数据）', params: publicPhotoParamsSchema, querystring: publicTrackQuerySchema, response: { 200: z.unknown().meta({ type: 'string', format: 'binary' }), ...errors } },
    }, async (req, reply) => sendPublicPhoto(reply, await trackedPhoto(ctxOf(req), req.params.caseNo, req.query.t, req.params.photoId)));
  });
}
