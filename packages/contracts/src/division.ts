import { z } from 'zod';
import { importIssueSchema } from './area-import.ts';

/**
 * The division code library (区划代码库): editions of the statistical division file (NBS publishes
 * one a year, reference date 30 June) and of the GB/T 2260 county list, kept side by side as
 * reference data. An edition is loaded whole, checked whole and replaced whole; the live area tree
 * takes what it governs from it ("adopt"), and is compared with it when a new edition comes out.
 */

/** Levels of a division file: 1 province … 5 village/community (a 6-digit GB/T 2260 file stops at 3). */
export const DIVISION_LEVEL_NAMES = ['province', 'city', 'district', 'street', 'community'] as const;
export const divisionLevelSchema = z.enum(DIVISION_LEVEL_NAMES);
export type DivisionLevelName = z.infer<typeof divisionLevelSchema>;

const flag = z.enum(['true', 'false', '1', '0'], { error: '只能是 true 或 false' }).transform((v) => v === 'true' || v === '1');
const idParam = z.coerce.number({ error: '应为编号' }).int('应为整数').positive('应为正整数');

/** A division code as the API shows it: 12 digits (statistical file) or 6 (GB/T 2260). */
export const divisionCodeSchema = z.string().regex(/^(\d{6}|\d{12})$/, '区划代码应为 6 位或 12 位数字');

const levelCountsSchema = z.object({
  province: z.number().int(),
  city: z.number().int(),
  district: z.number().int(),
  street: z.number().int(),
  community: z.number().int(),
});
export type DivisionLevelCounts = z.infer<typeof levelCountsSchema>;

export const divisionEditionSchema = z
  .object({
    id: z.number().int(),
    /** What people call it: "2021", "2023 四级", "GB/T 2260-2024". Unique. */
    name: z.string(),
    /** The file it came from, as uploaded. */
    source: z.string(),
    /** 12 (statistical division codes) or 6 (GB/T 2260). */
    codeLength: z.union([z.literal(6), z.literal(12)]),
    rowCount: z.number().int(),
    countsByLevel: levelCountsSchema,
    /** Deepest level present. */
    maxLevel: divisionLevelSchema,
    /** SHA-256 of the file's bytes: loading the same file again under the same name changes nothing. */
    sha256: z.string(),
    importedAt: z.string(),
    importedBy: z.object({ id: z.number().int(), displayName: z.string() }).nullable(),
  })
  .meta({ id: 'DivisionEdition' });
export type DivisionEdition = z.infer<typeof divisionEditionSchema>;

export const divisionEditionListSchema = z.object({ items: z.array(divisionEditionSchema) }).meta({ id: 'DivisionEditionList' });

/** Query of `POST /api/divisions/editions` (the body is the CSV itself, text/csv or gzip). */
export const divisionEditionImportQuerySchema = z
  .object({
    name: z
      .string({ error: '请填写版本名称，如 2021' })
      .trim()
      .min(1, '请填写版本名称，如 2021')
      .max(40, '版本名称最多 40 个字')
      .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._/()（）-]*$/u, '版本名称只能包含文字、数字、空格和 . _ - / ( )'),
    source: z.string().trim().max(200).default(''),
    /** An edition of that name exists: replace it (otherwise 409). */
    replace: flag.default(false),
    dryRun: flag.default(false),
  })
  .strict();
export type DivisionEditionImportQuery = z.infer<typeof divisionEditionImportQuerySchema>;
export type DivisionEditionImportInput = z.input<typeof divisionEditionImportQuerySchema>;

export const divisionEditionImportReportSchema = z
  .object({
    kind: z.literal('division_edition'),
    /** True when the library changed. */
    applied: z.boolean(),
    dryRun: z.boolean(),
    /** The same file is already loaded under this name: nothing to do. */
    unchanged: z.boolean(),
    /** An edition of the same name was replaced. */
    replaced: z.boolean(),
    /** Data rows (header excluded). */
    total: z.number().int(),
    errorCount: z.number().int(),
    warningCount: z.number().int(),
    /** The first IMPORT_ISSUE_LIST_LIMIT errors, in file order. */
    errors: z.array(importIssueSchema),
    warnings: z.array(importIssueSchema),
    /** The edition as stored (or as it would be, on a dry run); null when rejected. */
    edition: divisionEditionSchema.nullable(),
    /**
     * Where the time went, in ms: COPY (wall time until the bytes are loaded and checked — the checks
     * run alongside), the index build, and the time spent in the checks themselves.
     */
    phases: z.object({ copyMs: z.number(), indexMs: z.number(), checkMs: z.number() }),
    durationMs: z.number(),
    message: z.string(),
  })
  .meta({ id: 'DivisionEditionImportReport' });
export type DivisionEditionImportReport = z.infer<typeof divisionEditionImportReportSchema>;

export const divisionEditionParamsSchema = z.object({ id: idParam }).strict();

