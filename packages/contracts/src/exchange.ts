import { z } from 'zod';
import { idSchema, isoDateTime } from './common.ts';

/**
 * Table import and export (导入导出): import jobs of any registered kind (persons, houses, 12345
 * work orders …), their dry run, batched apply and error report; exports with a watermark.
 */

export const IMPORT_JOB_STATUSES = ['uploaded', 'checking', 'checked', 'applying', 'applied', 'failed', 'cancelled'] as const;
export const importJobStatusSchema = z.enum(IMPORT_JOB_STATUSES);
export type ImportJobStatus = z.infer<typeof importJobStatusSchema>;

export const TABLE_FORMATS = ['csv', 'xlsx'] as const;
export const tableFormatSchema = z.enum(TABLE_FORMATS);
export type TableFormat = z.infer<typeof tableFormatSchema>;

/** Import kinds are short lower-case names (persons, houses, work_orders). */
export const importKindSchema = z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, '导入类型名称不正确');
export const importKindParamsSchema = z.object({ kind: importKindSchema }).strict();

/** A column an import kind reads. */
export const importFieldSchema = z.object({
  key: z.string(),
  label: z.string(),
  required: z.boolean(),
  aliases: z.array(z.string()),
  /** What the column holds, for the template's second sheet and the mapping step. */
  hint: z.string().nullable(),
});
export type ImportField = z.infer<typeof importFieldSchema>;

export const importKindInfoSchema = z.object({
  kind: z.string(),
  label: z.string(),
  fields: z.array(importFieldSchema),
});
export type ImportKindInfo = z.infer<typeof importKindInfoSchema>;

export const importIssuePreviewSchema = z.object({ row: z.number().int(), column: z.string(), reason: z.string() });
export type ImportIssuePreview = z.infer<typeof importIssuePreviewSchema>;

export const importJobSchema = z
  .object({
    id: z.number().int(),
    kind: z.string(),
    kindLabel: z.string(),
    areaId: z.number().int(),
    createdById: z.number().int(),
    /** The caller started this job. */
    mine: z.boolean(),
    fileName: z.string(),
    fileSize: z.number().int(),
    format: tableFormatSchema,
    /** CSV only: utf-8, utf-16le, utf-16be or gb18030 (GBK). */
    encoding: z.string().nullable(),
    headers: z.array(z.string()),
    headerRow: z.number().int(),
    /** Field key → column index (0-based) in `headers`. */
    mapping: z.record(z.string(), z.number().int()),
    /** Required fields without a column: the dry run cannot start until each has one. */
    missing: z.array(z.object({ key: z.string(), label: z.string() })),
    /** Columns no field takes: ignored. */
    unknown: z.array(z.object({ column: z.number().int(), header: z.string() })),
    fields: z.array(importFieldSchema),
    status: importJobStatusSchema,
    counts: z.object({
      total: z.number().int(),
      good: z.number().int(),
      bad: z.number().int(),
      issues: z.number().int(),
      applied: z.number().int(),
      created: z.number().int(),
      updated: z.number().int(),
      skipped: z.number().int(),
    }),
    /** Last file row whose batch is committed. */
    cursorRow: z.number().int(),
    /** Rows read so far by the running dry run or apply. */
    progressRows: z.number().int(),
    /** The first problems of the dry run; the report file has them all. */
    preview: z.array(importIssuePreviewSchema),
    hasErrorReport: z.boolean(),
    failure: z.string().nullable(),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
    checkedAt: isoDateTime.nullable(),
    startedAt: isoDateTime.nullable(),
    finishedAt: isoDateTime.nullable(),
    abilities: z.object({ check: z.boolean(), apply: z.boolean(), cancel: z.boolean(), resume: z.boolean() }),
  })
  .meta({ id: 'ImportJob' });
export type ImportJob = z.infer<typeof importJobSchema>;

export const importJobListSchema = z.object({ items: z.array(importJobSchema) });
export type ImportJobList = z.infer<typeof importJobListSchema>;

/** Upload: the file is the request body (application/octet-stream); these travel in the query. */
export const importUploadQuerySchema = z
  .object({
    areaId: idSchema,
    fileName: z.string().trim().min(1, '请给出文件名').max(255, '文件名过长'),
  })
  .strict();
export type ImportUploadQuery = z.infer<typeof importUploadQuerySchema>;

/** Start the dry run, optionally with the user's column choices (field key → column index, or null to leave a field unmapped). */
export const importCheckBodySchema = z
  .object({
    mapping: z.record(z.string().max(60), z.number().int().min(0).max(16_383).nullable()).optional(),
  })
  .strict();
export type ImportCheckBody = z.infer<typeof importCheckBodySchema>;

export const importJobListQuerySchema = z
  .object({
    kind: importKindSchema.optional(),
    areaId: idSchema.optional(),
    mine: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export type ImportJobListQuery = z.input<typeof importJobListQuerySchema>;

export const tableFormatQuerySchema = z.object({ format: tableFormatSchema.default('xlsx') }).strict();
