// @vitest-environment jsdom
import type { AreaGeometry } from '@redgrid/contracts';
import { describe, expect, it } from 'vitest';
import { adjustmentCall, createRequest, mergeRequest, retireRequest, splitRequest } from './adjustment';

const square: AreaGeometry = { type: 'Polygon', coordinates: [[[120, 31.7], [120.01, 31.7], [120.01, 31.71], [120, 31.71], [120, 31.7]]] };

describe('adjustment requests', () => {
  it('previews and then commits the very same split', () => {
    const request = splitRequest(171, [[119.99, 31.705], [120.02, 31.705]], square);
    if (!request) throw new Error('expected a request');
    const preview = adjustmentCall(request, true);
    const commit = adjustmentCall(request, false);
    expect(preview).toEqual({
      method: 'POST',
      path: '/api/areas/171/split',
      body: { crs: 'wgs84', by: { kind: 'line', line: { type: 'LineString', coordinates: [[119.99, 31.705], [120.02, 31.705]] } }, preview: true },
    });
    expect({ ...commit.body, preview: true }).toEqual(preview.body);
    expect(commit.body['preview']).toBe(false);
  });

  it('has no split before two points', () => {
    expect(splitRequest(171, [[120.005, 31.705]], square)).toBeNull();
  });

  it('puts the kept grid first and leaves an empty name out', () => {
    expect(adjustmentCall(mergeRequest([5, 6, 7], 6, '  '), true)).toEqual({ method: 'POST', path: '/api/areas/merge', body: { gridIds: [6, 5, 7], keepId: 6, preview: true } });
    expect(mergeRequest([5, 6], 5, ' 新网格 ').kind === 'merge' && mergeRequest([5, 6], 5, ' 新网格 ')).toMatchObject({ body: { name: '新网格' } });
  });

  it('names the receiving grid of a retirement only when there is one', () => {
    expect(adjustmentCall(retireRequest(9), false)).toEqual({ method: 'POST', path: '/api/areas/9/retire', body: { preview: false } });
    expect(adjustmentCall(retireRequest(9, 10), true).body).toEqual({ transferToId: 10, preview: true });
  });

  it('closes a drawn outline into the new grid', () => {
    const request = createRequest(5, [[0, 0], [1, 0], [1, 1]], { name: ' 第7网格 ', gridType: 'comprehensive' });
    expect(request && adjustmentCall(request, true)).toEqual({
      method: 'POST',
      path: '/api/areas/grids',
      body: { parentId: 5, name: '第7网格', gridType: 'comprehensive', crs: 'wgs84', geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] }, preview: true },
    });
  });
});
