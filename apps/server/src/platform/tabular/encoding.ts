/**
 * Which text encoding a CSV file is in, decided from its first bytes: a byte-order mark, else strict
 * UTF-8 on a sample, else GB18030 (the superset of GBK that Excel on a Chinese Windows writes when it
 * saves "CSV"). Never from the file name or a declared charset: users rename and mislabel files.
 */

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

/** Bytes looked at before deciding; a GBK file shows itself in its first Chinese character. */
export const ENCODING_SAMPLE_BYTES = 64 * 1024;

export function detectEncoding(sample: Uint8Array): TextEncoding {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf-8';
  if (sample[0] === 0xff && sample[1] === 0xfe) return 'utf-16le';
  if (sample[0] === 0xfe && sample[1] === 0xff) return 'utf-16be';
  try {
    // stream: true, so a character cut at the sample's end is not taken for an error.
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}

/** True for the bytes that open an XLSX (any ZIP) file. */
export function isZip(sample: Uint8Array): boolean {
  return sample[0] === 0x50 && sample[1] === 0x4b && sample[2] === 0x03 && sample[3] === 0x04;
}
