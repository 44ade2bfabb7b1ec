import { affairCatalogueSchema, affairItemSchema, type AffairItemInput, type AffairItemUpdate } from '@redgrid/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../shared/api/api-client';

const KEY = ['affairs', 'catalogue'] as const;

/** The catalogue of grid affairs of the caller's district (or of the district chosen). */
export function useCatalogue(areaId: number | undefined) {
  return useQuery({ queryKey: [...KEY, areaId ?? null], queryFn: () => api.get(`/api/affairs/catalogue${areaId ? `?areaId=${areaId}` : ''}`, affairCatalogueSchema) });
}

function useInvalidate() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: ['affairs'] });
}

export function useSaveItem() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (v: { id: number; body: AffairItemUpdate } | { id: null; body: AffairItemInput }) =>
      v.id === null ? api.post('/api/affairs/items', affairItemSchema, v.body) : api.put(`/api/affairs/items/${v.id}`, affairItemSchema, v.body),
    onSuccess: invalidate,
  });
}

export function useSaveCategory() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (v: { create: true; areaId: number; body: { code: string; name: string; sort?: number } } | { create: false; id: number; body: { name?: string; sort?: number; active?: boolean } }) =>
      v.create ? api.post(`/api/affairs/categories?areaId=${v.areaId}`, affairCatalogueSchema, v.body) : api.patch(`/api/affairs/categories/${v.id}`, affairCatalogueSchema, v.body),
    onSuccess: invalidate,
  });
}

export function useDeleteCategory() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (id: number) => api.send('DELETE', `/api/affairs/categories/${id}`), onSuccess: invalidate });
}
