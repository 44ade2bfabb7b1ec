import { loadConfig } from '../config.ts';
import { openConfiguredDatabase } from '../db/open.ts';
import { verifyAuditChain } from '../platform/audit.ts';

/** `npm run audit:verify`: walks the audit chain; exit 0 when intact, 2 when tampered. */
const config = loadConfig();
const opened = await openConfiguredDatabase(config);
try {
  const result = await verifyAuditChain(opened.database.db);
  if (result.ok) {
    console.log(`audit chain intact: ${result.checked} rows, last id ${result.lastId}`);
  } else {
    console.error(`AUDIT CHAIN BROKEN: ${result.problems.length} problem(s) in ${result.checked} rows`);
    for (const p of result.problems.slice(0, 50)) console.error(`  #${p.id} ${p.kind}: ${p.message}`);
    process.exitCode = 2;
  }
} finally {
  await opened.close();
}
