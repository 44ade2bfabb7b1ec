import { open311KeyCreatedSchema, open311KeyCreateSchema, open311KeyIdParamsSchema, open311KeyListSchema, open311KeySchema } from '@redgrid/contracts';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { handleError, type App } from '../../platform/http.ts';
import { createOpen311Key, listOpen311Keys, revokeOpen311Key } from './open311-keys.service.ts';
import { toXml, type SparkValue } from './open311-xml.ts';
import {
  Open311Problem,
  open311Discovery,
  open311Post,
  open311Request,
  open311Requests,
  open311ServiceDefinition,
  open311Services,
  open311Token,
  type PostedRequest,
  type RequestsQuery,
} from './open311.service.ts';

/**
 * GeoReport v2 at /open311/v2/ (outside /api: the spec's paths, formats and errors, no session, no
 * CSRF; POST is authorised by its api_key) and the admin API of the keys under /api/open311/keys.
 * Every resource answers in the format its name ends with (`.xml`, the spec's required one, or
 * `.json`); errors too, as `<errors><error><code/><description/></error></errors>` or
 * `[{"code","description"}]`.
 */

type Format = 'xml' | 'json';
const PREFIX = '/open311/v2/';

/** 'services.json' → ['services', 'json']; anything else → null (answered 404). */
function split(file: string): [string, Format] | null {
  const dot = file.lastIndexOf('.');
  if (dot <= 0) return null;
  const ext = file.slice(dot + 1);
  return ext === 'xml' || ext === 'json' ? [file.slice(0, dot), ext] : null;
}

function formatOfUrl(url: string): Format {
  return (url.split('?')[0] ?? '').endsWith('.json') ? 'json' : 'xml';
}

function send(reply: FastifyReply, format: Format, root: string, value: SparkValue, status = 200): FastifyReply {
  reply.status(status).header('access-control-allow-origin', '*');
  return format === 'json' ? reply.type('application/json; charset=utf-8').send(JSON.stringify(value)) : reply.type('text/xml; charset=utf-8').send(toXml(root, value));
}

function sendErrors(reply: FastifyReply, format: Format, status: number, descriptions: readonly string[]): FastifyReply {
  return send(reply, format, 'errors', descriptions.map((description) => ({ code: status, description })), status);
}

const notFound = (reply: FastifyReply, format: Format, what: string) => sendErrors(reply, format, 404, [`${what} was not found`]);

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

const FIELDS = ['api_key', 'jurisdiction_id', 'service_code', 'lat', 'long', 'address_string', 'address_id', 'email', 'device_id', 'account_id', 'first_name', 'last_name', 'phone', 'description', 'media_url'] as const;

/** A POST's fields from the spec's form encoding (attribute[code], attribute[code][]) or from JSON. */
export function postedRequestOf(body: unknown, query: Record<string, unknown>): PostedRequest {
  const posted: PostedRequest = { attribute: {} };
  const fields = posted as unknown as Record<string, string | undefined>;
  const addAttribute = (code: string, value: string | string[]) => {
    if (!/^[A-Za-z0-9_]{1,40}$/.test(code)) return;
    const before = posted.attribute[code];
    posted.attribute[code] = before === undefined ? value : [...(Array.isArray(before) ? before : [before]), ...(Array.isArray(value) ? value : [value])];
  };
  const take = (key: string, value: string | string[]) => {
    const attr = /^attribute\[([^\]]*)\](\[\])?$/.exec(key);
    if (attr) return addAttribute(attr[1]!, value);
    if ((FIELDS as readonly string[]).includes(key) && fields[key] === undefined) fields[key] = Array.isArray(value) ? value[0] : value;
  };
  if (body instanceof URLSearchParams) {
    for (const [k, v] of body) take(k, v);
  } else if (body && typeof body === 'object' && !Array.isArray(body)) {
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
      if (k === 'attribute' && v && typeof v === 'object' && !Array.isArray(v)) {
        for (const [code, value] of Object.entries(v as Record<string, unknown>)) {
          const list = Array.isArray(value) ? value.map(str).filter((s): s is string => s !== undefined) : str(value);
          if (list !== undefined) addAttribute(code, list);
        }
      } else {
        const s = str(v);
        if (s !== undefined) take(k, s);
      }
    }
  }
  // Clients often put the key and the jurisdiction in the query string of a POST too.
  for (const k of ['api_key', 'jurisdiction_id'] as const) if (fields[k] === undefined && typeof query[k] === 'string') fields[k] = query[k];
  return posted;
}

