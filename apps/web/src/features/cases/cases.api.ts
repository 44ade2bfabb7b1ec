import { affairCatalogueSchema, attachmentListSchema, attachmentSchema, caseDetailSchema, caseListSchema, type Attachment, type CaseActionRequest, type ReportCaseInput } from '@redgrid/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../shared/api/api-client';

export type CaseView = 'mine' | 'area' | 'overdue' | 'reported_by_me' | 'closed';

export const caseKeys = {
  all: ['cases'] as const,
  list: (view: CaseView, q: string, offset: number) => ['cases', 'list', view, q, offset] as const,
  detail: (id: number) => ['cases', 'detail', id] as const,
  photos: (id: number) => ['cases', 'photos', id] as const,
};

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
