import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { openTable } from './read.ts';

const dir = await mkdtemp(path.join(tmpdir(), 'xlsx-utf8-'));
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('XLSX read through the platform', () => {
  it.each([false, true])('gives back every Chinese cell as written (shared strings: %s)', async (sharedStrings) => {
    const file = path.join(dir, `t-${String(sharedStrings)}.xlsx`);
    const out = createWriteStream(file);
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: sharedStrings });
    const ws = wb.addWorksheet('s');
    const base = '公共区域可见的违规广告道路广场绿地等公共区域暴露垃圾平方米以上或垃圾桶满溢';
    const expected: string[] = [];
    ws.addRow(['名称', '填充']).commit();
    // Cells of every length shift the chunk boundaries across the characters' bytes.
    for (let i = 0; i < 3000; i += 1) {
      const v = `${base.slice(0, 1 + ((i * 7) % base.length))}${i}`;
      expected.push(v);
      ws.addRow([v, 'x'.repeat(i % 13)]).commit();
    }
    ws.commit();
    await wb.commit();
    await new Promise<void>((resolve) => out.on('close', () => resolve()));
    const table = await openTable(file);
    const got: string[] = [];
    for await (const row of table.rows) got.push(row.cells[0] ?? '');
    await table.close();
    expect(got).toEqual(expected);
  });
});

async function collect(chunks: (Buffer | string)[]): Promise<(Buffer | string)[]> {
  // Imported here, not at the top: the test above must see the patch arrive through read.ts alone.
  const { wholeUtf8Chunks } = await import('./xlsx-utf8.ts');
  const out: (Buffer | string)[] = [];
  for await (const c of wholeUtf8Chunks((async function* () { yield* chunks; })())) out.push(c);
  return out;
}

describe('wholeUtf8Chunks', () => {
  it('moves a character split between chunks into the next chunk, whatever its length', async () => {
    const text = '网格a€😀é';
    const bytes = Buffer.from(text);
    for (let cut = 1; cut < bytes.length; cut += 1) {
      const out = await collect([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(out.map((c) => (typeof c === 'string' ? c : new TextDecoder('utf-8', { fatal: true }).decode(c))).join('')).toBe(text);
    }
  });
});

