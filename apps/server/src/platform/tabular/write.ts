import { once } from 'node:events';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { TableFormat } from './read.ts';
import { beijingMinute, watermarkText, type Watermark } from './watermark.ts';

/**
 * Table writers for exports, templates and error reports: rows go out as they come (CSV or a
 * streamed XLSX), never a whole workbook in memory. CSV is UTF-8 with a BOM, which is what makes
 * Excel on a Chinese Windows open it without mojibake.
 */

export type Cell = string | number | null | undefined;

export interface TableSink {
  /** Writes one row, waiting when the destination is full. */
  row(cells: readonly Cell[]): Promise<void>;
  /** Finishes the file (the XLSX directory is written here); the destination is ended. */
  close(): Promise<void>;
  /** Rows written so far, watermark and header not counted. */
  readonly count: number;
}

export interface TableWriterOptions {
  headers: readonly string[];
  /** Omitted for templates (nobody exported anything); required for exports and error reports. */
  watermark?: Watermark | undefined;
  /** XLSX sheet name. */
  sheetName?: string;
  /** XLSX document title. */
  title?: string;
}

export const CONTENT_TYPES: Record<TableFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/**
 * A cell Excel would run as a formula (=, +, -, @ first) is written with a leading apostrophe, so an
 * exported value cannot become a formula on the reader's machine (CSV injection). Numbers stay.
 */
export function csvSafe(text: string): string {
  return /^[=+\-@\t\r]/.test(text) && !/^[+-]?\d+(\.\d+)?$/.test(text) ? `'${text}` : text;
}

function csvField(cell: Cell): string {
  if (cell === null || cell === undefined) return '';
  const text = csvSafe(String(cell));
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly Cell[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}

async function put(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

export function csvWriter(out: Writable, options: TableWriterOptions): TableSink {
  let count = 0;
  let started = false;
  async function start() {
    started = true;
    await put(out, '\uFEFF');
    if (options.watermark) await put(out, csvLine([watermarkText(options.watermark)]));
    await put(out, csvLine(options.headers));
  }
  return {
    get count() {
      return count;
    },
    async row(cells) {
      if (!started) await start();
      count += 1;
      await put(out, csvLine(cells));
    },
    async close() {
      if (!started) await start();
      out.end();
      await once(out, 'finish');
    },
  };
}

interface StreamSheet {
  addRow(values: unknown[]): { commit(): void; font?: unknown };
  commit(): void;
}

export function xlsxWriter(out: Writable, options: TableWriterOptions): TableSink {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  const mark = options.watermark ? watermarkText(options.watermark) : null;
  // Document properties: whoever opens File → Info sees who exported it and when.
  const props = wb as unknown as Record<string, unknown>;
  if (options.watermark) {
    props.creator = options.watermark.exporter;
    props.lastModifiedBy = options.watermark.exporter;
    props.created = options.watermark.at;
    props.modified = options.watermark.at;
    props.description = mark;
    props.keywords = '仅限工作使用，不得外传';
  }
  if (options.title) props.title = options.title;
  const sheet = wb.addWorksheet(options.sheetName ?? 'Sheet1', {
    ...(mark ? { headerFooter: { oddHeader: `&C${mark.replace(/&/g, '&&')}`, oddFooter: '&C第 &P 页，共 &N 页' } } : {}),
  }) as unknown as StreamSheet;
  let count = 0;
  let started = false;
  function start() {
    started = true;
    if (mark) sheet.addRow([mark]).commit();
    sheet.addRow([...options.headers]).commit();
  }
  return {
    get count() {
      return count;
    },
    async row(cells) {
      if (!started) start();
      count += 1;
      sheet.addRow(cells.map((c) => (c === undefined ? null : c))).commit();
      // Let the zip stream drain now and then: a committed row is already on its way out.
      if (count % 1000 === 0) await yieldToLoop();
    },
    async close() {
      if (!started) start();
      sheet.commit();
      await wb.commit();
    },
  };
}

export function tableWriter(format: TableFormat, out: Writable, options: TableWriterOptions): TableSink {
  return format === 'xlsx' ? xlsxWriter(out, options) : csvWriter(out, options);
}

/** Writes every row of an iterator; returns how many were written. */
export async function writeTable(format: TableFormat, out: Writable, options: TableWriterOptions, rows: AsyncIterable<readonly Cell[]> | Iterable<readonly Cell[]>): Promise<number> {
  const sink = tableWriter(format, out, options);
  try {
    for await (const cells of rows) await sink.row(cells);
  } finally {
    await sink.close();
  }
  return sink.count;
}

export const ERROR_REPORT_HEADERS = ['行号', '列', '原因'] as const;

/**
 * The error report of an import: one line per problem — the row number a user sees in Excel, the
 * column title, the reason — followed by that row's original cells, so the report can be fixed in
 * place and imported again. CSV (UTF-8 with BOM), with the watermark: it holds the rows' data.
 */
export function errorReportWriter(out: Writable, options: { fileHeaders: readonly string[]; watermark: Watermark }): {
  add(rowNumber: number, column: string, reason: string, cells: readonly string[]): Promise<void>;
  close(): Promise<void>;
  readonly count: number;
} {
  const sink = csvWriter(out, { headers: [...ERROR_REPORT_HEADERS, ...options.fileHeaders], watermark: options.watermark });
  return {
    get count() {
      return sink.count;
    },
    add: (rowNumber, column, reason, cells) => sink.row([rowNumber, column, reason, ...cells]),
    close: () => sink.close(),
  };
}

/** A file name safe in a Content-Disposition header: ASCII fallback plus the UTF-8 name (RFC 6266). */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** '人口-20261120-1000' : a kind's label and the Beijing minute, for export file names. */
export function exportFileName(label: string, at: Date, format: TableFormat): string {
  return `${label}-${beijingMinute(at).replace(/[-: ]/g, '').replace(/^(\d{8})(\d{4})$/, '$1-$2')}.${format}`;
}
