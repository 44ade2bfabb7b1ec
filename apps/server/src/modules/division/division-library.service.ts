import { createHash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { gunzipSync } from 'node:zlib';
import {
  DIVISION_LEVEL_NAMES,
  type Division,
  type DivisionAdoptRequest,
  type DivisionCompare,
  type DivisionEdition,
  type DivisionEditionImportQuery,
  type DivisionEditionImportReport,
  type DivisionImportReport,
  type DivisionLevelCounts,
  type DivisionList,
  type DivisionListQuery,
  type DivisionTreeDiff,
  type ImportIssue,
} from '@redgrid/contracts';
import type { RequestContext } from '../../platform/context.ts';
import { divisionEditionImporters } from '../../platform/cross-scope.repository.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { read, write, type Unit } from '../../platform/unit-of-work.ts';
import { IssueList } from '../../platform/import-report.ts';
import { divisionLibraryRepository, type DivisionLibraryRepository, type DivisionRow, type EditionRow } from './division-library.repository.ts';
import { ancestorCodes, CODE_SHAPES, levelLabel, levelName, prefixRange, subtreeRange, type CodeLength, type CodeShape } from './division-rules.ts';
import { scanDivisionFileAsync } from './division-scan.ts';
import { importDivisionsCsv } from './division-tree-import.service.ts';

/** An edition holds at most this many rows (the national 5-level file has 663,128). */
export const EDITION_ROWS_MAX = 2_000_000;
/** Uncompressed bytes accepted (a .gz upload is inflated up to this). */
export const EDITION_BYTES_MAX = 128 * 1024 * 1024;
const COLUMNS = ['code', 'name', 'level', 'parent_code'] as const;

/** Ends a transaction with a report instead of a commit: a rejected file, or a dry run. */
class Rollback extends Error {
  constructor(readonly report: DivisionEditionImportReport) {
    super('rollback');
  }
}

function shapeOf(codeLength: number): CodeShape {
  return codeLength === 6 ? CODE_SHAPES[6] : CODE_SHAPES[12];
}

function countsByLevel(byLevel: readonly number[]): DivisionLevelCounts {
  return {
    province: byLevel[0] ?? 0,
    city: byLevel[1] ?? 0,
    district: byLevel[2] ?? 0,
    street: byLevel[3] ?? 0,
    community: byLevel[4] ?? 0,
  };
}

function toEdition(row: EditionRow, importers: ReadonlyMap<number, string>): DivisionEdition {
  const counts = typeof row.counts_by_level === 'object' && row.counts_by_level !== null ? (row.counts_by_level as Partial<DivisionLevelCounts>) : {};
  return {
    id: row.id,
    name: row.name,
    source: row.source,
    codeLength: row.code_length === 6 ? 6 : 12,
    rowCount: row.row_count,
    countsByLevel: { province: counts.province ?? 0, city: counts.city ?? 0, district: counts.district ?? 0, street: counts.street ?? 0, community: counts.community ?? 0 },
    maxLevel: levelName(row.max_level),
    sha256: row.sha256,
    importedAt: row.imported_at.toISOString(),
    importedBy: row.imported_by === null ? null : { id: row.imported_by, displayName: importers.get(row.id) ?? '' },
  };
}

/** Editions as the API shows them, each with the name of whoever loaded it. */
async function presentEditions({ use }: Unit, rows: readonly EditionRow[]): Promise<DivisionEdition[]> {
  const importers = await use((db) => divisionEditionImporters(db, rows.map((r) => r.id)));
  return rows.map((r) => toEdition(r, importers));
}

/** The upload as CSV bytes: inflated when gzip, the UTF-8 byte-order mark dropped. */
function csvBytes(upload: Uint8Array): Buffer {
  let bytes = Buffer.from(upload.buffer, upload.byteOffset, upload.byteLength);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: EDITION_BYTES_MAX });
    } catch (err) {
      if (err instanceof RangeError) throw new AppError('payload_too_large', `解压后超过 ${EDITION_BYTES_MAX / 1024 / 1024} MiB`, { limitBytes: EDITION_BYTES_MAX });
      throw new AppError('validation_failed', '文件不是有效的 gzip 压缩文件');
    }
  }
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  return bytes;
}

interface FileHead {
  columns: string[];
  /** Byte offset of the first data row. */
  dataStart: number;
  codeLength: CodeLength;
}

