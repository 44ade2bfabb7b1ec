// @vitest-environment jsdom
import { CSRF_HEADER, sessionResponseSchema, userViewSchema } from '@redgrid/contracts';
import { describe, expect, it, vi } from 'vitest';
import { ApiClient, arrayOf, buildUrl } from './api-client';
import { ApiError, parseErrorBody } from './api-error';

interface Call {
  url: string;
  init: RequestInit;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
}

function errorBody(code: string, message = 'x', details: Record<string, unknown> | null = null) {
  return { error: { code, message, details, requestId: 'req-1' } };
}

const session = {
  user: { id: 1, username: 'admin', displayName: '管理员', roles: [], permissions: ['user.read'], assignableRoles: [], mustChangePassword: false },
  csrfToken: 'fresh-token',
  expiresAt: '2026-11-22T10:00:00Z',
};

/** A fetch that answers from a queue and records what it was asked. */
function fakeFetch(...responses: Response[]) {
  const calls: Call[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), init: init ?? {} });
    const next = responses.shift();
    if (!next) throw new Error('unexpected request');
    return next;
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, calls };
}

function header(call: Call | undefined, name: string): string | undefined {
  const headers = call?.init.headers;
  if (!headers || headers instanceof Headers || Array.isArray(headers)) return undefined;
  return headers[name];
}

