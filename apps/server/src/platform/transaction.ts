import type { Transaction } from 'kysely';
import type { DB } from '../db/types.ts';
import type { RequestContext } from './context.ts';

export type Tx = Transaction<DB>;

/** One transaction per use case: everything a use case writes, its audit rows included, commits together. */
export function inTransaction<T>(ctx: RequestContext, work: (tx: Tx) => Promise<T>): Promise<T> {
  return ctx.database.db.transaction().execute(work);
}
