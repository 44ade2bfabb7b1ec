import { caseDetailSchema, hotlineCaseSchema, hotlineCategoryMapSavedSchema, hotlineCategoryMapSchema, hotlineListSchema, hotlineRevealedSchema, type HotlineCategoryMapInput, type HotlineOrderInput, type HotlineReplyInput } from '@redgrid/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api } from '../../shared/api/api-client';
import { useReportCatalogue } from '../cases/cases.api';

export type DueFilter = 'all' | 'near' | 'overdue';
export type ReplyFilter = 'all' | 'pending' | 'replied';

export const hotlineKeys = {
  all: ['hotline'] as const,
  list: (due: DueFilter, reply: ReplyFilter, q: string, offset: number) => ['hotline', 'list', due, reply, q, offset] as const,
  ofCase: (id: number) => ['hotline', 'case', id] as const,
  categories: ['hotline', 'categories'] as const,
};

/** The desk's 12345 orders, the nearest deadline first. */
export function useHotlineOrders(due: DueFilter, reply: ReplyFilter, q: string, offset: number, limit = 20) {
  return useQuery({
    queryKey: hotlineKeys.list(due, reply, q, offset),
    queryFn: () => api.get('/api/cases/hotline', hotlineListSchema, { query: { due, reply, q: q || undefined, offset, limit } }),
    placeholderData: keepPreviousData,
  });
}

/** POST /api/cases/hotline: 201 a new case, 200 the case the same number already is. */
export function useEnterHotlineOrder() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: HotlineOrderInput) => api.post('/api/cases/hotline', caseDetailSchema, body),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: hotlineKeys.all });
      void queryClient.invalidateQueries({ queryKey: ['cases', 'list'] });
    },
  });
}

/** The 12345 side of a case (404 for other channels: the panel then shows nothing). */
export function useHotlineOfCase(id: number, enabled: boolean) {
  return useQuery({ queryKey: hotlineKeys.ofCase(id), queryFn: () => api.get(`/api/cases/${id}/hotline`, hotlineCaseSchema), enabled, retry: false });
}

export function useReplyToOrder(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: HotlineReplyInput) => api.put(`/api/cases/${id}/hotline/reply`, hotlineCaseSchema, body),
    onSuccess: (view) => {
      queryClient.setQueryData(hotlineKeys.ofCase(id), view);
      void queryClient.invalidateQueries({ queryKey: ['hotline', 'list'] });
    },
  });
}

export function revealCaller(id: number, field: 'name' | 'phone', reason: string) {
  return api.post(`/api/cases/${id}/hotline/reveal`, hotlineRevealedSchema, { field, reason });
}

export function useCategoryMap() {
  return useQuery({ queryKey: hotlineKeys.categories, queryFn: () => api.get('/api/hotline/categories', hotlineCategoryMapSchema) });
}

export function useSaveCategoryMap() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: HotlineCategoryMapInput) => api.put('/api/hotline/categories', hotlineCategoryMapSavedSchema, body),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: hotlineKeys.categories }),
  });
}

export function useDeleteCategoryMap() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api.send('DELETE', `/api/hotline/categories/${id}`),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: hotlineKeys.categories }),
  });
}

/** The active items of the catalogue as select options ("私搭乱建（0301）"), searchable by name or code. */
export function useItemOptions() {
  const catalogue = useReportCatalogue();
  const options = useMemo(() => (catalogue.data?.items ?? []).filter((i) => i.active).map((i) => ({ value: i.code, label: `${i.name}（${i.code}）` })), [catalogue.data]);
  return { options, loading: catalogue.isLoading };
}
