import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { Database } from './engine.ts';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);
/** Arbitrary constant: one migrator at a time across processes sharing a PostgreSQL database. */
const MIGRATION_LOCK = 7_461_000;

export interface Migration {
  version: string;
  name: string;
  sql: string;
  checksum: string;
}

export function loadMigrations(): Migration[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const text = readFileSync(new URL(file, MIGRATIONS_DIR), 'utf8');
      return {
        version: file.slice(0, 4),
        name: file.replace(/\.sql$/, ''),
        sql: text,
        checksum: createHash('sha256').update(text).digest('hex'),
      };
    });
}

/**
 * Applies the forward-only migrations not yet applied, each in its own transaction together with
 * its schema_migrations row. A migration edited after it was applied stops the start-up: history
 * must not be rewritten. Concurrent migrators serialise on an advisory lock, and the loser of a
 * race finds the version already recorded and skips it.
 */
export async function migrate(database: Database): Promise<string[]> {
  await database.execScript(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version text PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now())`);
  const applied: string[] = [];
  for (const m of loadMigrations()) {
    const done = await database.db
      .selectFrom('schema_migrations')
      .select('checksum')
      .where('version', '=', m.version)
      .executeTakeFirst();
    if (done) {
      if (done.checksum !== m.checksum) {
        throw new Error(`migration ${m.name} was changed after it was applied; add a new migration instead`);
      }
      continue;
    }
    try {
      await database.execScript(
        `BEGIN;
SELECT pg_advisory_xact_lock(${MIGRATION_LOCK});
DO $guard$ BEGIN
  IF EXISTS (SELECT 1 FROM schema_migrations WHERE version = '${m.version}') THEN
    RAISE EXCEPTION 'redgrid:already_applied';
  END IF;
END $guard$;
${m.sql}
;
INSERT INTO schema_migrations (version, name, checksum) VALUES ('${m.version}', '${m.name}', '${m.checksum}');
COMMIT;`,
      );
      applied.push(m.name);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (message.includes('redgrid:already_applied')) continue;
      throw new Error(`migration ${m.name} failed: ${message}`, { cause: err });
    }
  }
  return applied;
}
