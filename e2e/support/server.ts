import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const WEB_INDEX = path.join(REPO_ROOT, 'apps/web/dist/index.html');

// A cold start seeds the demo (district, accounts, residents): about a minute on an idle 2-core machine, several on a loaded one.
const READY_TIMEOUT_MS = 300_000;
const STOP_TIMEOUT_MS = 15_000;

export interface RunningServer {
  baseURL: string;
  /** What the server printed so far (stdout and stderr, interleaved), for failure messages. */
  output(): string;
  /** SIGTERM, then checks the process exits (code 0) within 15 s; removes the data dir. */
  stop(): Promise<void>;
}

/** A port nobody listens on right now: bind port 0, read it, close. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error('could not pick a free port'))));
    });
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface StartOptions {
  /**
   * A data dir a cold start has already seeded (see global-setup.ts): copied into this server's own
   * fresh data dir, so each spec file starts isolated without seeding the demo again.
   */
  from?: string | undefined;
  /** Leave the data dir in place after stop() (the run's seeded copy). */
  keepDataDir?: boolean;
}

/**
 * Starts the product the way a user does on the embedded engine (`node --import tsx
 * apps/server/src/main.ts`) with a fresh data dir, and waits until GET /api/health answers 200.
 * The server serves the console built into apps/web/dist.
 */
export async function startServer(options: StartOptions = {}): Promise<RunningServer & { dataDir: string }> {
  if (!existsSync(WEB_INDEX)) {
    throw new Error(`${WEB_INDEX} is missing: the browser tests need the built console. Run \`npm run build\` first.`);
  }
  const dataDir = await mkdtemp(path.join(tmpdir(), 'redgrid-e2e-data-'));
  if (options.from) await cp(options.from, dataDir, { recursive: true });
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REDGRID_MODE: 'demo',
    REDGRID_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  };
  // The embedded engine, whatever the calling shell has set.
  delete env.DATABASE_URL;
  delete env.REDGRID_WEB_DIST;
  delete env.REDGRID_E2E;

  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (chunk: Buffer) => {
    log += chunk.toString('utf8');
    if (log.length > 200_000) log = log.slice(-100_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exit = exited(child);
  let hasExited = false;
  void exit.then(() => (hasExited = true));

  const cleanup = async () => {
    if (!hasExited) child.kill('SIGKILL');
    if (!options.keepDataDir) await rm(dataDir, { recursive: true, force: true });
  };

  const started = Date.now();
  let lastProblem = 'no answer yet';
  for (;;) {
    if (hasExited) {
      const { code, signal } = await exit;
      await cleanup();
      throw new Error(`the server exited before it was ready (code ${code}, signal ${signal}). Its output:\n${log}`);
    }
    if (Date.now() - started > READY_TIMEOUT_MS) {
      await cleanup();
      throw new Error(`GET ${baseURL}/api/health did not answer 200 within ${READY_TIMEOUT_MS / 1000} s (last: ${lastProblem}). Server output:\n${log}`);
    }
    try {
      const response = await fetch(`${baseURL}/api/health`, { signal: AbortSignal.timeout(5_000) });
      if (response.status === 200) break;
      lastProblem = `HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`;
    } catch (err) {
      lastProblem = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    }
    await sleep(250);
  }
  console.log(`[e2e] server ready at ${baseURL} in ${((Date.now() - started) / 1000).toFixed(1)} s (data dir ${dataDir})`);

  let stopped = false;
  return {
    baseURL,
    dataDir,
    output: () => log,
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        if (hasExited) {
          const { code, signal } = await exit;
          throw new Error(`the server had already exited during the tests (code ${code}, signal ${signal}). Its output:\n${log}`);
        }
        const t0 = Date.now();
        child.kill('SIGTERM');
        const result = await Promise.race([exit, sleep(STOP_TIMEOUT_MS).then(() => null)]);
        if (result === null) {
          throw new Error(`the server did not exit within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM. Its output:\n${log}`);
        }
        if (result.code !== 0) {
          throw new Error(`the server exited with code ${result.code} (signal ${result.signal}) after SIGTERM. Its output:\n${log}`);
        }
        console.log(`[e2e] server stopped cleanly in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      } finally {
        await cleanup();
      }
    },
  };
}
