import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectDelimiter, detectEncoding, isWatermarkLine, mapColumns, normaliseHeader, openTable, writeTable, ISSUE_FORMULA_WITHOUT_RESULT, ISSUE_NUMBER_LOST_DIGITS, errorReportWriter, csvSafe, type TableRow } from './index.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tabular-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

async function all(file: string) {
  const table = await openTable(file);
  const rows: TableRow[] = [];
  for await (const r of table.rows) rows.push(r);
  return { ...table, rows };
}

const gbk = (text: string) => {
  // Node has no GBK encoder; the test's few characters are spelled as bytes (姓名 张三).
  const map: Record<string, number[]> = { 姓: [0xd0, 0xd5], 名: [0xc3, 0xfb], 张: [0xd5, 0xc5], 三: [0xc8, 0xfd] };
  return Buffer.from([...text].flatMap((ch) => map[ch] ?? [...Buffer.from(ch, 'ascii')]));
};

describe('encoding detection', () => {
  it('reads BOMs, strict UTF-8, and falls back to GB18030', () => {
    expect(detectEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x41]))).toBe('utf-8');
    expect(detectEncoding(Buffer.from([0xff, 0xfe, 0x41, 0]))).toBe('utf-16le');
    expect(detectEncoding(Buffer.from('姓名,电话', 'utf8'))).toBe('utf-8');
    expect(detectEncoding(gbk('姓名'))).toBe('gb18030');
    // A character cut at the sample's end is still UTF-8.
    expect(detectEncoding(Buffer.from('姓名', 'utf8').subarray(0, 4))).toBe('utf-8');
  });
});

describe('reading CSV', () => {
  it('reads a GBK file with Excel row numbers, skipping empty rows', async () => {
    const file = path.join(dir, 'gbk.csv');
    await writeFile(file, Buffer.concat([gbk('姓名,code\r\n'), gbk('张三,1\r\n'), Buffer.from('\r\n'), gbk('三,2\r\n')]));
    const t = await all(file);
    expect(t.format).toBe('csv');
    expect(t.encoding).toBe('gb18030');
    expect(t.headers).toEqual(['姓名', 'code']);
    expect(t.rows.map((r) => [r.rowNumber, r.cells])).toEqual([[2, ['张三', '1']], [4, ['三', '2']]]);
  });

  it('reads UTF-16LE with BOM and quoted multi-line cells; skips our own watermark line', async () => {
    const file = path.join(dir, 'u16.csv');
    const text = '\uFEFF导出人：张三 导出时间：2026-11-20 10:00 仅限工作使用，不得外传\r\n姓名,备注\r\n李四,"第一行\n第二行"\r\n';
    await writeFile(file, Buffer.from(text, 'utf16le'));
    const t = await all(file);
    expect(t.encoding).toBe('utf-16le');
    expect(t.headers).toEqual(['姓名', '备注']);
    expect(t.headerRow).toBe(2);
    expect(t.rows[0]!.cells).toEqual(['李四', '第一行\n第二行']);
  });

  it('reads what Excel saves as "Unicode text": UTF-16LE, tab-separated', async () => {
    const file = path.join(dir, 'unicode.txt');
    await writeFile(file, Buffer.from('\uFEFF姓名\t身份证号\t备注\r\n张三\t320102199005171234\t"a,b"\r\n', 'utf16le'));
    const t = await all(file);
    expect(t.headers).toEqual(['姓名', '身份证号', '备注']);
    expect(t.rows[0]!.cells).toEqual(['张三', '320102199005171234', 'a,b']);
    expect(detectDelimiter('a;b;c\n1;2;3')).toBe(';');
    expect(detectDelimiter('"x,y",b\n')).toBe(',');
  });

  it('refuses a file that is not a table', async () => {
    const file = path.join(dir, 'empty.csv');
    await writeFile(file, '\r\n\r\n');
    await expect(openTable(file)).rejects.toThrow(/空/);
  });
});

