import { parse } from 'csv-parse/sync';
import { AREA_LEVEL_LABELS, type AreaLevel, type ImportIssue } from '@redgrid/contracts';
import { IssueList } from '../../platform/import-report.ts';

/**
 * The statistical division file (统计用区划代码): `code,name,level,parent_code`, 12-digit codes,
 * levels 1–5. This file holds the rules that need nothing but the file itself — format, duplicates,
 * codes that do not fit their parent, cycles — so they are tested as tables; the checks against the
 * database live in the import service.
 */

export const DIVISION_LEVELS = ['province', 'city', 'district', 'street', 'community'] as const satisfies readonly AreaLevel[];
export type DivisionLevel = (typeof DIVISION_LEVELS)[number];

/** Digits a level fills: province PP, city PPCC, district PPCCDD, street PPCCDDTTT, community PPCCDDTTTVVV. */
const SIGNIFICANT_DIGITS: Record<DivisionLevel, number> = { province: 2, city: 4, district: 6, street: 9, community: 12 };
/** Digits above a level's own segment: the prefix a row shares with its parent. */
const INHERITED_DIGITS: Record<DivisionLevel, number> = { province: 0, city: 2, district: 4, street: 6, community: 9 };
const CODE_FORMAT: Record<DivisionLevel, string> = {
  province: 'PP0000000000',
  city: 'PPCC00000000',
  district: 'PPCCDD000000',
  street: 'PPCCDDTTT000',
  community: 'PPCCDDTTTVVV',
};

const REQUIRED_COLUMNS = ['code', 'name', 'level', 'parent_code'] as const;
const REQUIRED: ReadonlySet<string> = new Set(REQUIRED_COLUMNS);
const CODE = /^\d{12}$/;
const NAME_MAX = 100;
// C0/C1 controls and the replacement character left behind by a wrong decoding.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const BAD_NAME_CHARS = /[\u0000-\u001f\u007f-\u009f\ufffd]/;

/** One data row of the file that passed every file-level check. */
export interface DivisionRow {
  /** Line in the file (header = 1). */
  row: number;
  code: string;
  name: string;
  level: DivisionLevel;
  /** Null for provinces. */
  parentCode: string | null;
}

export interface DivisionFile {
  /** Data rows read (blank lines and the header excluded). */
  total: number;
  /** Rows without a file-level error, in file order. */
  rows: DivisionRow[];
  /**
   * The first row of every well-formed code, errors or not: the tree the file describes, so that a
   * row under an erroneous parent is still placed (and not also reported as an orphan).
   */
  nodes: ReadonlyMap<string, DivisionRow>;
  /** Codes whose parent links run in a circle. */
  cycles: ReadonlySet<string>;
  errors: IssueList;
  warnings: IssueList;
}

export function levelLabel(level: AreaLevel): string {
  return AREA_LEVEL_LABELS[level]['zh-CN'];
}

/** Top-down rank of a level: an area's parent always ranks lower. */
const LEVEL_RANK: Record<AreaLevel, number> = { country: 0, province: 1, city: 2, district: 3, street: 4, community: 5, grid: 6, building: 7, unit: 8 };

export function levelRank(level: AreaLevel): number {
  return LEVEL_RANK[level];
}

/** Whether a 12-digit code has the shape of its level: its own segment set, everything below it zero. */
export function codeFitsLevel(code: string, level: DivisionLevel): boolean {
  const end = SIGNIFICANT_DIGITS[level];
  return /^0*$/.test(code.slice(end)) && !/^0+$/.test(code.slice(INHERITED_DIGITS[level], end));
}

/**
 * Whether a row's code fits under its parent's: it repeats the parent's code above its own segment
 * (a street PPCCDDTTT000 under PPCCDD000000). A level may be skipped where the statistical data skips
 * it — 东莞、中山、儋州 have townships straight under the city — because the skipped segment is 00.
 */
export function codeFitsParent(code: string, level: DivisionLevel, parentCode: string): boolean {
  const shared = INHERITED_DIGITS[level];
  return code.slice(0, shared) === parentCode.slice(0, shared);
}

