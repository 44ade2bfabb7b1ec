import type { ColumnType, Generated } from 'kysely';

/** Rows of migration 0012 (import jobs); merged into `DB` below, so the table is typed like the rest. */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string | undefined, string>;

export type ImportJobStatus = 'uploaded' | 'checking' | 'checked' | 'applying' | 'applied' | 'failed' | 'cancelled';

export interface ImportJobsTable {
  id: Generated<number>;
  kind: string;
  area_id: number;
  created_by: number;
  run_by: number | null;
  file_name: string;
  file_path: string;
  file_size: ColumnType<number, number, number>;
  file_sha256: string;
  format: 'csv' | 'xlsx';
  encoding: string | null;
  headers: Json<string[]>;
  header_row: Generated<number>;
  mapping: Json<Record<string, number>>;
  status: ColumnType<ImportJobStatus, ImportJobStatus | undefined, ImportJobStatus>;
  rows_total: Generated<number>;
  rows_good: Generated<number>;
  rows_bad: Generated<number>;
  issue_count: Generated<number>;
  rows_applied: Generated<number>;
  rows_created: Generated<number>;
  rows_updated: Generated<number>;
  rows_skipped: Generated<number>;
  cursor_row: Generated<number>;
  progress_rows: Generated<number>;
  error_report: string | null;
  preview: Json<{ row: number; column: string; reason: string }[]>;
  failure: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  checked_at: Date | null;
  started_at: Date | null;
  finished_at: Date | null;
}

declare module './types.ts' {
  interface DB {
    import_jobs: ImportJobsTable;
  }
}
