import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { ATTACHMENT_LIMITS, PUBLIC_IMAGE_MAX_SIDE, THUMBNAIL_SIZE, type AttachmentPurpose } from '@redgrid/contracts';
import { fileTypeFromFile } from 'file-type';
import sharp from 'sharp';
import { AppError } from '../../platform/errors.ts';

/**
 * What a file really is, decided from its bytes: received to a staging file with its size capped and
 * its SHA-256 taken as it streams, its type recognised by magic bytes (file-type), and an image
 * decoded in full (sharp, on libvips' own threads, not the event loop) to make its thumbnail and
 * its public copy — a photo that does not decode is refused here, before anything is stored.
 */

/** Larger images are refused before decoding (a 1 MB PNG can claim 50,000 × 50,000 pixels). */
const MAX_INPUT_PIXELS = 100_000_000;
const IMAGE_MIMES = new Set(['image/jpeg', 'image/png', 'image/webp']);
const EXTENSIONS: Record<string, readonly string[]> = {
  'image/jpeg': ['jpg', 'jpeg'],
  'image/png': ['png'],
  'image/webp': ['webp'],
  'application/pdf': ['pdf'],
};
const TYPE_NAMES: Record<string, string> = { 'image/jpeg': 'JPEG', 'image/png': 'PNG', 'image/webp': 'WebP', 'application/pdf': 'PDF' };

export interface StagedFile {
  path: string;
  size: number;
  sha256: string;
}

export interface DerivedImage {
  path: string;
  size: number;
  width: number;
  height: number;
}

export interface InspectedFile extends StagedFile {
  mime: string;
  /** As shown, the camera's orientation applied; null for documents. */
  width: number | null;
  height: number | null;
  /** Images only. */
  thumb: DerivedImage | null;
  publicCopy: DerivedImage | null;
}

