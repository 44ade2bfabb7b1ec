import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiskStorage, newBlobBase, S3Storage, type BlobStorage } from './index.ts';

/**
 * One suite, two stores: a folder on disk and an S3-compatible bucket (s3rver, started in this
 * process on 127.0.0.1). Whatever the attachment module relies on must hold for both.
 */

const key = (suffix = '.orig') => `${newBlobBase(randomBytes(16))}${suffix}`;
const bytes = (s: string) => Readable.from([Buffer.from(s, 'utf8')]);

let diskRoot: string;
let s3Dir: string;
let s3: S3rver;
let s3Storage: S3Storage;
const stores: Record<string, () => BlobStorage> = {};

beforeAll(async () => {
  diskRoot = await mkdtemp(path.join(tmpdir(), 'redgrid-disk-'));
  s3Dir = await mkdtemp(path.join(tmpdir(), 'redgrid-s3rver-'));
  s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3Dir, configureBuckets: [{ name: 'redgrid-attachments', configs: [] }] });
  const { port } = await s3.run();
  s3Storage = new S3Storage({ kind: 's3', endpoint: `http://127.0.0.1:${port}`, bucket: 'redgrid-attachments', region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', forcePathStyle: true });
  stores.disk = () => new DiskStorage(diskRoot);
  stores.s3 = () => s3Storage;
}, 60_000);

afterAll(async () => {
  s3Storage?.close();
  await s3?.close();
  await rm(diskRoot, { recursive: true, force: true });
  await rm(s3Dir, { recursive: true, force: true });
});

describe.each(['disk', 's3'])('%s storage', (name) => {
  const store = () => stores[name]!();

  it('gives back what was put, Chinese text and binary alike, with its size', async () => {
    const k = key();
    const body = '红网格：现场照片说明 ✓';
    await store().put(k, bytes(body), { size: Buffer.byteLength(body), contentType: 'text/plain' });
    expect(await store().exists(k)).toBe(true);
    const got = await store().get(k);
    expect(got?.size).toBe(Buffer.byteLength(body));
    expect(await text(got!.stream)).toBe(body);

    const bin = randomBytes(300_000);
    const k2 = key('.thumb.webp');
    await store().put(k2, Readable.from([bin.subarray(0, 100_000), bin.subarray(100_000)]), { size: bin.length, contentType: 'image/webp' });
    const back = await store().get(k2);
    const chunks: Buffer[] = [];
    for await (const c of back!.stream) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(bin)).toBe(true);
  });

  it('answers null and false for a blob that is not there, and deletes quietly', async () => {
    const k = key();
    expect(await store().get(k)).toBeNull();
    expect(await store().exists(k)).toBe(false);
    await store().delete(k);
    await store().put(k, bytes('x'), { size: 1, contentType: 'text/plain' });
    await store().delete(k);
    expect(await store().exists(k)).toBe(false);
    expect(await store().get(k)).toBeNull();
  });

  it('lists its blobs in key order, page by page, with when each was written', async () => {
    const listAll = async (limit: number) => {
      const keys: string[] = [];
      let after: string | null = null;
      for (let i = 0; i < 1000; i++) {
        const page = await store().list(after, limit);
        keys.push(...page.items.map((item) => item.key));
        expect(page.items.every((item) => item.modifiedAt instanceof Date && !Number.isNaN(item.modifiedAt.getTime()))).toBe(true);
        if (!page.next) break;
        after = page.next;
      }
      return keys;
    };
    const added = [key(), key(), key('.public.jpg'), key('.thumb.webp'), key()];
    for (const k of added) await store().put(k, bytes('x'), { size: 1, contentType: 'text/plain' });
    const all = await listAll(1000);
    expect(all).toEqual([...all].sort());
    expect(all).toEqual(expect.arrayContaining(added));
    expect(await listAll(2)).toEqual(all);
  });

  it('refuses keys that are not its own shape: no path can climb out', async () => {
    for (const bad of ['../../etc/passwd', 'ab/cd/../../../x.orig', '/etc/passwd', 'ab/cd/ABCDEF.orig', `ab/cd/${'0'.repeat(32)}`, `ab\\cd\\${'0'.repeat(32)}.orig`, '']) {
      await expect(store().get(bad)).rejects.toThrow(/not a blob key/);
      await expect(store().put(bad, bytes('x'), { size: 1, contentType: 'text/plain' })).rejects.toThrow(/not a blob key/);
      await expect(store().delete(bad)).rejects.toThrow(/not a blob key/);
    }
  });
});

describe('disk storage', () => {
  it('never leaves half a file under a real key: a put that fails leaves nothing behind', async () => {
    const disk = new DiskStorage(diskRoot);
    const k = key();
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(1000, 1));
        this.destroy(new Error('connection lost'));
      },
    });
    await expect(disk.put(k, failing, { size: 5000, contentType: 'image/jpeg' })).rejects.toThrow(/connection lost/);
    expect(await disk.exists(k)).toBe(false);
    expect(await readdir(path.join(diskRoot, '.tmp'))).toEqual([]);
    // A short stream (fewer bytes than announced) is refused the same way.
    await expect(disk.put(k, bytes('abc'), { size: 5000, contentType: 'image/jpeg' })).rejects.toThrow(/expected 5000/);
    expect(await disk.exists(k)).toBe(false);
  });
});
