import { caseCountsSchema, caseKpiSchema, caseMapSchema } from '@redgrid/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../shared/api/api-client';

/** The open cases with a point in the map's box (bbox as the endpoint takes it), refreshed every minute. */
export function useCaseMap(bbox: string | null) {
  return useQuery({
    queryKey: ['cases', 'map', bbox],
    queryFn: () => api.get('/api/cases/map', caseMapSchema, { query: { bbox: bbox ?? undefined } }),
    enabled: bbox !== null,
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
}

/** Open, overdue, carded and today's cases of an area (none: the whole scope). */
export function useCaseCounts(areaId: number | undefined) {
  return useQuery({ queryKey: ['cases', 'counts', areaId ?? null], queryFn: () => api.get('/api/cases/counts', caseCountsSchema, { query: { areaId } }), refetchInterval: 60_000 });
}

/** The KPIs of an area for a period of Beijing dates (YYYY-MM-DD, inclusive). */
export function useCaseKpi(areaId: number | undefined, from: string, to: string) {
  return useQuery({
    queryKey: ['cases', 'kpi', areaId ?? null, from, to],
    queryFn: () => api.get('/api/cases/kpi', caseKpiSchema, { query: { areaId, from, to } }),
    enabled: areaId !== undefined,
  });
}
