// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { visibleLabels, type LabelBox } from './labels';

const box = (x: number, y: number, extra: Partial<LabelBox> = {}): LabelBox => ({ x, y, width: 80, height: 20, priority: 0, ...extra });

describe('visibleLabels', () => {
  it('keeps labels that do not touch', () => {
    expect(visibleLabels([box(0, 0), box(100, 0), box(0, 40)])).toEqual([true, true, true]);
  });

  it('drops the later of two overlapping labels', () => {
    expect(visibleLabels([box(0, 0), box(50, 10), box(200, 0)])).toEqual([true, false, true]);
  });

  it('lets the selected area win a clash', () => {
    expect(visibleLabels([box(0, 0), box(50, 10, { priority: 1 })])).toEqual([false, true]);
  });

  it('hides a name wider than its area is drawn', () => {
    expect(visibleLabels([box(0, 0, { roomWidth: 40 }), box(200, 0, { roomWidth: 200 })])).toEqual([false, true]);
  });
});
