import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { AppError } from '../../platform/errors.ts';

/**
 * Where import files live: `<files dir>/imports/`, each named by random bytes (never by the user's
 * file name, which is kept in the job row only). Uploads stream to disk with their SHA-256 and a size
 * limit; nothing of a file is held in memory.
 */

export async function importsDir(filesDir: string): Promise<string> {
  const dir = path.join(filesDir, 'imports');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}

export function newFileName(suffix: string): string {
  return `${randomBytes(12).toString('hex')}${suffix}`;
}

export interface StoredUpload {
  path: string;
  size: number;
  sha256: string;
}

/** Streams a request body to a new file; over `maxBytes` the file is removed and the answer is 413. */
export async function storeUpload(filesDir: string, body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<StoredUpload> {
  const file = path.join(await importsDir(filesDir), newFileName('.upload'));
  const out = createWriteStream(file, { mode: 0o600 });
  const hash = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of body) {
      size += chunk.length;
      if (size > maxBytes) {
        throw new AppError('payload_too_large', `文件超过 ${Math.floor(maxBytes / 1024 / 1024)} MiB：请拆成几个文件分别导入`, { limitBytes: maxBytes });
      }
      hash.update(chunk);
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
  } catch (err) {
    out.destroy();
    await rm(file, { force: true });
    throw err;
  }
  if (size === 0) {
    await rm(file, { force: true });
    throw new AppError('validation_failed', '文件是空的');
  }
  return { path: file, size, sha256: hash.digest('hex') };
}

export async function removeFile(file: string | null | undefined): Promise<void> {
  if (file) await rm(file, { force: true });
}
