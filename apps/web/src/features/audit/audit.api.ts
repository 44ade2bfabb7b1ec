import { auditActorListSchema, auditPageSchema } from '@redgrid/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../shared/api/api-client';

export interface AuditFilter {
  page: number;
  pageSize: number;
  entity?: string | undefined;
  action?: string | undefined;
  actorId?: number | undefined;
}

export function useAuditEntries(filter: AuditFilter) {
  return useQuery({
    queryKey: ['audit', filter],
    queryFn: () => api.get('/api/audit', auditPageSchema, { query: { ...filter } }),
    placeholderData: keepPreviousData,
    // The trail grows while you read it; a short stale time keeps it fresh without hammering.
    staleTime: 5_000,
  });
}

/** Everyone who acted in the trail, by name, for the actor picker. */
export function useAuditActors() {
  return useQuery({ queryKey: ['audit', 'actors'], queryFn: () => api.get('/api/audit/actors', auditActorListSchema), staleTime: 60_000 });
}
