import { loginFailureTrailSchema, probingReportSchema, securitySettingsSchema, sessionPageSchema, type SecurityPolicyInput } from '@redgrid/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../shared/api/api-client';

export const securityKeys = {
  all: ['security'] as const,
  settings: ['security', 'settings'] as const,
  sessions: (page: number, pageSize: number) => ['security', 'sessions', page, pageSize] as const,
  probing: ['security', 'probing'] as const,
  failures: (userId: number) => ['security', 'failures', userId] as const,
};

/** The settings in force (password, lockout, session limits) and the accounts locked out now. */
export function useSecuritySettings() {
  return useQuery({ queryKey: securityKeys.settings, queryFn: () => api.get('/api/security/settings', securitySettingsSchema), staleTime: 5_000 });
}

export function useSessions(page: number, pageSize: number) {
  return useQuery({
    queryKey: securityKeys.sessions(page, pageSize),
    queryFn: () => api.get('/api/security/sessions', sessionPageSchema, { query: { page, pageSize } }),
    placeholderData: keepPreviousData,
    staleTime: 5_000,
  });
}

/** Refused requests per account: repeated probing stands out. */
export function useProbing() {
  return useQuery({ queryKey: securityKeys.probing, queryFn: () => api.get('/api/security/probing', probingReportSchema), staleTime: 5_000 });
}

export function useLoginFailures(userId: number | null) {
  return useQuery({
    queryKey: securityKeys.failures(userId ?? 0),
    queryFn: () => api.get(`/api/security/users/${userId ?? 0}/login-failures`, loginFailureTrailSchema),
    enabled: userId !== null,
  });
}

function useSecurityMutation<V>(fn: (vars: V) => Promise<void>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => queryClient.invalidateQueries({ queryKey: securityKeys.all }) });
}

export function useRevokeSession() {
  return useSecurityMutation((id: string) => api.send('DELETE', `/api/security/sessions/${id}`));
}

export function useUnlockAccount() {
  return useSecurityMutation((userId: number) => api.send('POST', `/api/security/users/${userId}/unlock`));
}

/** Sets the password and lockout policy; answers the settings now in force. */
export function useUpdatePolicy() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: SecurityPolicyInput) => api.put('/api/security/policy', securitySettingsSchema, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: securityKeys.all }),
  });
}