/**
 * The records of a CSV text, one at a time with their line numbers. A file without any double quote
 * is exactly its lines split on commas (RFC 4180); that path scans the text in place, several times
 * faster than the general parser on the 31 MB national file and without holding 663,128 arrays at
 * once. Any quote sends the text through csv-parse.
 */
export function* csvRecords(text: string): Generator<{ line: number; fields: string[] }> {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (!body.includes('"')) {
    let line = 0;
    for (let at = 0; at < body.length; ) {
      let end = body.indexOf('\n', at);
      if (end < 0) end = body.length;
      line += 1;
      yield { line, fields: body.slice(at, body.charCodeAt(end - 1) === 13 ? end - 1 : end).split(',') };
      at = end + 1;
    }
    return;
  }
  let records: unknown;
  try {
    records = parse(body, { relax_column_count: true, skip_empty_lines: false, info: true });
  } catch (err) {
    throw csvSyntaxError(body, err);
  }
  if (!Array.isArray(records)) return;
  // A quoted field may span lines: a record starts on the line after the one the previous record ended on.
  let ended = 0;
  for (const entry of records as { record: unknown; info: { lines: number } }[]) {
    const { record, info } = entry;
    if (Array.isArray(record) && record.every((f) => typeof f === 'string')) yield { line: ended + 1, fields: record };
    ended = info.lines;
  }
}

/** The CSV text cannot be split into records; `line` is where the offending quote is (header = 1). */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

/** csv-parse's error, told in Chinese with the line of the quote at fault. Anything else is rethrown. */
function csvSyntaxError(body: string, err: unknown): unknown {
  if (typeof err !== 'object' || err === null || !('code' in err)) return err;
  const line = 'lines' in err && typeof err.lines === 'number' ? err.lines : 0;
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED': {
      const opened = unclosedQuoteLine(body);
      return new CsvSyntaxError(opened, `第 ${opened} 行的双引号没有闭合：字段以 " 开始就须以 " 结束（字段内的引号写作 ""）`);
    }
    case 'CSV_INVALID_CLOSING_QUOTE':
      return new CsvSyntaxError(line, `第 ${line} 行的引号用法有误：闭合的 " 之后须紧跟逗号或换行（字段内的引号写作 ""）`);
    case 'INVALID_OPENING_QUOTE':
      return new CsvSyntaxError(line, `第 ${line} 行的引号用法有误：未加引号的字段中出现了 "（请把整个字段用引号括起，字段内的引号写作 ""）`);
    default:
      return typeof err.code === 'string' && err.code.startsWith('CSV_') ? new CsvSyntaxError(line, `第 ${line} 行无法按 CSV 读取，请检查引号和逗号`) : err;
  }
}

/** The line of the quote that opens the last, never closed, quoted field (RFC 4180: "" inside is a quote). */
function unclosedQuoteLine(body: string): number {
  let line = 1;
  let openedAt = 1;
  let quoted = false;
  for (let i = 0; i < body.length; i += 1) {
    const c = body.charCodeAt(i);
    if (c === 10) line += 1;
    else if (c === 34) {
      if (quoted && body.charCodeAt(i + 1) === 34) i += 1;
      else {
        quoted = !quoted;
        if (quoted) openedAt = line;
      }
    }
  }
  return openedAt;
}

function isBlank(fields: readonly string[]): boolean {
  return fields.every((f) => f.trim() === '');
}

/** Parses and checks the file on its own. Rows listed in `rows` may still fail against the database. */
export function readDivisionFile(text: string, maxRows: number): DivisionFile {
  const errors = new IssueList();
  const warnings = new IssueList();
  const empty = (total: number): DivisionFile => ({ total, rows: [], nodes: new Map(), cycles: new Set(), errors, warnings });
  try {
    return readRecords(csvRecords(text), maxRows, errors, warnings, empty);
  } catch (err) {
    if (!(err instanceof CsvSyntaxError)) throw err;
    errors.add({ row: err.line, code: 'bad_csv', message: `${err.message}；没有读取任何行` });
    return empty(0);
  }
}

