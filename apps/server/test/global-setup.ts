import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildApp } from '../src/app.ts';
import { systemContext } from '../src/boot.ts';
import { testConfig } from '../src/config.ts';
import { openEmbedded, openPostgres, type Database } from '../src/db/engine.ts';
import { migrate } from '../src/db/migrate.ts';
import { FieldCipher } from '../src/platform/crypto.ts';
import { seedDemo } from '../src/seed/demo.ts';
import { TEST_EPOCH } from './test-epoch.ts';
import { adminUrl, databaseName, dropDatabasesLike, withDatabase } from './pg-admin.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Embedded: path of a migrated PGlite snapshot. PostgreSQL: name of a migrated template database. */
    dbTemplate: string;
    /** The same with the demo district seeded as `createTestApp()` seeds it (test config, test clock). */
    dbTemplateSeeded: string;
  }
}

/**
 * The demo district as `createTestApp()` would seed it on a fresh database: the same test
 * configuration (keys, audit chain) and the same frozen test clock, so a file that clones this
 * template holds exactly what seeding it again would have written.
 */
async function seedAsTests(database: Database): Promise<void> {
  const config = testConfig();
  const deps = { config, database, cipher: new FieldCipher(config.dataKeys), clock: () => new Date(TEST_EPOCH) };
  const app = await buildApp(deps, { logger: false });
  try {
    await seedDemo(systemContext(deps, app.log), { editions: false, residents: false });
  } finally {
    await app.close();
  }
}

/**
 * Migrates once per run into a template, and seeds a second one with the demo district; each
 * integration file then clones one of them (immich's pattern), so files are isolated and start
 * fast on both engines, and the ~60 files that want the demo district don't each seed it again.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const template = `${databaseName(url)}_tpl`;
    await dropDatabasesLike(url, `${databaseName(url)}_t`);
    await withDatabase(adminUrl(url), (c) => c.query(`CREATE DATABASE "${template}"`));
    const db = await openPostgres(withName(url, template), 1);
    try {
      await migrate(db);
    } finally {
      await db.close();
    }
    const seeded = `${databaseName(url)}_tps`;
    await withDatabase(adminUrl(url), (c) => c.query(`CREATE DATABASE "${seeded}" TEMPLATE "${template}"`));
    const sdb = await openPostgres(withName(url, seeded), 2);
    try {
      await seedAsTests(sdb);
    } finally {
      await sdb.close();
    }
    project.provide('dbTemplate', template);
    project.provide('dbTemplateSeeded', seeded);
    return async () => {
      await dropDatabasesLike(url, `${databaseName(url)}_t`);
    };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'redgrid-test-'));
  const db = await openEmbedded();
  try {
    await migrate(db);
    const blob = await db.dump?.();
    if (!blob) throw new Error('embedded engine cannot dump');
    const file = path.join(dir, 'template.tar');
    writeFileSync(file, Buffer.from(await blob.arrayBuffer()));
    project.provide('dbTemplate', file);
    await seedAsTests(db);
    const seededBlob = await db.dump?.();
    if (!seededBlob) throw new Error('embedded engine cannot dump');
    const seededFile = path.join(dir, 'template-seeded.tar');
    writeFileSync(seededFile, Buffer.from(await seededBlob.arrayBuffer()));
    project.provide('dbTemplateSeeded', seededFile);
  } finally {
    await db.close();
  }
  return async () => rmSync(dir, { recursive: true, force: true });
}

export function withName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
