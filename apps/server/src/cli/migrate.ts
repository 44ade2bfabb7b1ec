import { loadConfig } from '../config.ts';
import { migrate } from '../db/migrate.ts';
import { openConfiguredDatabase } from '../db/open.ts';

/** `npm run db:migrate`: applies pending migrations (the server also does this at start). */
const opened = await openConfiguredDatabase(loadConfig());
try {
  const applied = await migrate(opened.database);
  console.log(applied.length > 0 ? `applied: ${applied.join(', ')}` : 'database is up to date');
} finally {
  await opened.close();
}
