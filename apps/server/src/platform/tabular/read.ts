import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { AppError } from '../errors.ts';
import { detectEncoding, ENCODING_SAMPLE_BYTES, isZip, type TextEncoding } from './encoding.ts';
import { isWatermarkLine } from './watermark.ts';
// Reads XLSX text intact across chunk boundaries (an exceljs 4.4 bug): see xlsx-utf8.ts.
import './xlsx-utf8.ts';

/**
 * A table file (CSV or XLSX) read as a stream of rows after its header row, in bounded memory: a
 * million-row file is never held whole. The format is decided by the bytes ("PK\x03\x04" is XLSX),
 * the CSV encoding by `detectEncoding`. Cells come back as trimmed text; what a cell cannot say as
 * text without loss (a formula without a cached result, an ID number Excel stored as a number) is a
 * per-cell issue on the row, and the row's other cells still arrive.
 */

export type TableFormat = 'csv' | 'xlsx';

/** A problem with one cell, found while reading (before any field rule runs). */
export interface CellIssue {
  /** Column index, 0-based, in the file's own column order. */
  column: number;
  reason: string;
}

export interface TableRow {
  /** The row number a user sees in Excel (the header is usually row 1). */
  rowNumber: number;
  cells: string[];
  issues: CellIssue[];
}

export interface TableInfo {
  format: TableFormat;
  /** CSV only; null for XLSX. */
  encoding: TextEncoding | null;
  headers: string[];
  headerRow: number;
}

export interface OpenedTable extends TableInfo {
  /** The data rows after the header, empty rows skipped. Read once. */
  rows: AsyncGenerator<TableRow, void, undefined>;
  /** Stops reading early (the rest of the file is never read). */
  close(): Promise<void>;
}

/** One CSV record may not exceed this (a file that is not CSV at all would otherwise be one record). */
const MAX_RECORD_CHARS = 1024 * 1024;
/** Excel keeps 15 significant digits: an 18-digit ID number typed as a number has already lost its last ones. */
const LOST_PRECISION_DIGITS = 15;

export const ISSUE_FORMULA_WITHOUT_RESULT = '公式没有计算结果：请在 Excel 中打开并保存后再导入，或改填数值';
export const ISSUE_NUMBER_LOST_DIGITS = '这个数字超过 15 位，Excel 已把末尾几位变成 0（身份证号等请把该列设为“文本”格式后重新填写）';
export const ISSUE_CELL_ERROR = '单元格是错误值';

async function sampleOf(file: string): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(ENCODING_SAMPLE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export type Delimiter = ',' | '\t' | ';';

/**
 * The delimiter of a text table, from its first line with content: comma for CSV, tab for what
 * Excel saves as "Unicode text" (UTF-16, tab-separated), semicolon for European-locale CSV.
 */
export function detectDelimiter(text: string): Delimiter {
  const line = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  const outside = line.replace(/"[^"]*"/g, '');
  const count = (d: string) => outside.split(d).length - 1;
  const candidates: Delimiter[] = [',', '\t', ';'];
  return candidates.reduce((best, d) => (count(d) > count(best) ? d : best), ',' as Delimiter);
}

/** Sniffs a stored file: its format and, for CSV, its encoding and delimiter. */
export async function sniffTable(file: string): Promise<{ format: TableFormat; encoding: TextEncoding | null; delimiter: Delimiter }> {
  const sample = await sampleOf(file);
  if (isZip(sample)) return { format: 'xlsx', encoding: null, delimiter: ',' };
  const encoding = detectEncoding(sample);
  const text = new TextDecoder(encoding).decode(sample, { stream: true });
  return { format: 'csv', encoding, delimiter: detectDelimiter(text) };
}

async function* decoded(file: string, encoding: TextEncoding): AsyncGenerator<string> {
  // GB18030 decodes every byte sequence (unknown ones become U+FFFD); UTF-8 chosen on a sample must hold for the whole file.
  const decoder = new TextDecoder(encoding, { fatal: encoding === 'utf-8' });
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 })) {
      yield decoder.decode(chunk as Buffer, { stream: true });
    }
    const tail = decoder.decode();
    if (tail) yield tail;
  } catch (err) {
    if (err instanceof TypeError) throw new AppError('validation_failed', '文件前部是 UTF-8 编码，后面却有不是 UTF-8 的字节：请把整个文件另存为同一种编码（UTF-8 或 GBK）后再导入');
    throw err;
  }
}

async function* csvRows(file: string, encoding: TextEncoding, delimiter: Delimiter): AsyncGenerator<TableRow> {
  const parser = Readable.from(decoded(file, encoding)).pipe(
    parse({ delimiter, relax_column_count: true, relax_quotes: true, max_record_size: MAX_RECORD_CHARS, bom: true }),
  );
  let rowNumber = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      rowNumber += 1;
      yield { rowNumber, cells: record.map((c) => c.trim()), issues: [] };
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    const code = (err as { code?: string }).code ?? '';
    throw new AppError('validation_failed', `第 ${rowNumber + 1} 行附近不是有效的 CSV（${code || '格式错误'}）：请检查引号是否成对`, { row: rowNumber + 1 });
  } finally {
    parser.destroy();
  }
}

