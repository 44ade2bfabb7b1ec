import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { boundHeap, heapBoundStats } from './heap-bound.ts';

describe('boundHeap', () => {
  it('leaves the heap alone under its floor', () => {
    const before = heapBoundStats().collections;
    expect(boundHeap(1024 * 1024)).toBe(false);
    expect(heapBoundStats().collections).toBe(before);
  });

  it('collects the garbage of a batch once the heap is over the bound, without a node flag', () => {
    let batch: { row: number; cells: string[] }[] | null = Array.from({ length: 200_000 }, (_, row) => ({ row, cells: [`名字${row}`, `地址${row}`] }));
    expect(batch.length).toBe(200_000);
    batch = null;
    const used = getHeapStatistics().used_heap_size;
    expect(boundHeap(1, 1)).toBe(true);
    expect(getHeapStatistics().used_heap_size).toBeLessThan(used - 10 * 1024 * 1024);
    expect(heapBoundStats().collections).toBeGreaterThan(0);
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });
});
