import {
  houseRevealedValueSchema,
  basedataOverviewSchema,
  buildingBoardSchema,
  historySchema,
  householdPageSchema,
  householdViewSchema,
  houseViewSchema,
  personDetailSchema,
  personGroupSchema,
  personPageSchema,
  proposalViewSchema,
  revealedValueSchema,
  visitCoverageSchema,
  visitViewSchema,
  type BuildingProfileInput,
  type CreatePerson,
  type PersonSearchQuery,
  type TagInput,
  type UpdatePerson,
  type VisitInput,
} from '@redgrid/contracts';
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, arrayOf } from '../../shared/api/api-client';

const BASE = '/api/basedata';

export type PersonFilter = Omit<PersonSearchQuery, 'after' | 'limit'>;
export interface HouseholdFilter {
  areaId?: number | undefined;
  q?: string | undefined;
  notVisitedSince?: string | undefined;
}

export const basedataKeys = {
  all: ['basedata'] as const,
  overview: (areaId: number | undefined) => ['basedata', 'overview', areaId ?? null] as const,
  persons: (filter: PersonFilter) => ['basedata', 'persons', filter] as const,
  person: (id: number) => ['basedata', 'person', id] as const,
  history: (id: number) => ['basedata', 'person', id, 'history'] as const,
  groups: (areaId: number | undefined) => ['basedata', 'groups', areaId ?? null] as const,
  households: (filter: HouseholdFilter) => ['basedata', 'households', filter] as const,
  household: (id: number) => ['basedata', 'household', id] as const,
  visits: (householdId: number) => ['basedata', 'household', householdId, 'visits'] as const,
  coverage: (areaId: number, from: string, to: string) => ['basedata', 'coverage', areaId, from, to] as const,
  board: (id: number) => ['basedata', 'board', id] as const,
  house: (id: number) => ['basedata', 'house', id] as const,
  proposals: (areaId: number | undefined, status: string | undefined) => ['basedata', 'proposals', areaId ?? null, status ?? null] as const,
};

const PAGE = 50;

/** Counts for one area (the server needs one: the dashboard passes its focus, else the user's first area). */
export function useOverview(areaId: number | undefined) {
  return useQuery({ queryKey: basedataKeys.overview(areaId), queryFn: () => api.get(`${BASE}/overview`, basedataOverviewSchema, { query: { areaId } }), enabled: areaId !== undefined });
}

