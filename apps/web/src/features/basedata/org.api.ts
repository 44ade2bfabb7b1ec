import {
  componentFeatureCollectionSchema,
  componentPageSchema,
  componentViewSchema,
  historySchema,
  organisationPageSchema,
  personPageSchema,
  organisationViewSchema,
  type ComponentState,
  type CreateComponent,
  type CreateOrganisation,
  type OrganisationEmployeeInput,
  type UpdateComponent,
  type UpdateOrganisation,
} from '@redgrid/contracts';
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../shared/api/api-client';
import { basedataKeys } from './basedata.api';

const BASE = '/api/basedata';
const PAGE = 50;

export interface OrganisationFilter {
  areaId?: number | undefined;
  q?: string | undefined;
  keyUnit?: 'true' | undefined;
}
export interface ComponentFilter {
  areaId?: number | undefined;
  q?: string | undefined;
  classCode?: string | undefined;
  subclassCode?: string | undefined;
  state?: ComponentState | undefined;
}

// Under basedataKeys.all, so every base-data write refreshes these lists too.
const keys = {
  organisations: (f: OrganisationFilter) => [...basedataKeys.all, 'organisations', f] as const,
  organisation: (id: number) => [...basedataKeys.all, 'organisation', id] as const,
  organisationHistory: (id: number) => [...basedataKeys.all, 'organisation', id, 'history'] as const,
  components: (f: ComponentFilter) => [...basedataKeys.all, 'components', f] as const,
  componentFeatures: (f: Omit<ComponentFilter, 'q'>) => [...basedataKeys.all, 'components', 'geojson', f] as const,
  component: (id: number) => [...basedataKeys.all, 'component', id] as const,
  componentHistory: (id: number) => [...basedataKeys.all, 'component', id, 'history'] as const,
};

function useBasedataMutation<V, R>(fn: (vars: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => queryClient.invalidateQueries({ queryKey: basedataKeys.all }) });
}

export function useOrganisations(filter: OrganisationFilter) {
  return useInfiniteQuery({
    queryKey: keys.organisations(filter),
    queryFn: ({ pageParam, signal }) => api.get(`${BASE}/organisations`, organisationPageSchema, { query: { ...filter, after: pageParam, limit: PAGE }, signal }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.next ?? undefined,
    placeholderData: keepPreviousData,
  });
}
export function useOrganisation(id: number | undefined) {
  return useQuery({ queryKey: keys.organisation(id ?? 0), queryFn: () => api.get(`${BASE}/organisations/${id}`, organisationViewSchema), enabled: id !== undefined, retry: false });
}
export function useOrganisationHistory(id: number | undefined) {
  return useQuery({ queryKey: keys.organisationHistory(id ?? 0), queryFn: () => api.get(`${BASE}/organisations/${id}/history`, historySchema), enabled: id !== undefined });
}
export function useCreateOrganisation() {
  return useBasedataMutation((input: CreateOrganisation) => api.post(`${BASE}/organisations`, organisationViewSchema, input));
}
export function useUpdateOrganisation(id: number) {
  return useBasedataMutation((patch: UpdateOrganisation) => api.patch(`${BASE}/organisations/${id}`, organisationViewSchema, patch));
}
export function useAddEmployee(id: number) {
  return useBasedataMutation((input: OrganisationEmployeeInput) => api.post(`${BASE}/organisations/${id}/employees`, organisationViewSchema, input));
}
export function useRemoveEmployee(id: number) {
  return useBasedataMutation((personId: number) => api.send('DELETE', `${BASE}/organisations/${id}/employees/${personId}`));
}

export function useComponents(filter: ComponentFilter) {
  return useInfiniteQuery({
    queryKey: keys.components(filter),
    queryFn: ({ pageParam, signal }) => api.get(`${BASE}/components`, componentPageSchema, { query: { ...filter, after: pageParam, limit: PAGE }, signal }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.next ?? undefined,
    placeholderData: keepPreviousData,
  });
}
export function useComponentFeatures(filter: Omit<ComponentFilter, 'q'>, enabled: boolean) {
  return useQuery({ queryKey: keys.componentFeatures(filter), queryFn: () => api.get(`${BASE}/components/geojson`, componentFeatureCollectionSchema, { query: filter }), enabled });
}
export function useComponent(id: number | undefined) {
  return useQuery({ queryKey: keys.component(id ?? 0), queryFn: () => api.get(`${BASE}/components/${id}`, componentViewSchema), enabled: id !== undefined, retry: false });
}
export function useComponentHistory(id: number | undefined) {
  return useQuery({ queryKey: keys.componentHistory(id ?? 0), queryFn: () => api.get(`${BASE}/components/${id}/history`, historySchema), enabled: id !== undefined });
}
export function useCreateComponent() {
  return useBasedataMutation((input: CreateComponent) => api.post(`${BASE}/components`, componentViewSchema, input));
}
export function useUpdateComponent(id: number) {
  return useBasedataMutation((patch: UpdateComponent) => api.patch(`${BASE}/components/${id}`, componentViewSchema, patch));
}

/** Residents in scope matching a typed name, pinyin, ID number or phone (first page only), for a picker. */
export function usePersonLookup(q: string) {
  const term = q.trim();
  return useQuery({
    queryKey: [...basedataKeys.all, 'person-lookup', term] as const,
    queryFn: ({ signal }) => api.get(`${BASE}/persons`, personPageSchema, { query: { q: term, limit: 20 }, signal }),
    enabled: term.length > 0,
    placeholderData: keepPreviousData,
  });
}
