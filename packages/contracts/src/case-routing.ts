import { z } from 'zod';
import { caseSummarySchema } from './case.ts';

/**
 * Routing and feedback of cases (issue 10): duplicate suggestions (并单) before reporting and on a case,
 * and following a case (关注).
 */

/** An open case of the same item near a point: what the phone form asks before filing. */
export const caseDuplicateQuerySchema = z.object({
  itemCode: z.string().trim().min(1, '请选择事项').max(20),
  lng: z.coerce.number().min(-180, '经度超出范围').max(180, '经度超出范围'),
  lat: z.coerce.number().min(-90, '纬度超出范围').max(90, '纬度超出范围'),
  crs: z.enum(['wgs84', 'gcj02']).default('wgs84'),
});
export type CaseDuplicateQuery = z.input<typeof caseDuplicateQuerySchema>;

export const caseDuplicateSchema = caseSummarySchema.extend({
  /** Metres on the ellipsoid from the point asked about (or from the case's own point). */
  distanceM: z.number(),
  /** Whether the asking person already follows it. */
  following: z.boolean(),
});
export type CaseDuplicate = z.infer<typeof caseDuplicateSchema>;

/** The candidates, nearest first, with the rule that found them (the area's own, or the defaults). */
export const caseDuplicateListSchema = z
  .object({
    radiusM: z.number().int(),
    windowHours: z.number().int(),
    items: z.array(caseDuplicateSchema),
  })
  .meta({ id: 'CaseDuplicates' });
export type CaseDuplicateList = z.infer<typeof caseDuplicateListSchema>;

/** Following a case: the answer of POST / DELETE /api/cases/:id/follow. */
export const caseFollowSchema = z.object({ following: z.boolean(), followers: z.number().int() }).meta({ id: 'CaseFollow' });
export type CaseFollow = z.infer<typeof caseFollowSchema>;