function lineAt(bytes: Buffer, start: number): [string | null, number] {
  if (start >= bytes.length) return [null, start];
  let end = bytes.indexOf(0x0a, start);
  if (end < 0) end = bytes.length;
  return [bytes.subarray(start, end).toString('latin1'), end + 1];
}

/**
 * The file as UTF-8 for COPY. Anything else is taken as GB18030, the superset of the GBK that Excel on
 * a Chinese Windows writes, and converted here: PGlite's COPY cannot convert it (it panics), and one
 * path for both engines is worth the extra pass over the rare non-UTF-8 file. Null when it is neither.
 */
function utf8Bytes(bytes: Buffer): Buffer | null {
  if (isUtf8(bytes)) return bytes;
  try {
    return Buffer.from(new TextDecoder('gb18030', { fatal: true }).decode(bytes), 'utf8');
  } catch {
    return null;
  }
}

/**
 * What COPY needs to know before it reads the file: the header's column order, and from the first
 * data row whether the codes have 12 digits or 6. Problems here are whole-file errors.
 */
function readHead(bytes: Buffer, errors: IssueList): FileHead | null {
  const [rawHeader, next] = lineAt(bytes, 0);
  if (rawHeader === null || rawHeader.trim() === '') {
    errors.add({ row: 1, code: 'empty_file', message: '文件为空：第一行应为表头 code,name,level,parent_code' });
    return null;
  }
  const header = Buffer.from(rawHeader, 'latin1').toString('utf8');
  const columns = header.split(',').map((h) => h.trim().replace(/^"(.*)"$/, '$1').trim().toLowerCase());
  const missing = COLUMNS.filter((c) => !columns.includes(c));
  const extra = columns.filter((c) => !(COLUMNS as readonly string[]).includes(c));
  if (missing.length > 0 || extra.length > 0 || columns.length !== COLUMNS.length) {
    const what = [missing.length > 0 ? `缺少列 ${missing.join('、')}` : '', extra.length > 0 ? `多出列 ${extra.join('、')}` : ''].filter(Boolean).join('，');
    errors.add({ row: 1, code: 'bad_header', message: `表头应为 code,name,level,parent_code 四列（顺序不限）${what ? `：${what}` : '：有重复的列'}（实际为 ${header.trim()}）` });
    return null;
  }
  const [first] = lineAt(bytes, next);
  if (first === null || first.trim() === '') {
    errors.add({ row: 2, code: 'empty_file', message: '文件只有表头，没有数据行' });
    return null;
  }
  const code = (first.split(',')[columns.indexOf('code')] ?? '').trim().replace(/^"(.*)"$/, '$1');
  if (!/^\d{12}$|^\d{6}$/.test(code)) {
    errors.add({ row: 2, field: 'code', code: 'bad_code', message: `代码“${code}”无效：应为 12 位统计用区划代码或 6 位 GB/T 2260 代码` });
    return null;
  }
  return { columns, dataStart: next, codeLength: code.length === 6 ? 6 : 12 };
}

const COPY_FIELDS: Record<string, { field: string; code: ImportIssue['code']; label: string }> = {
  code: { field: 'code', code: 'bad_code', label: '代码' },
  level: { field: 'level', code: 'bad_level', label: '层级' },
  parent_code: { field: 'parent_code', code: 'bad_code', label: '上级代码' },
  name: { field: 'name', code: 'bad_name', label: '名称' },
};

/**
 * A COPY that stopped on a row it could not read at all (a letter in a number column, a row with
 * too many or too few fields, a broken quote, bytes that are not text): the row and the reason,
 * from PostgreSQL's own report (`where`: "COPY division_part_7, line 12, column level: "x"").
 * Null for anything else, which is not the file's fault.
 */
