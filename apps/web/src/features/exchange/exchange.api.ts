import { CSRF_HEADER, importJobListSchema, importJobSchema, importKindInfoSchema, sessionResponseSchema, type ImportJob, type TableFormat } from '@redgrid/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, buildUrl, type Query } from '../../shared/api/api-client';
import { ApiError, parseErrorBody } from '../../shared/api/api-error';

export const exchangeKeys = {
  all: ['imports'] as const,
  kind: (kind: string) => ['imports', 'kind', kind] as const,
  job: (id: number) => ['imports', 'job', id] as const,
};

const RUNNING = new Set<ImportJob['status']>(['checking', 'applying']);

export function useImportKind(kind: string) {
  return useQuery({ queryKey: exchangeKeys.kind(kind), queryFn: () => api.get(`/api/imports/kinds/${kind}`, importKindInfoSchema), staleTime: 60_000 });
}

/** A job, polled every second while its dry run or apply runs on the server. */
export function useImportJob(id: number | null) {
  return useQuery({
    queryKey: exchangeKeys.job(id ?? 0),
    queryFn: () => api.get(`/api/imports/jobs/${id ?? 0}`, importJobSchema),
    enabled: id !== null,
    refetchInterval: (query) => (query.state.data && RUNNING.has(query.state.data.status) ? 1000 : false),
  });
}

/** The caller's latest job of a kind (the wizard reopens it if it is still under way). */
export function useLatestImportJob(kind: string) {
  return useQuery({
    queryKey: ['imports', 'latest', kind] as const,
    queryFn: async () => (await api.get('/api/imports/jobs', importJobListSchema, { query: { kind, mine: 'true', limit: 1 } })).items[0] ?? null,
    staleTime: Infinity,
  });
}

export function templateUrl(kind: string, format: TableFormat): string {
  return buildUrl(`/api/imports/kinds/${kind}/template`, { format });
}

export function errorReportUrl(id: number): string {
  return `/api/imports/jobs/${id}/errors`;
}

/** An export endpoint of a module, with the format and the page's filter in the query. */
export function exportUrl(path: string, format: TableFormat, query: Query = {}): string {
  return buildUrl(path, { ...query, format });
}

/**
 * Uploads the file as the request body with upload progress (fetch cannot report it, so this one
 * request uses XMLHttpRequest), with the session's CSRF token like every write.
 */
export async function uploadImportFile(kind: string, areaId: number, file: File, onProgress: (share: number) => void, signal?: AbortSignal): Promise<ImportJob> {
  const session = await api.get('/api/auth/me', sessionResponseSchema);
  return new Promise<ImportJob>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', buildUrl(`/api/imports/kinds/${kind}/jobs`, { areaId, fileName: file.name }));
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.setRequestHeader('accept', 'application/json');
    xhr.setRequestHeader(CSRF_HEADER, session.csrfToken);
    xhr.withCredentials = true;
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: unknown = xhr.responseText;
      try {
        body = JSON.parse(xhr.responseText) as unknown;
      } catch {
        // Not JSON: the error parser below says so.
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        const parsed = importJobSchema.safeParse(body);
        if (parsed.success) resolve(parsed.data);
        else reject(new ApiError({ status: 200, code: 'unexpected_response', message: '服务器返回的数据格式不符合约定' }));
        return;
      }
      reject(parseErrorBody(xhr.status, body));
    };
    xhr.onerror = () => reject(new ApiError({ status: 0, code: 'network_error', message: '无法连接服务器，请检查网络' }));
    xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(file);
  });
}

function useJobAction(path: (id: number) => string, body?: (vars: { id: number; mapping?: Record<string, number | null> }) => unknown) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (vars: { id: number; mapping?: Record<string, number | null> }) => api.post(path(vars.id), importJobSchema, body ? body(vars) : {}),
    onSuccess: (job) => queryClient.setQueryData(exchangeKeys.job(job.id), job),
  });
}

export function useStartCheck() {
  return useJobAction((id) => `/api/imports/jobs/${id}/check`, (vars) => ({ mapping: vars.mapping }));
}

export function useStartApply() {
  return useJobAction((id) => `/api/imports/jobs/${id}/apply`);
}

export function useCancelImport() {
  return useJobAction((id) => `/api/imports/jobs/${id}/cancel`);
}

export function useResumeImport() {
  return useJobAction((id) => `/api/imports/jobs/${id}/resume`);
}