describe('ApiClient', () => {
  it('sends the CSRF token on writes but not on reads, with the session cookie', async () => {
    const { fetch, calls } = fakeFetch(json(200, session), new Response(null, { status: 204 }));
    const client = new ApiClient({ fetch });
    client.setCsrfToken('tok');

    await client.get('/api/auth/me', sessionResponseSchema);
    await client.send('POST', '/api/auth/logout');

    expect(header(calls[0], CSRF_HEADER)).toBeUndefined();
    expect(header(calls[1], CSRF_HEADER)).toBe('tok');
    expect(calls.every((c) => c.init.credentials === 'same-origin')).toBe(true);
  });

  it('serialises JSON bodies and drops empty query values', async () => {
    const { fetch, calls } = fakeFetch(json(200, []));
    const client = new ApiClient({ fetch });
    await client.get('/api/areas', arrayOf(sessionResponseSchema), { query: { parentId: 5, q: '', level: undefined, limit: 100 } });
    expect(calls[0]?.url).toBe('/api/areas?parentId=5&limit=100');
  });

  it('turns the error envelope into an ApiError with field errors', async () => {
    const { fetch } = fakeFetch(
      json(400, errorBody('validation_failed', '参数错误', { fields: { username: ['用户名已存在'], 'roles.0.areaId': ['超出管辖范围'] } })),
    );
    const client = new ApiClient({ fetch });
    const error = await client.post('/api/users', userViewSchema, { username: 'x' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    const apiError = error as ApiError;
    expect(apiError.code).toBe('validation_failed');
    expect(apiError.status).toBe(400);
    expect(apiError.requestId).toBe('req-1');
    expect(apiError.fieldErrors).toEqual({ username: ['用户名已存在'], 'roles.0.areaId': ['超出管辖范围'] });
  });

  it('reports 401 unauthenticated and session_expired to the handler and forgets the token', async () => {
    const onUnauthenticated = vi.fn();
    const { fetch, calls } = fakeFetch(json(401, errorBody('session_expired')), new Response(null, { status: 204 }));
    const client = new ApiClient({ fetch, onUnauthenticated });
    client.setCsrfToken('tok');

    await expect(client.get('/api/users', userViewSchema)).rejects.toMatchObject({ code: 'session_expired' });
    expect(onUnauthenticated).toHaveBeenCalledWith('session_expired');

    await client.send('POST', '/api/auth/logout');
    expect(header(calls[1], CSRF_HEADER)).toBeUndefined();
  });

  it('does not redirect on wrong credentials or when the caller opts out', async () => {
    const onUnauthenticated = vi.fn();
    const { fetch } = fakeFetch(json(401, errorBody('invalid_credentials')), json(401, errorBody('unauthenticated')));
    const client = new ApiClient({ fetch, onUnauthenticated });

    await expect(client.post('/api/auth/login', sessionResponseSchema, {})).rejects.toMatchObject({ code: 'invalid_credentials' });
    await expect(client.get('/api/auth/me', sessionResponseSchema, { skipAuthRedirect: true })).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(onUnauthenticated).not.toHaveBeenCalled();
  });

  it('refreshes a stale CSRF token once and retries the write', async () => {
    const { fetch, calls } = fakeFetch(json(403, errorBody('csrf_failed')), json(200, session), new Response(null, { status: 204 }));
    const client = new ApiClient({ fetch });
    client.setCsrfToken('stale');

    await client.send('POST', '/api/users/3/reset-password', { newPassword: 'x' });

    expect(calls.map((c) => c.url)).toEqual(['/api/users/3/reset-password', '/api/auth/me', '/api/users/3/reset-password']);
    expect(header(calls[2], CSRF_HEADER)).toBe('fresh-token');
  });

  it('posts raw bytes with their own content type, the CSRF token and the contract check', async () => {
    const { fetch, calls } = fakeFetch(json(200, session));
    const client = new ApiClient({ fetch });
    client.setCsrfToken('tok');
    const file = new Blob(['code,name,level,parent_code\n'], { type: 'application/vnd.ms-excel' });

    const answer = await client.postRaw('/api/divisions/editions', sessionResponseSchema, { data: file, contentType: 'text/csv' }, { query: { name: '2021', dryRun: true } });

    expect(answer.csrfToken).toBe('fresh-token');
    expect(calls[0]?.url).toBe('/api/divisions/editions?name=2021&dryRun=true');
    expect(calls[0]?.init.method).toBe('POST');
    expect(calls[0]?.init.body).toBe(file);
    expect(header(calls[0], 'content-type')).toBe('text/csv');
    expect(header(calls[0], CSRF_HEADER)).toBe('tok');
  });

  it('sends the same bytes again after refreshing a stale CSRF token', async () => {
    const { fetch, calls } = fakeFetch(json(403, errorBody('csrf_failed')), json(200, session), json(200, session));
    const client = new ApiClient({ fetch });
    client.setCsrfToken('stale');
    const bytes = new Uint8Array([0x1f, 0x8b]);

    await client.postRaw('/api/divisions/editions', sessionResponseSchema, { data: bytes, contentType: 'application/gzip' });

    expect(calls.map((c) => c.url)).toEqual(['/api/divisions/editions', '/api/auth/me', '/api/divisions/editions']);
    expect(calls[2]?.init.body).toBe(bytes);
    expect(header(calls[2], 'content-type')).toBe('application/gzip');
    expect(header(calls[2], CSRF_HEADER)).toBe('fresh-token');
  });

  it('rejects a response that breaks the contract', async () => {
    const { fetch } = fakeFetch(json(200, { user: null }));
    const client = new ApiClient({ fetch });
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await expect(client.get('/api/auth/me', sessionResponseSchema)).rejects.toMatchObject({ code: 'unexpected_response' });
  });

  it('maps a failed connection to network_error', async () => {
    const fetch = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    const client = new ApiClient({ fetch: fetch as unknown as typeof globalThis.fetch });
    await expect(client.get('/api/meta', sessionResponseSchema)).rejects.toMatchObject({ code: 'network_error', status: 0 });
  });
});

describe('parseErrorBody', () => {
  it('keeps the status meaningful when a proxy answers without the envelope', () => {
    expect(parseErrorBody(502, '<html>Bad Gateway</html>').code).toBe('unavailable');
    expect(parseErrorBody(401, undefined).code).toBe('unauthenticated');
    expect(parseErrorBody(500, { error: 'boom' }).code).toBe('internal');
  });

  it('ignores malformed field errors instead of crashing', () => {
    const error = parseErrorBody(400, errorBody('validation_failed', 'bad', { fields: { a: 'one', b: [1, 'two'], c: null } }));
    expect(error.fieldErrors).toEqual({ a: ['one'], b: ['two'] });
  });
});

describe('buildUrl', () => {
  it('encodes Chinese search text', () => {
    expect(buildUrl('/api/areas', { q: '红梅' })).toBe('/api/areas?q=%E7%BA%A2%E6%A2%85');
  });
});
