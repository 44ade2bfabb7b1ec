import {
  divisionCompareSchema,
  divisionEditionImportReportSchema,
  divisionEditionListSchema,
  divisionImportReportSchema,
  divisionListSchema,
  divisionTreeDiffSchema,
  type DivisionAdoptRequest,
  type DivisionEditionImportReport,
  type DivisionImportReport,
  type DivisionList,
} from '@redgrid/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api } from '../../shared/api/api-client';
import { areaKeys } from '../areas/areas.api';
import type { DivisionFileContentType } from './division-file';
import { settleImport } from './division-report';

export interface CompareParams {
  from: number;
  to: number;
  /** A full division code; the whole edition when absent. */
  under?: string | undefined;
}

export interface TreeDiffParams {
  edition: number;
  area: number;
}

export const divisionKeys = {
  all: ['divisions'] as const,
  editions: () => ['divisions', 'editions'] as const,
  children: (edition: number, parent: string | null) => ['divisions', 'children', edition, parent ?? ''] as const,
  search: (edition: number, q: string) => ['divisions', 'search', edition, q] as const,
  compare: (params: CompareParams) => ['divisions', 'compare', params.from, params.to, params.under ?? ''] as const,
  treeDiffs: ['divisions', 'tree-diff'] as const,
  /** The import mutation, so the dialog can refuse to close while a file is on its way. */
  importing: ['divisions', 'import'] as const,
  treeDiff: (params: TreeDiffParams) => ['divisions', 'tree-diff', params.edition, params.area] as const,
};

// An edition never changes once loaded (a replacement is a new load, which invalidates all).
const EDITION_STALE_MS = 30 * 60_000;
/** Children per request: the API's maximum, so even a large township shows all its villages. */
const CHILDREN_LIMIT = 500;
const SEARCH_LIMIT = 100;
const COMPARE_LIMIT = 1000;
const TREE_DIFF_LIMIT = 1000;

export function useDivisionEditions() {
  return useQuery({
    queryKey: divisionKeys.editions(),
    queryFn: () => api.get('/api/divisions/editions', divisionEditionListSchema),
    staleTime: EDITION_STALE_MS,
  });
}

export function fetchDivisionChildren(edition: number, parent: string | null): Promise<DivisionList> {
  return api.get('/api/divisions', divisionListSchema, { query: { edition, parent, limit: CHILDREN_LIMIT } });
}

/** The provinces of an edition. */
export function useDivisionRoots(edition: number) {
  return useQuery({
    queryKey: divisionKeys.children(edition, null),
    queryFn: () => fetchDivisionChildren(edition, null),
    staleTime: EDITION_STALE_MS,
  });
}

/** Children through the query cache, for the lazy tree that loads on expand. */
export function loadDivisionChildren(queryClient: QueryClient, edition: number, parent: string): Promise<DivisionList> {
  return queryClient.fetchQuery({
    queryKey: divisionKeys.children(edition, parent),
    queryFn: () => fetchDivisionChildren(edition, parent),
    staleTime: EDITION_STALE_MS,
  });
}

/** Digits search a code prefix, anything else a part of the name. */
export function useDivisionSearch(edition: number, q: string) {
  const trimmed = q.trim();
  return useQuery({
    queryKey: divisionKeys.search(edition, trimmed),
    queryFn: () => api.get('/api/divisions', divisionListSchema, { query: { edition, q: trimmed, limit: SEARCH_LIMIT } }),
    enabled: trimmed.length > 0,
    staleTime: EDITION_STALE_MS,
  });
}

export function useDivisionCompare(params: CompareParams | undefined) {
  return useQuery({
    queryKey: params ? divisionKeys.compare(params) : ['divisions', 'compare', 'none'],
    queryFn: () => api.get('/api/divisions/compare', divisionCompareSchema, { query: { ...params, limit: COMPARE_LIMIT } }),
    enabled: params !== undefined,
    placeholderData: keepPreviousData,
    staleTime: EDITION_STALE_MS,
  });
}

/** An area's subtree against an edition; it follows the area tree, so adopting invalidates it. */
export function useTreeDiff(params: TreeDiffParams | undefined) {
  return useQuery({
    queryKey: params ? divisionKeys.treeDiff(params) : ['divisions', 'tree-diff', 'none'],
    queryFn: () => api.get('/api/divisions/tree-diff', divisionTreeDiffSchema, { query: { ...params, limit: TREE_DIFF_LIMIT } }),
    enabled: params !== undefined,
    placeholderData: keepPreviousData,
  });
}

export interface ImportEditionInput {
  file: Blob;
  contentType: DivisionFileContentType;
  name: string;
  source: string;
  replace: boolean;
  dryRun: boolean;
}

export interface ImportEditionResult {
  report: DivisionEditionImportReport;
  /** From the first byte sent to the answer: the upload plus the server's work. */
  roundTripMs: number;
}

/**
 * Loads a division file as an edition. A refusal for bad rows (422) resolves with its report like a
 * success; a name already taken (409 conflict) and other failures reject.
 */
export function useImportEdition() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: divisionKeys.importing,
    mutationFn: async (input: ImportEditionInput): Promise<ImportEditionResult> => {
      const started = performance.now();
      const call = api.postRaw(
        '/api/divisions/editions',
        divisionEditionImportReportSchema,
        { data: input.file, contentType: input.contentType },
        { query: { name: input.name, source: input.source, replace: input.replace, dryRun: input.dryRun } },
      );
      const report = await settleImport(call, divisionEditionImportReportSchema);
      return { report, roundTripMs: performance.now() - started };
    },
    onSuccess: async ({ report }) => {
      if (report.applied) await queryClient.invalidateQueries({ queryKey: divisionKeys.all });
    },
  });
}

export function useDeleteEdition() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api.send('DELETE', `/api/divisions/editions/${id}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: divisionKeys.all }),
  });
}

/**
 * Takes a division and what lies below it into the area tree (or, with `dryRun`, says what it
 * would do). Resolves with the report also when the server refuses it for errors (422).
 */
export function useAdoptDivision() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: DivisionAdoptRequest): Promise<DivisionImportReport> =>
      settleImport(api.post('/api/divisions/adopt', divisionImportReportSchema, request), divisionImportReportSchema),
    onSuccess: async (report) => {
      if (!report.applied) return;
      // New areas appear in every tree, picker and comparison that shows the area tree.
      await Promise.all([queryClient.invalidateQueries({ queryKey: areaKeys.all }), queryClient.invalidateQueries({ queryKey: divisionKeys.treeDiffs })]);
    },
  });
}