export function copyProblem(err: unknown): ImportIssue | null {
  if (typeof err !== 'object' || err === null || !('code' in err) || typeof err.code !== 'string') return null;
  const sqlState = err.code;
  const where = 'where' in err && typeof err.where === 'string' ? err.where : '';
  const message = err instanceof Error ? err.message : '';
  const line = /line (\d+)/.exec(where);
  if (!line) return null;
  const row = Number(line[1]);
  const column = /column (\w+)/.exec(where)?.[1] ?? '';
  const value = /column \w+: "(.*)"$/.exec(where)?.[1];
  const known = COPY_FIELDS[column];
  if ((sqlState === '22P02' || sqlState === '22003') && known) {
    const tail = column === 'level' ? '应为 1–5 的数字' : '应为数字';
    return { row, field: known.field, code: known.code, message: `第 ${row} 行${known.label}“${value ?? ''}”无效：${tail}` };
  }
  if (sqlState === '22P04') {
    const reason = message.includes('extra data')
      ? '列数多于表头（名称中有逗号时请用双引号括起）'
      : message.includes('missing data')
        ? '列数少于表头（空行也算一行）'
        : message.includes('unterminated')
          ? '引号没有闭合'
          : message;
    return { row, code: 'bad_row', message: `第 ${row} 行无法读取：${reason}` };
  }
  if (sqlState === '22021' || sqlState === '22P05' || sqlState === '22001') {
    return { row, code: 'bad_row', message: `第 ${row} 行含有无法识别的字符：文件须为 UTF-8 或 GBK 编码` };
  }
  return null;
}

type ReportFacts = Pick<DivisionEditionImportReport, 'dryRun' | 'total' | 'phases' | 'message'> &
  Partial<Pick<DivisionEditionImportReport, 'applied' | 'unchanged' | 'replaced' | 'edition'>>;

/** An import's report: what is not stated is "nothing happened"; errors, when given, make it a refusal. */
function editionReport(started: number, facts: ReportFacts, errors?: IssueList): DivisionEditionImportReport {
  return {
    kind: 'division_edition',
    applied: false,
    unchanged: false,
    replaced: false,
    edition: null,
    ...facts,
    errorCount: errors?.count ?? 0,
    warningCount: 0,
    errors: errors?.list() ?? [],
    warnings: [],
    durationMs: Math.round(performance.now() - started),
  };
}

/**
 * Loads a division file as an edition of the library. The bytes go to the database with COPY into a
 * table of their own while this process checks the same bytes in one pass (division-scan.ts); the
 * table gets its unique index and is attached as the edition only when no row has an error — in the
 * same transaction that removes an edition of the same name when `replace` is set. A rejected file
 * answers with every row a check refused (up to IMPORT_ISSUE_LIST_LIMIT, counted in full) and
 * nothing changes. Loading the same bytes under the same name again changes nothing either.
 */
