import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';

/** Charsets a JSON body may declare: UTF-8, and the GB family that Chinese clients still send. */
const DECODERS: Record<string, string> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  gbk: 'gb18030',
  gb2312: 'gb18030',
  gb18030: 'gb18030',
};

/**
 * The API's JSON parser, replacing Fastify's:
 * - the declared charset is honoured: UTF-8 (the default) and GBK/GB2312/GB18030 are decoded as
 *   such (Node's ICU; GB18030 is a superset of both), bytes that are not valid in it are a 400,
 *   any other charset is 415 — before, a GBK body was read as UTF-8 and stored as mojibake;
 * - NUL (U+0000) anywhere in a string or key is a 400 naming the field: PostgreSQL text cannot hold
 *   it, so it used to fail deep in a query as a 500;
 * - prototype poisoning (__proto__, constructor.prototype) is refused, as Fastify's default does.
 * Also refuses %00 in the URL (path or query) for the same reason.
 * Upload routes that read raw bytes keep their own parsers (`readBodiesAsBytes`).
 */
export function registerJsonBody(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = decodeBody(request, body as Buffer);
    } catch (err) {
      done(err as Error, undefined);
      return;
    }
    parseJson(request, text, (err, value) => {
      if (err) return done(err, undefined);
      const at = nulPath(value, '');
      if (at !== null) {
        const field = at || '_';
        return done(new AppError('validation_failed', `请求内容有误：${field} 含有空字符（\\u0000）`, { fields: { [field]: ['不能包含空字符（\\u0000）'] }, in: 'body' }), undefined);
      }
      done(null, value);
    });
  });
  app.addHook('onRequest', async (request) => {
    if (/%00/.test(request.url)) throw new AppError('validation_failed', '请求地址含有空字符（%00）', { in: 'querystring' });
  });
}

function decodeBody(request: FastifyRequest, body: Buffer): string {
  const declared = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(String(request.headers['content-type'] ?? ''))?.[1]?.toLowerCase() ?? 'utf-8';
  const encoding = DECODERS[declared];
  if (!encoding) throw new AppError('unsupported_media_type', `不支持的字符集：${declared.slice(0, 40)}（请用 UTF-8）`, { charset: declared.slice(0, 40) });
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: false }).decode(body);
  } catch {
    throw new AppError('malformed_json', `请求体不是有效的 ${encoding === 'utf-8' ? 'UTF-8' : declared.toUpperCase()} 文本`);
  }
}

/** The path ("roles.0.name") of the first string or key holding U+0000, or null. */
function nulPath(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = nulPath(value[i], path ? `${path}.${i}` : String(i));
      if (found !== null) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const shown = key.split('\u0000').join('\\u0000');
      const here = path ? `${path}.${shown}` : shown;
      if (key.includes('\u0000')) return here;
      const found = nulPath(item, here);
      if (found !== null) return found;
    }
  }
  return null;
}
