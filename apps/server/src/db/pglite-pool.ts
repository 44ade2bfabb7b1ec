import type { PGlite } from '@electric-sql/pglite';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import { copySourceOf, pgliteCopyStatement } from './copy.ts';

/**
 * Lets Kysely's own PostgresDialect drive an embedded PGlite, so both engines run through one
 * dialect and one code path. PGlite is a single session: the pool hands out one client at a time
 * and queues the rest, so a transaction never interleaves with another request's statements.
 * (The community Kysely-PGlite dialect does not support pglite 0.5; this adapter is the whole
 * difference and is exercised by every integration test.)
 */
export class PGlitePool implements PostgresPool {
  readonly options = {};
  #tail: Promise<void> = Promise.resolve();

  constructor(private readonly pg: PGlite) {}

  async connect(): Promise<PostgresPoolClient> {
    let release!: () => void;
    const previous = this.#tail;
    this.#tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    const pg = this.pg;
    let released = false;
    const query = async <R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> => {
      const copy = copySourceOf(parameters);
      if (copy) {
        // One thread: the bytes are "sent" when PGlite takes them, and it loads them before anything else runs.
        copy.markSent();
        const loaded = await pg.query(pgliteCopyStatement(sql), [], { blob: new Blob([copy.bytes]) });
        return { command: 'SELECT', rowCount: 1, rows: [{ rows: loaded.affectedRows ?? 0 } as R] };
      }
      // PGlite answers a statement of 32,768 parameters or more with no rows and no error, having done
      // nothing (an INSERT inserts nothing): refuse it loudly. PostgreSQL's own limit is 65,535.
      if (parameters.length > 32_767) throw new Error(`the embedded engine cannot bind ${parameters.length} parameters in one statement (at most 32,767): send the rows in slices or as arrays`);
      const result = await pg.query<R>(sql, parameters as unknown[]);
      const command = (/^\s*(\w+)/.exec(sql)?.[1] ?? 'SELECT').toUpperCase() as PostgresQueryResult<R>['command'];
      return { command, rowCount: result.affectedRows ?? result.rows.length, rows: result.rows };
    };
    return {
      // Cursors (streaming) are not used with the embedded engine.
      query: query as PostgresPoolClient['query'],
      release() {
        if (!released) {
          released = true;
          release();
        }
      },
    };
  }

  async end(): Promise<void> {
    await this.#tail;
  }
}
