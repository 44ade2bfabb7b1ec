/** A URL parameter as a positive id, or undefined when absent or not one. */
export function positiveId(value: string | null): number | undefined {
  if (value === null) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** A URL parameter as one of a contract's enum values, or undefined. */
export function oneOf<T extends string>(value: string | null, allowed: readonly T[]): T | undefined {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
}

/** A URL parameter as a calendar date 'YYYY-MM-DD', or undefined. */
export function dateParam(value: string | null): string | undefined {
  return value !== null && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : undefined;
}
