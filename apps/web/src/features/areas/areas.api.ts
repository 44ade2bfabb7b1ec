import {
  areaDetailSchema,
  areaSchema,
  balanceReportSchema,
  boundaryImportReportSchema,
  type AreaDetail,
  type AreaView,
  type BoundaryImportInput,
  type BoundaryImportReport,
  type CreatePlace,
  type UpdateArea,
} from '@redgrid/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, arrayOf } from '../../shared/api/api-client';
import { settleImport } from '../divisions/division-report';

const areaList = arrayOf(areaSchema);

export const areaKeys = {
  all: ['areas'] as const,
  roots: () => ['areas', 'roots'] as const,
  children: (parentId: number) => ['areas', 'children', parentId] as const,
  search: (q: string) => ['areas', 'search', q] as const,
  detail: (id: number) => ['areas', 'detail', id] as const,
};

// The area tree changes rarely (it is redrawn by administrators, not by daily work).
const AREA_STALE_MS = 5 * 60_000;

export function fetchAreaRoots(): Promise<AreaView[]> {
  return api.get('/api/areas/roots', areaList);
}

export function fetchAreaChildren(parentId: number): Promise<AreaView[]> {
  return api.get('/api/areas', areaList, { query: { parentId, limit: 500 } });
}

export function searchAreas(q: string): Promise<AreaView[]> {
  return api.get('/api/areas', areaList, { query: { q, limit: 50 } });
}

export function fetchArea(id: number): Promise<AreaDetail> {
  return api.get(`/api/areas/${id}`, areaDetailSchema);
}

export function useAreaRoots() {
  return useQuery({ queryKey: areaKeys.roots(), queryFn: fetchAreaRoots, staleTime: AREA_STALE_MS });
}

export function useAreaChildren(parentId: number | undefined) {
  return useQuery({
    queryKey: areaKeys.children(parentId ?? 0),
    queryFn: () => fetchAreaChildren(parentId ?? 0),
    enabled: parentId !== undefined,
    staleTime: AREA_STALE_MS,
  });
}

export function useAreaSearch(q: string) {
  const trimmed = q.trim();
  return useQuery({
    queryKey: areaKeys.search(trimmed),
    queryFn: () => searchAreas(trimmed),
    enabled: trimmed.length > 0,
    staleTime: AREA_STALE_MS,
  });
}

export function useArea(id: number | undefined) {
  return useQuery({
    queryKey: areaKeys.detail(id ?? 0),
    queryFn: () => fetchArea(id ?? 0),
    enabled: id !== undefined,
    staleTime: AREA_STALE_MS,
  });
}

/** Children through the query cache, for lazy trees that load on expand. */
export function loadAreaChildren(queryClient: QueryClient, parentId: number): Promise<AreaView[]> {
  return queryClient.fetchQuery({ queryKey: areaKeys.children(parentId), queryFn: () => fetchAreaChildren(parentId), staleTime: AREA_STALE_MS });
}

/** After a change to the tree every cached area, boundary and report may be stale. */
async function invalidateAreas(queryClient: QueryClient): Promise<void> {
  await Promise.all([queryClient.invalidateQueries({ queryKey: areaKeys.all }), queryClient.invalidateQueries({ queryKey: ['geo'] })]);
}

/** Renames an area or sets its households, grid type or household range (PATCH /api/areas/{id}). */
export function useUpdateArea() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, changes }: { id: number; changes: UpdateArea }) => api.patch(`/api/areas/${id}`, areaDetailSchema, changes),
    onSuccess: () => invalidateAreas(queryClient),
  });
}

/** Adds a building to a grid or a unit to a building, with its households. */
export function useCreatePlace() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (place: CreatePlace) => api.post('/api/areas/places', areaDetailSchema, place),
    onSuccess: () => invalidateAreas(queryClient),
  });
}

/**
 * The grids under an area judged by a household range not yet saved: what a range change would flag.
 * Without a range, the range in force.
 */
export function useBalancePreview(areaId: number | undefined, range: { min: number | null; max: number | null } | undefined) {
  const query = { ...(range?.min != null ? { min: range.min } : {}), ...(range?.max != null ? { max: range.max } : {}) };
  return useQuery({
    queryKey: ['geo', 'balance', areaId ?? 0, query] as const,
    queryFn: () => api.get(`/api/areas/${areaId ?? 0}/balance`, balanceReportSchema, { query }),
    enabled: areaId !== undefined && range !== undefined,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

/**
 * Boundary import: a dry run answers its report and writes nothing; a run with errors answers 422
 * with the same report, which is shown, not thrown.
 */
export function useImportBoundaries() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: BoundaryImportInput): Promise<BoundaryImportReport> =>
      settleImport(api.post('/api/areas/import/boundaries', boundaryImportReportSchema, input), boundaryImportReportSchema),
    onSuccess: async (report) => {
      if (report.applied) await invalidateAreas(queryClient);
    },
  });
}
