import type { AppConfig } from './config.ts';
import { migrate } from './db/migrate.ts';
import { openConfiguredDatabase } from './db/open.ts';
import { isSeeded, seedDemo } from './seed/demo.ts';
import { buildApp, type BuildAppOptions } from './app.ts';
import { anchorAuditChainAfterMigration } from './platform/audit.ts';
import type { AppDeps } from './platform/context.ts';
import { systemContext } from './platform/unit-of-work.ts';
import { FieldCipher } from './platform/crypto.ts';
import type { App } from './platform/http.ts';

export interface Booted {
  app: App;
  deps: AppDeps;
  seeded: { areas: number; users: number; grids: number; buildings: number; residents: { persons: number; households: number } } | null;
  close(): Promise<void>;
}

export { systemContext } from './platform/unit-of-work.ts';

/** Opens the database, migrates, seeds the demo on first start, and builds the app. */
export async function boot(config: AppConfig, options: BuildAppOptions = {}): Promise<Booted> {
  const opened = await openConfiguredDatabase(config);
  try {
    await anchorAuditChainAfterMigration(opened.database, config, await migrate(opened.database));
    const deps: AppDeps = { config, database: opened.database, cipher: new FieldCipher(config.dataKeys), clock: () => new Date() };
    const app = await buildApp(deps, options);
    // Key ids only, never key material: a reminder that a rotation is under way until data:rekey is done.
    const retired = config.dataKeys.retired.map((k) => k.id);
    if (retired.length > 0 || config.dataKeys.retiredIndex.length > 0) {
      app.log.warn({ dataKey: config.dataKeys.current.id, retiredDataKeys: retired, retiredIndexKeys: config.dataKeys.retiredIndex.length }, 'retired keys configured: run `npm run data:rekey`, then remove them');
    }
    let seeded = null;
    if (config.mode === 'demo' && !(await isSeeded(systemContext(deps, app.log)))) {
      seeded = await seedDemo(systemContext(deps, app.log));
      // The embedded engine has no autovacuum: without statistics on the fresh tables, a district-wide
      // search can pick a plan hundreds of times slower (measured in bench/person-search).
      await opened.database.execScript('ANALYZE');
    }
    return {
      app,
      deps,
      seeded,
      async close() {
        try {
          await app.close();
        } finally {
          await opened.close();
        }
      },
    };
  } catch (err) {
    await opened.close();
    throw err;
  }
}
