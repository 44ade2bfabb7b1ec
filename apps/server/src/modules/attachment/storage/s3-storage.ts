import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import type { StorageConfig } from '../../../config.ts';
import { assertBlobKey, isBlobKey, type BlobPage, type BlobStorage, type StoredBlob } from './blob-storage.ts';

type S3Config = Extract<StorageConfig, { kind: 's3' }>;

function isNotFound(err: unknown): boolean {
  if (err instanceof S3ServiceException) return err.$metadata.httpStatusCode === 404 || err.name === 'NoSuchKey' || err.name === 'NotFound';
  return false;
}

/**
 * Blobs in an S3-compatible bucket (MinIO, 阿里云 OSS, 腾讯云 COS, AWS S3) through the AWS SDK. A PUT
 * of a whole object is atomic on every such store, so a reader never sees half a file. The bucket is
 * the operator's: this class neither creates nor lists it.
 */
export class S3Storage implements BlobStorage {
  readonly kind = 's3' as const;
  private readonly client: S3Client;

  constructor(private readonly config: S3Config) {
    this.client = new S3Client({
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      ...(config.accessKeyId && config.secretAccessKey ? { credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } } : {}),
      // The SDK's default checksums (CRC32 trailers) are not understood by every S3-compatible store.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
    });
  }

  async put(key: string, source: Readable, info: { size: number; contentType: string }): Promise<void> {
    assertBlobKey(key);
    await this.client.send(new PutObjectCommand({ Bucket: this.config.bucket, Key: key, Body: source, ContentLength: info.size, ContentType: info.contentType }));
  }

  async get(key: string): Promise<StoredBlob | null> {
    assertBlobKey(key);
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: key }));
      if (!(res.Body instanceof Readable)) throw new Error(`blob ${key}: the S3 client gave no stream`);
      return { stream: res.Body, size: res.ContentLength ?? 0 };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    assertBlobKey(key);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.config.bucket, Key: key }));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    assertBlobKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: key }));
  }

  async list(after: string | null, limit: number): Promise<BlobPage> {
    // The first listing API (marker = the last key seen): every S3-compatible store has it, and it needs
    // no continuation token (s3rver makes those with a cipher OpenSSL 3 no longer offers).
    const res = await this.client.send(new ListObjectsCommand({ Bucket: this.config.bucket, MaxKeys: Math.min(limit, 1000), ...(after ? { Marker: after } : {}) }));
    const listed = res.Contents ?? [];
    const items = listed.filter((o) => o.Key && isBlobKey(o.Key)).map((o) => ({ key: o.Key!, modifiedAt: o.LastModified ?? new Date(0) }));
    const last = listed.at(-1)?.Key ?? null;
    return { items, next: res.IsTruncated && last ? last : null };
  }

  close(): void {
    this.client.destroy();
  }
}
