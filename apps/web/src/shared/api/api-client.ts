import { CSRF_HEADER, sessionResponseSchema } from '@redgrid/contracts';
import { ApiError, parseErrorBody } from './api-error';

export type QueryValue = string | number | boolean | null | undefined;
export type Query = Record<string, QueryValue>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** The session probe answers 401 by design; it must not bounce the user to the login page. */
  skipAuthRedirect?: boolean;
  signal?: AbortSignal;
}

/** A body sent as it is (a file's bytes), with the Content-Type the endpoint reads it by. */
export interface RawBody {
  data: Blob | BufferSource | string;
  contentType: string;
}

/** Internal: what one request carries besides the public options. */
type SendOptions = RequestOptions & { raw?: RawBody };

/** What the client needs of a contract schema; zod schemas fit without the web app importing zod. */
export interface ResponseSchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: readonly unknown[] } };
}

export type UnauthenticatedHandler = (code: 'unauthenticated' | 'session_expired') => void;

export interface ApiClientOptions {
  fetch?: typeof fetch;
  onUnauthenticated?: UnauthenticatedHandler;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const REDIRECT_CODES = new Set(['unauthenticated', 'session_expired']);

/**
 * The one way the console talks to the server: same-origin JSON with the session cookie, the
 * CSRF token on every write, the error envelope turned into ApiError, and every response body
 * checked against its contract schema before the UI sees it.
 */
export class ApiClient {
  private csrfToken: string | null = null;
  private readonly fetchImpl: typeof fetch;
  private onUnauthenticated: UnauthenticatedHandler | undefined;

  constructor(options: ApiClientOptions = {}) {
    // Bound so that window.fetch keeps its receiver.
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.onUnauthenticated = options.onUnauthenticated;
  }

  setCsrfToken(token: string | null): void {
    this.csrfToken = token;
  }

  setUnauthenticatedHandler(handler: UnauthenticatedHandler | undefined): void {
    this.onUnauthenticated = handler;
  }

  get<T>(path: string, schema: ResponseSchema<T>, options: RequestOptions = {}): Promise<T> {
    return this.json('GET', path, schema, options);
  }

  post<T>(path: string, schema: ResponseSchema<T>, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.json('POST', path, schema, { ...options, body });
  }

  put<T>(path: string, schema: ResponseSchema<T>, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.json('PUT', path, schema, { ...options, body });
  }

  patch<T>(path: string, schema: ResponseSchema<T>, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.json('PATCH', path, schema, { ...options, body });
  }

  /**
   * Posts bytes as the request body itself (a CSV or gzip file), not wrapped in JSON. Everything
   * else is as for any write: the CSRF token, the error envelope, the contract check of the answer.
   */
  postRaw<T>(path: string, schema: ResponseSchema<T>, body: RawBody, options: RequestOptions = {}): Promise<T> {
    return this.json('POST', path, schema, { ...options, raw: body });
  }

  /** For endpoints that answer 204 No Content. */
  async send(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown, options: RequestOptions = {}): Promise<void> {
    await this.request(method, path, { ...options, body });
  }

  private async json<T>(method: string, path: string, schema: ResponseSchema<T>, options: SendOptions): Promise<T> {
    const body = await this.request(method, path, options);
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      console.error(`Response of ${method} ${path} does not match the contract`, parsed.error.issues);
      throw new ApiError({ status: 200, code: 'unexpected_response', message: '服务器返回的数据格式不符合约定' });
    }
    return parsed.data;
  }

  private async request(method: string, path: string, options: SendOptions, retried = false): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.raw) headers['content-type'] = options.raw.contentType;
    else if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (!SAFE_METHODS.has(method) && this.csrfToken) headers[CSRF_HEADER] = this.csrfToken;

    let response: Response;
    try {
      response = await this.fetchImpl(buildUrl(path, options.query), {
        method,
        headers,
        credentials: 'same-origin',
        body: options.raw ? options.raw.data : options.body === undefined ? null : JSON.stringify(options.body),
        signal: options.signal ?? null,
      });
    } catch (cause) {
      if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
      throw new ApiError({ status: 0, code: 'network_error', message: '无法连接服务器，请检查网络' });
    }

    const body = await readBody(response);
    if (response.ok) return body;

    const error = parseErrorBody(response.status, body);
    if (error.code === 'csrf_failed' && !retried && (await this.refreshCsrfToken())) {
      // The token went stale (e.g. the session was renewed in another tab): fetch it again once.
      return this.request(method, path, options, true);
    }
    if (response.status === 401 && REDIRECT_CODES.has(error.code) && !options.skipAuthRedirect) {
      this.csrfToken = null;
      this.onUnauthenticated?.(error.code === 'session_expired' ? 'session_expired' : 'unauthenticated');
    }
    throw error;
  }

  private async refreshCsrfToken(): Promise<boolean> {
    try {
      const body = await this.request('GET', '/api/auth/me', { skipAuthRedirect: true }, true);
      const session = sessionResponseSchema.safeParse(body);
      if (!session.success) return false;
      this.csrfToken = session.data.csrfToken;
      return true;
    } catch {
      return false;
    }
  }
}

export function buildUrl(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  if (!text) return undefined;
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('json')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The application's client; the app shell installs the 401 handler at start-up. */
export const api = new ApiClient();

/** A response schema for a JSON array of items (the contracts export item schemas only). */
export function arrayOf<T>(item: ResponseSchema<T>): ResponseSchema<T[]> {
  return {
    safeParse(value) {
      if (!Array.isArray(value)) return { success: false, error: { issues: ['expected an array'] } };
      const out: T[] = [];
      for (const [index, element] of value.entries()) {
        const parsed = item.safeParse(element);
        if (!parsed.success) return { success: false, error: { issues: [`[${index}]`, ...parsed.error.issues] } };
        out.push(parsed.data);
      }
      return { success: true, data: out };
    },
  };
}
