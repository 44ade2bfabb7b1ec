import type { Transaction } from 'kysely';
import type { DB } from '../db/types.ts';

/** A transaction on the full schema: platform code (audit chain, units of work, CLI tools) only. */
export type Tx = Transaction<DB>;
