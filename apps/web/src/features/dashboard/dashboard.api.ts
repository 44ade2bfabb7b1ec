import { balanceReportSchema } from '@redgrid/contracts';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../shared/api/api-client';

/** Grids, buildings, households and the grids out of the household range under an area (the map's 规模均衡 report). */
export function useBalanceSummary(areaId: number | undefined, enabled: boolean) {
  return useQuery({
    // The map's analysis asks for the same report under the same key: one fetch serves both.
    queryKey: ['geo', 'balance', areaId ?? 0] as const,
    queryFn: () => api.get(`/api/areas/${areaId ?? 0}/balance`, balanceReportSchema),
    enabled: enabled && areaId !== undefined,
    staleTime: 60_000,
  });
}
