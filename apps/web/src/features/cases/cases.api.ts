import { affairCatalogueSchema, attachmentListSchema, attachmentSchema, caseDetailSchema, caseDuplicateListSchema, caseFollowSchema, caseListSchema, type Attachment, type CaseActionRequest, type ReportCaseInput } from '@redgrid/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../shared/api/api-client';

export type CaseView = 'mine' | 'area' | 'overdue' | 'reported_by_me' | 'closed' | 'following';

export const caseKeys = {
  all: ['cases'] as const,
  list: (view: CaseView, q: string, offset: number) => ['cases', 'list', view, q, offset] as const,
  detail: (id: number) => ['cases', 'detail', id] as const,
  photos: (id: number) => ['cases', 'photos', id] as const,
  duplicatesNear: (itemCode: string | null, lng: number | null, lat: number | null) => ['cases', 'duplicates', 'near', itemCode, lng, lat] as const,
  duplicatesOf: (id: number) => ['cases', 'duplicates', 'of', id] as const,
};

/** 附近已有相同事件: the open cases of this item near this point (nothing asked until both are known). */
export function useDuplicatesNear(itemCode: string | null, location: { lng: number; lat: number } | null, enabled: boolean) {
  const lng = location ? Math.round(location.lng * 1e6) / 1e6 : null;
  const lat = location ? Math.round(location.lat * 1e6) / 1e6 : null;
  return useQuery({
    queryKey: caseKeys.duplicatesNear(itemCode, lng, lat),
    queryFn: () => api.get('/api/cases/duplicates', caseDuplicateListSchema, { query: { itemCode: itemCode!, lng: lng!, lat: lat!, crs: 'wgs84' } }),
    enabled: enabled && itemCode !== null && lng !== null && lat !== null,
    staleTime: 30_000,
    retry: false,
  });
}

/** The cases this one may be merged into (for its holder). */
export function useCaseDuplicates(id: number, enabled: boolean) {
  return useQuery({ queryKey: caseKeys.duplicatesOf(id), queryFn: () => api.get(`/api/cases/${id}/duplicates`, caseDuplicateListSchema), enabled, retry: false });
}

/** Follow (关注) or stop following a case. */
export function useFollowCase() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, on }: { id: number; on: boolean }) => {
      if (on) await api.post(`/api/cases/${id}/follow`, caseFollowSchema, {});
      else await api.send('DELETE', `/api/cases/${id}/follow`);
    },
    onSuccess: (_r, { id }) => {
      void queryClient.invalidateQueries({ queryKey: caseKeys.detail(id) });
      void queryClient.invalidateQueries({ queryKey: ['cases', 'list'] });
      void queryClient.invalidateQueries({ queryKey: ['cases', 'duplicates'] });
    },
  });
}

/** One page of an inbox view; the previous page stays on screen while the next one loads. */
export function useCaseList(view: CaseView, q: string, offset: number, limit = 20) {
  return useQuery({
    queryKey: caseKeys.list(view, q, offset),
    queryFn: () => api.get('/api/cases', caseListSchema, { query: { view, q: q || undefined, offset, limit } }),
    placeholderData: keepPreviousData,
  });
}

export function useCase(id: number) {
  return useQuery({ queryKey: caseKeys.detail(id), queryFn: () => api.get(`/api/cases/${id}`, caseDetailSchema), enabled: id > 0 });
}

/** The case's photos and files (thumb and original URLs come with each). */
export function useCasePhotos(id: number) {
  return useQuery({ queryKey: caseKeys.photos(id), queryFn: () => api.get('/api/attachments', attachmentListSchema, { query: { ownerType: 'case', ownerId: id } }) });
}

/** The catalogue of grid affairs the reporter picks an item from. */
export function useReportCatalogue() {
  return useQuery({ queryKey: ['affairs', 'catalogue', null], queryFn: () => api.get('/api/affairs/catalogue', affairCatalogueSchema), staleTime: 5 * 60_000 });
}

export function useReportCase() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ReportCaseInput) => api.post('/api/cases', caseDetailSchema, body),
    onSuccess: (detail) => {
      queryClient.setQueryData(caseKeys.detail(detail.id), detail);
      void queryClient.invalidateQueries({ queryKey: ['cases', 'list'] });
    },
  });
}

export function useCaseAction(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CaseActionRequest) => api.post(`/api/cases/${id}/actions`, caseDetailSchema, body),
    onSuccess: (detail) => {
      queryClient.setQueryData(caseKeys.detail(id), detail);
      void queryClient.invalidateQueries({ queryKey: ['cases', 'list'] });
      void queryClient.invalidateQueries({ queryKey: caseKeys.photos(id) });
    },
  });
}

/**
 * Uploads one photo to a case. The multipart body (and its boundary) is built by the browser's own
 * Request from a FormData, then sent through the api client, so the CSRF token and the error
 * envelope are handled as for every other write. The same clientKey on a retry is the same file.
 */
export async function uploadCasePhoto(caseId: number, file: Blob, fileName: string, clientKey: string): Promise<Attachment> {
  const form = new FormData();
  form.append('file', file, fileName);
  const request = new Request('http://local/', { method: 'POST', body: form });
  const contentType = request.headers.get('content-type') ?? 'multipart/form-data';
  const data = await request.blob();
  return api.postRaw('/api/attachments', attachmentSchema, { data, contentType }, { query: { ownerType: 'case', ownerId: caseId, purpose: 'photo', clientKey } });
}
