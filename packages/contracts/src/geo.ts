import { z } from 'zod';
import { AREA_LEVELS } from './area.ts';
import { idListSchema, idSchema } from './common.ts';

/** Coordinate systems a client may speak; storage is always WGS84 (SRID 4326). */
export const CRS_VALUES = ['wgs84', 'gcj02', 'bd09'] as const;
export type CrsName = (typeof CRS_VALUES)[number];
export const crsSchema = z.enum(CRS_VALUES, { error: 'crs 只能是 wgs84、gcj02 或 bd09' });

/**
 * A plain decimal number in a query string: `120.05`, `-3`, `.5`. Not `Number(text)`, which reads an
 * empty value as 0 and `0x78` as 120 (also `1e2`, `Infinity`, ` 7 `): a coordinate typed wrong must be
 * a 400 that says so, never a point somewhere else.
 */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

export function queryDecimal(label: string) {
  return z
    .string({ error: `请提供${label}` })
    .regex(DECIMAL, `${label}须为十进制数字，如 120.05`)
    .transform(Number);
}

/** A non-negative whole number in a query string, read as strictly as `queryDecimal`. */
export function queryWholeNumber(label: string) {
  return z
    .string({ error: `请提供${label}` })
    .regex(/^\d{1,15}$/, `${label}须为非负整数`)
    .transform(Number);
}

export const LNG_RANGE_MESSAGE = '经度须在 -180 到 180 之间（坐标须为经纬度，不接受投影坐标如 EPSG:3857 的米）';
export const LAT_RANGE_MESSAGE = '纬度须在 -90 到 90 之间（是否把经纬度填反了，或用了投影坐标？）';

const lngNumber = z.number({ error: '经度必须是数字' }).finite('经度必须是有限数字').min(-180, LNG_RANGE_MESSAGE).max(180, LNG_RANGE_MESSAGE);
const latNumber = z.number({ error: '纬度必须是数字' }).finite('纬度必须是有限数字').min(-90, LAT_RANGE_MESSAGE).max(90, LAT_RANGE_MESSAGE);
const lng = queryDecimal('经度').pipe(lngNumber);
const lat = queryDecimal('纬度').pipe(latNumber);

/** [longitude, latitude] in degrees: every geometry that enters is range-checked here, before any conversion. */
export const lngLatSchema = z.tuple([lngNumber, latNumber]);
const position = lngLatSchema;
const ring = z
  .array(position)
  .min(4, '多边形的环至少需要 4 个点（首尾相同）')
  .refine((r) => {
    const first = r[0];
    const last = r.at(-1);
    return first !== undefined && last !== undefined && first[0] === last[0] && first[1] === last[1];
  }, '多边形的环未闭合：末点须与首点相同');
export const polygonSchema = z.object({ type: z.literal('Polygon'), coordinates: z.array(ring).min(1) }).strict();
export const multiPolygonSchema = z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(ring).min(1)).min(1) }).strict();
export const areaGeometrySchema = z.union([polygonSchema, multiPolygonSchema]).meta({ id: 'AreaGeometry' });
export type AreaGeometry = z.infer<typeof areaGeometrySchema>;
export const lineStringSchema = z.object({ type: z.literal('LineString'), coordinates: z.array(position).min(2) }).strict();

export const areaBriefSchema = z.object({ id: z.number().int(), code: z.string(), name: z.string(), level: z.enum(AREA_LEVELS) });
export type AreaBrief = z.infer<typeof areaBriefSchema>;

export const locateQuerySchema = z
  .object({
    lng,
    lat,
    crs: crsSchema.default('wgs84'),
    /** Answer as the map stood at this moment (history of boundaries). */
    at: z.iso.datetime({ offset: true, error: 'at 须为 ISO 8601 时间' }).optional(),
  })
  .strict();
export type LocateQuery = z.infer<typeof locateQuerySchema>;

