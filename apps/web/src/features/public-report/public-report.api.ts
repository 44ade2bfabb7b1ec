import { publicAffairListSchema, publicCaseSchema, publicPhotoUploadSchema, publicReportAnswerSchema, type PublicCase, type PublicRateInput, type PublicReportAnswer, type PublicReportInput } from '@redgrid/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../shared/api/api-client';

/** The resident's pages (居民随手拍) talk to the public routes: no sign-in, never bounced to the login page. */
const open = { skipAuthRedirect: true } as const;

export function usePublicAffairs() {
  return useQuery({ queryKey: ['public', 'affairs'], queryFn: () => api.get('/api/public/affairs', publicAffairListSchema, open), staleTime: 10 * 60_000 });
}

export function fileReport(input: PublicReportInput): Promise<PublicReportAnswer> {
  return api.post('/api/public/cases', publicReportAnswerSchema, input, open);
}

export async function uploadReportPhoto(caseNo: string, code: string, file: Blob, fileName: string, clientKey: string) {
  const form = new FormData();
  form.append('file', file, fileName);
  const request = new Request('http://local/', { method: 'POST', body: form });
  const contentType = request.headers.get('content-type') ?? 'multipart/form-data';
  const data = await request.blob();
  return api.postRaw(`/api/public/cases/${encodeURIComponent(caseNo)}/photos`, publicPhotoUploadSchema, { data, contentType }, { ...open, query: { t: code, clientKey } });
}

export function useTrackedCase(caseNo: string | null, code: string | null) {
  return useQuery({
    queryKey: ['public', 'case', caseNo, code],
    enabled: !!caseNo && !!code,
    queryFn: () => api.get(`/api/public/cases/${encodeURIComponent(caseNo!)}`, publicCaseSchema, { ...open, query: { t: code! } }),
    retry: false,
  });
}

export function useRateCase(caseNo: string, code: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: PublicRateInput) => api.post(`/api/public/cases/${encodeURIComponent(caseNo)}/rating`, publicCaseSchema, input, { ...open, query: { t: code } }),
    onSuccess: (data: PublicCase) => client.setQueryData(['public', 'case', caseNo, code], data),
  });
}