export async function importEdition(ctx: RequestContext, upload: Uint8Array, query: DivisionEditionImportQuery): Promise<DivisionEditionImportReport> {
  const started = performance.now();
  const phases = { copyMs: 0, indexMs: 0, checkMs: 0 };
  const errors = new IssueList();
  const bytes = utf8Bytes(csvBytes(upload));
  if (!bytes) {
    errors.add({ row: 1, code: 'bad_header', message: '无法识别文件编码：请保存为 UTF-8（或 GBK）编码的 CSV' });
    return editionReport(started, { dryRun: query.dryRun, total: 0, phases, message: '文件编码无法识别，未导入' }, errors);
  }
  const head = readHead(bytes, errors);
  if (!head) return editionReport(started, { dryRun: query.dryRun, total: 0, phases, message: '文件格式不对，未导入' }, errors);
  const shape = shapeOf(head.codeLength);
  const sha256 = createHash('sha256').update(bytes).digest('hex');

  try {
    return await write(ctx, 'division.manage', async (unit) => {
      const repo = unit.use(divisionLibraryRepository);
      await repo.lockEditions();
      const existing = await repo.findEdition({ name: query.name });
      if (existing && existing.sha256 === sha256) {
        const message = `版本“${query.name}”已是这个文件，无需导入`;
        const [edition] = await presentEditions(unit, [existing]);
        return editionReport(started, { dryRun: query.dryRun, unchanged: true, total: existing.row_count, edition: edition ?? null, phases, message });
      }
      if (existing && !query.replace) {
        throw new AppError('conflict', `已有名为“${query.name}”的版本：如要用新文件替换，请选择“替换同名版本”`, { edition: existing.id });
      }
      if (existing) await repo.dropEdition(existing.id);

      const id = await repo.insertEdition({ name: query.name, source: query.source, codeLength: head.codeLength, sha256, importedBy: unit.actor.id });
      await repo.createStage(id);
      // COPY and the checks run side by side: PostgreSQL loads the bytes in its own process while
      // this one reads them (PGlite, one thread, does one after the other).
      const copyStarted = performance.now();
      const copy = repo.copyStage(id, head.columns, bytes);
      await Promise.race([copy.sent, copy.result]);
      const columns = { code: head.columns.indexOf('code'), name: head.columns.indexOf('name'), level: head.columns.indexOf('level'), parent_code: head.columns.indexOf('parent_code') };
      const scan = await scanDivisionFileAsync(bytes, head.dataStart, columns, shape);
      phases.checkMs = Math.round(scan.busyMs);
      const copied = await copy.result;
      phases.copyMs = Math.round(performance.now() - copyStarted);
      const rejected = (errors: IssueList, message: string) => new Rollback(editionReport(started, { dryRun: query.dryRun, total: scan.total, phases, message }, errors));
      if (scan.total > EDITION_ROWS_MAX) scan.errors.add({ row: EDITION_ROWS_MAX + 2, code: 'too_many_rows', message: `文件超过 ${EDITION_ROWS_MAX} 行` });
      if (scan.total === 0) scan.errors.add({ row: 2, code: 'empty_file', message: '文件只有表头，没有数据行' });
      if (scan.errors.count > 0) throw rejected(scan.errors, `有 ${scan.errors.count} 处错误，未导入`);
      if (copied.error !== null) {
        // The checks passed a row that COPY could not read: say where, in COPY's words.
        const problem = copyProblem(copied.error);
        if (!problem) throw copied.error;
        errors.add(problem);
        throw rejected(errors, `第 ${problem.row} 行无法读取，未导入`);
      }
      if (copied.rows !== scan.total) throw new Error(`COPY loaded ${copied.rows} rows where the checks read ${scan.total}`);

      const indexStarted = performance.now();
      await repo.indexStage(id);
      phases.indexMs = Math.round(performance.now() - indexStarted);
      const maxLevel = scan.byLevel.reduce((deepest, n, i) => (n > 0 ? i + 1 : deepest), 1);
      const counts = countsByLevel(scan.byLevel);
      await repo.finishEdition(id, { rowCount: scan.total, countsByLevel: counts, maxLevel });
      const found = await repo.findEdition({ id });
      if (!found) throw new Error('edition vanished');
      const [edition] = await presentEditions(unit, [found]);
      const summary = DIVISION_LEVEL_NAMES.slice(0, maxLevel)
        .map((l, i) => `${levelLabel(i + 1)} ${counts[l].toLocaleString('zh-CN')}`)
        .join('、');
      const finished = () =>
        editionReport(started, {
          applied: !query.dryRun,
          dryRun: query.dryRun,
          replaced: existing !== undefined,
          total: scan.total,
          edition: edition ?? null,
          phases,
          message: `${query.dryRun ? '校验通过（未写入）' : '导入完成'}：${scan.total.toLocaleString('zh-CN')} 条（${summary}）`,
        });
      if (query.dryRun) throw new Rollback(finished());

      await repo.attachStage(id);
      await unit.audit({
        action: 'import',
        entity: 'division_edition',
        entityId: id,
        before: existing ? { id: existing.id, name: existing.name, rows: existing.row_count, sha256: existing.sha256 } : null,
        after: { name: query.name, source: query.source, rows: scan.total, codeLength: head.codeLength, sha256 },
      });
      return finished();
    });
  } catch (err) {
    if (err instanceof Rollback) return err.report;
    throw err;
  }
}

export async function listEditions(ctx: RequestContext): Promise<{ items: DivisionEdition[] }> {
  return read(ctx, 'division.read', async (unit) => ({ items: await presentEditions(unit, await unit.use(divisionLibraryRepository).listEditions()) }));
}

async function editionOrThrow(repo: DivisionLibraryRepository, id: number): Promise<EditionRow> {
  const edition = await repo.findEdition({ id });
  if (!edition) throw notFound('区划代码版本');
  return edition;
}

export async function deleteEdition(ctx: RequestContext, id: number): Promise<void> {
  await write(ctx, 'division.manage', async (unit) => {
    const repo = unit.use(divisionLibraryRepository);
    await repo.lockEditions();
    const edition = await editionOrThrow(repo, id);
    await repo.dropEdition(id);
    await unit.audit({ action: 'delete', entity: 'division_edition', entityId: id, before: { name: edition.name, rows: edition.row_count, sha256: edition.sha256 } });
  });
}

function codeText(code: number, shape: CodeShape): string {
  return String(code).padStart(shape.length, '0');
}

function parseCode(code: string, shape: CodeShape, what = '区划代码'): number {
  if (code.length !== shape.length) throw new AppError('validation_failed', `${what}应为 ${shape.length} 位数字（此版本的代码为 ${shape.length} 位）`, { fields: { code: [`应为 ${shape.length} 位`] } });
  return Number(code);
}

