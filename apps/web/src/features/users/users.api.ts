import {
  revealPhoneSchema,
  userPageSchema,
  userViewSchema,
  type CreateUser,
  type RoleAssignmentInput,
  type Role,
  type UpdateUser,
  type UserView,
} from '@redgrid/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../shared/api/api-client';

export interface UserListFilter {
  page: number;
  pageSize: number;
  q?: string | undefined;
  areaId?: number | undefined;
  role?: Role | undefined;
}

export const userKeys = {
  all: ['users'] as const,
  list: (filter: UserListFilter) => ['users', 'list', filter] as const,
  detail: (id: number) => ['users', 'detail', id] as const,
};

export function fetchUsers(filter: UserListFilter) {
  return api.get('/api/users', userPageSchema, { query: { ...filter } });
}

export function useUsers(filter: UserListFilter, enabled = true) {
  return useQuery({ queryKey: userKeys.list(filter), queryFn: () => fetchUsers(filter), placeholderData: keepPreviousData, enabled });
}

/** Writes answer the updated user; refresh every list that may show it. */
function useUserMutation<V>(fn: (vars: V) => Promise<UserView | void>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: userKeys.all }),
  });
}

export function useCreateUser() {
  return useUserMutation((input: CreateUser) => api.post('/api/users', userViewSchema, input));
}

export function useUpdateUser() {
  return useUserMutation(({ id, patch }: { id: number; patch: UpdateUser }) => api.patch(`/api/users/${id}`, userViewSchema, patch));
}

export function useSetUserRoles() {
  return useUserMutation(({ id, roles }: { id: number; roles: RoleAssignmentInput[] }) =>
    api.put(`/api/users/${id}/roles`, userViewSchema, { roles }),
  );
}

export function useResetPassword() {
  return useUserMutation(({ id, newPassword }: { id: number; newPassword: string }) =>
    api.send('POST', `/api/users/${id}/reset-password`, { newPassword }),
  );
}

/** The full number; the server writes an audit entry for every call. */
export function useRevealPhone() {
  return useMutation({
    mutationFn: (id: number) => api.post(`/api/users/${id}/reveal-phone`, revealPhoneSchema),
  });
}
