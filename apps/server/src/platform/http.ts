import { ERROR_STATUS, type ErrorBody, type FieldErrors } from '@redgrid/contracts';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault, FastifyBaseLogger } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { RequestContext } from './context.ts';
import { AppError } from './errors.ts';
import { refusalOf } from './refusals.ts';

export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

declare module 'fastify' {
  interface FastifyRequest {
    ctx: RequestContext;
    session: { csrfToken: string; expiresAt: Date } | null;
  }
  interface FastifyContextConfig {
    /** Writes that a session may make before the forced password change. */
    allowBeforePasswordChange?: boolean;
    /**
     * A public route that reads the caller's session when there is a valid one (the console's session
     * probe): no cookie, an unknown or an ended session leave it signed out instead of answering 401.
     */
    readsSession?: boolean;
  }
}

export function ctxOf(request: FastifyRequest): RequestContext {
  return request.ctx;
}

/** An import report with errors leaves as 422 `import_rejected`, the report itself in `details.report`. */
export function acceptedReport<R extends { errorCount: number; message: string }>(report: R): R {
  if (report.errorCount > 0) throw new AppError('import_rejected', report.message, { report });
  return report;
}

/**
 * Makes a plugin context (one `app.register`) read request bodies of these types as raw bytes, up to
 * `bodyLimit`, and refuse any other type with `refusal`: the file-upload routes, which take the file
 * itself as the body. The rest of the API keeps its JSON parser and 1 MiB limit.
 */
export function readBodiesAsBytes(scoped: FastifyInstance, types: string[], bodyLimit: number, refusal: string): void {
  scoped.removeAllContentTypeParsers();
  scoped.addContentTypeParser(types, { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body));
  scoped.addContentTypeParser('*', (_req, _payload, done) => done(new AppError('unsupported_media_type', refusal), undefined));
}

/** "/roles/0/areaId" -> "roles.0.areaId"; the body/query prefix is dropped, forms key on the field. */
function fieldPath(instancePath: string): string {
  return instancePath.replace(/^\//, '').replace(/\//g, '.') || '_';
}

function body(request: FastifyRequest, code: ErrorBody['error']['code'], message: string, details: Record<string, unknown> | null): ErrorBody {
  return { error: { code, message, details, requestId: String(request.id) } };
}

/** The one error handler: every failure leaves as {"error":{code,message,details,requestId}}. */
export function handleError(error: FastifyError | AppError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof AppError) {
    const status = ERROR_STATUS[error.code];
    request.refusal = refusalOf(request, error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.status(status).send(body(request, error.code, error.message, error.details));
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const fields: FieldErrors = {};
    for (const issue of error.validation) {
      const base = fieldPath(issue.instancePath);
      const keys = (issue.params as { keys?: unknown } | undefined)?.keys;
      if (issue.keyword === 'unrecognized_keys' && Array.isArray(keys)) {
        for (const key of keys) (fields[base === '_' ? String(key) : `${base}.${String(key)}`] ??= []).push('不允许的字段');
        continue;
      }
      (fields[base] ??= []).push(issue.message ?? '无效');
    }
    const where = error.validationContext ?? 'body';
    return reply
      .status(400)
      .send(body(request, 'validation_failed', `请求${where === 'body' ? '内容' : where === 'querystring' ? '参数' : where === 'params' ? '路径' : ''}有误：${Object.keys(fields).join('、')}`, { fields, in: where }));
  }
  if (isResponseSerializationError(error)) {
    request.log.error({ err: error, issues: error.cause.issues }, 'response failed its schema');
    return reply.status(500).send(body(request, 'internal', '服务器内部错误', null));
  }
  const fe = error as FastifyError;
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return reply.status(400).send(body(request, 'malformed_json', '请求体不是有效的 JSON', null));
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return reply.status(413).send(body(request, 'payload_too_large', `请求体超过上限（${request.routeOptions.bodyLimit ?? ''} 字节）`, { limitBytes: request.routeOptions.bodyLimit ?? null }));
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return reply.status(415).send(body(request, 'unsupported_media_type', '只接受 application/json', null));
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return reply.status(400).send(body(request, 'malformed_json', '请求体长度与 Content-Length 不符', null));
  }
  if (fe.statusCode === 413) return reply.status(413).send(body(request, 'payload_too_large', '请求体过大', null));
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    return reply.status(400).send(body(request, 'validation_failed', fe.message, null));
  }
  // A value PostgreSQL refuses (class 22, data exception: out of range, NUL in text, bad encoding)
  // that got past validation: the caller's input, so a 400 — without the database's own words.
  const sqlState = (error as { code?: unknown }).code;
  if (typeof sqlState === 'string' && /^22[0-9A-Z]{3}$/.test(sqlState)) {
    request.log.warn({ sqlState }, 'database refused a value');
    return reply.status(400).send(body(request, 'validation_failed', '请求中的值超出允许范围或格式不正确', { sqlState }));
  }
  request.log.error({ err: error }, 'unhandled error');
  return reply.status(500).send(body(request, 'internal', '服务器内部错误', null));
}

export function notFoundBody(request: FastifyRequest): ErrorBody {
  return body(request, 'not_found', `没有这个接口：${request.method} ${request.url.split('?')[0]}`, null);
}
