import { areaDetailSchema, areaSchema, type AreaDetail, type AreaView } from '@redgrid/contracts';
import { useQuery, type QueryClient } from '@tanstack/react-query';
import { api, arrayOf } from '../../shared/api/api-client';

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
