import fastifyMultipart from '@fastify/multipart';
import {
  ATTACHMENT_LIMITS,
  attachmentIdParamsSchema,
  attachmentListQuerySchema,
  attachmentListSchema,
  attachmentSchema,
  attachmentUploadQuerySchema,
  errorBodySchema,
  type AttachmentVariant,
} from '@redgrid/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../platform/errors.ts';
import { ctxOf, type App } from '../../platform/http.ts';
import { tooLarge } from './attachment-content.ts';
import { fetchAttachment, listOwnerAttachments, uploadAttachment, type AttachmentFile } from './attachment.service.ts';

/*
 * Every route is `signed_in`: which permission a file needs depends on the record it is attached to
 * (a case's photos need the case's permission), so each use case checks the owning kind's permission
 * through its unit of work and the record through the kind's own scoped lookup (404 outside it).
 */

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 413: errorBodySchema, 415: errorBodySchema };
const fileResponse = z.unknown().meta({ type: 'string', format: 'binary', description: '文件内容' });
const LARGEST = Math.max(...Object.values(ATTACHMENT_LIMITS).map((l) => l.maxBytes));

/** RFC 6266 / RFC 5987: an ASCII fallback and the exact UTF-8 name (Chinese names survive). */
export function dispositionOf(kind: 'inline' | 'attachment', fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

async function sendAttachment(request: FastifyRequest, reply: FastifyReply, file: AttachmentFile): Promise<FastifyReply> {
  reply
    .header('etag', file.etag)
    .header('cache-control', 'private, max-age=3600')
    .header('x-content-type-options', 'nosniff')
    // Opened on its own (not in an <img>), the file runs nothing and reaches nothing.
    .header('content-security-policy', "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox");
  if (request.headers['if-none-match'] === file.etag) return reply.status(304).send();
  const blob = await file.open();
  if (!blob) throw new AppError('not_found', '附件文件已不在存储中');
  return reply
    .header('content-type', file.contentType)
    .header('content-length', String(blob.size))
    .header('content-disposition', dispositionOf(file.inline ? 'inline' : 'attachment', file.fileName))
    .send(blob.stream);
}

/**
 * A refusal can come while the phone is still sending (413 halfway, 404 before the file was read):
 * the rest of the body is read and dropped so the client, which sends before it reads, gets the answer
 * instead of a stalled upload (the request timeout still bounds it).
 */
function discardRest(request: FastifyRequest): void {
  if (request.raw.complete) return;
  request.raw.unpipe();
  request.raw.resume();
}

/** Reads and throws away what is left of a multipart body (a retry already answered). */
async function drain(request: FastifyRequest): Promise<void> {
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') for await (const chunk of part.file) void chunk;
    }
  } catch {
    // A retry's body that breaks a limit changes nothing about the answer already found.
  }
}

export async function registerAttachmentRoutes(app: App): Promise<void> {
  // This module's context alone reads multipart bodies, one file a request, streamed (never buffered).
  await app.register(fastifyMultipart, { limits: { fileSize: LARGEST + 1, files: 1, fields: 5, fieldSize: 1024, parts: 6, headerPairs: 100 }, throwFileSizeLimit: true });
  app.addContentTypeParser('*', (_req, _payload, done) => done(new AppError('unsupported_media_type', '请以 multipart/form-data 上传文件（字段 file）'), undefined));

  app.post('/api/attachments', {
    config: { permission: 'signed_in' },
    schema: {
      tags: ['attachments'],
      summary: '上传附件（照片或文件）到一条记录',
      description:
        'multipart/form-data，文件放在 file 字段，一次一个。类型按文件内容识别（照片：JPEG、PNG、WebP；文件另可 PDF），照片不超过 10 MB、文件不超过 20 MB，每条记录最多 9 张照片（记录类型可另定）。同一 clientKey 重试得到同一份附件（200）。需要该记录类型的上传权限，记录须在管辖范围内。',
      consumes: ['multipart/form-data'],
      querystring: attachmentUploadQuerySchema,
      response: { 200: attachmentSchema, 201: attachmentSchema, ...errors },
    },
  }, async (req, reply) => {
    const purpose = req.query.purpose;
    const saved = await uploadAttachment(
      ctxOf(req),
      req.query,
      async () => {
        // Checked once the record is found: a record out of scope is a 404 whatever the body.
        if (!req.isMultipart()) throw new AppError('unsupported_media_type', '请以 multipart/form-data 上传文件（字段 file）');
        const part = await req.file({ limits: { fileSize: ATTACHMENT_LIMITS[purpose].maxBytes + 1 } }).catch((err: unknown) => {
          if ((err as { code?: unknown }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(purpose);
          throw err;
        });
        if (!part) throw new AppError('validation_failed', '没有收到文件：请把文件放在 file 字段', { fields: { file: ['必填'] } });
        return { stream: part.file, fileName: part.filename };
      },
      () => drain(req),
    ).catch((err: unknown) => {
      discardRest(req);
      throw err;
    });
    return reply.status(saved.created ? 201 : 200).send(saved.attachment);
  });

  app.get('/api/attachments', {
    config: { permission: 'signed_in' },
    schema: { tags: ['attachments'], summary: '一条记录的附件列表', querystring: attachmentListQuerySchema, response: { 200: attachmentListSchema, ...errors } },
  }, async (req) => ({ items: await listOwnerAttachments(ctxOf(req), req.query) }));

  const variants: { path: string; variant: AttachmentVariant; summary: string }[] = [
    { path: '/api/attachments/:id', variant: 'original', summary: '附件原件（照片含原始 EXIF）' },
    { path: '/api/attachments/:id/thumb', variant: 'thumb', summary: '照片缩略图（WebP，长边 320 像素）' },
    { path: '/api/attachments/:id/public', variant: 'public', summary: '照片公开版（JPEG，去除 EXIF、GPS 等全部元数据，方向已校正）' },
  ];
  for (const { path, variant, summary } of variants) {
    app.get(path, {
      config: { permission: 'signed_in' },
      schema: { tags: ['attachments'], summary, params: attachmentIdParamsSchema, response: { 200: fileResponse, ...errors } },
    }, async (req, reply) => sendAttachment(req, reply, await fetchAttachment(ctxOf(req), req.params.id, variant)));
  }
}
