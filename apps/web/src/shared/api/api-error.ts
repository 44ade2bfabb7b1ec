import { errorBodySchema, type ErrorCode, type FieldErrors } from '@redgrid/contracts';

/** Codes the server can send, plus two the client raises itself. */
export type ApiErrorCode = ErrorCode | 'network_error' | 'unexpected_response';

/** Every failed API call surfaces as one of these, whatever went wrong. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly details: Record<string, unknown> | null;
  readonly requestId: string | null;

  constructor(init: {
    status: number;
    code: ApiErrorCode;
    message: string;
    details?: Record<string, unknown> | null;
    requestId?: string | null;
  }) {
    super(init.message);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.details = init.details ?? null;
    this.requestId = init.requestId ?? null;
  }

  /** `details.fields` of a validation error, checked rather than trusted. */
  get fieldErrors(): FieldErrors {
    const fields = this.details?.['fields'];
    const out: FieldErrors = {};
    if (fields === null || typeof fields !== 'object') return out;
    for (const [path, messages] of Object.entries(fields)) {
      if (Array.isArray(messages)) out[path] = messages.filter((m): m is string => typeof m === 'string');
      else if (typeof messages === 'string') out[path] = [messages];
    }
    return out;
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

/** Turns a non-2xx response body (already JSON-decoded, or undefined) into an ApiError. */
export function parseErrorBody(status: number, body: unknown): ApiError {
  const parsed = errorBodySchema.safeParse(body);
  if (parsed.success) {
    const { code, message, details, requestId } = parsed.data.error;
    return new ApiError({ status, code, message, details, requestId });
  }
  // A proxy or a crashed server answers without our envelope; keep the status meaningful.
  return new ApiError({ status, code: codeForBareStatus(status), message: `HTTP ${status}` });
}

function codeForBareStatus(status: number): ApiErrorCode {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 413) return 'payload_too_large';
  if (status === 429) return 'rate_limited';
  if (status === 502 || status === 503 || status === 504) return 'unavailable';
  return status >= 500 ? 'internal' : 'unexpected_response';
}
