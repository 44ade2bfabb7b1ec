import {
  departmentPageSchema,
  departmentViewSchema,
  type CreateDepartment,
  type DepartmentKind,
  type DepartmentView,
  type UpdateDepartment,
} from '@redgrid/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../shared/api/api-client';

export interface DepartmentFilter {
  page: number;
  pageSize: number;
  kind?: DepartmentKind | undefined;
  areaId?: number | undefined;
  active?: 'true' | 'false' | undefined;
  q?: string | undefined;
}

export const departmentKeys = {
  all: ['departments'] as const,
  list: (filter: DepartmentFilter) => ['departments', 'list', filter] as const,
};

export function useDepartments(filter: DepartmentFilter, enabled = true) {
  return useQuery({
    queryKey: departmentKeys.list(filter),
    queryFn: () => api.get('/api/departments', departmentPageSchema, { query: { ...filter } }),
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** Writes answer the department as it is now; every list that may show it is refreshed. */
function useDepartmentMutation<V>(fn: (vars: V) => Promise<DepartmentView>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => queryClient.invalidateQueries({ queryKey: departmentKeys.all }) });
}

export function useCreateDepartment() {
  return useDepartmentMutation((input: CreateDepartment) => api.post('/api/departments', departmentViewSchema, input));
}

export function useUpdateDepartment() {
  return useDepartmentMutation(({ id, patch }: { id: number; patch: UpdateDepartment }) => api.patch(`/api/departments/${id}`, departmentViewSchema, patch));
}

export function useSetDepartmentAreas() {
  return useDepartmentMutation(({ id, areaIds }: { id: number; areaIds: number[] }) => api.put(`/api/departments/${id}/areas`, departmentViewSchema, { areaIds }));
}

export function useSetDepartmentActive() {
  return useDepartmentMutation(({ id, active }: { id: number; active: boolean }) => api.put(`/api/departments/${id}/active`, departmentViewSchema, { active }));
}
