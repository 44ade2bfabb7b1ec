import { loadConfig } from '../config.ts';
import { migrate } from '../db/migrate.ts';
import { openConfiguredDatabase } from '../db/open.ts';
import { anchorAuditChainAfterMigration } from '../platform/audit.ts';

/** `npm run db:migrate`: applies pending migrations (the server also does this at start). */
const config = loadConfig();
const opened = await openConfiguredDatabase(config);
try {
  const applied = await migrate(opened.database);
  await anchorAuditChainAfterMigration(opened.database, config, applied);
  console.log(applied.length > 0 ? `applied: ${applied.join(', ')}` : 'database is up to date');
} finally {
  await opened.close();
}
