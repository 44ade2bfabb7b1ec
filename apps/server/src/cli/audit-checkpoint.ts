import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { openConfiguredDatabase } from '../db/open.ts';
import pino from 'pino';
import { systemContext } from '../boot.ts';
import { auditCheckpointPublicKey, createAuditCheckpoint, reanchorAuditChain, sealAuditHead } from '../platform/audit.ts';
import { FieldCipher } from '../platform/crypto.ts';
import { AppError } from '../platform/errors.ts';

/**
 * `npm run audit:checkpoint [-- --out FILE] [--public-key] [--anchor]`: a checkpoint of the audit chain's
 * head (last id, hash, row count, time) signed with SM2 (GB/T 32918) by a key derived from
 * REDGRID_AUDIT_KEY, as JSON on stdout or into FILE. Keep checkpoints off this machine;
 * `audit:verify --checkpoint FILE` later proves the log still holds that row with that hash.
 * --public-key prints only the verifying key (pin it where the checkpoints are kept).
 * --anchor first gives the head its MAC when an existing log was migrated to 0006 by a process
 * without the audit key (trusting the unkeyed rows as they stand); the server and db:migrate do it themselves.
 * --reanchor is the way back to service after tampering was found and its evidence kept (writes stop while
 * the head fails its MAC): the head moves to where the table ends, and a row in the chain records the break.
 */
const { values } = parseArgs({ options: { out: { type: 'string' }, 'public-key': { type: 'boolean' }, anchor: { type: 'boolean' }, reanchor: { type: 'boolean' } } });

const config = loadConfig();
if (values['public-key']) {
  console.log(auditCheckpointPublicKey(config.auditKey));
  process.exit(0);
}
const opened = await openConfiguredDatabase(config);
try {
  if (values.anchor && (await sealAuditHead(opened.database.db, config))) console.error('audit:checkpoint: the head now carries its MAC (unkeyed rows before it trusted as they stand)');
  if (values.reanchor) {
    const deps = { config, database: opened.database, cipher: new FieldCipher(config.dataKeys), clock: () => new Date() };
    const moved = await reanchorAuditChain(opened.database, systemContext(deps, pino({ level: 'warn' })));
    const was = moved.before ? `${moved.before.rowCount} rows up to id ${moved.before.lastId}` : 'missing';
    console.error(`audit:checkpoint: head re-anchored (was ${was}; now ${moved.after.rowCount} rows up to id ${moved.after.lastId}, plus the row recording it)`);
  }
  const checkpoint = await opened.database.db.transaction().execute((tx) => createAuditCheckpoint(tx, config.auditKey, new Date()));
  const text = `${JSON.stringify(checkpoint, null, 2)}\n`;
  if (values.out) {
    writeFileSync(values.out, text, { flag: 'wx' });
    console.error(`audit:checkpoint: row ${checkpoint.lastId}, ${checkpoint.rowCount} rows → ${path.basename(values.out)}`);
  } else {
    process.stdout.write(text);
  }
} catch (err) {
  console.error(`audit:checkpoint: ${err instanceof AppError ? err.message : err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 2;
} finally {
  await opened.close();
}
