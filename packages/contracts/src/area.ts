import { z } from 'zod';
import { AREA_GRADES } from './affairs.ts';
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
    /** Households counted for this area (a grid: the sum of its buildings, else its own figure); null unless the caller holds area.report. */
    households: z.number().int().nullable(),
    hasBoundary: z.boolean(),
  })
  .meta({ id: 'Area' });
export type AreaView = z.infer<typeof areaSchema>;

export const GRID_SUBTYPES = ['park', 'enterprise', 'school', 'market', 'hospital', 'office', 'other'] as const;
export type GridSubtype = (typeof GRID_SUBTYPES)[number];

export const areaDetailSchema = areaSchema
  .extend({
    ancestors: z.array(areaSchema.pick({ id: true, code: true, name: true, level: true })),
    /** 专属网格的类别 (grids only). */
    gridSubtype: z.enum(GRID_SUBTYPES).nullable(),
    /** The area's own household range for the grids below it (null: inherited). */
    balanceMin: z.number().int().nullable(),
    balanceMax: z.number().int().nullable(),
    /** The range in force here: the area's own, else the nearest area above, else the system's. */
    householdRange: z.object({ min: z.number().int(), max: z.number().int() }),
    /** Where a building stands, WGS84 (null for other levels or when unknown). */
    location: z.object({ lng: z.number(), lat: z.number() }).nullable(),
    /** The area's own grade for case time limits (A / B / C; null: none of its own). */
    grade: z.enum(AREA_GRADES).nullable(),
    /** The grade in force here: its own, else the nearest area above with one (null: the items' own limits). */
    gradeInForce: z.enum(AREA_GRADES).nullable(),
  })
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

/** Where a building stands, in the crs the coordinates were taken in (stored as WGS84). */
export const placeLocationSchema = z
  .object({ lng: z.number().min(-180).max(180), lat: z.number().min(-90).max(90), crs: z.enum(['wgs84', 'gcj02', 'bd09']).default('wgs84') })
  .strict();

/** Editable attributes of an area; geometry changes go through the adjustment endpoints. */
export const updateAreaSchema = z
  .object({
    name: z.string().trim().min(1).max(60).optional(),
    households: z.number().int().min(0).max(1_000_000).nullable().optional(),
    gridType: z.enum(['comprehensive', 'dedicated']).optional(),
    gridSubtype: z.enum(GRID_SUBTYPES).nullable().optional(),
    /** Target households per grid below this area (规模适度); null inherits from above. */
    balanceMin: z.number().int().min(0).max(100_000).nullable().optional(),
    balanceMax: z.number().int().min(1).max(100_000).nullable().optional(),
    /** A building moved to where it really stands (buildings only; within its grid). */
    location: placeLocationSchema.optional(),
    /** Grade for case time limits (streets, communities and grids); null clears it (inherits). */
    grade: z.enum(AREA_GRADES).nullable().optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: '没有要修改的字段' })
  .refine((v) => v.balanceMin == null || v.balanceMax == null || v.balanceMax >= v.balanceMin, { message: '户数上限须不小于下限', path: ['balanceMax'] })
  .meta({ id: 'UpdateArea' });
export type UpdateArea = z.infer<typeof updateAreaSchema>;

/** A building under a grid, or a unit under a building. */
export const createPlaceSchema = z
  .object({
    parentId: idSchema,
    level: z.enum(['building', 'unit']),
    name: z.string().trim().min(1).max(60),
    households: z.number().int().min(0).max(10_000),
    /** Where the building stands (buildings only); units share their building's position. */
    location: placeLocationSchema.optional(),
  })
  .strict()
  .meta({ id: 'CreatePlace' });
export type CreatePlace = z.infer<typeof createPlaceSchema>;
