/** Table files (CSV / XLSX) as streams: reading with encoding detection, column mapping, writers with a watermark. */
export { detectEncoding, isZip, type TextEncoding } from './encoding.ts';
export { beijingDate, cellText, detectDelimiter, openTable, sniffTable, type Delimiter, ISSUE_FORMULA_WITHOUT_RESULT, ISSUE_NUMBER_LOST_DIGITS, type CellIssue, type OpenedTable, type TableFormat, type TableInfo, type TableRow } from './read.ts';
export { mapColumns, normaliseHeader, pickFields, type ColumnMapping, type MappingResult, type TableField } from './columns.ts';
export { CONTENT_TYPES, contentDisposition, csvLine, csvSafe, csvWriter, ERROR_REPORT_HEADERS, errorReportWriter, exportFileName, tableWriter, writeTable, xlsxWriter, type Cell, type TableSink, type TableWriterOptions } from './write.ts';
export { beijingMinute, isWatermarkLine, watermarkText, type Watermark } from './watermark.ts';
