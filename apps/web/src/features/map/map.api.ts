import {
  adjustmentResultSchema,
  analysisStartSchema,
  areaGeometrySchema,
  areaHistorySchema,
  areaSchema,
  balanceReportSchema,
  coverageReportSchema,
  featureCollectionSchema,
  gridProposalSchema,
  locateResultSchema,
  type AdjustmentResult,
  type AreaGeometry,
  type AreaView,
  type CrsName,
  type FeatureCollectionView,
  type GridProposalRequest,
} from '@redgrid/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../shared/api/api-client';
import { areaKeys } from '../areas/areas.api';
import { adjustmentCall, type AdjustmentRequest } from './adjustment';

/** An area with its boundary, as the boundaries endpoint answers (WGS84). */
export type AreaShape = Pick<AreaView, 'id' | 'code' | 'name' | 'level' | 'status' | 'gridType' | 'households' | 'parentId'> & {
  geometry: AreaGeometry;
};

const shapeProperties = areaSchema.pick({ id: true, code: true, name: true, level: true, status: true, gridType: true, households: true, parentId: true });

/** Features whose properties or geometry break the contract are left out (and logged), not drawn half. */
export function toAreaShapes(collection: FeatureCollectionView): AreaShape[] {
  return collection.features.flatMap((feature) => {
    const properties = shapeProperties.safeParse(feature.properties);
    const geometry = areaGeometrySchema.safeParse(feature.geometry);
    if (!properties.success || !geometry.success) {
      console.error('Boundary feature does not match the contract', feature.properties);
      return [];
    }
    return [{ ...properties.data, geometry: geometry.data }];
  });
}

/** A geometry from a report, if it is one the map can draw. */
export function asAreaGeometry(value: unknown): AreaGeometry | null {
  const parsed = areaGeometrySchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

export type BoundaryFilter = { parentId: number } | { ids: readonly number[] };

export const geoKeys = {
  all: ['geo'] as const,
  boundaries: (filter: string) => ['geo', 'boundaries', filter] as const,
  coverage: (id: number) => ['geo', 'coverage', id] as const,
  balance: (id: number) => ['geo', 'balance', id] as const,
  analysisStart: () => ['geo', 'analysis-start'] as const,
  history: (id: number) => ['geo', 'history', id] as const,
  locate: (lng: number, lat: number, crs: CrsName) => ['geo', 'locate', lng, lat, crs] as const,
};

function filterKey(filter: BoundaryFilter | undefined): string {
  if (!filter) return '';
  return 'parentId' in filter ? `parent:${filter.parentId}` : `ids:${[...filter.ids].sort((a, b) => a - b).join(',')}`;
}

export async function fetchBoundaries(filter: BoundaryFilter): Promise<AreaShape[]> {
  const query = 'parentId' in filter ? { parentId: filter.parentId, crs: 'wgs84' } : { ids: filter.ids.join(','), crs: 'wgs84' };
  return toAreaShapes(await api.get('/api/areas/boundaries', featureCollectionSchema, { query }));
}

// Boundaries change only through adjustments, which invalidate everything under geoKeys.all.
const GEO_STALE_MS = 5 * 60_000;

/** Boundaries of a parent's children or of a few ids; small sets only (the tiles carry the rest). */
export function useBoundaries(filter: BoundaryFilter | undefined) {
  const key = filterKey(filter);
  const empty = filter !== undefined && 'ids' in filter && filter.ids.length === 0;
  return useQuery({
    queryKey: geoKeys.boundaries(key),
    queryFn: () => (filter ? fetchBoundaries(filter) : Promise.resolve([])),
    enabled: filter !== undefined && !empty,
    staleTime: GEO_STALE_MS,
  });
}

export function useCoverage(areaId: number | undefined) {
  return useQuery({
    queryKey: geoKeys.coverage(areaId ?? 0),
    // The server's default threshold (COVERAGE_MIN_AREA_M2) shows a 1 m² gap; do not raise it here.
    queryFn: () => api.get(`/api/areas/${areaId ?? 0}/coverage`, coverageReportSchema),
    enabled: areaId !== undefined,
    staleTime: GEO_STALE_MS,
  });
}

/** The first area of the user's scope that has a boundary: where analysis opens when nothing is chosen. */
export function useAnalysisStart(enabled: boolean) {
  return useQuery({
    queryKey: geoKeys.analysisStart(),
    queryFn: () => api.get('/api/areas/analysis-start', analysisStartSchema),
    enabled,
    staleTime: GEO_STALE_MS,
  });
}

export function useBalance(areaId: number | undefined) {
  return useQuery({
    queryKey: geoKeys.balance(areaId ?? 0),
    queryFn: () => api.get(`/api/areas/${areaId ?? 0}/balance`, balanceReportSchema),
    enabled: areaId !== undefined,
    staleTime: GEO_STALE_MS,
  });
}

export function useAreaHistory(areaId: number | undefined) {
  return useQuery({
    queryKey: geoKeys.history(areaId ?? 0),
    queryFn: () => api.get(`/api/areas/${areaId ?? 0}/history`, areaHistorySchema),
    enabled: areaId !== undefined,
  });
}

export interface LocateInput {
  lng: number;
  lat: number;
  crs: CrsName;
}

export function useLocate() {
  return useMutation({
    mutationFn: (input: LocateInput) => api.get('/api/areas/locate', locateResultSchema, { query: { lng: input.lng, lat: input.lat, crs: input.crs } }),
  });
}

export function sendAdjustment(request: AdjustmentRequest, preview: boolean): Promise<AdjustmentResult> {
  const call = adjustmentCall(request, preview);
  return call.method === 'PUT' ? api.put(call.path, adjustmentResultSchema, call.body) : api.post(call.path, adjustmentResultSchema, call.body);
}

/** Runs an adjustment with `preview: true`: nothing changes on the server. */
export function usePreviewAdjustment() {
  return useMutation({ mutationFn: (request: AdjustmentRequest) => sendAdjustment(request, true) });
}

/** Commits an adjustment; afterwards every cached area and boundary may be stale. */
export function useCommitAdjustment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: AdjustmentRequest) => sendAdjustment(request, false),
    onSuccess: async () => {
      await Promise.all([queryClient.invalidateQueries({ queryKey: geoKeys.all }), queryClient.invalidateQueries({ queryKey: areaKeys.all })]);
    },
  });
}

/** A grid-division draft for a community: computed by the server, binding nobody until accepted. */
export function useGridProposal() {
  return useMutation({
    mutationFn: ({ communityId, body }: { communityId: number; body: GridProposalRequest }) => api.post(`/api/areas/${communityId}/grid-proposal`, gridProposalSchema, body),
  });
}
