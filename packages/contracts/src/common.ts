import { z } from 'zod';

/** Database ids are positive bigints; they travel as decimal strings in paths and as numbers in bodies. */
export const idSchema = z.coerce
  .number({ error: '必须是正整数 id' })
  .int('必须是正整数 id')
  .positive('必须是正整数 id')
  .max(Number.MAX_SAFE_INTEGER);
export const idParamsSchema = z.object({ id: idSchema }).strict();

/**
 * Comma-separated ids in a query string ("3,17,42"), at most 500, each a valid id: a number past
 * the 8-byte range ("99999999999999999999") is a 400 here, not a database error. Stays a string.
 */
export const idListSchema = z
  .string()
  .regex(/^\d{1,16}(,\d{1,16}){0,499}$/, 'ids 为逗号分隔的 id（最多 500 个）')
  .refine((v) => v.split(',').every((id) => Number(id) >= 1 && Number(id) <= Number.MAX_SAFE_INTEGER), '每个 id 须为正整数且不超过 9007199254740991');

export const pageQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000, '页码过大').default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });
}

export const isoDateTime = z.string().meta({ format: 'date-time' });
