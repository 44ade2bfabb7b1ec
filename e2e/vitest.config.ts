import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Browser journeys against the real server (embedded engine) and the built console, in Debian's
 * Chromium. Run with `npm run build && npm run test:e2e`.
 */
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['e2e/**/*.spec.ts'],
    globalSetup: ['e2e/support/global-setup.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 360_000,
    fileParallelism: false,
    maxWorkers: 1,
    pool: 'forks',
    // The specs skip themselves when picked up by the unit-test run (`npm test`), which has no server.
    env: { REDGRID_E2E: '1' },
    reporters: ['default'],
  },
});