describe('reading XLSX', () => {
  it('gives formulas their cached result, dates as Beijing dates, rich text as text, and flags long numbers and formulas without a result', async () => {
    const file = path.join(dir, 'cells.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('人员');
    ws.addRow(['姓名', '出生日期', '身份证号', '合计', '未算']);
    const row = ws.addRow([{ richText: [{ text: '王' }, { text: '五' }] }, new Date(Date.UTC(1990, 4, 17)), Number('320102199005171234'), { formula: 'A1+1', result: 42 }, { formula: 'B2*2' }]);
    row.getCell(2).numFmt = 'yyyy-mm-dd';
    ws.addRow(['赵六', '', '320102199005171234', 7]);
    await wb.xlsx.writeFile(file);
    const t = await all(file);
    expect(t.format).toBe('xlsx');
    expect(t.headers).toEqual(['姓名', '出生日期', '身份证号', '合计', '未算']);
    const [first, second] = t.rows;
    expect(first!.rowNumber).toBe(2);
    expect(first!.cells.slice(0, 2)).toEqual(['王五', '1990-05-17']);
    expect(first!.cells[3]).toBe('42');
    expect(first!.issues).toEqual([
      { column: 2, reason: ISSUE_NUMBER_LOST_DIGITS },
      { column: 4, reason: ISSUE_FORMULA_WITHOUT_RESULT },
    ]);
    expect(second!.cells).toEqual(['赵六', '', '320102199005171234', '7']);
    expect(second!.issues).toEqual([]);
  });
});

describe('column mapping', () => {
  const fields = [
    { key: 'name', label: '姓名', required: true },
    { key: 'idNumber', label: '身份证号', aliases: ['公民身份号码', '证件号码'], required: true },
    { key: 'phone', label: '联系电话', aliases: ['手机号'] },
  ];
  it('matches labels, keys and aliases loosely, reports missing required and unknown columns', () => {
    expect(normaliseHeader(' 姓 名* ')).toBe('姓名');
    expect(normaliseHeader('出生日期（YYYY-MM-DD）')).toBe('出生日期');
    const r = mapColumns(['公民身份号码', '手机号', '备注'], fields);
    expect(r.mapping).toEqual({ idNumber: 0, phone: 1 });
    expect(r.missing.map((f) => f.key)).toEqual(['name']);
    expect(r.unknown).toEqual([{ column: 2, header: '备注' }]);
  });
  it('lets the user override and unmap', () => {
    const r = mapColumns(['名字', '身份证号', '手机号'], fields, { name: 0, phone: null });
    expect(r.mapping).toEqual({ name: 0, idNumber: 1 });
    expect(r.missing).toEqual([]);
    expect(r.unknown).toEqual([{ column: 2, header: '手机号' }]);
  });
});

describe('writers', () => {
  const watermark = { exporter: '站北社区书记（zb_admin）', at: new Date('2026-11-20T02:00:00Z') };

  it('writes CSV with BOM and the watermark line, and neutralises formulas', async () => {
    const file = path.join(dir, 'out.csv');
    const n = await writeTable('csv', createWriteStream(file), { headers: ['姓名', '备注'], watermark }, [['张三', '=HYPERLINK("x")'], ['李四', '-12']]);
    expect(n).toBe(2);
    const text = await readFile(file, 'utf8');
    expect(text.startsWith('\uFEFF导出人：站北社区书记（zb_admin） 导出时间：2026-11-20 10:00')).toBe(true);
    expect(text).toContain('仅限工作使用，不得外传');
    expect(text).toContain(`张三,"'=HYPERLINK(""x"")"`);
    expect(text).toContain('李四,-12');
    expect(csvSafe('@SUM(1)')).toBe("'@SUM(1)");
    // Read back: the watermark is skipped, the header found.
    const t = await all(file);
    expect(t.headers).toEqual(['姓名', '备注']);
    expect(t.rows).toHaveLength(2);
  });

  it('writes a streamed XLSX with the watermark in the first row, the properties and the page header', async () => {
    const file = path.join(dir, 'out.xlsx');
    await writeTable('xlsx', createWriteStream(file), { headers: ['姓名', '身份证号'], watermark, title: '人口导出' }, [['张三', '320102199005171234']]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    expect(wb.creator).toBe('站北社区书记（zb_admin）');
    const ws = wb.worksheets[0]!;
    expect(isWatermarkLine([String(ws.getRow(1).getCell(1).value)])).toBe(true);
    expect(ws.headerFooter.oddHeader).toContain('导出人：站北社区书记');
    expect(ws.getRow(3).getCell(2).value).toBe('320102199005171234');
    const t = await all(file);
    expect(t.headers).toEqual(['姓名', '身份证号']);
    expect(t.rows[0]!.cells).toEqual(['张三', '320102199005171234']);
  });

  it('writes an error report: row number, column, reason, then the original cells', async () => {
    const file = path.join(dir, 'errors.csv');
    const report = errorReportWriter(createWriteStream(file), { fileHeaders: ['姓名', '身份证号'], watermark });
    await report.add(7, '身份证号', '校验位不对', ['张三', '320102199005171235']);
    await report.close();
    const lines = (await readFile(file, 'utf8')).split('\r\n');
    expect(lines[1]).toBe('行号,列,原因,姓名,身份证号');
    expect(lines[2]).toBe('7,身份证号,校验位不对,张三,320102199005171235');
  });
});
