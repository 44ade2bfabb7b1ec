/**
 * The watermark every exported file carries: who exported it and when, and that it stays at work.
 * It is the first line of a CSV and the first row of an XLSX (also its document properties and page
 * header), so a printout or a forwarded copy still names its source.
 */

export interface Watermark {
  /** The exporter's display name (and account), as the console shows it. */
  exporter: string;
  at: Date;
}

const PREFIX = '导出人：';

/** '2026-11-20 10:00' in Beijing time, whatever the server's zone. */
export function beijingMinute(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

export function watermarkText(w: Watermark): string {
  return `${PREFIX}${w.exporter} 导出时间：${beijingMinute(w.at)}（北京时间） 仅限工作使用，不得外传`;
}

/** A row that is our watermark (a re-imported export): one cell, starting as ours does. */
export function isWatermarkLine(cells: readonly string[]): boolean {
  const filled = cells.filter((c) => c !== '');
  return filled.length === 1 && filled[0]!.startsWith(PREFIX);
}
