import type { AdjustmentResult, AreaGeometry } from '@redgrid/contracts';
import { describe, expect, it } from 'vitest';
import type { EditSession, PreviewState } from './edit-panel';
import { isPanelTab, mapModeOf } from './map-mode';

const square: AreaGeometry = { type: 'Polygon', coordinates: [[[120, 31.7], [120.01, 31.7], [120.01, 31.71], [120, 31.71], [120, 31.7]]] };
const split: EditSession = { kind: 'split', gridId: 1, name: '一网格', geometry: square, points: [] };
const create = (finished: boolean): EditSession => ({ kind: 'create', parentId: 1, parentName: '社区', points: [], finished, name: '', gridType: 'comprehensive' });
const redraw: EditSession = { kind: 'redraw', gridId: 1, name: '一网格', original: [], polygons: [], undo: [], vertex: null };
const merge: EditSession = { kind: 'merge', keepId: 1, name: '' };
const preview = { request: { kind: 'retire', gridId: 1 }, result: {} as AdjustmentResult } as unknown as PreviewState;

describe('mapModeOf', () => {
  it.each([
    ['nothing edited, areas tab', null, null, 'areas', 'browse'],
    ['nothing edited, locate tab', null, null, 'locate', 'locate'],
    ['nothing edited, analysis tab', null, null, 'analysis', 'browse'],
    ['redraw', redraw, null, 'areas', 'edit'],
    ['split', split, null, 'locate', 'draw-line'],
    ['create while drawing', create(false), null, 'areas', 'draw-polygon'],
    ['create once drawn', create(true), null, 'areas', 'browse'],
    ['merge picks grids even on the locate tab', merge, null, 'locate', 'browse'],
    ['a preview is looked at, not drawn on', split, preview, 'areas', 'browse'],
  ] as const)('%s → %s', (_name, session, shown, tab, mode) => {
    expect(mapModeOf(session, shown, tab)).toBe(mode);
  });

  it('knows the tabs', () => {
    expect(['areas', 'locate', 'analysis', 'other'].map(isPanelTab)).toEqual([true, true, true, false]);
  });
});
