import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { auditCheckpointSchema } from '@redgrid/contracts';
import { loadConfig } from '../config.ts';
import { openConfiguredDatabase } from '../db/open.ts';
import { verifyAuditChain, type NamedCheckpoint } from '../platform/audit.ts';

/**
 * `npm run audit:verify [-- --checkpoint FILE ...]`: walks the audit chain (keyed hashes), holds it against
 * its head (row count, last id and hash, MAC) and against each checkpoint file given (made by
 * `audit:checkpoint` or GET /api/audit/checkpoint and kept elsewhere). Exit 0 when intact, 2 when
 * anything disagrees, 1 when a checkpoint file cannot be read. Prints ids and counts only.
 */
const { values } = parseArgs({ options: { checkpoint: { type: 'string', multiple: true, default: [] } } });

function fail(message: string): never {
  console.error(`audit:verify: ${message}`);
  process.exit(1);
}

const checkpoints: NamedCheckpoint[] = values.checkpoint.map((file) => {
  const name = path.basename(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    fail(`cannot read checkpoint ${name}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    fail(`checkpoint ${name} is not JSON`);
  }
  const parsed = auditCheckpointSchema.safeParse(json);
  if (!parsed.success) fail(`checkpoint ${name} is not a redgrid audit checkpoint (${parsed.error.issues[0]?.path.join('.') ?? ''})`);
  return { name, checkpoint: parsed.data };
});

const config = loadConfig();
const opened = await openConfiguredDatabase(config);
try {
  const result = await verifyAuditChain(opened.database.db, config.auditKey, { checkpoints });
  const head = result.head ? `head ${result.head.rowCount} rows up to id ${result.head.lastId}` : 'no head';
  if (result.ok) {
    console.log(`audit chain intact: ${result.checked} rows, last id ${result.lastId}; ${head}, MAC valid; ${result.checkpoints} checkpoint(s) confirmed`);
  } else {
    console.error(`AUDIT CHAIN BROKEN: ${result.problems.length} problem(s) in ${result.checked} rows (last id ${result.lastId}; ${head})`);
    for (const p of result.problems.slice(0, 50)) console.error(`  #${p.id} ${p.kind}: ${p.message}`);
    if (result.problems.length > 50) console.error(`  … and ${result.problems.length - 50} more`);
    process.exitCode = 2;
  }
} finally {
  await opened.close();
}
