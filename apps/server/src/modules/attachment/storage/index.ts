import type { StorageConfig } from '../../../config.ts';
import type { BlobStorage } from './blob-storage.ts';
import { DiskStorage } from './disk-storage.ts';
import { S3Storage } from './s3-storage.ts';

export { assertBlobKey, isBlobKey, newBlobBase, type BlobPage, type BlobStorage, type StoredBlob } from './blob-storage.ts';
export { DiskStorage } from './disk-storage.ts';
export { S3Storage } from './s3-storage.ts';

const opened = new WeakMap<StorageConfig, BlobStorage>();

/** The storage a configuration names, one per configuration object (its S3 client is reused). */
export function storageFor(config: StorageConfig): BlobStorage {
  let storage = opened.get(config);
  if (!storage) {
    storage = config.kind === 's3' ? new S3Storage(config) : new DiskStorage(config.dir);
    opened.set(config, storage);
  }
  return storage;
}
