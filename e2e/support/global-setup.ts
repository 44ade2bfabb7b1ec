import { rm } from 'node:fs/promises';
import type { TestProject } from 'vitest/node';
import { startServer } from './server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A data dir the run's one cold start seeded with the demo; every spec file starts from a copy. */
    e2eSeededDataDir: string;
  }
}

/**
 * One cold start per run — the product on an empty data dir, seeding the demo, answering health —
 * then a clean stop; the spec files' servers start from copies of what it left (seconds, not minutes).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startServer({ keepDataDir: true });
  await server.stop();
  project.provide('e2eSeededDataDir', server.dataDir);
  return async () => {
    await rm(server.dataDir, { recursive: true, force: true });
  };
}
