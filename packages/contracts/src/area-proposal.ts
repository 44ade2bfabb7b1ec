import { z } from 'zod';
import { areaBriefSchema, areaGeometrySchema, crsSchema, multiPolygonSchema } from './geo.ts';

/**
 * 网格划分方案: the server proposes a partition of a community into grids (a draft nobody is bound by);
 * the user edits names and shapes on the map and accepts the result, which replaces the community's
 * comprehensive grids (综合网格). Dedicated grids (专属网格: a school, a park, a market …) are managed by their
 * unit and kept: the proposal divides the rest of the community around them.
 */

const householdCount = z.number({ error: '户数必须是整数' }).int('户数必须是整数').min(0, '户数不能为负').max(100_000, '户数过大');

/** Draft request; every field optional: the range defaults to the area's own (or the system's). */
export const gridProposalRequestSchema = z
  .object({
    /** Households per grid, lower bound; defaults to the nearest area setting, else the system's. */
    min: householdCount.optional(),
    max: householdCount.min(1, '上限至少为 1').optional(),
    /** Number of grids wanted; by default chosen from the range. */
    gridCount: z.number({ error: '网格数必须是整数' }).int('网格数必须是整数').min(1, '至少 1 个网格').max(999, '一个社区最多 999 个网格').optional(),
  })
  .strict()
  .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, { path: ['max'], message: '上限不能小于下限' })
  .meta({ id: 'GridProposalRequest' });
export type GridProposalRequest = z.infer<typeof gridProposalRequestSchema>;

export const proposedGridSchema = z.object({
  /** 1-based, numbered north to south, west to east. */
  index: z.number().int(),
  /** Suggested name, e.g. 站北社区第1网格. */
  name: z.string(),
  households: z.number().int(),
  buildingIds: z.array(z.number().int()),
  /** WGS84. */
  geometry: multiPolygonSchema,
  areaM2: z.number(),
  /** Polsby–Popper 4πA/P²: 1 for a disc, 0.785 for a square, towards 0 for a sliver. */
  compactness: z.number(),
  /** Households below or above the range. */
  status: z.enum(['under', 'over']).nullable(),
  warnings: z.array(z.string()),
});
export type ProposedGrid = z.infer<typeof proposedGridSchema>;

export const gridProposalSchema = z
  .object({
    community: areaBriefSchema,
    range: z.object({
      min: z.number().int(),
      max: z.number().int(),
      /** Where the range came from: this request, the community or an area above it, or the system default. */
      source: z.enum(['request', 'area', 'config']),
    }),
    totalHouseholds: z.number().int(),
    /** Buildings taken into account (active, with a position). */
    buildings: z.number().int(),
    /** Grid counts that could keep every grid within the range, by totals alone; null when none can. */
    feasibleGridCounts: z.object({ min: z.number().int(), max: z.number().int() }).nullable(),
    grids: z.array(proposedGridSchema),
    /** About the proposal as a whole (per-grid warnings sit on the grids). */
    warnings: z.array(z.string()),
    /** Active comprehensive grids the community has now; accepting the proposal retires them. */
    currentGrids: z.number().int(),
    /**
     * Active dedicated grids of the community: kept as they are by the acceptance, so their ground and
     * buildings take no part in the division. Defaulted, so a response from a server that predates it still parses.
     */
    keptDedicated: z.array(z.object({ id: z.number().int(), code: z.string(), name: z.string() })).default([]),
  })
  .meta({ id: 'GridProposal' });
export type GridProposal = z.infer<typeof gridProposalSchema>;

/**
 * Accepting takes geometries, not building ids: the user may have redrawn or renamed grids on the map.
 * Buildings then go to the new grid that contains them.
 */
export const acceptGridProposalSchema = z
  .object({
    crs: crsSchema.default('wgs84'),
    grids: z
      .array(
        z
          .object({
            name: z.string().trim().min(1, '请填写网格名称').max(50, '名称最多 50 个字'),
            geometry: areaGeometrySchema,
            gridType: z.enum(['comprehensive', 'dedicated']).default('comprehensive'),
          })
          .strict(),
      )
      .min(1, '至少 1 个网格')
      .max(500, '一次最多 500 个网格'),
    preview: z.boolean().default(false),
  })
  .strict()
  .meta({ id: 'AcceptGridProposal' });
export type AcceptGridProposal = z.infer<typeof acceptGridProposalSchema>;
