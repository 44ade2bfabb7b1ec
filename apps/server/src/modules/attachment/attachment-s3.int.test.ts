import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll } from 'vitest';
import { useTestApp } from '../../../test/harness.ts';
import { attachmentSuite } from './attachment-suite.test-helper.ts';

/** The attachment suite with blobs in an S3-compatible bucket: s3rver, started in this process on 127.0.0.1. */

const BUCKET = 'redgrid-attachments';
const s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: await mkdtemp(path.join(tmpdir(), 'redgrid-s3rver-')), configureBuckets: [{ name: BUCKET, configs: [] }] });
const { port } = await s3.run();
const endpoint = `http://127.0.0.1:${port}`;
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const ctx = useTestApp({ storage: { kind: 's3', endpoint, bucket: BUCKET, region: 'us-east-1', ...credentials, forcePathStyle: true } });
const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
afterAll(async () => {
  client.destroy();
  await s3.close();
});

async function blobKeys(): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  for (let page = 0; page < 100; page++) {
    const res = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, ContinuationToken: token }));
    keys.push(...(res.Contents ?? []).map((o) => o.Key ?? ''));
    token = res.NextContinuationToken;
    if (!token) break;
  }
  return keys;
}

attachmentSuite('S3', ctx, { blobKeys });
