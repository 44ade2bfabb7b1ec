import { z } from 'zod';
import { crsSchema } from './geo.ts';

/**
 * Bulk import of the area tree: the statistical division file (`code,name,level,parent_code` CSV)
 * and boundary GeoJSON. An import is validated as a whole and applied all-or-nothing; the answer is
 * a report that names every problem by row (CSV) or feature (GeoJSON).
 */

/** Why a row or feature was refused (errors) or deserves a look (warnings). */
export const IMPORT_ISSUE_CODES = [
  // The file as a whole.
  'bad_header',
  'empty_file',
  'too_many_rows',
  /** The CSV itself cannot be read: a quote opened and never closed, or text after a closing quote. */
  'bad_csv',
  // One row's own fields.
  'bad_row',
  'bad_code',
  'bad_level',
  'bad_name',
  // The tree the rows describe.
  'duplicate_code',
  'parent_missing',
  'code_parent_mismatch',
  'cycle',
  // Rows against what the database already holds.
  'out_of_scope',
  'level_changed',
  'parent_changed',
  'name_differs',
  // Boundaries.
  'unknown_area',
  'area_retired',
  'unsupported_geometry',
  'invalid_geometry',
  'unclosed_ring',
  'repaired_geometry',
  'swapped_lat_lng',
  'outside_china',
  'name_mismatch',
  /** The boundary lies where it would if its coordinates were in another crs than the one declared. */
  'crs_suspect',
] as const;
export type ImportIssueCode = (typeof IMPORT_ISSUE_CODES)[number];

/** Reports list at most this many errors and as many warnings; the counts are always complete. */
export const IMPORT_ISSUE_LIST_LIMIT = 1000;

export const importIssueSchema = z
  .object({
    /** CSV: the line in the file as an editor or Excel shows it (the header is line 1). */
    row: z.number().int().optional(),
    /** GeoJSON: index into `featureCollection.features`, from 0. */
    feature: z.number().int().optional(),
    /** The column or property at fault, when there is one. */
    field: z.string().optional(),
    code: z.enum(IMPORT_ISSUE_CODES),
    message: z.string(),
    /** The area code the row or feature is about, when it could be read. */
    areaCode: z.string().optional(),
  })
  .meta({ id: 'ImportIssue' });
export type ImportIssue = z.infer<typeof importIssueSchema>;

const reportBase = {
  /** True when the database was changed (no errors, not a dry run, something to change). */
  applied: z.boolean(),
  dryRun: z.boolean(),
  /** Data rows (CSV, header excluded) or features. */
  total: z.number().int(),
  /** Rows or features without an error. */
  ok: z.number().int(),
  errorCount: z.number().int(),
  warningCount: z.number().int(),
  /** The first IMPORT_ISSUE_LIST_LIMIT errors, in file order. */
  errors: z.array(importIssueSchema),
  warnings: z.array(importIssueSchema),
  /** The area_changes row recording the import; null when nothing was written. */
  changeId: z.number().int().nullable(),
  durationMs: z.number(),
  /** One line for the user, in Chinese. */
  message: z.string(),
};

const flag = z.enum(['true', 'false', '1', '0'], { error: '只能是 true 或 false' }).transform((v) => v === 'true' || v === '1');

/** Query options of `POST /api/areas/import/divisions` (the body is the CSV itself, `text/csv`). */
export const divisionImportQuerySchema = z
  .object({
    /** Validate and report what would change, write nothing. */
    dryRun: flag.default(false),
    /**
     * Existing areas keep their name unless this is set: a local name (常州经开区 for the statistical
     * 武进区 code) must not be overwritten by a re-import of the national file.
     */
    updateNames: flag.default(false),
  })
  .strict();
export type DivisionImportQuery = z.infer<typeof divisionImportQuerySchema>;
export type DivisionImportOptions = DivisionImportQuery;

const levelCounts = z.object({
  province: z.number().int(),
  city: z.number().int(),
  district: z.number().int(),
  street: z.number().int(),
  community: z.number().int(),
});

export const divisionImportReportSchema = z
  .object({
    kind: z.literal('divisions'),
    ...reportBase,
    /** New areas (would be) created, overall and per level. */
    created: z.number().int(),
    createdByLevel: levelCounts,
    /** Existing areas whose name was (would be) replaced (`updateNames`). */
    renamed: z.number().int(),
    /** Rows that match an existing area and change nothing. */
    unchanged: z.number().int(),
  })
  .meta({ id: 'DivisionImportReport' });
export type DivisionImportReport = z.infer<typeof divisionImportReportSchema>;

const featureSchema = z.object({
  type: z.literal('Feature', { error: '每个要素的 type 必须是 Feature' }),
  // Checked per feature by the server, so one bad geometry is a row in the report, not a 400 for all.
  geometry: z.unknown(),
  properties: z.record(z.string(), z.unknown()).nullable(),
  id: z.union([z.string(), z.number()]).optional(),
});

/** `POST /api/areas/import/boundaries`: boundaries for existing areas, matched by area code. */
export const boundaryImportRequestSchema = z
  .object({
    /** The coordinate system the file is in; boundaries are stored in WGS84. */
    crs: crsSchema,
    mapping: z
      .object({
        /** Property holding the 12-digit (or grid) area code, e.g. "code" or "XZQDM". */
        code: z.string().trim().min(1).max(100),
        /** Property holding the area's name; when given, a name that differs from ours is a warning. */
        name: z.string().trim().min(1).max(100).optional(),
      })
      .strict(),
    /**
     * Repair self-intersections with ST_MakeValid when the repaired area is within 1 % of the drawn
     * one; without it, every invalid geometry is an error.
     */
    repair: z.boolean().default(false),
    dryRun: z.boolean().default(false),
    // Files from QGIS or ArcGIS carry `name`, `crs` and `bbox`; the declared `crs` above is what counts.
    featureCollection: z.looseObject({
      type: z.literal('FeatureCollection', { error: '必须是 GeoJSON FeatureCollection' }),
      features: z.array(featureSchema).min(1, '没有要素').max(20_000, '一次最多导入 20000 个要素'),
    }),
  })
  .strict()
  .meta({ id: 'BoundaryImportRequest' });
export type BoundaryImportRequest = z.infer<typeof boundaryImportRequestSchema>;
export type BoundaryImportInput = z.input<typeof boundaryImportRequestSchema>;

export const boundaryImportReportSchema = z
  .object({
    kind: z.literal('boundaries'),
    ...reportBase,
    /** Areas that had no boundary before. */
    created: z.number().int(),
    /** Areas whose current boundary was closed and replaced by a new version. */
    replaced: z.number().int(),
    /** Features equal to the area's current boundary: nothing to do. */
    unchanged: z.number().int(),
    /** Features stored after ST_MakeValid (each also listed as a warning). */
    repaired: z.number().int(),
  })
  .meta({ id: 'BoundaryImportReport' });
export type BoundaryImportReport = z.infer<typeof boundaryImportReportSchema>;
