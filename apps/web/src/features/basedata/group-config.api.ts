import { groupConfigSchema, type CreateGroup, type UpdateGroup } from '@redgrid/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, arrayOf } from '../../shared/api/api-client';

const KEY = ['basedata', 'group-config'] as const;

/** Care groups and key-population categories as the system admin configures them. */
export function useGroupConfig() {
  return useQuery({ queryKey: KEY, queryFn: () => api.get('/api/basedata/group-config', arrayOf(groupConfigSchema)) });
}

export function useSaveGroup() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (v: { code: string; create: false; patch: UpdateGroup } | { create: true; input: CreateGroup }) =>
      v.create ? api.post('/api/basedata/group-config', arrayOf(groupConfigSchema), v.input) : api.patch(`/api/basedata/group-config/${v.code}`, arrayOf(groupConfigSchema), v.patch),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['basedata'] }),
  });
}
