import { z } from 'zod';
import { CASE_STATES, OPEN_CASE_STATES, SUPERVISION_GRADES } from './case-workflow.ts';

/** The case map (issue 10): cases as points in a box of the map, within the caller's scope. */

/** The most points one answer carries; a wider view of more cases comes back `truncated`. */
export const CASE_MAP_MAX_POINTS = 5000;

const bbox = z
  .string()
  .trim()
  .transform((s, c) => {
    const parts = s.split(',').map((p) => Number(p.trim()));
    if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n))) {
      c.addIssue({ code: 'custom', message: '范围应为 最小经度,最小纬度,最大经度,最大纬度' });
      return z.NEVER;
    }
    const [minLng, minLat, maxLng, maxLat] = parts as [number, number, number, number];
    if (minLng < -180 || maxLng > 180 || minLat < -90 || maxLat > 90) {
      c.addIssue({ code: 'custom', message: '经度应在 -180～180，纬度应在 -90～90 之间' });
      return z.NEVER;
    }
    if (minLng >= maxLng || minLat >= maxLat) {
      c.addIssue({ code: 'custom', message: '最小经纬度应小于最大经纬度' });
      return z.NEVER;
    }
    return [minLng, minLat, maxLng, maxLat] as const;
  });

const states = z
  .string()
  .trim()
  .transform((s, c) => {
    const list = [...new Set(s.split(',').map((p) => p.trim()).filter(Boolean))];
    const unknown = list.filter((p) => !(CASE_STATES as readonly string[]).includes(p));
    if (unknown.length || !list.length) {
      c.addIssue({ code: 'custom', message: `未知的案件状态：${unknown.join('、') || '（空）'}` });
      return z.NEVER;
    }
    return list as (typeof CASE_STATES)[number][];
  });

export const caseMapQuerySchema = z.object({
  /** minLng,minLat,maxLng,maxLat in WGS84; without it, everywhere in scope. */
  bbox: bbox.optional(),
  /** Comma-separated states; the open ones by default. */
  states: states.default([...OPEN_CASE_STATES]),
  limit: z.coerce.number().int().min(1).max(CASE_MAP_MAX_POINTS).default(CASE_MAP_MAX_POINTS),
});
export type CaseMapQuery = z.input<typeof caseMapQuerySchema>;

export const caseMapPropertiesSchema = z.object({
  id: z.number().int(),
  caseNo: z.string(),
  title: z.string(),
  itemName: z.string(),
  urgency: z.enum(['normal', 'urgent', 'emergency']),
  /** Against the step's deadlines now: none / yellow (warning passed) / red (overdue). */
  alarm: z.enum(['none', 'yellow', 'red']),
  supervision: z.enum(SUPERVISION_GRADES).nullable(),
  state: z.enum(CASE_STATES),
  dueRedAt: z.string().nullable(),
});
export type CaseMapProperties = z.infer<typeof caseMapPropertiesSchema>;

export const caseMapFeatureSchema = z.object({
  type: z.literal('Feature'),
  id: z.number().int(),
  geometry: z.object({ type: z.literal('Point'), coordinates: z.tuple([z.number(), z.number()]) }),
  properties: caseMapPropertiesSchema,
});
export type CaseMapFeature = z.infer<typeof caseMapFeatureSchema>;

/**
 * A GeoJSON FeatureCollection (WGS84) of the cases with a point, most pressing first when truncated, and
 * the cases located only by their reporter's grid (no point) counted per grid — they are not placed on
 * the map at a made-up position.
 */
export const caseMapSchema = z
  .object({
    type: z.literal('FeatureCollection'),
    features: z.array(caseMapFeatureSchema),
    /** More cases with a point matched than `limit`: the most pressing ones were kept. */
    truncated: z.boolean(),
    /** Cases matching the states without a point, per grid (not filtered by the box). */
    unlocated: z.array(z.object({ gridId: z.number().int(), gridName: z.string().nullable(), count: z.number().int() })),
  })
  .meta({ id: 'CaseMap' });
export type CaseMap = z.infer<typeof caseMapSchema>;

/** The dashboard's case figures: an area (and everything under it; none: the whole scope), now. */
export const caseCountsQuerySchema = z.object({ areaId: z.coerce.number().int().positive().optional() });

export const caseCountsSchema = z
  .object({
    /** Cases not finished (reported … handled, suspended). */
    open: z.number().int(),
    /** Open cases past the red deadline of their step (超期). */
    overdue: z.number().int(),
    /** Open cases past the yellow deadline but not the red one (预警). */
    warned: z.number().int(),
    /** Open cases under a red / yellow card (督办). */
    redCards: z.number().int(),
    yellowCards: z.number().int(),
    /** Cases reported since midnight, Beijing time, whatever their state. */
    reportedToday: z.number().int(),
  })
  .meta({ id: 'CaseCounts' });
export type CaseCounts = z.infer<typeof caseCountsSchema>;
