import { claimPageSchema, componentViewSchema, houseViewSchema, organisationViewSchema, personDetailSchema, type ClaimKind, type RecordPlace } from '@redgrid/contracts';
import { keepPreviousData, useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../shared/api/api-client';
import { basedataKeys } from './basedata.api';

const BASE = '/api/basedata';

export interface ClaimFilter {
  kind: ClaimKind;
  communityId?: number | undefined;
  q?: string | undefined;
}

function useBasedataMutation<V, R>(fn: (vars: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => queryClient.invalidateQueries({ queryKey: basedataKeys.all }) });
}

/** The 待认领 list of the caller's communities, page by page (keyset). */
export function useClaims(filter: ClaimFilter) {
  return useInfiniteQuery({
    queryKey: [...basedataKeys.all, 'claims', filter] as const,
    queryFn: ({ pageParam, signal }) => api.get(`${BASE}/claims`, claimPageSchema, { query: { ...filter, after: pageParam, limit: 50 }, signal }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.next ?? undefined,
    placeholderData: keepPreviousData,
  });
}

/** Claims one record into a grid, building or unit of the caller's (a retry is harmless on the server). */
export function useClaim() {
  // Either answer carries the record's new place, which is all the list needs to say where it went.
  return useBasedataMutation(async ({ kind, id, areaId }: { kind: ClaimKind; id: number; areaId: number }): Promise<{ place: RecordPlace }> =>
    kind === 'person' ? api.post(`${BASE}/persons/${id}/claim`, personDetailSchema, { areaId }) : api.post(`${BASE}/organisations/${id}/claim`, organisationViewSchema, { areaId }),
  );
}

export function useVerifyOrganisation(id: number) {
  return useBasedataMutation(() => api.post(`${BASE}/organisations/${id}/verify`, organisationViewSchema, {}));
}
export function useVerifyComponent(id: number) {
  return useBasedataMutation(() => api.post(`${BASE}/components/${id}/verify`, componentViewSchema, {}));
}
export function useVerifyRental(id: number) {
  return useBasedataMutation(() => api.post(`${BASE}/rentals/${id}/verify`, houseViewSchema, {}));
}