function readRecords(
  records: Generator<{ line: number; fields: string[] }>,
  maxRows: number,
  errors: IssueList,
  warnings: IssueList,
  empty: (total: number) => DivisionFile,
): DivisionFile {

  // Stepped by hand: leaving a for-of with break would close the generator before the data rows.
  let header: { line: number; fields: string[] } | undefined;
  for (let next = records.next(); !next.done; next = records.next()) {
    if (isBlank(next.value.fields)) continue;
    header = next.value;
    break;
  }
  if (!header) {
    errors.add({ row: 1, code: 'empty_file', message: '文件为空：第一行应为表头 code,name,level,parent_code' });
    return empty(0);
  }
  const names = header.fields.map((h) => h.trim().toLowerCase());
  const column = { code: names.indexOf('code'), name: names.indexOf('name'), level: names.indexOf('level'), parent_code: names.indexOf('parent_code') };
  const missing = REQUIRED_COLUMNS.filter((c) => column[c] < 0);
  if (missing.length > 0) {
    errors.add({ row: header.line, code: 'bad_header', message: `表头缺少列 ${missing.join('、')}；应为 code,name,level,parent_code（实际为 ${header.fields.join(',')}）` });
    return empty(0);
  }
  const extra = header.fields.filter((_, i) => !REQUIRED.has(names[i] ?? ''));
  if (extra.length > 0) warnings.add({ row: header.line, code: 'bad_header', message: `忽略多余的列：${extra.join('、')}` });

  const rows: DivisionRow[] = [];
  const nodes = new Map<string, DivisionRow>();
  const width = Math.max(...Object.values(column)) + 1;
  let total = 0;
  let row = header.line;
  let code = '';
  const fail = (issue: Omit<ImportIssue, 'row'>) => errors.add({ row, ...(CODE.test(code) ? { areaCode: code } : {}), ...issue });
  for (const record of records) {
    const { fields } = record;
    row = record.line;
    if (isBlank(fields)) continue;
    total += 1;
    if (total > maxRows) {
      errors.add({ row, code: 'too_many_rows', message: `文件超过 ${maxRows} 行，请分批导入` });
      return empty(total);
    }
    code = (fields[column.code] ?? '').trim();
    if (fields.length < width) {
      fail({ code: 'bad_row', message: `第 ${row} 行只有 ${fields.length} 列，应有 ${REQUIRED_COLUMNS.length} 列（code,name,level,parent_code）` });
      continue;
    }
    const name = (fields[column.name] ?? '').trim();
    const levelText = (fields[column.level] ?? '').trim();
    const parentText = (fields[column.parent_code] ?? '').trim();
    const codeOk = CODE.test(code);
    const errorsBefore = errors.count;

    const level = levelText.length === 1 && levelText >= '1' && levelText <= '5' ? DIVISION_LEVELS[Number(levelText) - 1] : undefined;
    if (!level) fail({ field: 'level', code: 'bad_level', message: `层级“${levelText}”无效：应为 1（省）、2（市）、3（区县）、4（乡镇街道）或 5（村社区）` });
    if (!codeOk) {
      fail({ field: 'code', code: 'bad_code', message: `代码“${code}”无效：应为 12 位数字` });
    } else if (level && !codeFitsLevel(code, level)) {
      fail({ field: 'code', code: 'bad_code', message: `代码 ${code} 不是${levelLabel(level)}级代码：应为 ${CODE_FORMAT[level]} 的形式` });
    }
    if (name === '') fail({ field: 'name', code: 'bad_name', message: '名称为空' });
    else if (name.length > NAME_MAX) fail({ field: 'name', code: 'bad_name', message: `名称超过 ${NAME_MAX} 个字` });
    else if (BAD_NAME_CHARS.test(name)) fail({ field: 'name', code: 'bad_name', message: '名称含控制字符或乱码（文件须为 UTF-8 或 GBK 编码）' });

    let parentCode: string | null = null;
    if (parentText === '') {
      if (level && level !== 'province') fail({ field: 'parent_code', code: 'parent_missing', message: `${levelLabel(level)}级区域必须填写上级代码 parent_code` });
    } else if (level === 'province') {
      fail({ field: 'parent_code', code: 'code_parent_mismatch', message: '省级区域没有上级：parent_code 应留空' });
    } else if (!CODE.test(parentText)) {
      fail({ field: 'parent_code', code: 'bad_code', message: `上级代码“${parentText}”无效：应为 12 位数字` });
    } else {
      parentCode = parentText;
    }

    if (!codeOk || !level) continue;
    const first = nodes.get(code);
    if (first) {
      fail({ field: 'code', code: 'duplicate_code', message: `代码 ${code} 重复：第 ${first.row} 行已有（${first.name}）` });
      continue;
    }
    const parsed: DivisionRow = { row, code, name, level, parentCode };
    nodes.set(code, parsed);
    if (errors.count === errorsBefore) rows.push(parsed);
  }
  if (total === 0) {
    errors.add({ row: row + 1, code: 'empty_file', message: '文件只有表头，没有数据行' });
    return empty(0);
  }

  const cycles = findCycles(nodes);
  const valid: DivisionRow[] = [];
  for (const r of rows) {
    const problem = r.parentCode === null ? null : cycles.has(r.code) ? cycleIssue(r, nodes) : parentIssue(r, r.parentCode, nodes.get(r.parentCode));
    if (problem) errors.add(problem);
    else valid.push(r);
  }
  return { total, rows: valid, nodes, cycles, errors, warnings };
}

