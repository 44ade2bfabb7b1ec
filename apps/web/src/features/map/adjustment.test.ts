// @vitest-environment jsdom
import type { AreaGeometry } from '@redgrid/contracts';
import { describe, expect, it } from 'vitest';
import { adjustmentCall, createRequest, gridProposalBody, mergeRequest, proposalRequest, retireRequest, splitRequest } from './adjustment';

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

describe('grid-division proposal', () => {
  const a: AreaGeometry = { type: 'MultiPolygon', coordinates: [square.coordinates] };
  const b: AreaGeometry = { type: 'MultiPolygon', coordinates: [[[[120.01, 31.7], [120.02, 31.7], [120.02, 31.71], [120.01, 31.7]]]] };

  it('leaves empty fields of the draft form to the server', () => {
    expect(gridProposalBody({ min: null, max: null, gridCount: null })).toEqual({});
    expect(gridProposalBody({ min: 0, max: 400, gridCount: 3 })).toEqual({ min: 0, max: 400, gridCount: 3 });
  });

  it('accepts the edited draft under the names given, preview first and then the same body', () => {
    const request = proposalRequest(5, [{ geometry: a }, { geometry: b }], [' 站北第一网格 ', '站北社区第2网格']);
    if (!request) throw new Error('expected a request');
    const preview = adjustmentCall(request, true);
    expect(preview).toEqual({
      method: 'POST',
      path: '/api/areas/5/grid-proposal/accept',
      body: {
        crs: 'wgs84',
        grids: [
          { name: '站北第一网格', geometry: a, gridType: 'comprehensive' },
          { name: '站北社区第2网格', geometry: b, gridType: 'comprehensive' },
        ],
        preview: true,
      },
    });
    expect({ ...adjustmentCall(request, false).body, preview: true }).toEqual(preview.body);
  });

  it('has no request while a name is blank or the draft is empty', () => {
    expect(proposalRequest(5, [{ geometry: a }, { geometry: b }], ['一', '  '])).toBeNull();
    expect(proposalRequest(5, [{ geometry: a }], [])).toBeNull();
    expect(proposalRequest(5, [], [])).toBeNull();
  });
});
