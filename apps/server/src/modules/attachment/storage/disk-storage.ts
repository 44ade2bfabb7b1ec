import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertBlobKey, isBlobKey, type BlobPage, type BlobStorage, type StoredBlob } from './blob-storage.ts';

const SHARD = /^[0-9a-f]{2}$/;

async function names(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/**
 * Blobs as files under one folder (`<data dir>/attachments` by default), sharded two levels deep so
 * no folder holds more than a few thousand files. A put writes to `.tmp/` in the same folder tree
 * (same file system), flushes it to disk and renames it into place: a crash leaves a stray temporary
 * file, never half a photo under a real key.
 */
export class DiskStorage implements BlobStorage {
  readonly kind = 'disk' as const;

  constructor(private readonly root: string) {}

  private pathOf(key: string): string {
    assertBlobKey(key);
    const file = path.resolve(this.root, key);
    // The key's shape already rules this out; kept so a future change of the shape cannot open a hole.
    if (!file.startsWith(path.resolve(this.root) + path.sep)) throw new Error('blob key leaves the storage folder');
    return file;
  }

  async put(key: string, source: Readable, info: { size: number; contentType: string }): Promise<void> {
    const target = this.pathOf(key);
    const tmpDir = path.join(this.root, '.tmp');
    await mkdir(tmpDir, { recursive: true, mode: 0o700 });
    await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    const tmp = path.join(tmpDir, `${randomBytes(12).toString('hex')}.part`);
    try {
      await pipeline(source, createWriteStream(tmp, { mode: 0o600 }));
      const written = (await stat(tmp)).size;
      if (written !== info.size) throw new Error(`blob ${key}: wrote ${written} bytes, expected ${info.size}`);
      const handle = await open(tmp, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  async get(key: string): Promise<StoredBlob | null> {
    const file = this.pathOf(key);
    try {
      const handle = await open(file, 'r');
      const { size } = await handle.stat();
      return { stream: handle.createReadStream(), size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async list(after: string | null, limit: number): Promise<BlobPage> {
    const items: BlobPage['items'] = [];
    for (const a of (await names(this.root)).filter((n) => SHARD.test(n))) {
      if (after && a < after.slice(0, 2)) continue;
      for (const b of (await names(path.join(this.root, a))).filter((n) => SHARD.test(n))) {
        const prefix = `${a}/${b}/`;
        if (after && prefix < after.slice(0, 6)) continue;
        const keys = (await names(path.join(this.root, a, b))).map((n) => prefix + n).filter((k) => isBlobKey(k) && (!after || k > after));
        for (const key of keys) {
          const info = await stat(path.join(this.root, key)).catch(() => null);
          if (info) items.push({ key, modifiedAt: info.mtime });
          if (items.length >= limit) return { items, next: key };
        }
      }
    }
    return { items, next: null };
  }
}
