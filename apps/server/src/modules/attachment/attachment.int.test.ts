import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { systemContext } from '../../platform/unit-of-work.ts';
import { useTestApp } from '../../../test/harness.ts';
import { attachmentSuite } from './attachment-suite.test-helper.ts';
import { orphanSweepJob } from './attachment-sweep.job.ts';
import { DiskStorage, newBlobBase } from './storage/index.ts';

/** The attachment suite with blobs in a folder on disk (the default storage). */

const dir = await mkdtemp(path.join(tmpdir(), 'redgrid-att-disk-'));
const filesDir = await mkdtemp(path.join(tmpdir(), 'redgrid-att-files-'));
const ctx = useTestApp({ storage: { kind: 'disk', dir }, filesDir });

async function walk(folder: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  const found: string[] = [];
  for (const e of entries) {
    if (e.name === '.tmp') continue;
    if (e.isDirectory()) found.push(...(await walk(path.join(folder, e.name), `${prefix}${e.name}/`)));
    else found.push(`${prefix}${e.name}`);
  }
  return found;
}

attachmentSuite('disk', ctx, { blobKeys: () => walk(dir) });

describe('the orphan sweep', () => {
  it('deletes blobs older than a day that no row names, keeps every named one and anything recent, and clears old staging files', async () => {
    const now = ctx.t.clock.read();
    const dayAndMore = new Date(now.getTime() - 25 * 3600 * 1000);
    const storage = new DiskStorage(dir);
    const named = await walk(dir);
    expect(named.length).toBeGreaterThan(5);
    const orphan = `${newBlobBase(randomBytes(16))}.orig`;
    const recentOrphan = `${newBlobBase(randomBytes(16))}.thumb.webp`;
    for (const k of [orphan, recentOrphan]) await storage.put(k, Readable.from([Buffer.from('left behind')]), { size: 11, contentType: 'image/jpeg' });
    // Everything but the recent orphan was written "more than a day ago".
    for (const k of [...named, orphan]) await utimes(path.join(dir, k), dayAndMore, dayAndMore);
    await utimes(path.join(dir, recentOrphan), now, now);
    const stagingDir = path.join(filesDir, 'attachment-staging');
    await writeFile(path.join(stagingDir, 'stale.upload'), 'x');
    await writeFile(path.join(stagingDir, 'fresh.upload'), 'x');
    await utimes(path.join(stagingDir, 'stale.upload'), dayAndMore, dayAndMore);
    await utimes(path.join(stagingDir, 'fresh.upload'), now, now);

    const job = orphanSweepJob();
    const run = { now, ctx: systemContext(ctx.t.deps, ctx.t.app.log), signal: new AbortController().signal };
    let removed = 0;
    for (let i = 0; i < 100; i++) {
      const result = await job.run(run);
      removed += result.processed;
      if (!result.more) break;
    }
    expect(removed).toBe(2);
    const left = await walk(dir);
    expect(left.sort()).toEqual([...named, recentOrphan].sort());
    expect((await readdir(stagingDir)).filter((n) => n.endsWith('.upload')).sort()).toEqual(['fresh.upload']);
  });
});