export async function listDivisions(ctx: RequestContext, query: DivisionListQuery): Promise<DivisionList> {
  return read(ctx, 'division.read', ({ use }) => browse(use(divisionLibraryRepository), query));
}

async function browse(repo: DivisionLibraryRepository, query: DivisionListQuery): Promise<DivisionList> {
  const edition = await editionOrThrow(repo, query.edition);
  const shape = shapeOf(edition.code_length);
  const toDivision = (r: DivisionRow): Division => ({
    code: codeText(r.code, shape),
    name: r.name,
    level: levelName(r.level),
    parentCode: r.parent_code === null ? null : codeText(r.parent_code, shape),
    hasChildren: r.has_children,
  });

  if (query.q !== undefined) {
    const range = /^\d+$/.test(query.q) ? prefixRange(query.q, shape) : null;
    if (/^\d+$/.test(query.q) && !range) return { edition: edition.id, items: [], truncated: false };
    const rows = await repo.searchDivisions(edition.id, shape, range ? { range } : { name: query.q }, query.limit + 1);
    const hits = rows.slice(0, query.limit);
    const wanted = [...new Set(hits.flatMap((r) => ancestorCodes(r.code, r.level, shape)))];
    const found = new Map((await repo.divisionsByCodes(edition.id, wanted)).map((a) => [a.code, a]));
    const items = hits.map((r) => ({
      ...toDivision(r),
      ancestors: ancestorCodes(r.code, r.level, shape)
        .map((c) => found.get(c))
        .filter((a) => a !== undefined)
        .map((a) => ({ code: codeText(a.code, shape), name: a.name, level: levelName(a.level) })),
    }));
    return { edition: edition.id, items, truncated: rows.length > query.limit };
  }

  let parent: { code: number; range: [number, number] } | null = null;
  if (query.parent !== undefined) {
    const code = parseCode(query.parent, shape, '上级代码');
    const row = await repo.findDivision(edition.id, code);
    if (!row) throw notFound(`区划代码 ${query.parent} `);
    parent = { code, range: subtreeRange(code, row.level, shape) };
  }
  const rows = await repo.childrenOf(edition.id, shape, parent, query.limit + 1);
  return { edition: edition.id, items: rows.slice(0, query.limit).map(toDivision), truncated: rows.length > query.limit };
}

/** The code range a comparison covers: under one division, or the whole edition. */
async function rangeUnder(repo: DivisionLibraryRepository, editionId: number, shape: CodeShape, under: string | undefined): Promise<[number, number]> {
  if (under === undefined) return [0, 10 ** shape.length - 1];
  const code = parseCode(under, shape);
  const row = await repo.findDivision(editionId, code);
  if (!row) throw notFound(`区划代码 ${under} `);
  return subtreeRange(code, row.level, shape);
}

export async function compareEditions(ctx: RequestContext, query: { from: number; to: number; under?: string | undefined; limit: number }): Promise<DivisionCompare> {
  return read(ctx, 'division.read', ({ use }) => compare(use(divisionLibraryRepository), query));
}

async function compare(repo: DivisionLibraryRepository, query: { from: number; to: number; under?: string | undefined; limit: number }): Promise<DivisionCompare> {
  const from = await editionOrThrow(repo, query.from);
  const to = await editionOrThrow(repo, query.to);
  if (from.code_length !== to.code_length) {
    throw new AppError('validation_failed', `两个版本的代码位数不同（${from.code_length} 位与 ${to.code_length} 位），无法比对`);
  }
  const shape = shapeOf(from.code_length);
  const maxLevel = Math.min(from.max_level, to.max_level);
  // A division that the newer edition no longer holds is still a fair place to look.
  const range = await rangeUnder(repo, to.id, shape, query.under).catch((err: unknown) => {
    if (err instanceof AppError && err.code === 'not_found') return rangeUnder(repo, from.id, shape, query.under);
    throw err;
  });
  const { counts, changes } = await repo.compareEditions(from.id, to.id, range, maxLevel, query.limit);
  const changed = (counts.added ?? 0) + (counts.removed ?? 0) + (counts.renamed ?? 0);
  return {
    from: from.id,
    to: to.id,
    under: query.under ?? null,
    maxLevel: levelName(maxLevel),
    counts: { added: counts.added ?? 0, removed: counts.removed ?? 0, renamed: counts.renamed ?? 0, unchanged: counts.unchanged ?? 0 },
    changes: changes.map((c) => ({ kind: c.kind, code: codeText(c.code, shape), level: levelName(c.level), name: c.name, previousName: c.previous_name })),
    truncated: changed > changes.length,
  };
}

