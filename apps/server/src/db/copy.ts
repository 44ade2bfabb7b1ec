import { CompiledQuery, type QueryExecutorProvider } from 'kysely';
import pg from 'pg';

/**
 * `COPY … FROM STDIN` through Kysely, on both engines and inside a transaction. The statement travels
 * as a raw query whose one parameter is a CopySource; the pool adapters of both engines recognise it
 * and hand the bytes over the engine's own way (PostgreSQL: the COPY sub-protocol; PGlite: its
 * `/dev/blob` device). The SQL is the same on both.
 */
export class CopySource {
  constructor(readonly bytes: Uint8Array) {}
}

/** Rows loaded. `statement` must read `FROM STDIN`. */
export async function copyFrom(db: QueryExecutorProvider, statement: string, bytes: Uint8Array): Promise<number> {
  if (!/\bFROM\s+STDIN\b/i.test(statement)) throw new Error('copyFrom needs a COPY … FROM STDIN statement');
  const result = await db.getExecutor().executeQuery<{ rows: number }>(CompiledQuery.raw(statement, [new CopySource(bytes)]));
  return result.rows[0]?.rows ?? 0;
}

export function copySourceOf(parameters: ReadonlyArray<unknown> | undefined): CopySource | null {
  const first = parameters?.[0];
  return parameters?.length === 1 && first instanceof CopySource ? first : null;
}

/** The statement PGlite runs for a COPY FROM STDIN: the bytes arrive as its `/dev/blob` file. */
export function pgliteCopyStatement(statement: string): string {
  return statement.replace(/\bFROM\s+STDIN\b/i, "FROM '/dev/blob'");
}

/** What pg's connection offers a query in COPY IN mode (not in @types/pg; pg-copy-streams uses the same calls). */
interface CopyInConnection {
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

function isCopyInConnection(c: unknown): c is CopyInConnection {
  return typeof c === 'object' && c !== null && 'sendCopyFromChunk' in c && typeof c.sendCopyFromChunk === 'function' && 'endCopyFrom' in c && typeof c.endCopyFrom === 'function';
}

const CHUNK = 1 << 20;

/** A pg query that answers the server's CopyInResponse with the bytes, 1 MiB per message. */
class CopyFromBytes extends pg.Query {
  constructor(
    text: string,
    private readonly data: Uint8Array,
  ) {
    super(text);
  }

  handleCopyInResponse(connection: unknown): void {
    if (!isCopyInConnection(connection)) throw new Error('this pg version cannot COPY FROM STDIN');
    const bytes = Buffer.from(this.data.buffer, this.data.byteOffset, this.data.byteLength);
    for (let at = 0; at < bytes.length; at += CHUNK) connection.sendCopyFromChunk(bytes.subarray(at, at + CHUNK));
    connection.endCopyFrom();
  }
}

interface Queryable {
  query(query: pg.Query): unknown;
}

/** Runs a COPY FROM STDIN on a pg client; resolves with the rows loaded. */
export function pgCopyIn(client: Queryable, statement: string, data: Uint8Array): Promise<number> {
  return new Promise((resolve, reject) => {
    const query = new CopyFromBytes(statement, data);
    query.on('end', (result: { rowCount?: number | null } | undefined) => resolve(result?.rowCount ?? 0));
    query.on('error', reject);
    client.query(query);
  });
}
