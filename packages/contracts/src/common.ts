import { z } from 'zod';

/** Database ids are positive bigints; they travel as decimal strings in paths and as numbers in bodies. */
export const idSchema = z.coerce
  .number({ error: '必须是正整数 id' })
  .int('必须是正整数 id')
  .positive('必须是正整数 id')
  .max(Number.MAX_SAFE_INTEGER);
export const idParamsSchema = z.object({ id: idSchema }).strict();

export const pageQuerySchema = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });
}

export const isoDateTime = z.string().meta({ format: 'date-time' });
