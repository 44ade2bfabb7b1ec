import { caseKpiBreakdownSchema, caseKpiSchema, caseListSchema, type CaseKpiDimension, type CaseKpiFigure } from '@redgrid/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, buildUrl } from '../../shared/api/api-client';
import type { Period } from './kpi-period';

export const kpiKeys = {
  figures: (areaId: number, p: Period) => ['cases', 'kpi', areaId, p.from, p.to] as const,
  breakdown: (areaId: number, p: Period, by: CaseKpiDimension) => ['cases', 'kpi', areaId, p.from, p.to, by] as const,
  drill: (q: DrillQuery) => ['cases', 'kpi', 'drill', q] as const,
};

export function useCaseKpi(areaId: number | undefined, period: Period) {
  return useQuery({
    queryKey: kpiKeys.figures(areaId ?? 0, period),
    queryFn: () => api.get('/api/cases/kpi', caseKpiSchema, { query: { areaId, ...period } }),
    enabled: areaId !== undefined,
    placeholderData: keepPreviousData,
  });
}

export function useCaseKpiBreakdown(areaId: number | undefined, period: Period, by: CaseKpiDimension) {
  return useQuery({
    queryKey: kpiKeys.breakdown(areaId ?? 0, period, by),
    queryFn: () => api.get('/api/cases/kpi/breakdown', caseKpiBreakdownSchema, { query: { areaId, ...period, by } }),
    enabled: areaId !== undefined,
    placeholderData: keepPreviousData,
  });
}

/** What a drill-down asks for: the cases behind one figure of an area, department or person. */
export interface DrillQuery {
  figure: CaseKpiFigure;
  areaId: number;
  from: string;
  to: string;
  departmentId?: number | undefined;
  personId?: number | undefined;
}

/** The address of the list behind a figure (the page links every number here). */
export function drillPath(q: DrillQuery): string {
  return buildUrl('/cases/kpi/cases', { figure: q.figure, areaId: q.areaId, from: q.from, to: q.to, departmentId: q.departmentId, personId: q.personId });
}

export function useFigureCases(q: DrillQuery | null, offset: number, limit = 20) {
  return useQuery({
    queryKey: [...kpiKeys.drill(q ?? ({} as DrillQuery)), offset],
    queryFn: () => api.get('/api/cases', caseListSchema, { query: { ...q, offset, limit } }),
    enabled: q !== null,
    placeholderData: keepPreviousData,
  });
}

/** The XLSX of the table as the page shows it (downloaded straight from the endpoint with the session cookie). */
export function exportPath(areaId: number, period: Period, by: CaseKpiDimension): string {
  return buildUrl('/api/cases/kpi/export', { areaId, ...period, by });
}
