import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';

/**
 * exceljs 4.4's streaming reader decodes each chunk of a sheet's XML on its own
 * (lib/utils/parse-sax.js: `textDecoder.decode(chunk)` without `stream: true`), so a Chinese
 * character whose bytes straddle two chunks of the unzipped entry reads as U+FFFD (seen: one cell in
 * a 91-row catalogue exported and imported again). The fix here cuts the entries' chunks at
 * character boundaries before exceljs sees them: the worksheets (also those buffered to a temp file
 * when they come before the shared strings), the shared strings and the hyperlinks. It patches the
 * reader's prototype, so it holds however and wherever exceljs was loaded first.
 */

/** Re-chunks bytes so that no chunk ends inside a UTF-8 sequence (the tail waits for the next chunk). */
export async function* wholeUtf8Chunks(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer | string> {
  let carry: Buffer | null = null;
  for await (const chunk of chunks) {
    if (typeof chunk === 'string') {
      yield chunk;
      continue;
    }
    const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    let end = buf.length;
    let lead = end - 1;
    // Step back over continuation bytes (10xxxxxx) to the lead byte of the last sequence.
    while (lead >= 0 && end - lead <= 4 && ((buf[lead] ?? 0) & 0xc0) === 0x80) lead -= 1;
    if (lead >= 0) {
      const b = buf[lead] ?? 0;
      const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
      if (lead + length > end) end = lead;
    }
    carry = end < buf.length ? Buffer.from(buf.subarray(end)) : null;
    if (end > 0) yield buf.subarray(0, end);
  }
  if (carry) yield carry;
}

interface ReaderInternals {
  _parseWorksheet(iterator: AsyncIterable<Buffer | string>, sheetNo: number): unknown;
  _parseHyperlinks(iterator: AsyncIterable<Buffer | string>, sheetNo: number): unknown;
  _parseSharedStrings(entry: NodeJS.ReadableStream): unknown;
  __utf8Whole?: boolean;
}

const proto = (ExcelJS.stream.xlsx.WorkbookReader as unknown as { prototype: ReaderInternals }).prototype;
if (!proto.__utf8Whole) {
  const worksheet = proto._parseWorksheet;
  const hyperlinks = proto._parseHyperlinks;
  const sharedStrings = proto._parseSharedStrings;
  proto._parseWorksheet = function (iterator, sheetNo) {
    return worksheet.call(this, wholeUtf8Chunks(iterator), sheetNo);
  };
  proto._parseHyperlinks = function (iterator, sheetNo) {
    return hyperlinks.call(this, wholeUtf8Chunks(iterator), sheetNo);
  };
  proto._parseSharedStrings = function (entry) {
    return sharedStrings.call(this, Readable.from(wholeUtf8Chunks(entry as unknown as AsyncIterable<Buffer>), { objectMode: false }));
  };
  proto.__utf8Whole = true;
}
