/**
 * Key rotation benchmark: `rekey` (platform/rekey.ts) moving N encrypted phones (with their blind
 * indexes) from key A to key B on the embedded engine, at a few batch sizes, then the idle second run.
 *
 *   node --import tsx bench/rekey.bench.ts [--rows 50000] [--batch 1000,5000]
 *   npm run bench -- rekey -- --rows 50000
 *
 * PGlite in memory, migrated; one area and N accounts whose phones are sealed under A (as the app
 * seals them: value, blind index, masked copy). Each batch size gets a fresh copy of the same data
 * (values re-sealed under A with a new job name), so every run rewrites all N rows.
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pino from 'pino';
import { testConfig } from '../apps/server/src/config.ts';
import { openEmbedded } from '../apps/server/src/db/engine.ts';
import { migrate } from '../apps/server/src/db/migrate.ts';
import { FieldCipher, type KeyRing } from '../apps/server/src/platform/crypto.ts';
import { maskPhone } from '../apps/server/src/platform/masking.ts';
import { rekey, type RekeyTarget } from '../apps/server/src/platform/rekey.ts';
import { systemContext } from '../apps/server/src/platform/unit-of-work.ts';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '50000' }, batch: { type: 'string', default: '1000,5000' } } });
const ROWS = Number(values.rows);
const BATCHES = values.batch.split(',').map(Number);

const KEY_A = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
const KEY_B = Buffer.from('8f1e2d3c4b5a69788796a5b4c3d2e1f0', 'hex');
const ringA: KeyRing = { current: { id: 'k1', key: KEY_A }, retired: [], index: null, retiredIndex: [] };
const ringB: KeyRing = { current: { id: 'k2', key: KEY_B }, retired: [{ id: 'k1', key: KEY_A }], index: Buffer.alloc(32, 0x5b), retiredIndex: [] };
const targets: RekeyTarget[] = [{ table: 'users', id: 'id', fields: [{ encrypted: 'phone_enc', blindIndex: 'phone_bidx' }] }];

const database = await openEmbedded();
await migrate(database);
const db = database.db;
const area = await db.insertInto('areas').values({ code: '320000000000', name: '江苏省', level: 'province', parent_id: null }).returning('id').executeTakeFirstOrThrow();
const cipherA = new FieldCipher(ringA);
const phoneOf = (i: number) => `139${String(i).padStart(8, '0')}`;

async function sealAllUnderA(): Promise<void> {
  const started = performance.now();
  for (let from = 0; from < ROWS; from += 5000) {
    const ids = Array.from({ length: Math.min(5000, ROWS - from) }, (_, j) => from + j);
    const phones = ids.map(phoneOf);
    await sql`UPDATE users AS u SET phone_enc = v.e, phone_bidx = v.b
      FROM unnest(${ids.map((i) => firstId + i)}::bigint[], ${phones.map((p) => cipherA.encrypt(p))}::text[], ${phones.map((p) => cipherA.blindIndex(p))}::text[]) AS v(id, e, b)
      WHERE u.id = v.id`.execute(db);
  }
  console.log(`  re-sealed ${ROWS} phones under A in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const loadStarted = performance.now();
for (let from = 0; from < ROWS; from += 2000) {
  const rows = Array.from({ length: Math.min(2000, ROWS - from) }, (_, j) => {
    const phone = phoneOf(from + j);
    return { username: `bench_${from + j}`, display_name: '测试', password_hash: 'x', home_area_id: area.id, phone_enc: cipherA.encrypt(phone), phone_bidx: cipherA.blindIndex(phone), phone_masked: maskPhone(phone) };
  });
  await db.insertInto('users').values(rows).execute();
}
const firstId = (await db.selectFrom('users').select((eb) => eb.fn.min('id').as('id')).where('username', 'like', 'bench_%').executeTakeFirstOrThrow()).id ?? 0;
console.log(`loaded ${ROWS} accounts with phones under A in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);

const deps = { config: testConfig({ dataKeys: ringB }), database, cipher: new FieldCipher(ringB), clock: () => new Date() };
const ctx = systemContext(deps, pino({ level: 'warn' }));
const results: string[] = [];
for (const [n, batchSize] of BATCHES.entries()) {
  if (n > 0) await sealAllUnderA();
  const started = performance.now();
  const first = await rekey(ctx, targets, { batchSize, job: `bench-${batchSize}` });
  const seconds = (performance.now() - started) / 1000;
  const idleStarted = performance.now();
  const second = await rekey(ctx, targets, { batchSize, job: `bench-${batchSize}` });
  const idleSeconds = (performance.now() - idleStarted) / 1000;
  const line = `batch ${batchSize}: ${first.targets.users?.rewritten} rewritten in ${seconds.toFixed(1)} s = ${Math.round(ROWS / seconds)} rows/s; second run ${second.targets.users?.rewritten} rewritten in ${idleSeconds.toFixed(1)} s = ${Math.round(ROWS / idleSeconds)} rows/s read`;
  console.log(line);
  results.push(line);
}
await database.close();
