import { z } from 'zod';
import { idSchema } from './common.ts';

/** Levels of the area tree, top-down. Grid may nest (sub-grid, micro-grid). */
export const AREA_LEVELS = ['country', 'province', 'city', 'district', 'street', 'community', 'grid', 'building', 'unit'] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];

export const AREA_LEVEL_LABELS: Record<AreaLevel, { 'zh-CN': string; 'en-US': string }> = {
  country: { 'zh-CN': '国家', 'en-US': 'Country' },
  province: { 'zh-CN': '省', 'en-US': 'Province' },
  city: { 'zh-CN': '市', 'en-US': 'City' },
  district: { 'zh-CN': '区/县', 'en-US': 'District' },
  street: { 'zh-CN': '街道/乡镇', 'en-US': 'Street / town' },
  community: { 'zh-CN': '社区/村', 'en-US': 'Community / village' },
  grid: { 'zh-CN': '网格', 'en-US': 'Grid' },
  building: { 'zh-CN': '楼栋', 'en-US': 'Building' },
  unit: { 'zh-CN': '单元', 'en-US': 'Unit' },
};

export const areaSchema = z
  .object({
    id: z.number().int(),
    code: z.string(),
    name: z.string(),
    level: z.enum(AREA_LEVELS),
    parentId: z.number().int().nullable(),
    path: z.string(),
    childCount: z.number().int(),
    status: z.enum(['active', 'retired']),
    gridType: z.enum(['comprehensive', 'dedicated']).nullable(),
    /** Households counted for this area (a grid: the sum of its buildings, else its own figure). */
    households: z.number().int().nullable(),
    hasBoundary: z.boolean(),
  })
  .meta({ id: 'Area' });
export type AreaView = z.infer<typeof areaSchema>;

export const areaDetailSchema = areaSchema
  .extend({ ancestors: z.array(areaSchema.pick({ id: true, code: true, name: true, level: true })) })
  .meta({ id: 'AreaDetail' });
export type AreaDetail = z.infer<typeof areaDetailSchema>;

export const areaListQuerySchema = z
  .object({
    parentId: idSchema.optional(),
    q: z.string().trim().min(1).max(50).optional(),
    level: z.enum(AREA_LEVELS).optional(),
    includeRetired: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export type AreaListQuery = z.infer<typeof areaListQuerySchema>;