export const divisionSchema = z
  .object({
    code: z.string(),
    name: z.string(),
    level: divisionLevelSchema,
    parentCode: z.string().nullable(),
    /** The edition holds divisions below this one. */
    hasChildren: z.boolean(),
    /** Search results only: the chain from the province down to the parent. */
    ancestors: z.array(z.object({ code: z.string(), name: z.string(), level: divisionLevelSchema })).optional(),
  })
  .meta({ id: 'Division' });
export type Division = z.infer<typeof divisionSchema>;

/**
 * `GET /api/divisions`: the children of `parent` (the provinces without it), or with `q` a search:
 * digits match a code prefix, anything else a part of the name.
 */
export const divisionListQuerySchema = z
  .object({
    edition: idParam,
    parent: divisionCodeSchema.optional(),
    q: z.string().trim().min(1, '请输入要查找的代码或名称').max(40, '查找内容最多 40 个字').optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export type DivisionListQuery = z.infer<typeof divisionListQuerySchema>;

export const divisionListSchema = z
  .object({
    edition: z.number().int(),
    items: z.array(divisionSchema),
    /** More matched than `limit`. */
    truncated: z.boolean(),
  })
  .meta({ id: 'DivisionList' });
export type DivisionList = z.infer<typeof divisionListSchema>;

export const DIVISION_CHANGE_KINDS = ['added', 'removed', 'renamed'] as const;

/** `GET /api/divisions/compare`: what changed from one edition to another, optionally under one code. */
export const divisionCompareQuerySchema = z
  .object({
    from: idParam,
    to: idParam,
    under: divisionCodeSchema.optional(),
    limit: z.coerce.number().int().min(1).max(2000).default(500),
  })
  .strict();

export const divisionCompareSchema = z
  .object({
    from: z.number().int(),
    to: z.number().int(),
    under: z.string().nullable(),
    /** Levels compared: those both editions hold. */
    maxLevel: divisionLevelSchema,
    counts: z.object({ added: z.number().int(), removed: z.number().int(), renamed: z.number().int(), unchanged: z.number().int() }),
    changes: z.array(
      z.object({
        kind: z.enum(DIVISION_CHANGE_KINDS),
        code: z.string(),
        level: divisionLevelSchema,
        /** The name in `to` (removed: in `from`). */
        name: z.string(),
        /** renamed: the name in `from`. */
        previousName: z.string().nullable(),
      }),
    ),
    /** More changes than `limit`; the counts are complete. */
    truncated: z.boolean(),
  })
  .meta({ id: 'DivisionCompare' });
export type DivisionCompare = z.infer<typeof divisionCompareSchema>;

export const TREE_DIFF_KINDS = ['missing_in_tree', 'not_in_edition', 'name_differs'] as const;

/** `GET /api/divisions/tree-diff`: an area's subtree against an edition (division levels only). */
export const divisionTreeDiffQuerySchema = z
  .object({
    edition: idParam,
    area: idParam,
    limit: z.coerce.number().int().min(1).max(2000).default(500),
  })
  .strict();

export const divisionTreeDiffSchema = z
  .object({
    edition: z.number().int(),
    area: z.object({ id: z.number().int(), code: z.string(), name: z.string() }),
    counts: z.object({
      matched: z.number().int(),
      /** In the edition under the area's code, not in the tree: new divisions to adopt. */
      missingInTree: z.number().int(),
      /** In the tree with a division code the edition does not hold: abolished, or local. */
      notInEdition: z.number().int(),
      /** Same code, other name (a local name such as 常州经开区, or a rename). */
      nameDiffers: z.number().int(),
    }),
    items: z.array(
      z.object({
        kind: z.enum(TREE_DIFF_KINDS),
        code: z.string(),
        level: divisionLevelSchema,
        /** The edition's name (not_in_edition: null). */
        name: z.string().nullable(),
        /** The tree's area (missing_in_tree: null). */
        areaId: z.number().int().nullable(),
        areaName: z.string().nullable(),
      }),
    ),
    truncated: z.boolean(),
  })
  .meta({ id: 'DivisionTreeDiff' });
export type DivisionTreeDiff = z.infer<typeof divisionTreeDiffSchema>;

/**
 * `POST /api/divisions/adopt`: take a division and everything under it (down to `maxLevel`) into the
 * area tree, through the same checks as a CSV import. The division itself, or its parent, must
 * already be in the tree and in the caller's scope. Answers a DivisionImportReport.
 */
export const divisionAdoptRequestSchema = z
  .object({
    edition: z.number().int().positive(),
    code: z.string().regex(/^\d{12}$/, '只能采用 12 位统计用区划代码'),
    maxLevel: divisionLevelSchema.default('community'),
    updateNames: z.boolean().default(false),
    dryRun: z.boolean().default(false),
  })
  .strict()
  .meta({ id: 'DivisionAdoptRequest' });
export type DivisionAdoptRequest = z.infer<typeof divisionAdoptRequestSchema>;
export type DivisionAdoptInput = z.input<typeof divisionAdoptRequestSchema>;
