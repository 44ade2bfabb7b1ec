import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import exifr from 'exifr';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTACHMENT_LIMITS } from '@redgrid/contracts';
import type { AppError } from '../../platform/errors.ts';
import { cleanFileName, inspectUpload } from './attachment-content.ts';
import { cameraJpeg, PHOTO_GPS, pngImage, tinyPdf } from './attachment-fixtures.test-helper.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'redgrid-att-content-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const from = (buf: Buffer, chunk = 64 * 1024) => Readable.from(Array.from({ length: Math.ceil(buf.length / chunk) }, (_, i) => buf.subarray(i * chunk, (i + 1) * chunk)));

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    return err as AppError;
  }
  throw new Error('expected a refusal');
}

async function staging(): Promise<string[]> {
  return readdir(path.join(dir, 'attachment-staging')).catch(() => []);
}

describe('inspectUpload', () => {
  it('takes a camera JPEG: upright size, a 320 px WebP thumbnail, and a public copy without GPS or any EXIF', async () => {
    const photo = await cameraJpeg();
    expect(await exifr.gps(photo)).toEqual(PHOTO_GPS);
    const got = await inspectUpload(dir, from(photo), 'photo');
    expect(got.mime).toBe('image/jpeg');
    expect([got.width, got.height]).toEqual([800, 1200]);
    expect(got.size).toBe(photo.length);

    const thumb = await sharp(got.thumb!.path).metadata();
    expect(thumb.format).toBe('webp');
    expect([thumb.width, thumb.height]).toEqual([213, 320]);

    const pub = await readFile(got.publicCopy!.path);
    const meta = await sharp(pub).metadata();
    expect(meta.format).toBe('jpeg');
    // Upright in its pixels, so no orientation tag is needed; nothing of the camera's metadata is left.
    expect([meta.width, meta.height]).toEqual([800, 1200]);
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect(await exifr.gps(pub)).toBeUndefined();
    expect(pub.includes(Buffer.from('RedgridCam'))).toBe(false);
  });

  it('takes six photos at once (two decode at a time, the rest wait their turn)', async () => {
    const photos = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => pngImage(100 + i, 50)));
    const got = await Promise.all(photos.map((p) => inspectUpload(dir, from(p), 'photo')));
    expect(got.map((g) => g.width)).toEqual([101, 102, 103, 104, 105, 106]);
    expect(got.every((g) => g.thumb && g.publicCopy)).toBe(true);
  });

  it('takes a PNG and a PDF (as a document), recognised by content', async () => {
    const png = await inspectUpload(dir, from(await pngImage()), 'photo');
    expect([png.mime, png.width, png.height]).toEqual(['image/png', 640, 480]);
    const pdf = await inspectUpload(dir, from(tinyPdf()), 'document');
    expect(pdf).toMatchObject({ mime: 'application/pdf', width: null, thumb: null, publicCopy: null });
  });

  it('refuses a text file named .jpg, a PDF as a photo, a truncated JPEG and an empty file, and leaves no staging file', async () => {
    const before = (await staging()).length;
    const text = await refusal(inspectUpload(dir, from(Buffer.from('这不是照片，是一段文字。\n'.repeat(50))), 'photo'));
    expect(text.code).toBe('unsupported_media_type');
    expect(text.message).toContain('按文件内容识别');
    expect(text.details).toMatchObject({ detected: null });

    const pdfAsPhoto = await refusal(inspectUpload(dir, from(tinyPdf()), 'photo'));
    expect(pdfAsPhoto.code).toBe('unsupported_media_type');
    expect(pdfAsPhoto.details).toMatchObject({ detected: 'application/pdf' });

    const photo = await cameraJpeg({ noise: true, width: 600, height: 400 });
    const cut = await refusal(inspectUpload(dir, from(photo.subarray(0, Math.floor(photo.length / 2))), 'photo'));
    expect(cut.code).toBe('unsupported_media_type');
    expect(cut.message).toContain('无法打开');

    const empty = await refusal(inspectUpload(dir, from(Buffer.alloc(0)), 'photo'));
    expect(empty.code).toBe('validation_failed');
    expect((await staging()).length).toBe(before);
  });

  it('refuses a photo over 10 MB with the limit, while it streams', async () => {
    const limit = ATTACHMENT_LIMITS.photo.maxBytes;
    const big = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(limit)]);
    const err = await refusal(inspectUpload(dir, from(big), 'photo'));
    expect(err.code).toBe('payload_too_large');
    expect(err.message).toBe('照片不能超过 10 MB');
    expect(err.details).toMatchObject({ limitBytes: limit });
    // A document of the same size is within its 20 MB.
    expect((await refusal(inspectUpload(dir, from(big), 'document'))).code).toBe('unsupported_media_type');
  });

  it('refuses an image claiming more pixels than the limit before decoding it', async () => {
    // A small PNG whose header claims 20,000 × 20,000 pixels (a decompression bomb's shape).
    const huge = await pngImage(10, 10);
    huge.writeUInt32BE(20_000, 16);
    huge.writeUInt32BE(20_000, 20);
    huge.writeUInt32BE(crc32(huge.subarray(12, 29)), 29);
    const err = await refusal(inspectUpload(dir, from(huge), 'photo'));
    expect(err.code).toBe('payload_too_large');
    expect(err.message).toContain('像素');
  });
});

describe('cleanFileName', () => {
  it.each([
    ['../../etc/passwd.jpg', 'image/jpeg', 'passwd.jpg'],
    ['C:\\Users\\张三\\现场照片.JPG', 'image/jpeg', '现场照片.JPG'.replace('.JPG', '.jpg')],
    ['..\\..\\boot.ini', 'application/pdf', 'boot.pdf'],
    ['截图.jpg', 'image/png', '截图.png'],
    ['报告\u202Egpj.exe', 'application/pdf', '报告gpj.pdf'],
    ['', 'image/webp', '附件.webp'],
    ['.hidden', 'image/jpeg', 'hidden.jpg'],
    ['a\u0000b\nc.jpeg', 'image/jpeg', 'abc.jpeg'],
  ])('%j (%s) → %j', (raw, mime, expected) => {
    expect(cleanFileName(raw, mime)).toBe(expected);
  });

  it('keeps at most 100 characters of the name', () => {
    expect(cleanFileName(`${'长'.repeat(300)}.jpg`, 'image/jpeg')).toBe(`${'长'.repeat(100)}.jpg`);
  });
});