const DIVISION_TREE_LEVELS: ReadonlySet<string> = new Set(DIVISION_LEVEL_NAMES);

/** The area, if the caller may see it and it carries a 12-digit division code. */
async function divisionArea(repo: DivisionLibraryRepository, areaId: number): Promise<{ id: number; code: string; name: string; level: string; path: string }> {
  const area = await repo.area(areaId);
  if (!area) throw notFound('区域');
  if (!DIVISION_TREE_LEVELS.has(area.level) && area.level !== 'country') {
    throw new AppError('validation_failed', `${area.name}是网格或更细的区域，没有统计用区划代码可比对`);
  }
  return area;
}

export async function treeDiff(ctx: RequestContext, query: { edition: number; area: number; limit: number }): Promise<DivisionTreeDiff> {
  return read(ctx, 'division.read', ({ use }) => diffTree(use(divisionLibraryRepository), query));
}

async function diffTree(repo: DivisionLibraryRepository, query: { edition: number; area: number; limit: number }): Promise<DivisionTreeDiff> {
  const area = await divisionArea(repo, query.area);
  const edition = await editionOrThrow(repo, query.edition);
  if (edition.code_length !== 12) throw new AppError('validation_failed', '区域树使用 12 位统计用区划代码，请选择 12 位代码的版本');
  const shape = CODE_SHAPES[12];
  const level = DIVISION_LEVEL_NAMES.indexOf(area.level as (typeof DIVISION_LEVEL_NAMES)[number]) + 1;
  const range: [number, number] = level === 0 ? [0, 10 ** 12 - 1] : subtreeRange(Number(area.code), level, shape);
  const { counts, items } = await repo.treeDiff(edition.id, { path: area.path, range }, query.limit);
  const differing = (counts.missing_in_tree ?? 0) + (counts.not_in_edition ?? 0) + (counts.name_differs ?? 0);
  return {
    edition: edition.id,
    area: { id: area.id, code: area.code, name: area.name },
    counts: { matched: counts.matched ?? 0, missingInTree: counts.missing_in_tree ?? 0, notInEdition: counts.not_in_edition ?? 0, nameDiffers: counts.name_differs ?? 0 },
    items: items.map((i) => ({ kind: i.kind, code: codeText(i.code, shape), level: levelName(i.level), name: i.name, areaId: i.area_id, areaName: i.area_name })),
    truncated: differing > items.length,
  };
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * Takes a division and its subtree into the area tree. The rows go through the area tree's CSV
 * import unchanged — its scope checks, its rules for existing codes and names, its report, its one
 * transaction and audit row — so adopting is exactly importing that part of the edition's file.
 */
export async function adoptDivisions(ctx: RequestContext, request: DivisionAdoptRequest): Promise<DivisionImportReport> {
  const csv = await read(ctx, 'area.manage', ({ use }) => adoptionCsv(use(divisionLibraryRepository), request));
  return importDivisionsCsv(ctx, csv, { dryRun: request.dryRun, updateNames: request.updateNames });
}

/** The division and its subtree as the area tree's CSV import reads it. */
async function adoptionCsv(repo: DivisionLibraryRepository, request: DivisionAdoptRequest): Promise<string> {
  const edition = await editionOrThrow(repo, request.edition);
  if (edition.code_length !== 12) throw new AppError('validation_failed', '只能从 12 位统计用区划代码的版本采用区域');
  const shape = CODE_SHAPES[12];
  const code = Number(request.code);
  const root = await repo.findDivision(edition.id, code);
  if (!root) throw notFound(`区划代码 ${request.code} `);
  const maxLevel = DIVISION_LEVEL_NAMES.indexOf(request.maxLevel) + 1;
  if (maxLevel < root.level) throw new AppError('validation_failed', `${request.code} 是${levelLabel(root.level)}级，采用的最深层级不能在它之上`);
  const rows = await repo.subtree(edition.id, subtreeRange(code, root.level, shape), maxLevel);
  const lines = ['code,name,level,parent_code'];
  for (const r of rows) lines.push(`${codeText(r.code, shape)},${csvField(r.name)},${r.level},${r.parent_code === null ? '' : codeText(r.parent_code, shape)}`);
  return lines.join('\n') + '\n';
}
