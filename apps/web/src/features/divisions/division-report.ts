import type { ResponseSchema } from '../../shared/api/api-client';
import { isApiError } from '../../shared/api/api-error';

/**
 * The report a rejected import carries: the server answers 422 `import_rejected` with the same
 * report as a success in `details.report`, its errors listed per row. Null for any other failure,
 * or when the report breaks the contract.
 */
export function rejectedReport<R>(error: unknown, schema: ResponseSchema<R>): R | null {
  if (!isApiError(error) || error.code !== 'import_rejected') return null;
  const parsed = schema.safeParse(error.details?.['report']);
  if (!parsed.success) {
    console.error('The rejected import report does not match the contract', parsed.error.issues);
    return null;
  }
  return parsed.data;
}

/**
 * An import call that resolves with its report whether the server applied it (200) or refused it
 * for errors in the data (422): both are answers the user reads row by row. Anything else throws.
 */
export async function settleImport<R>(call: Promise<R>, schema: ResponseSchema<R>): Promise<R> {
  try {
    return await call;
  } catch (error) {
    const report = rejectedReport(error, schema);
    if (report) return report;
    throw error;
  }
}
