import { markAllReadResultSchema, markReadResultSchema, notificationPageSchema, unreadCountSchema } from '@redgrid/contracts';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../shared/api/api-client';

export const notificationKeys = {
  all: ['notifications'] as const,
  unread: ['notifications', 'unread'] as const,
  list: (unreadOnly: boolean) => ['notifications', 'list', unreadOnly] as const,
};

/** Polled once a minute while the tab is visible, and again when the window regains focus: no busy loop. */
export const UNREAD_POLL_MS = 60_000;

export function useUnreadCount() {
  return useQuery({
    queryKey: notificationKeys.unread,
    queryFn: () => api.get('/api/notifications/unread-count', unreadCountSchema),
    refetchInterval: UNREAD_POLL_MS,
    refetchIntervalInBackground: false,
    refetchOnWindowFocus: true,
  });
}

/** The caller's notifications, newest first, a page of 20 at a time (keyset by id). */
export function useNotifications(unreadOnly: boolean, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: notificationKeys.list(unreadOnly),
    enabled,
    initialPageParam: null as number | null,
    queryFn: ({ pageParam }) =>
      api.get('/api/notifications', notificationPageSchema, { query: { limit: 20, before: pageParam ?? undefined, unread: unreadOnly ? 'true' : undefined } }),
    getNextPageParam: (last) => last.next,
  });
}

export function useMarkRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api.post(`/api/notifications/${id}/read`, markReadResultSchema),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}

export function useMarkAllRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post('/api/notifications/read-all', markAllReadResultSchema),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}
