import { CompiledQuery, type QueryExecutorProvider } from 'kysely';
import pg from 'pg';

/**
 * `COPY … FROM STDIN` through Kysely, on both engines and inside a transaction. The statement travels
 * as a raw query whose one parameter is a CopySource; the pool adapters of both engines recognise it
 * and hand the bytes over the engine's own way (PostgreSQL: the COPY sub-protocol; PGlite: its
 * `/dev/blob` device). The SQL is the same on both.
 */
export class CopySource {
  /** Settles once the bytes are with the engine: the caller may work meanwhile (PostgreSQL loads them in its own process). */
  readonly sent: Promise<void>;
  #markSent!: () => void;

  constructor(readonly bytes: Uint8Array) {
    this.sent = new Promise((resolve) => {
      this.#markSent = resolve;
    });
  }

  markSent(): void {
    this.#markSent();
  }
}

/** Rows loaded. `statement` must read `FROM STDIN`. */
export async function copyFrom(db: QueryExecutorProvider, statement: string, data: Uint8Array | CopySource): Promise<number> {
  if (!/\bFROM\s+STDIN\b/i.test(statement)) throw new Error('copyFrom needs a COPY … FROM STDIN statement');
  const source = data instanceof CopySource ? data : new CopySource(data);
  const result = await db.getExecutor().executeQuery<{ rows: number }>(CompiledQuery.raw(statement, [source]));
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
    private readonly source: CopySource,
  ) {
    super(text);
  }

  handleCopyInResponse(connection: unknown): void {
    if (!isCopyInConnection(connection)) throw new Error('this pg version cannot COPY FROM STDIN');
    const data = this.source.bytes;
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    for (let at = 0; at < bytes.length; at += CHUNK) connection.sendCopyFromChunk(bytes.subarray(at, at + CHUNK));
    connection.endCopyFrom();
    this.source.markSent();
  }
}

interface Queryable {
  query(query: pg.Query): unknown;
}

/** Runs a COPY FROM STDIN on a pg client; resolves with the rows loaded. */
export function pgCopyIn(client: Queryable, statement: string, source: CopySource): Promise<number> {
  return new Promise((resolve, reject) => {
    const query = new CopyFromBytes(statement, source);
    query.on('end', (result: { rowCount?: number | null } | undefined) => resolve(result?.rowCount ?? 0));
    query.on('error', reject);
    client.query(query);
  });
}
