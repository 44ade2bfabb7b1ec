import type { AcceptGridProposal, AreaGeometry, CreateGrid, GridProposalRequest, MergeGrids, ProposedGrid, RedrawBoundary, RetireGrid, SplitGrid } from '@redgrid/contracts';
import { buildSplitLine, fromOpenPolygons, polygonFromPoints, type LngLat, type OpenPolygons } from './geometry';

/**
 * One boundary adjustment as the UI prepares it. The same request goes out twice: first with
 * `preview: true` (the server runs it and rolls back), then, once confirmed, with `preview: false`.
 */
export type AdjustmentRequest =
  | { kind: 'split'; gridId: number; body: Omit<SplitGrid, 'preview'> }
  | { kind: 'merge'; body: Omit<MergeGrids, 'preview'> }
  | { kind: 'redraw'; areaId: number; body: Omit<RedrawBoundary, 'preview'> }
  | { kind: 'retire'; gridId: number; body: Omit<RetireGrid, 'preview'> }
  | { kind: 'create'; body: Omit<CreateGrid, 'preview'> }
  | { kind: 'proposal'; communityId: number; body: Omit<AcceptGridProposal, 'preview'> };

export interface AdjustmentCall {
  method: 'POST' | 'PUT';
  path: string;
  body: Record<string, unknown>;
}

/** The HTTP call for a request, with the preview flag set. */
export function adjustmentCall(request: AdjustmentRequest, preview: boolean): AdjustmentCall {
  switch (request.kind) {
    case 'split':
      return { method: 'POST', path: `/api/areas/${request.gridId}/split`, body: { ...request.body, preview } };
    case 'merge':
      return { method: 'POST', path: '/api/areas/merge', body: { ...request.body, preview } };
    case 'redraw':
      return { method: 'PUT', path: `/api/areas/${request.areaId}/boundary`, body: { ...request.body, preview } };
    case 'retire':
      return { method: 'POST', path: `/api/areas/${request.gridId}/retire`, body: { ...request.body, preview } };
    case 'create':
      return { method: 'POST', path: '/api/areas/grids', body: { ...request.body, preview } };
    case 'proposal':
      return { method: 'POST', path: `/api/areas/${request.communityId}/grid-proposal/accept`, body: { ...request.body, preview } };
  }
}

/**
 * A split by the line the user clicked across the grid. Names are left to the server: it numbers
 * the pieces north to south, and the preview shows exactly those names.
 */
export function splitRequest(gridId: number, points: readonly LngLat[], grid: AreaGeometry): AdjustmentRequest | null {
  const line = buildSplitLine(points, grid);
  return line ? { kind: 'split', gridId, body: { crs: 'wgs84', by: { kind: 'line', line } } } : null;
}

/**
 * A split with the names the user gave its pieces in the preview (trimmed). Unchanged when there
 * are none, or when it is not a split.
 */
export function withPieceNames(request: AdjustmentRequest, names: readonly string[] | undefined): AdjustmentRequest {
  if (request.kind !== 'split' || !names || names.length === 0) return request;
  return { ...request, body: { ...request.body, names: names.map((n) => n.trim()) } };
}

export function redrawRequest(areaId: number, polygons: OpenPolygons): AdjustmentRequest {
  return { kind: 'redraw', areaId, body: { crs: 'wgs84', geometry: fromOpenPolygons(polygons) } };
}

export function createRequest(
  parentId: number,
  points: readonly LngLat[],
  naming: { name: string; gridType: 'comprehensive' | 'dedicated' },
): AdjustmentRequest | null {
  const polygon = polygonFromPoints(points);
  return polygon ? { kind: 'create', body: { parentId, name: naming.name.trim(), gridType: naming.gridType, crs: 'wgs84', geometry: polygon } } : null;
}

export function mergeRequest(gridIds: readonly number[], keepId: number, name?: string): AdjustmentRequest {
  const trimmed = name?.trim();
  // The kept grid goes first: the server keeps the first id when none is named.
  const ordered = [keepId, ...gridIds.filter((id) => id !== keepId)];
  return { kind: 'merge', body: { gridIds: ordered, keepId, ...(trimmed ? { name: trimmed } : {}) } };
}

export function retireRequest(gridId: number, transferToId?: number): AdjustmentRequest {
  return { kind: 'retire', gridId, body: transferToId === undefined ? {} : { transferToId } };
}

/** The form of a grid-division draft: a household range and, optionally, how many grids. */
export interface ProposalForm {
  min: number | null;
  max: number | null;
  gridCount: number | null;
}

/** The draft request: empty fields are left to the server (the area's own range, a count chosen from it). */
export function gridProposalBody(form: ProposalForm): GridProposalRequest {
  return {
    ...(form.min !== null ? { min: form.min } : {}),
    ...(form.max !== null ? { max: form.max } : {}),
    ...(form.gridCount !== null ? { gridCount: form.gridCount } : {}),
  };
}

/**
 * Accepting a draft: the proposed shapes under the names the user gave them (the suggested name
 * when left as it was). Null while a name is empty: every new grid needs one.
 */
export function proposalRequest(communityId: number, grids: readonly Pick<ProposedGrid, 'geometry'>[], names: readonly string[]): AdjustmentRequest | null {
  if (grids.length === 0) return null;
  const named = grids.map((g, i) => ({ name: (names[i] ?? '').trim(), geometry: g.geometry }));
  if (named.some((g) => !g.name)) return null;
  return { kind: 'proposal', communityId, body: { crs: 'wgs84', grids: named.map((g) => ({ name: g.name, geometry: g.geometry, gridType: 'comprehensive' })) } };
}
