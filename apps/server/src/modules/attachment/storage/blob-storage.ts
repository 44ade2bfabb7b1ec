import type { Readable } from 'node:stream';

/**
 * Where the bytes of attachments live: a folder on this machine by default, an S3-compatible bucket
 * when configured. Keys are made by the attachment module from random bytes (`newBlobKey`), never from
 * anything a user typed, and every implementation refuses a key of any other shape, so no key can
 * climb out of its folder or bucket prefix.
 */
export interface BlobStorage {
  readonly kind: 'disk' | 's3';
  /** Stores the bytes under the key, whole or not at all (a reader never sees half a file). */
  put(key: string, source: Readable, info: { size: number; contentType: string }): Promise<void>;
  /** The bytes and their size, or null when there is no such blob. */
  get(key: string): Promise<StoredBlob | null>;
  exists(key: string): Promise<boolean>;
  /** Removes the blob; a missing one is not an error. */
  delete(key: string): Promise<void>;
  /**
   * A page of blobs in key order after `after` (null: from the start), at most `limit`, with when each
   * was written; `next` continues the walk (null: no more). Other objects in a shared bucket are skipped.
   */
  list(after: string | null, limit: number): Promise<BlobPage>;
}

export interface BlobPage {
  items: { key: string; modifiedAt: Date }[];
  next: string | null;
}

export interface StoredBlob {
  stream: Readable;
  size: number;
}

/** 'ab/cd/<32 hex>' plus a suffix ('.orig', '.thumb.webp', '.public.jpg'): two levels of 256 folders. */
const KEY = /^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{32}(\.[a-z]{2,8}){1,2}$/;

export function isBlobKey(key: string): boolean {
  return KEY.test(key);
}

export function assertBlobKey(key: string): void {
  if (!KEY.test(key)) throw new Error(`not a blob key: ${JSON.stringify(key.slice(0, 80))}`);
}

/** The base of a new blob's keys: `base + '.orig'` etc. 128 random bits, sharded by its first bytes. */
export function newBlobBase(random: Buffer): string {
  if (random.length !== 16) throw new Error('newBlobBase takes 16 random bytes');
  const hex = random.toString('hex');
  return `${hex.slice(0, 2)}/${hex.slice(2, 4)}/${hex}`;
}
