import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ScheduledJob } from '../../platform/scheduler.ts';
import { asSystem } from '../../platform/unit-of-work.ts';
import { attachmentRepository } from './attachment.repository.ts';
import { storageFor } from './storage/index.ts';

/**
 * Blobs no row names: an upload stores its blobs before its row is written, so a process that stops
 * between the two leaves them behind. This job walks the storage a page at a time (a cursor kept
 * between runs; a restart walks again from the start) and deletes blobs older than a day that no
 * attachment row names — a day, so an upload between its two steps is never touched. Staging files
 * a stopped process left in `<files dir>/attachment-staging` go at the end of each walk.
 */

const PAGE = 500;
const GRACE_MS = 24 * 3600 * 1000;
const STAGING_GRACE_MS = 3600 * 1000;

async function sweepStaging(filesDir: string, now: Date): Promise<number> {
  const dir = path.join(filesDir, 'attachment-staging');
  const names = await readdir(dir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names.slice(0, 10_000)) {
    const file = path.join(dir, name);
    const info = await stat(file).catch(() => null);
    if (info && now.getTime() - info.mtime.getTime() > STAGING_GRACE_MS) {
      await rm(file, { force: true });
      removed += 1;
    }
  }
  return removed;
}

export function orphanSweepJob(): ScheduledJob {
  let cursor: string | null = null;
  return {
    name: 'attachment.orphan-sweep',
    everySeconds: 6 * 3600,
    async run({ now, ctx, signal }) {
      const store = storageFor(ctx.config.storage);
      const page = await store.list(cursor, PAGE);
      const old = page.items.filter((item) => now.getTime() - item.modifiedAt.getTime() > GRACE_MS).map((item) => item.key);
      const named = await asSystem(ctx, (unit) => unit.use(attachmentRepository).namedKeys(old));
      let removed = 0;
      for (const key of old) {
        if (signal.aborted) break;
        if (named.has(key)) continue;
        await store.delete(key);
        removed += 1;
      }
      cursor = signal.aborted ? cursor : page.next;
      if (removed > 0) ctx.log.info({ removed }, 'attachment blobs no row names removed');
      if (cursor === null && !signal.aborted) removed += await sweepStaging(ctx.config.filesDir, now);
      return { processed: removed, more: cursor !== null };
    },
  };
}
