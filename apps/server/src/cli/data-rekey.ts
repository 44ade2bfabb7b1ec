import { parseArgs } from 'node:util';
import pino from 'pino';
import { systemContext } from '../boot.ts';
import { loadConfig } from '../config.ts';
import { migrate } from '../db/migrate.ts';
import { openConfiguredDatabase } from '../db/open.ts';
import { rekeyTargets as basedataRekeyTargets } from '../modules/basedata/index.ts';
import { rekeyTargets as userRekeyTargets } from '../modules/user/index.ts';
import { anchorAuditChainAfterMigration } from '../platform/audit.ts';
import { FieldCipher } from '../platform/crypto.ts';
import { rekey, type RekeyTarget } from '../platform/rekey.ts';

/**
 * `npm run data:rekey [-- --batch-size N]`: after a key rotation (new REDGRID_DATA_KEY and
 * REDGRID_DATA_KEY_ID, the old key in REDGRID_DATA_KEYS_RETIRED; or a new REDGRID_INDEX_KEY, the old
 * one in REDGRID_INDEX_KEYS_RETIRED), moves every encrypted value under the current key and recomputes
 * the blind indexes. Resumable: Ctrl-C (or a crash) stops after the batch in flight, and the next run
 * continues from there; when it reports done, the retired keys can be removed from the configuration.
 * With the embedded engine the server must be stopped first (one process a data dir); on PostgreSQL
 * it may run beside the server. Prints counts only, never a value or a key.
 */
const { values } = parseArgs({ options: { 'batch-size': { type: 'string', default: '1000' } } });
const batchSize = Number(values['batch-size']);
if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) {
  console.error('data:rekey: --batch-size must be an integer from 1 to 100000');
  process.exit(1);
}

/** Every module's encrypted columns, from their front doors. */
const targets: RekeyTarget[] = [...userRekeyTargets, ...basedataRekeyTargets];

const config = loadConfig();
const opened = await openConfiguredDatabase(config);
const stop = new AbortController();
const onSignal = () => {
  console.error('data:rekey: stopping after the batch in flight (run again to resume)');
  stop.abort();
};
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);
try {
  await anchorAuditChainAfterMigration(opened.database, config, await migrate(opened.database));
  const cipher = new FieldCipher(config.dataKeys);
  const ctx = systemContext({ config, database: opened.database, cipher, clock: () => new Date() }, pino({ level: 'warn' }));
  const started = Date.now();
  let last = 0;
  const result = await rekey(ctx, targets, {
    batchSize,
    signal: stop.signal,
    onBatch: ({ table, state }) => {
      if (Date.now() - last < 2000 && !state.done) return;
      last = Date.now();
      console.error(`data:rekey: ${table}: ${state.scanned} rows read, ${state.rewritten} rewritten${state.done ? ' (done)' : ''}`);
    },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  for (const [table, state] of Object.entries(result.targets)) console.log(`${table}: ${state.scanned} rows read, ${state.rewritten} rewritten${state.done ? '' : ' (not finished)'}`);
  if (result.finished) {
    console.log(`data:rekey: done in ${seconds} s${result.resumed ? ' (resumed)' : ''}; every value is under key ${cipher.keyId} and the current index key: retired keys may now be removed`);
  } else {
    console.log(`data:rekey: stopped after ${seconds} s; run again to resume`);
    process.exitCode = 3;
  }
} catch (err) {
  console.error(`data:rekey: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 2;
} finally {
  await opened.close();
}
