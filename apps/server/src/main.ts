import { ConfigError, loadConfig } from './config.ts';
import { boot } from './boot.ts';
import { DEMO_ACCOUNTS } from './seed/demo-accounts.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`redgrid: cannot start.\n${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const startedAt = performance.now();
  const booted = await boot(config);
  const { app } = booted;

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      app.log.error('shutdown took over 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    try {
      await booted.close();
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://localhost:${port}`;
  const lines = [
    '',
    `  红网格 redgrid ${config.mode === 'demo' ? '[DEMO 演示模式]' : '[production]'} — ${url}`,
    `  engine: ${booted.deps.database.kind}${booted.deps.database.kind === 'embedded' ? ` (${config.dataDir})` : ''}; API docs: ${url}/api/docs`,
    `  ready in ${((performance.now() - startedAt) / 1000).toFixed(1)} s${booted.seeded ? `; seeded demo district: ${booted.seeded.areas} divisions, ${booted.seeded.grids} grids, ${booted.seeded.buildings} buildings, ${booted.seeded.residents.persons} residents in ${booted.seeded.residents.households} households, ${booted.seeded.users} accounts` : ''}`,
  ];
  if (config.mode === 'demo') {
    lines.push('', '  Demo accounts (password for all: Redgrid@2026):');
    for (const a of DEMO_ACCOUNTS) lines.push(`    ${a.username.padEnd(11)} ${a.description}`);
  }
  console.log(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  console.error('redgrid: failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
