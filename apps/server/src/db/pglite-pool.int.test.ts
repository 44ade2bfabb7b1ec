import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { openEmbedded, type Database } from './engine.ts';

/** PGlite drops a statement of 32,768+ parameters without a word; the pool refuses it instead. */
describe('the embedded engine and very large statements', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openEmbedded();
    await sql`CREATE TABLE wide (a int, b int)`.execute(database.db);
  });
  afterAll(async () => database?.close());

  it('inserts 32,766 parameters and refuses 32,768 loudly rather than inserting nothing', async () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ a: i, b: i }));
    const db = database.db as unknown as Kysely<{ wide: { a: number; b: number } }>;
    expect(await db.insertInto('wide').values(rows(16_383)).returning('a').execute()).toHaveLength(16_383);
    await expect(db.insertInto('wide').values(rows(16_384)).execute()).rejects.toThrow(/32,767/);
    const { n } = await db.selectFrom('wide').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(n)).toBe(16_383);
  });
});