/** 'YYYY-MM-DD' of an instant in Beijing time (UTC+8, no daylight saving). */
export function beijingDate(date: Date): string {
  return new Date(date.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** Excel's serial day number (1900 system) to a date, as ExcelJS does for date-formatted cells. */
function excelSerialToDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - (date1904 ? -1462 : 25569)) * 86_400_000));
}

function numberText(value: number, issues: CellIssue[], column: number): string {
  if (Number.isFinite(value) && Math.abs(value) >= 10 ** (LOST_PRECISION_DIGITS - 1) && Number.isInteger(value)) {
    issues.push({ column, reason: ISSUE_NUMBER_LOST_DIGITS });
  }
  // No exponent for integers up to 21 digits, no float noise such as 0.30000000000000004.
  return Number.isInteger(value) ? BigInt(value).toString() : String(Number(value.toPrecision(15)));
}

interface CellLike {
  value: unknown;
  numFmt?: string | undefined;
}

const DATE_FORMAT = /[ymdhs]/i;
function isDateFormat(numFmt: string | undefined): boolean {
  if (!numFmt) return false;
  // Drop quoted text and [colour]/[locale] blocks before looking for date letters.
  const plain = numFmt.replace(/"[^"]*"/g, '').replace(/\[[^\]]*\]/g, '');
  return DATE_FORMAT.test(plain) && !/^general$/i.test(plain);
}

/** One XLSX cell as text, with any issue it raises. */
export function cellText(cell: CellLike, column: number, issues: CellIssue[], date1904 = false): string {
  const value = cell.value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') return numberText(value, issues, column);
  if (value instanceof Date) return beijingDate(value);
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('richText' in v && Array.isArray(v.richText)) return (v.richText as { text?: string }[]).map((r) => r.text ?? '').join('').trim();
    if ('formula' in v || 'sharedFormula' in v) {
      const result = v.result;
      if (result === undefined || result === null || result === '') {
        issues.push({ column, reason: ISSUE_FORMULA_WITHOUT_RESULT });
        return '';
      }
      if (typeof result === 'number' && isDateFormat(cell.numFmt)) return beijingDate(excelSerialToDate(result, date1904));
      if (typeof result === 'object' && result !== null && 'error' in result) {
        issues.push({ column, reason: `${ISSUE_CELL_ERROR} ${String((result as { error: unknown }).error)}` });
        return '';
      }
      return cellText({ value: result }, column, issues, date1904);
    }
    if ('error' in v) {
      issues.push({ column, reason: `${ISSUE_CELL_ERROR} ${String(v.error)}` });
      return '';
    }
    if ('text' in v) return cellText({ value: v.text }, column, issues, date1904);
  }
  return String(value).trim();
}

interface StreamRow {
  number: number;
  eachCell(options: { includeEmpty: boolean }, callback: (cell: CellLike, column: number) => void): void;
}

async function* xlsxRows(file: string): AsyncGenerator<TableRow> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(createReadStream(file), {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'emit',
  });
  let date1904 = false;
  // The workbook properties (1904 date system) arrive before the first sheet.
  (reader as unknown as NodeJS.EventEmitter).on('workbook', (workbook: { properties?: { date1904?: boolean } }) => {
    date1904 = Boolean(workbook?.properties?.date1904);
  });
  for await (const sheet of reader as unknown as AsyncIterable<AsyncIterable<StreamRow>>) {
    for await (const row of sheet) {
      const cells: string[] = [];
      const issues: CellIssue[] = [];
      row.eachCell({ includeEmpty: false }, (cell, column) => {
        const at = column - 1;
        while (cells.length < at) cells.push('');
        cells[at] = cellText(cell, at, issues, date1904);
      });
      yield { rowNumber: row.number, cells, issues };
    }
    // The first worksheet is the table; the rest of the workbook is not read.
    break;
  }
}

function isEmpty(row: TableRow): boolean {
  return row.issues.length === 0 && row.cells.every((c) => c === '');
}

/**
 * Opens a stored table: reads up to its header row (the first row with text that is not our export
 * watermark, so an exported file imports again as it is) and hands back the rest as a stream.
 */
export async function openTable(file: string): Promise<OpenedTable> {
  const { format, encoding, delimiter } = await sniffTable(file);
  const source = format === 'xlsx' ? xlsxRows(file) : csvRows(file, encoding!, delimiter);
  let header: TableRow | undefined;
  for (;;) {
    const next = await source.next();
    if (next.done) break;
    if (isEmpty(next.value) || isWatermarkLine(next.value.cells)) continue;
    header = next.value;
    break;
  }
  if (!header) {
    await source.return(undefined);
    throw new AppError('validation_failed', '文件是空的：没有找到表头行');
  }
  const headers = header.cells.map((h) => h.replace(/^\uFEFF/, '').trim());
  async function* rows(): AsyncGenerator<TableRow, void, undefined> {
    for await (const row of { [Symbol.asyncIterator]: () => source }) {
      if (!isEmpty(row)) yield row;
    }
  }
  return {
    format,
    encoding,
    headers,
    headerRow: header.rowNumber,
    rows: rows(),
    async close() {
      await source.return(undefined);
    },
  };
}
