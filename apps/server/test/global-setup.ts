import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openEmbedded, openPostgres } from '../src/db/engine.ts';
import { migrate } from '../src/db/migrate.ts';
import { adminUrl, databaseName, dropDatabasesLike, withDatabase } from './pg-admin.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Embedded: path of a migrated PGlite snapshot. PostgreSQL: name of a migrated template database. */
    dbTemplate: string;
  }
}

/**
 * Migrates once per run into a template; each integration file then clones it (immich's
 * pattern), so files are isolated and start fast on both engines.
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
    project.provide('dbTemplate', template);
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
