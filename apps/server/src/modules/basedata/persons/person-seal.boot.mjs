// The entry of the seal worker thread when the server runs from TypeScript: a worker does not inherit
// the main thread's `--import tsx` hooks, so it registers tsx itself, then runs person-seal.worker.ts.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