function parentIssue(r: DivisionRow, parentCode: string, parent: DivisionRow | undefined): ImportIssue | null {
  if (!codeFitsParent(r.code, r.level, parentCode)) {
    const shared = INHERITED_DIGITS[r.level];
    return {
      row: r.row,
      areaCode: r.code,
      field: 'parent_code',
      code: 'code_parent_mismatch',
      message: `代码 ${r.code} 与上级 ${parentCode} 不符：${levelLabel(r.level)}级代码的前 ${shared} 位应与上级相同`,
    };
  }
  if (parent && levelRank(parent.level) >= levelRank(r.level)) {
    return {
      row: r.row,
      areaCode: r.code,
      field: 'level',
      code: 'bad_level',
      message: `上级 ${parentCode}（第 ${parent.row} 行）是${levelLabel(parent.level)}级，不能管辖${levelLabel(r.level)}级的 ${r.code}`,
    };
  }
  return null;
}

function cycleIssue(r: DivisionRow, nodes: ReadonlyMap<string, DivisionRow>): ImportIssue {
  const loop = [r.code];
  let next = r.parentCode === null ? undefined : nodes.get(r.parentCode);
  while (next && next.code !== r.code && loop.length < 6) {
    loop.push(next.code);
    next = next.parentCode === null ? undefined : nodes.get(next.parentCode);
  }
  const shown = loop.length < 6 ? [...loop, r.code] : [...loop, '…'];
  return { row: r.row, areaCode: r.code, field: 'parent_code', code: 'cycle', message: `上级关系成环：${shown.join(' → ')}` };
}

/**
 * Codes on a cycle of parent links (a row that is its own parent included). Levels rise strictly from
 * parent to child along any well-formed chain, so a cycle must contain a link that breaks that rule;
 * without one there is nothing to walk, which spares the national file a second pass over 663,128 rows.
 */
export function findCycles(nodes: ReadonlyMap<string, Pick<DivisionRow, 'parentCode' | 'level'>>): Set<string> {
  const onCycle = new Set<string>();
  let suspect = false;
  for (const node of nodes.values()) {
    const parent = node.parentCode === null ? undefined : nodes.get(node.parentCode);
    if (parent && levelRank(parent.level) >= levelRank(node.level)) {
      suspect = true;
      break;
    }
  }
  if (!suspect) return onCycle;

  // The walk that first reached each code; a walk that meets its own mark has gone round a cycle.
  const reachedBy = new Map<string, number>();
  let walk = 0;
  for (const start of nodes.keys()) {
    if (reachedBy.has(start)) continue;
    walk += 1;
    let current: string | null = start;
    let mark: number | undefined;
    while (current !== null && (mark = reachedBy.get(current)) === undefined) {
      const node = nodes.get(current);
      if (!node) break;
      reachedBy.set(current, walk);
      current = node.parentCode;
    }
    if (current === null || mark !== walk) continue;
    let member: string | null = current;
    do {
      onCycle.add(member);
      member = nodes.get(member)?.parentCode ?? null;
    } while (member !== null && member !== current);
  }
  return onCycle;
}
