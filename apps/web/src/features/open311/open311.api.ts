import { open311KeyCreatedSchema, open311KeyListSchema, open311KeySchema, type Open311KeyCreate } from '@redgrid/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../shared/api/api-client';

const keys = ['open311', 'keys'] as const;

/** The Open311 API keys (system admins, district-level admins). */
export function useOpen311Keys() {
  return useQuery({ queryKey: keys, queryFn: () => api.get('/api/open311/keys', open311KeyListSchema) });
}

/** Issues a key; the answer carries the key itself, the only time it is ever shown. */
export function useCreateOpen311Key() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: (input: Open311KeyCreate) => api.post('/api/open311/keys', open311KeyCreatedSchema, input), onSuccess: () => queryClient.invalidateQueries({ queryKey: keys }) });
}

export function useRevokeOpen311Key() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: (id: number) => api.post(`/api/open311/keys/${id}/revoke`, open311KeySchema), onSuccess: () => queryClient.invalidateQueries({ queryKey: keys }) });
}