export function registerOpen311Routes(app: App): void {
  // The spec's POST body; JSON is accepted too (the app's own parser).
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 256 * 1024 }, (_req, body, done) => done(null, new URLSearchParams(String(body))));

  app.setErrorHandler((error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    if (!request.url.startsWith(PREFIX)) return handleError(error, request, reply);
    const format = formatOfUrl(request.url);
    if (error instanceof Open311Problem) {
      if (error.retryAfterSeconds) reply.header('retry-after', String(error.retryAfterSeconds));
      return sendErrors(reply, format, error.status, error.descriptions);
    }
    const status = (error as FastifyError).statusCode;
    if (status === 413) return sendErrors(reply, format, 413, ['the request body is too large']);
    if (status && status >= 400 && status < 500) return sendErrors(reply, format, 400, [`the request could not be read: ${error.message}`]);
    request.log.error({ err: error }, 'open311 request failed');
    return sendErrors(reply, format, 500, ['general service error: the request could not be processed, please try again later']);
  });

  const hide = { hide: true } as const;
  const queryOf = (req: FastifyRequest) => req.query as Record<string, string | undefined>;
  const baseUrl = (req: FastifyRequest) => `${req.protocol}://${req.host}`;

  app.get('/open311/v2/:file', { schema: hide }, async (req, reply) => {
    const parts = split((req.params as { file: string }).file);
    if (!parts) return notFound(reply, formatOfUrl(req.url), 'resource');
    const [name, format] = parts;
    const q = queryOf(req);
    if (name === 'discovery') return send(reply, format, 'discovery', await open311Discovery(req.ctx, baseUrl(req)));
    if (name === 'services') return send(reply, format, 'services', await open311Services(req.ctx, q.jurisdiction_id || undefined));
    if (name === 'requests') return send(reply, format, 'service_requests', await open311Requests(req.ctx, q as RequestsQuery));
    return notFound(reply, format, `resource ${name}`);
  });

  app.post('/open311/v2/:file', { schema: hide }, async (req, reply) => {
    const parts = split((req.params as { file: string }).file);
    if (!parts || parts[0] !== 'requests') return notFound(reply, formatOfUrl(req.url), 'resource');
    const idempotencyKey = req.headers['idempotency-key'];
    const created = await open311Post(req.ctx, postedRequestOf(req.body, req.query as Record<string, unknown>), typeof idempotencyKey === 'string' ? idempotencyKey : undefined);
    return send(reply, parts[1], 'service_requests', created);
  });

  app.get('/open311/v2/services/:file', { schema: hide }, async (req, reply) => {
    const parts = split((req.params as { file: string }).file);
    if (!parts) return notFound(reply, formatOfUrl(req.url), 'service_code');
    return send(reply, parts[1], 'service_definition', await open311ServiceDefinition(req.ctx, queryOf(req).jurisdiction_id || undefined, parts[0]));
  });

  app.get('/open311/v2/requests/:file', { schema: hide }, async (req, reply) => {
    const parts = split((req.params as { file: string }).file);
    if (!parts) return notFound(reply, formatOfUrl(req.url), 'service_request_id');
    return send(reply, parts[1], 'service_requests', await open311Request(req.ctx, queryOf(req).jurisdiction_id || undefined, parts[0]));
  });

  app.get('/open311/v2/tokens/:file', { schema: hide }, async (req, reply) => {
    const parts = split((req.params as { file: string }).file);
    if (!parts) return notFound(reply, formatOfUrl(req.url), 'token');
    return send(reply, parts[1], 'service_requests', await open311Token(req.ctx, queryOf(req).jurisdiction_id || undefined, parts[0]));
  });

  // Anything else under the prefix: the spec's 404, not the console's page.
  app.all('/open311/v2/*', { schema: hide }, async (req, reply) => notFound(reply, formatOfUrl(req.url), 'resource'));
  app.all('/open311/v2', { schema: hide }, async (req, reply) => notFound(reply, 'xml', 'resource'));

  app.get('/api/open311/keys', { config: { permission: 'open311.manage' }, schema: { tags: ['open311'], summary: 'Open311 接口密钥列表', response: { 200: open311KeyListSchema } } }, async (req) => listOpen311Keys(req.ctx));
  app.post(
    '/api/open311/keys',
    { config: { permission: 'open311.manage' }, schema: { tags: ['open311'], summary: '签发 Open311 接口密钥（密钥只显示这一次）', body: open311KeyCreateSchema, response: { 201: open311KeyCreatedSchema } } },
    async (req, reply) => reply.status(201).send(await createOpen311Key(req.ctx, req.body)),
  );
  app.post(
    '/api/open311/keys/:id/revoke',
    { config: { permission: 'open311.manage' }, schema: { tags: ['open311'], summary: '吊销 Open311 接口密钥', params: open311KeyIdParamsSchema, response: { 200: open311KeySchema } } },
    async (req) => revokeOpen311Key(req.ctx, req.params.id),
  );
}
