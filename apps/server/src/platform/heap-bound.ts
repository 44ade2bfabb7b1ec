import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Keeps a thread's V8 heap near what it really holds during bulk work (an import of a million rows),
 * with no node flag for the operator to pass.
 *
 * Why: an import's rows live across the database's round trips, so they are promoted to the old
 * generation and die there; V8 collects that generation only when it reaches a limit it sets as a
 * multiple of the live heap — up to four times on a machine whose heap may grow to gigabytes. Measured
 * (bench/person-import.bench.ts, 2026-12-07): the main thread's heap grew to 283–387 MB during an
 * import while a full collection left 71 MB live, and that garbage was most of the import's 571–658 MB
 * peak RSS. `--max-old-space-size` bounds it, but is a flag for the whole server.
 *
 * How: after each batch, `boundHeap()` runs a full collection when the heap in use is more than
 * `headroomMb` over what the last collection left live (and at least `floorMb`). With ~90 MB live
 * that is one collection per 64 MB of garbage: 11 for 100,000 persons, 2.6 s of a 62 s import at load 6
 * (~4 %; the thread stops while it runs).
 *
 * The collection function is V8's `gc`, taken from a fresh context with `--expose-gc` switched on only
 * for that moment (it is off again before anything else runs; no global `gc` appears). If V8 refuses,
 * `boundHeap` does nothing and the heap grows as it would have.
 */

const MB = 1024 * 1024;
let collect: (() => void) | null | undefined;

function collector(): (() => void) | null {
  if (collect !== undefined) return collect;
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    collect = typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    collect = null;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
  return collect;
}

/** What the last full collection left live in this thread (0 before the first). */
let liveAfterLast = 0;
/** Collections run here and the time they took, for benchmarks (this thread only). */
const stats = { collections: 0, ms: 0 };

/** How many full collections `boundHeap` ran in this thread and how long they took. */
export function heapBoundStats(): { collections: number; ms: number } {
  return { ...stats };
}

/**
 * One call after each batch of bulk work: a full collection if the heap in use is over
 * max(floorMb, the live heap the last one left + headroomMb). Returns true when it collected.
 */
export function boundHeap(floorMb = 128, headroomMb = 64): boolean {
  const used = getHeapStatistics().used_heap_size;
  if (used < Math.max(floorMb * MB, liveAfterLast + headroomMb * MB)) return false;
  const gc = collector();
  if (!gc) return false;
  const started = performance.now();
  gc();
  stats.collections += 1;
  stats.ms += performance.now() - started;
  liveAfterLast = getHeapStatistics().used_heap_size;
  return true;
}
