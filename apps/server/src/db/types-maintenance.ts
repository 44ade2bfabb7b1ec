import type { ColumnType } from 'kysely';

/** Rows of migration 0010 (maintenance jobs); merged into `DB` below, so the table is typed like the rest. */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string | undefined, string>;

export interface MaintenanceJobsTable {
  name: string;
  state: Json<unknown>;
  params: Json<unknown>;
  runs: ColumnType<number, number | undefined, number>;
  started_at: Timestamp;
  updated_at: Timestamp;
  finished_at: Date | null;
}

declare module './types.ts' {
  interface DB {
    maintenance_jobs: MaintenanceJobsTable;
  }
}
