import type { ImportKindInfo, Permission } from '@redgrid/contracts';
import type { TableField } from '../../platform/tabular/index.ts';
import type { Unit, WriteUnit } from '../../platform/unit-of-work.ts';

/**
 * What a module registers to make its records importable (persons, houses, 12345 work orders …).
 * The engine owns files, mapping, the dry run, the report, batches, the cursor and resuming; the
 * kind owns its fields, the rules of one row (`parse`), the database checks (`check`) and the
 * idempotent write (`applyBatch`, an upsert by natural key: applying a file twice changes nothing).
 */

/** A column of a kind: the template's title, the aliases seen in real files, and a hint. */
export interface ImportFieldSpec extends TableField {
  /** One line on what the column holds ("18 位，末位可为 X"), shown in the mapping step. */
  hint?: string;
}

/** A problem with one row: the field it concerns (its key; none for the whole row) and why, in Chinese. */
export interface RowIssue {
  field?: string | undefined;
  reason: string;
}

export type ParseResult<R> = { ok: true; row: R } | { ok: false; issues: RowIssue[] };

/** A row that passed `parse`, with where it came from. */
export interface ParsedRow<R> {
  rowNumber: number;
  row: R;
}

/** What the dry run's and the apply's batches know of their job. */
export interface ImportJobInfo {
  id: number;
  kind: string;
  /** The area the file imports into (in the caller's scope, checked at upload). */
  areaId: number;
  /** Who started the running phase. */
  actorId: number;
}

export interface BatchCounts {
  created: number;
  updated: number;
}

export interface ImportKind<R, P = unknown> {
  /** Short name in URLs: persons, houses, work_orders. */
  kind: string;
  /** Chinese name on pages and in file names: 实有人口. */
  label: string;
  /** Needed for every step: upload, dry run, apply, template, report. */
  permission: Permission;
  fields: readonly ImportFieldSpec[];
  /** Example rows for the template, keyed by field key. Synthetic data only. */
  templateRows: readonly Readonly<Record<string, string>>[];
  /**
   * One row's cells (field key → trimmed text, '' when empty or unmapped) → the record, or why not.
   * Pure and deterministic: the apply parses the file again and must reach the same verdict.
   */
  parse(cells: Readonly<Record<string, string>>, at: { rowNumber: number; job: ImportJobInfo }): ParseResult<R>;
  /**
   * Database checks of a batch of parsed rows (an unknown grid code, a house that is not there),
   * in the dry run (read unit) and again in each apply batch (the batch's write unit): rows it
   * names are reported and skipped. Optional.
   */
  check?(unit: Unit, rows: readonly ParsedRow<R>[], job: ImportJobInfo): Promise<{ rowNumber: number; issues: RowIssue[] }[]>;
  /**
   * Writes a batch of good rows in the batch's transaction (the job's cursor advances in the same
   * one). Must upsert by natural key, so a resumed or repeated import never duplicates.
   */
  applyBatch(unit: WriteUnit, rows: readonly ParsedRow<R>[], job: ImportJobInfo, prepared?: P): Promise<BatchCounts>;
  /**
   * Work on a batch that needs no database (sealing protected fields, say), done before its
   * transaction: the engine runs it for the next batch while the database writes this one, and hands
   * the result to `applyBatch` (rows the transaction's `check` drops are simply not asked for). Must
   * be pure: a resumed job prepares the batch again. Optional.
   */
  prepare?(rows: readonly ParsedRow<R>[], job: ImportJobInfo): Promise<P>;
  /** Rows per batch (default 2,000). */
  batchSize?: number;
  /** Tables the apply fills: their planner statistics are refreshed when a job has been applied. */
  tables?: readonly string[];
}

// Kinds hold functions of any row type; the engine only passes rows from a kind's parse back to it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyKind = ImportKind<any, any>;

const kinds = new Map<string, AnyKind>();

export const DEFAULT_BATCH_SIZE = 2000;

/**
 * Registers an import kind; a module does so when its file is loaded (at its front door). Registering
 * the same name again replaces it (tests re-register their kinds).
 */
export function registerImportKind<R, P = unknown>(kind: ImportKind<R, P>): void {
  if (!/^[a-z][a-z0-9_]{1,39}$/.test(kind.kind)) throw new Error(`import kind name ${kind.kind} must be lower case letters, digits and _`);
  const keys = new Set<string>();
  for (const f of kind.fields) {
    if (keys.has(f.key)) throw new Error(`import kind ${kind.kind}: field ${f.key} twice`);
    keys.add(f.key);
  }
  kinds.set(kind.kind, kind as AnyKind);
}

export function findImportKind(name: string): AnyKind | undefined {
  return kinds.get(name);
}

export function registeredKinds(): AnyKind[] {
  return [...kinds.values()];
}

export function importKindInfo(kind: AnyKind): ImportKindInfo {
  return {
    kind: kind.kind,
    label: kind.label,
    fields: kind.fields.map((f) => ({ key: f.key, label: f.label, required: Boolean(f.required), aliases: [...(f.aliases ?? [])], hint: f.hint ?? null })),
  };
}

/** The column title of a field in reports ('' for a row-level issue). */
export function fieldLabel(kind: AnyKind, key: string | undefined): string {
  if (!key) return '';
  return kind.fields.find((f) => f.key === key)?.label ?? key;
}
