import {
  metaSchema,
  passwordPolicyViewSchema,
  sessionResponseSchema,
  sessionStateSchema,
  type LoginRequest,
  type Me,
  type Meta,
  type SessionResponse,
} from '@redgrid/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../shared/api/api-client';

export const sessionKey = ['session'] as const;

let signedOutReason: string | undefined;

/** Why the session ended ('session_expired' …), for the login page to explain. */
export function noteSignedOut(reason: string | undefined): void {
  signedOutReason = reason;
}

export function lastSignedOutReason(): string | undefined {
  return signedOutReason;
}
export const metaKey = ['meta'] as const;

/**
 * The current session, or null when nobody is signed in. The probe answers 200 either way, so a
 * visit to the login page leaves no 401 in the browser console.
 */
export async function fetchSession(): Promise<SessionResponse | null> {
  const { session } = await api.get('/api/auth/session', sessionStateSchema, { skipAuthRedirect: true });
  api.setCsrfToken(session?.csrfToken ?? null);
  return session;
}

export function useSession() {
  return useQuery({ queryKey: sessionKey, queryFn: fetchSession, staleTime: Infinity, retry: false });
}

/** The signed-in user; only call below the route guard, which waits for the session. */
export function useMe(): Me {
  const { data } = useSession();
  if (!data) throw new Error('useMe() used outside the signed-in part of the app');
  return data.user;
}

/**
 * The password rules in force (what the security admin set, else the deployment's), for hints and
 * form checks; re-read after a minute so a policy changed on the security desk shows up.
 */
export function usePasswordPolicy() {
  return useQuery({
    queryKey: ['password-policy'] as const,
    queryFn: () => api.get('/api/auth/password-policy', passwordPolicyViewSchema, { skipAuthRedirect: true }),
    staleTime: 60_000,
  });
}

export function useMeta() {
  return useQuery({
    queryKey: metaKey,
    queryFn: (): Promise<Meta> => api.get('/api/meta', metaSchema, { skipAuthRedirect: true }),
    staleTime: Infinity,
  });
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: LoginRequest) => api.post('/api/auth/login', sessionResponseSchema, input, { skipAuthRedirect: true }),
    onSuccess: (session) => {
      // Data cached for a previous user must never leak into this one's screens.
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== metaKey[0] });
      api.setCsrfToken(session.csrfToken);
      noteSignedOut(undefined);
      queryClient.setQueryData(sessionKey, session);
    },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.send('POST', '/api/auth/logout', undefined, { skipAuthRedirect: true }),
    onSettled: () => {
      noteSignedOut('logged_out');
      api.setCsrfToken(null);
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== metaKey[0] && q.queryKey[0] !== sessionKey[0] });
      queryClient.setQueryData(sessionKey, null);
    },
  });
}

export function useChangePassword() {
  return useMutation({
    mutationFn: (input: { currentPassword: string; newPassword: string }) => api.send('POST', '/api/auth/password', input),
  });
}
