import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PostgresDialect, sql, type PostgresPool, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import { copySourceOf, pgCopyIn } from './copy.ts';
import { PGlitePool } from './pglite-pool.ts';
import type { DB } from './types.ts';

export type EngineKind = 'embedded' | 'postgres';

/** One database, whichever engine: the rest of the server sees only this. */
export interface Database {
  readonly kind: EngineKind;
  readonly db: Kysely<DB>;
  /** Runs a multi-statement SQL script (migrations); no parameters. */
  execScript(script: string): Promise<void>;
  ping(): Promise<number>;
  close(): Promise<void>;
  /** Embedded only: a snapshot of the data dir (tests clone from it). */
  dump?(): Promise<Blob>;
}

// bigint ids and counts come back as numbers on both engines; ids stay far below 2^53.
const INT8_OID = 20;
pg.types.setTypeParser(INT8_OID, (v) => Number(v));
// A calendar date (birth date, visit date) stays the 'YYYY-MM-DD' it is: a JS Date would shift it by the zone.
const DATE_OID = 1082;
pg.types.setTypeParser(DATE_OID, (v) => v);

export interface EmbeddedOptions {
  /** Directory of the data; omit for an in-memory database. */
  dataDir?: string;
  /** Start from a snapshot made by dump(). */
  loadDataDir?: Blob;
}

export async function openEmbedded(options: EmbeddedOptions = {}): Promise<Database> {
  const pglite = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    // pg_trgm: the trigram index of address search (migration 0023); PostgreSQL ships it in contrib.
    extensions: { postgis, pg_trgm },
    parsers: { [INT8_OID]: (v: string) => Number(v), [DATE_OID]: (v: string) => v },
  });
  const pool = new PGlitePool(pglite);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'embedded',
    db,
    async execScript(script) {
      const client = await pool.connect();
      try {
        await pglite.exec(script);
      } catch (err) {
        // A failed script may leave its explicit transaction open; close it before the next user.
        await pglite.exec('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    ping: () => timed(db),
    async close() {
      await db.destroy();
      await pglite.close();
    },
    async dump() {
      const client = await pool.connect();
      try {
        return await pglite.dumpDataDir('none');
      } finally {
        client.release();
      }
    },
  };
}

export async function openPostgres(url: string, poolSize = 10): Promise<Database> {
  // JIT off: it pays off for analytical queries running seconds; the app's statements run milliseconds,
  // and at a million cases PostgreSQL's cost estimate started compiling them (170 ms of JIT for a 2 ms inbox page).
  const pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: 'redgrid', options: '-c jit=off' });
  // An idle connection the server drops (restart, failover, admin kill) must not crash the process;
  // the pool replaces it, and the next query that fails answers 503/500 through the error handler.
  pool.on('error', (err) => {
    process.emitWarning(`PostgreSQL connection lost: ${err.message}`, { code: 'REDGRID_PG_IDLE' });
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: new PgCopyPool(pool) }) });
  return {
    kind: 'postgres',
    db,
    async execScript(script) {
      const client = await pool.connect();
      try {
        await client.query(script);
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    ping: () => timed(db),
    async close() {
      await db.destroy();
    },
  };
}

/** pg's pool as Kysely sees it, plus COPY FROM STDIN for a query carrying a CopySource (db/copy.ts). */
class PgCopyPool implements PostgresPool {
  constructor(private readonly pool: pg.Pool) {}

  get options(): object {
    return this.pool.options;
  }

  async connect(): Promise<PostgresPoolClient> {
    const client = await this.pool.connect();
    const query = (text: string | pg.Submittable, parameters?: unknown[]): unknown => {
      const copy = typeof text === 'string' ? copySourceOf(parameters) : null;
      if (copy && typeof text === 'string') return pgCopyIn(client, text, copy).then((rows) => ({ command: 'SELECT', rowCount: 1, rows: [{ rows }] }));
      return typeof text === 'string' ? client.query(text, parameters) : client.query(text);
    };
    return {
      // Kysely cancels a query through the backend's process id (an undocumented member of pg's Client).
      ...('processID' in client && typeof client.processID === 'number' ? { processID: client.processID } : {}),
      query: query as PostgresPoolClient['query'],
      release: (destroy?: boolean) => client.release(destroy),
    };
  }

  end(): Promise<void> {
    return this.pool.end();
  }
}

async function timed(db: Kysely<DB>): Promise<number> {
  const started = performance.now();
  await sql`SELECT 1`.execute(db);
  return performance.now() - started;
}
