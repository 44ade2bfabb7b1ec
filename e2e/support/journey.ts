import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';
import { launchBrowser, type Browser } from './browser.ts';
import { startServer, type RunningServer } from './server.ts';

/**
 * The lifecycle every browser journey shares: one real server per file, a fresh browser per test,
 * closed after it with a check that the page threw nothing. Call inside a describe block.
 */
export function useJourney(): { open(options?: { phone?: boolean }): Promise<Browser> } {
  let server: RunningServer | undefined;
  let browser: Browser | null = null;

  beforeAll(async () => {
    server = await startServer({ from: inject('e2eSeededDataDir') });
  });

  afterEach(async () => {
    const open = browser;
    browser = null;
    if (open) {
      const errors = [...open.pageErrors];
      await open.close();
      expect(errors, 'uncaught errors in the page').toEqual([]);
    }
  });

  afterAll(async () => {
    await server?.stop();
  });

  return {
    async open(options = {}) {
      if (!server) throw new Error('server not started');
      browser = await launchBrowser({ baseURL: server.baseURL, ...options });
      return browser;
    },
  };
}
