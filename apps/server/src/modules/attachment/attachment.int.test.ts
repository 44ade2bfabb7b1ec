import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { useTestApp } from '../../../test/harness.ts';
import { attachmentSuite } from './attachment-suite.test-helper.ts';

/** The attachment suite with blobs in a folder on disk (the default storage). */

const dir = await mkdtemp(path.join(tmpdir(), 'redgrid-att-disk-'));
const ctx = useTestApp({ storage: { kind: 'disk', dir } });

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