export const locateResultSchema = z
  .object({
    /** The point as stored (WGS84), after conversion from the given crs. */
    wgs84: z.tuple([z.number(), z.number()]),
    /** Deepest area containing the point, null when it lies outside every boundary in scope. */
    area: areaBriefSchema.nullable(),
    /** Top-down, ending with `area`. */
    path: z.array(areaBriefSchema),
    /** When outside every grid: the nearest grid and its distance in metres. */
    nearest: z.object({ area: areaBriefSchema, distanceMeters: z.number() }).nullable(),
    message: z.string().nullable(),
  })
  .meta({ id: 'LocateResult' });
export type LocateResult = z.infer<typeof locateResultSchema>;

export const locateBatchSchema = z
  .object({
    crs: crsSchema.default('wgs84'),
    points: z.array(lngLatSchema).min(1).max(100_000),
    at: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()
  .meta({ id: 'LocateBatch' });
export const locateBatchResultSchema = z
  .object({
    /** One entry per point, same order: the deepest area id, or null. */
    areaIds: z.array(z.number().int().nullable()),
    areas: z.array(areaBriefSchema),
    outside: z.number().int(),
  })
  .meta({ id: 'LocateBatchResult' });

export const featureSchema = z.object({
  type: z.literal('Feature'),
  geometry: z.unknown(),
  properties: z.record(z.string(), z.unknown()),
});
export const featureCollectionSchema = z.object({ type: z.literal('FeatureCollection'), features: z.array(featureSchema) }).meta({ id: 'FeatureCollection' });
export type FeatureCollectionView = z.infer<typeof featureCollectionSchema>;

export const boundaryQuerySchema = z
  .object({
    parentId: idSchema.optional(),
    ids: idListSchema.optional(),
    crs: crsSchema.default('wgs84'),
    at: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

/**
 * What coverage reports as a gap, overlap or part outside: pieces from half a square metre up (so a real
 * 1 m² gap, which the ellipsoid may measure as 0.9999 m², is always shown) that are also at least
 * COVERAGE_SLIVER_WIDTH_M wide on average (2 × area / perimeter). Thinner pieces are the noise of
 * floating-point unions and of edges drawn on the geodesic against straight ones — a 0.6 m² sliver along
 * a 400 m edge is 1.5 mm wide — not ground anyone left out.
 */
export const COVERAGE_MIN_AREA_M2 = 0.5;
export const COVERAGE_SLIVER_WIDTH_M = 0.02;
export const coverageQuerySchema = z
  .object({ minAreaM2: queryDecimal('最小面积').pipe(z.number().min(0, '最小面积不能为负').max(1_000_000, '最小面积不超过 1,000,000 平方米')).optional() })
  .strict();

export const coverageIssueSchema = z.object({
  kind: z.enum(['gap', 'overlap', 'outside']),
  areaIds: z.array(z.number().int()),
  areaM2: z.number(),
  geometry: z.unknown(),
});
export const coverageReportSchema = z
  .object({
    parent: areaBriefSchema,
    parentAreaM2: z.number(),
    childCount: z.number().int(),
    coveredShare: z.number(),
    gaps: z.array(coverageIssueSchema),
    overlaps: z.array(coverageIssueSchema),
    outside: z.array(coverageIssueSchema),
    missingBoundary: z.array(areaBriefSchema),
  })
  .meta({ id: 'CoverageReport' });
export type CoverageReport = z.infer<typeof coverageReportSchema>;

/** Where analysis opens: the first area down from the top of the scope with a boundary; null when none has one. */
export const analysisStartSchema = z.object({ area: areaBriefSchema.nullable() }).meta({ id: 'AnalysisStart' });
export type AnalysisStart = z.infer<typeof analysisStartSchema>;

export const balanceQuerySchema = z
  .object({ min: queryWholeNumber('下限').pipe(z.number().int().min(0)).optional(), max: queryWholeNumber('上限').pipe(z.number().int().min(1, '上限至少为 1')).optional() })
  .strict();
export const balanceReportSchema = z
  .object({
    parent: areaBriefSchema,
    grids: z.number().int(),
    households: z.number().int(),
    /** Buildings standing in those grids. */
    buildings: z.number().int(),
    outside: z.array(
      areaBriefSchema.extend({ households: z.number().int(), min: z.number().int(), max: z.number().int(), status: z.enum(['under', 'over']) }),
    ),
    distribution: z.object({ min: z.number().int(), median: z.number(), max: z.number().int(), inRange: z.number().int() }),
  })
  .meta({ id: 'BalanceReport' });
export type BalanceReport = z.infer<typeof balanceReportSchema>;

const gridNaming = z.object({ name: z.string().trim().min(1).max(50), gridType: z.enum(['comprehensive', 'dedicated']).optional() });

export const splitGridSchema = z
  .object({
    crs: crsSchema.default('wgs84'),
    by: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('line'), line: lineStringSchema }).strict(),
      z.object({ kind: z.literal('polygons'), polygons: z.array(areaGeometrySchema).min(2).max(20) }).strict(),
    ]),
    /** Names of the new grids in order of the pieces (west→east, north→south when split by a line). */
    names: z.array(gridNaming.shape.name).max(20).optional(),
    preview: z.boolean().default(false),
  })
  .strict()
  .meta({ id: 'SplitGrid' });