/** Persons page by page (keyset): `fetchNextPage` passes the last page's `next` as `after`. */
export function usePersonSearch(filter: PersonFilter) {
  return useInfiniteQuery({
    queryKey: basedataKeys.persons(filter),
    queryFn: ({ pageParam, signal }) => api.get(`${BASE}/persons`, personPageSchema, { query: { ...filter, after: pageParam, limit: PAGE }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function usePerson(id: number) {
  return useQuery({ queryKey: basedataKeys.person(id), queryFn: () => api.get(`${BASE}/persons/${id}`, personDetailSchema), retry: false });
}

export function usePersonHistory(id: number, enabled: boolean) {
  return useQuery({ queryKey: basedataKeys.history(id), queryFn: () => api.get(`${BASE}/persons/${id}/history`, historySchema), enabled });
}

export function useGroups(areaId?: number) {
  return useQuery({ queryKey: basedataKeys.groups(areaId), queryFn: () => api.get(`${BASE}/groups`, arrayOf(personGroupSchema), { query: { areaId } }), staleTime: 60_000 });
}

/** A write that changes base data: every list and detail may show it, so refresh them all. */
function useBasedataMutation<V, R>(fn: (vars: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => queryClient.invalidateQueries({ queryKey: basedataKeys.all }) });
}

export function useCreatePerson() {
  return useBasedataMutation((input: CreatePerson) => api.post(`${BASE}/persons`, personDetailSchema, input));
}
export function useUpdatePerson(id: number) {
  return useBasedataMutation((patch: UpdatePerson) => api.patch(`${BASE}/persons/${id}`, personDetailSchema, patch));
}
export function useVerifyPerson(id: number) {
  return useBasedataMutation(() => api.post(`${BASE}/persons/${id}/verify`, personDetailSchema, {}));
}
export function useAddTag(id: number) {
  return useBasedataMutation((input: TagInput) => api.post(`${BASE}/persons/${id}/tags`, personDetailSchema, input));
}
export function useRemoveTag(id: number) {
  return useBasedataMutation((tagId: number) => api.send('DELETE', `${BASE}/persons/${id}/tags/${tagId}`));
}
export function useMergePersons() {
  return useBasedataMutation((input: { keepId: number; mergeId: number; note: string }) => api.post(`${BASE}/persons/merge`, personDetailSchema, input));
}

/**
 * The full ID number or phone, asked for with a reason (the server audits it). A plain mutation, never
 * a query: the value must not land in the query cache, where it would outlive the page.
 */
export function useHouseReveal(id: number) {
  return useMutation({
    mutationFn: (input: { field: 'ownerIdNumber' | 'ownerPhone' | 'lessorIdNumber' | 'lessorPhone'; reason: string }) => api.post(`${BASE}/houses/${id}/reveal`, houseRevealedValueSchema, input),
    gcTime: 0,
  });
}

export function useReveal(id: number) {
  return useMutation({
    mutationFn: (input: { field: 'idNumber' | 'phone'; reason: string }) => api.post(`${BASE}/persons/${id}/reveal`, revealedValueSchema, input),
    gcTime: 0,
  });
}

export function useHouseholds(filter: HouseholdFilter, enabled = true) {
  return useInfiniteQuery({
    queryKey: basedataKeys.households(filter),
    queryFn: ({ pageParam, signal }) => api.get(`${BASE}/households`, householdPageSchema, { query: { ...filter, after: pageParam, limit: PAGE }, signal }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.next ?? undefined,
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useHousehold(id: number) {
  return useQuery({ queryKey: basedataKeys.household(id), queryFn: () => api.get(`${BASE}/households/${id}`, householdViewSchema), retry: false });
}

export function useHouseholdVisits(id: number) {
  return useQuery({ queryKey: basedataKeys.visits(id), queryFn: () => api.get(`${BASE}/households/${id}/visits`, arrayOf(visitViewSchema)) });
}

export function useRecordVisit() {
  return useBasedataMutation((input: VisitInput) => api.post(`${BASE}/visits`, visitViewSchema, input));
}

export function useCoverage(areaId: number | undefined, from: string, to: string) {
  return useQuery({
    queryKey: basedataKeys.coverage(areaId ?? 0, from, to),
    queryFn: () => api.get(`${BASE}/visits/coverage`, visitCoverageSchema, { query: { areaId, from, to } }),
    enabled: areaId !== undefined,
    placeholderData: keepPreviousData,
  });
}

export function useBuildingBoard(id: number) {
  return useQuery({ queryKey: basedataKeys.board(id), queryFn: () => api.get(`${BASE}/buildings/${id}/board`, buildingBoardSchema), retry: false });
}
export function useUpdateBuildingProfile(id: number) {
  return useBasedataMutation((input: BuildingProfileInput) => api.put(`${BASE}/buildings/${id}/profile`, buildingBoardSchema, input));
}

export function useHouse(id: number | undefined) {
  return useQuery({ queryKey: basedataKeys.house(id ?? 0), queryFn: () => api.get(`${BASE}/houses/${id}`, houseViewSchema), enabled: id !== undefined });
}
export function useAddInspection(rentalId: number) {
  return useBasedataMutation((input: { inspectedOn: string; hazardLevel: 'serious' | 'general' | 'safe'; findings: string | null }) =>
    // The answer's shape is not pinned by the contract; the drawer reads the house again.
    api.send('POST', `${BASE}/rentals/${rentalId}/inspections`, input),
  );
}

export function useProposals(areaId: number | undefined, status: string | undefined) {
  return useQuery({
    queryKey: basedataKeys.proposals(areaId, status),
    queryFn: () => api.get(`${BASE}/proposals`, arrayOf(proposalViewSchema), { query: { areaId, status } }),
    placeholderData: keepPreviousData,
  });
}
export function useDecideProposal() {
  return useBasedataMutation(({ id, decision, note }: { id: number; decision: 'confirm' | 'reject'; note: string | null }) =>
    api.send('POST', `${BASE}/proposals/${id}/decision`, { decision, note }),
  );
}
