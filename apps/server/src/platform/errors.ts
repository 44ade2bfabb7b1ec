import type { ErrorCode, FieldErrors } from '@redgrid/contracts';

/** The only error domain code throws; the HTTP layer maps `code` to a status. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> | null = null,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export function notFound(what: string): AppError {
  return new AppError('not_found', `${what}不存在`);
}

export function forbidden(message = '没有权限执行此操作'): AppError {
  return new AppError('forbidden', message);
}

export function validationFailed(fields: FieldErrors, message = '输入有误'): AppError {
  return new AppError('validation_failed', message, { fields });
}

/** Unique-violation and foreign-key errors from PostgreSQL, recognised on both engines. */
export function pgErrorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}