export type SplitGrid = z.infer<typeof splitGridSchema>;

export const mergeGridsSchema = z
  .object({ gridIds: z.array(idSchema).min(2).max(20), keepId: idSchema.optional(), name: z.string().trim().min(1).max(50).optional(), preview: z.boolean().default(false) })
  .strict()
  .meta({ id: 'MergeGrids' });
export type MergeGrids = z.infer<typeof mergeGridsSchema>;

export const redrawSchema = z
  .object({ crs: crsSchema.default('wgs84'), geometry: areaGeometrySchema, preview: z.boolean().default(false) })
  .strict()
  .meta({ id: 'RedrawBoundary' });
export type RedrawBoundary = z.infer<typeof redrawSchema>;

export const retireGridSchema = z
  .object({ transferToId: idSchema.optional(), preview: z.boolean().default(false) })
  .strict()
  .meta({ id: 'RetireGrid' });
export type RetireGrid = z.infer<typeof retireGridSchema>;

export const createGridSchema = z
  .object({
    parentId: idSchema,
    name: z.string().trim().min(1).max(50),
    gridType: z.enum(['comprehensive', 'dedicated']).default('comprehensive'),
    gridSubtype: z.enum(['park', 'enterprise', 'school', 'market', 'hospital', 'office', 'other']).optional(),
    households: z.number().int().min(0).max(100_000).optional(),
    crs: crsSchema.default('wgs84'),
    geometry: areaGeometrySchema,
    preview: z.boolean().default(false),
  })
  .strict()
  .meta({ id: 'CreateGrid' });
export type CreateGrid = z.infer<typeof createGridSchema>;

export const adjustmentResultSchema = z
  .object({
    applied: z.boolean(),
    changeId: z.number().int().nullable(),
    kind: z.enum(['create', 'redraw', 'split', 'merge', 'retire', 'proposal']),
    created: z.array(areaBriefSchema.extend({ geometry: z.unknown(), households: z.number().int() })),
    retired: z.array(areaBriefSchema),
    changed: z.array(areaBriefSchema.extend({ geometry: z.unknown() })),
    moved: z.object({
      buildings: z.array(z.object({ id: z.number().int(), code: z.string(), name: z.string(), households: z.number().int(), fromId: z.number().int(), toId: z.number().int() })),
      households: z.number().int(),
      roleAssignments: z.number().int(),
    }),
    /** Records left on a retired grid that someone must look at (e.g. role assignments after a split). */
    toReview: z.array(z.object({ kind: z.string(), id: z.number().int(), label: z.string() })),
    warnings: z.array(z.string()),
  })
  .meta({ id: 'AdjustmentResult' });
export type AdjustmentResult = z.infer<typeof adjustmentResultSchema>;

export const areaHistorySchema = z
  .object({
    versions: z.array(z.object({ id: z.number().int(), validFrom: z.string(), validTo: z.string().nullable(), changeId: z.number().int().nullable(), areaM2: z.number() })),
    changes: z.array(z.object({ id: z.number().int(), kind: z.string(), at: z.string(), actorName: z.string().nullable(), summary: z.unknown() })),
  })
  .meta({ id: 'AreaHistory' });
