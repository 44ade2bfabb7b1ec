import { z } from 'zod';

/**
 * The admin side of Open311 GeoReport v2 (issue 10): API keys that outside applications POST service
 * requests with. The public API itself (/open311/v2/…) speaks the GeoReport v2 shapes, not these.
 */

export const open311KeyCreateSchema = z
  .object({
    name: z.string().trim().min(1, '请填写应用名称').max(60, '应用名称最多 60 个字'),
    owner: z.string().trim().min(1, '请填写使用单位或联系人').max(120, '使用单位最多 120 个字'),
    ratePerMinute: z.number().int('须为整数').min(1, '至少每分钟 1 次').max(100_000, '最多每分钟 100000 次').default(600),
  })
  .strict();
export type Open311KeyCreate = z.input<typeof open311KeyCreateSchema>;

export const open311KeySchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    owner: z.string(),
    /** The first characters of the key, to tell keys apart; the key itself is shown once, when made. */
    keyPrefix: z.string(),
    ratePerMinute: z.number().int(),
    active: z.boolean(),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    revokedBy: z.string().nullable(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
  })
  .meta({ id: 'Open311Key' });
export type Open311Key = z.infer<typeof open311KeySchema>;

export const open311KeyListSchema = z.object({ items: z.array(open311KeySchema) });
export type Open311KeyList = z.infer<typeof open311KeyListSchema>;

/** A new key: `apiKey` is the only time the key is ever shown. */
export const open311KeyCreatedSchema = z.object({ key: open311KeySchema, apiKey: z.string() });
export type Open311KeyCreated = z.infer<typeof open311KeyCreatedSchema>;

export const open311KeyIdParamsSchema = z.object({ id: z.coerce.number().int().positive() });