function megabytes(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MB`;
}

export function limitMessage(purpose: AttachmentPurpose): string {
  const limit = ATTACHMENT_LIMITS[purpose].maxBytes;
  return purpose === 'photo' ? `照片不能超过 ${megabytes(limit)}` : `文件不能超过 ${megabytes(limit)}`;
}

export function tooLarge(purpose: AttachmentPurpose): AppError {
  return new AppError('payload_too_large', limitMessage(purpose), { limitBytes: ATTACHMENT_LIMITS[purpose].maxBytes, purpose });
}

async function stagingDir(filesDir: string): Promise<string> {
  const dir = path.join(filesDir, 'attachment-staging');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Streams an upload to a staging file; past the purpose's limit the file is removed and the answer is 413. */
export async function stageFile(filesDir: string, source: AsyncIterable<Uint8Array>, purpose: AttachmentPurpose): Promise<StagedFile> {
  const maxBytes = ATTACHMENT_LIMITS[purpose].maxBytes;
  const file = path.join(await stagingDir(filesDir), `${randomBytes(12).toString('hex')}.upload`);
  const out = createWriteStream(file, { mode: 0o600 });
  const hash = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of source) {
      size += chunk.length;
      if (size > maxBytes) throw tooLarge(purpose);
      hash.update(chunk);
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
  } catch (err) {
    out.destroy();
    await rm(file, { force: true });
    // @fastify/multipart cuts a file at its own limit and fails the stream with this code.
    if ((err as { code?: unknown }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(purpose);
    throw err;
  }
  if (size === 0) {
    await rm(file, { force: true });
    throw new AppError('validation_failed', '文件是空的', { fields: { file: ['文件是空的'] } });
  }
  return { path: file, size, sha256: hash.digest('hex') };
}

function allowedNames(purpose: AttachmentPurpose): string {
  return ATTACHMENT_LIMITS[purpose].mimes.map((m) => TYPE_NAMES[m] ?? m).join('、');
}

/** The type from the bytes; anything the purpose does not take is a 415 that says what was found. */
export async function recogniseType(file: string, purpose: AttachmentPurpose): Promise<string> {
  const found = await fileTypeFromFile(file);
  const allowed: readonly string[] = ATTACHMENT_LIMITS[purpose].mimes;
  if (found && allowed.includes(found.mime)) return found.mime;
  const detected = found?.mime ?? null;
  const what = purpose === 'photo' ? `JPEG、PNG 或 WebP 图片` : `${allowedNames(purpose)} 文件`;
  if (detected === 'image/heic' || detected === 'image/heif' || detected === 'image/heic-sequence' || detected === 'image/heif-sequence') {
    throw new AppError('unsupported_media_type', '暂不支持 HEIC 格式的照片：请在手机相机设置中选“兼容性最佳”，或转为 JPEG 后再上传', { detected, allowed });
  }
  throw new AppError('unsupported_media_type', `文件内容不是 ${what}（按文件内容识别，与文件名无关）`, { detected, allowed });
}

const decodeOptions = { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'warning' } as const;

/**
 * Images being decoded at once. sharp runs on libuv's pool (4 threads by default), which file reads
 * and writes share: a burst of photo uploads must not take every thread, so the rest wait here.
 */
const IMAGE_SLOTS = 2;
let imagesInFlight = 0;
const waiting: (() => void)[] = [];

async function withImageSlot<T>(work: () => Promise<T>): Promise<T> {
  // A freed slot is handed straight to the next in line, so a newcomer cannot slip in between.
  if (imagesInFlight >= IMAGE_SLOTS) await new Promise<void>((resolve) => waiting.push(resolve));
  else imagesInFlight += 1;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else imagesInFlight -= 1;
  }
}

function undecodable(cause: unknown): AppError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  if (/pixel limit/i.test(reason)) return new AppError('payload_too_large', `图片像素过多（上限 ${MAX_INPUT_PIXELS / 1_000_000} 百万像素）`, { limitPixels: MAX_INPUT_PIXELS });
  return new AppError('unsupported_media_type', '图片已损坏或不完整，无法打开：请重新拍摄或选择原图', { detected: null });
}

/**
 * Decodes the whole image and writes its two derivatives beside the staged file: a WebP thumbnail
 * (long side THUMBNAIL_SIZE) and a public JPEG (long side at most PUBLIC_IMAGE_MAX_SIDE) that carries
 * no metadata at all — no EXIF, no GPS position, no camera serial — with the orientation applied to
 * the pixels, so it shows upright without the tag that was stripped.
 */
export async function deriveImages(file: string): Promise<{ width: number; height: number; thumb: DerivedImage; publicCopy: DerivedImage }> {
  return withImageSlot(() => derive(file));
}

async function derive(file: string): Promise<{ width: number; height: number; thumb: DerivedImage; publicCopy: DerivedImage }> {
  try {
    const meta = await sharp(file, decodeOptions).metadata();
    const width = meta.autoOrient.width;
    const height = meta.autoOrient.height;
    const thumbPath = `${file}.thumb.webp`;
    const publicPath = `${file}.public.jpg`;
    const [thumb, publicCopy] = await Promise.all([
      sharp(file, decodeOptions).autoOrient().resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 75 }).toFile(thumbPath),
      sharp(file, decodeOptions)
        .autoOrient()
        .resize(PUBLIC_IMAGE_MAX_SIDE, PUBLIC_IMAGE_MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#ffffff' })
        .jpeg({ quality: 85, mozjpeg: true })
        .toFile(publicPath),
    ]);
    return {
      width,
      height,
      thumb: { path: thumbPath, size: thumb.size, width: thumb.width, height: thumb.height },
      publicCopy: { path: publicPath, size: publicCopy.size, width: publicCopy.width, height: publicCopy.height },
    };
  } catch (err) {
    await removeStaged([`${file}.thumb.webp`, `${file}.public.jpg`]);
    throw undecodable(err);
  }
}

/** Stage, recognise and (images) derive: everything that can refuse a file happens here. */
export async function inspectUpload(filesDir: string, source: AsyncIterable<Uint8Array>, purpose: AttachmentPurpose): Promise<InspectedFile> {
  const staged = await stageFile(filesDir, source, purpose);
  try {
    const mime = await recogniseType(staged.path, purpose);
    if (!IMAGE_MIMES.has(mime)) return { ...staged, mime, width: null, height: null, thumb: null, publicCopy: null };
    const images = await deriveImages(staged.path);
    return { ...staged, mime, width: images.width, height: images.height, thumb: images.thumb, publicCopy: images.publicCopy };
  } catch (err) {
    await rm(staged.path, { force: true });
    throw err;
  }
}

export async function removeStaged(files: readonly (string | null | undefined)[]): Promise<void> {
  await Promise.all(files.filter((f): f is string => !!f).map((f) => rm(f, { force: true })));
}

/** A staged file's size as on disk (the storage checks what it wrote against it). */
export async function sizeOf(file: string): Promise<number> {
  return (await stat(file)).size;
}

/**
 * The device's file name made safe to keep and to send back: no folders ("../../etc/passwd.jpg" →
 * "passwd.jpg"), no control or direction-override characters, at most 120 characters, and an
 * extension that matches what the bytes are (a PNG named .jpg becomes .png). Never used as a path.
 */
export function cleanFileName(raw: string | null | undefined, mime: string): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  let name = base
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+/, '')
    .trim();
  const exts = EXTENSIONS[mime] ?? [];
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  let stem = dot > 0 ? name.slice(0, dot) : name;
  if (!stem) stem = '附件';
  stem = Array.from(stem).slice(0, 100).join('');
  const right = exts.includes(ext) ? ext : (exts[0] ?? ext);
  name = right ? `${stem}.${right}` : stem;
  return name;
}
