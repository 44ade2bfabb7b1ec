import { z } from 'zod';

/** Every error code the API can answer with. One list, shared by server and web. */
export const ERROR_CODES = [
  'validation_failed',
  'malformed_json',
  'payload_too_large',
  'unauthenticated',
  'invalid_credentials',
  'account_locked',
  'account_disabled',
  'session_expired',
  'csrf_failed',
  'forbidden',
  'not_found',
  'conflict',
  'import_rejected',
  'weak_password',
  'unsupported_media_type',
  'rate_limited',
  'unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The one HTTP status each code maps to; exhaustive by construction. */
export const ERROR_STATUS = {
  validation_failed: 400,
  malformed_json: 400,
  payload_too_large: 413,
  unauthenticated: 401,
  invalid_credentials: 401,
  account_locked: 423,
  account_disabled: 403,
  session_expired: 401,
  csrf_failed: 403,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  import_rejected: 422,
  weak_password: 400,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
} as const satisfies Record<ErrorCode, number>;

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).nullable(),
      requestId: z.string(),
    }),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** `details.fields` of a validation error: field path ("roles.0.areaId") -> messages. */
export type FieldErrors = Record<string, string[]>;
