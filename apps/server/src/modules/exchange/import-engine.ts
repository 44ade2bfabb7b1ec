import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { ImportIssuePreview } from '@redgrid/contracts';
import type { RequestContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { errorReportWriter, openTable, pickFields, type ColumnMapping, type TableRow } from '../../platform/tabular/index.ts';
import { read, refreshStatistics, write } from '../../platform/unit-of-work.ts';
import { importJobRepository, type ImportJobRow } from './exchange.repository.ts';
import { importsDir, newFileName, removeFile } from './exchange-files.ts';
import { DEFAULT_BATCH_SIZE, fieldLabel, findImportKind, type ImportJobInfo, type ImportKind, type ParsedRow } from './import-kinds.ts';

/**
 * The two long phases of an import job, run in the background by the runner (never inside an HTTP
 * request): the dry run reads the whole file, judges every row and writes the error report without
 * touching any record; the apply reads it again and writes the good rows in batches, each batch in
 * one transaction that also advances the job's cursor, so a crash loses at most the batch in flight
 * and a resume starts after the last committed row.
 */

/** Problems shown on the page; the report file has every one. */
const PREVIEW_LIMIT = 20;

export interface RunSignal {
  /** True when the server is closing: stop after the batch in flight (a restart resumes). */
  stopping(): boolean;
  /** Test hook: called after each committed apply batch with the batch number (1-based). */
  afterBatch?: (batch: number, jobId: number) => void | Promise<void>;
}

interface Judged<R> {
  rowNumber: number;
  cells: string[];
  issues: { column: string; reason: string }[];
  row?: R;
}

/** The watermark name of the actor a job runs as. */
export function exporterName(ctx: RequestContext): string {
  const actor = ctx.actor;
  return actor ? `${actor.displayName}（${actor.username}）` : '系统';
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyKind = ImportKind<any, any>;

function kindOf(job: ImportJobRow): AnyKind {
  const kind = findImportKind(job.kind);
  if (!kind) throw new AppError('not_found', `没有“${job.kind}”这种导入类型（模块未加载）`);
  return kind;
}

function infoOf(job: ImportJobRow, ctx: RequestContext): ImportJobInfo {
  return { id: job.id, kind: job.kind, areaId: job.area_id, actorId: ctx.actor?.id ?? job.created_by };
}

/** One row read from the file, judged by the cell reader and the kind's parse (no database yet). */
function judge<R>(kind: AnyKind, row: TableRow, headers: readonly string[], mapping: ColumnMapping, job: ImportJobInfo): Judged<R> {
  const mapped = new Set(Object.values(mapping));
  const cellIssues = row.issues.filter((i) => mapped.has(i.column)).map((i) => ({ column: headers[i.column] || `第 ${i.column + 1} 列`, reason: i.reason }));
  if (cellIssues.length > 0) return { rowNumber: row.rowNumber, cells: row.cells, issues: cellIssues };
  const result = kind.parse(pickFields(row.cells, mapping, kind.fields), { rowNumber: row.rowNumber, job });
  if (!result.ok) {
    return { rowNumber: row.rowNumber, cells: row.cells, issues: result.issues.map((i) => ({ column: fieldLabel(kind, i.field), reason: i.reason })) };
  }
  return { rowNumber: row.rowNumber, cells: row.cells, issues: [], row: result.row as R };
}

/** Adds the kind's database findings to a batch (rows it names become bad). */
async function addChecks<R>(kind: AnyKind, found: { rowNumber: number; issues: { field?: string | undefined; reason: string }[] }[], batch: Judged<R>[]): Promise<void> {
  if (found.length === 0) return;
  const byRow = new Map(batch.map((j) => [j.rowNumber, j]));
  for (const f of found) {
    const judged = byRow.get(f.rowNumber);
    if (!judged) continue;
    for (const i of f.issues) judged.issues.push({ column: fieldLabel(kind, i.field), reason: i.reason });
  }
}

function parsedOf<R>(batch: Judged<R>[]): ParsedRow<R>[] {
  return batch.filter((j) => j.issues.length === 0 && j.row !== undefined).map((j) => ({ rowNumber: j.rowNumber, row: j.row as R }));
}

async function loadJob(ctx: RequestContext, jobId: number): Promise<{ job: ImportJobRow; kind: AnyKind }> {
  const job = await read(ctx, 'signed_in', (unit) => unit.use(importJobRepository).find(jobId));
  if (!job) throw new AppError('not_found', '导入任务不存在');
  return { job, kind: kindOf(job) };
}

/** The dry run: every row judged, every problem in the report, nothing written to any record. */
export async function runCheck(ctx: RequestContext, jobId: number, signal: RunSignal): Promise<void> {
  const { job, kind } = await loadJob(ctx, jobId);
  if (job.status !== 'checking') return;
  const info = infoOf(job, ctx);
  const size = kind.batchSize ?? DEFAULT_BATCH_SIZE;
  const table = await openTable(job.file_path);
  const reportPath = path.join(await importsDir(ctx.config.filesDir), newFileName('-errors.csv'));
  const report = errorReportWriter(createWriteStream(reportPath, { mode: 0o600 }), { fileHeaders: table.headers, watermark: { exporter: exporterName(ctx), at: ctx.clock() } });
  const counts = { total: 0, good: 0, bad: 0, issues: 0 };
  const preview: ImportIssuePreview[] = [];
  let cancelled = false;

  async function flush(batch: Judged<unknown>[]): Promise<boolean> {
    const parsed = parsedOf(batch);
    if (kind.check && parsed.length > 0) {
      const check = kind.check.bind(kind);
      await addChecks(kind, await read(ctx, kind.permission, (unit) => check(unit, parsed, info)), batch);
    }
    for (const j of batch) {
      counts.total += 1;
      if (j.issues.length === 0) {
        counts.good += 1;
        continue;
      }
      counts.bad += 1;
      for (const issue of j.issues) {
        counts.issues += 1;
        await report.add(j.rowNumber, issue.column, issue.reason, j.cells);
        if (preview.length < PREVIEW_LIMIT) preview.push({ row: j.rowNumber, column: issue.column, reason: issue.reason });
      }
    }
    // Progress for the page, and a cancel seen between batches.
    return write(ctx, kind.permission, async (unit) => {
      const jobs = unit.use(importJobRepository);
      const now = await jobs.lock(jobId);
      if (!now || now.status !== 'checking') return false;
      await jobs.update(jobId, { progress_rows: counts.total, updated_at: ctx.clock() });
      return true;
    });
  }

  let stopped = false;
  try {
    let batch: Judged<unknown>[] = [];
    for await (const row of table.rows) {
      batch.push(judge(kind, row, table.headers, job.mapping, info));
      if (batch.length >= size) {
        if (!(await flush(batch))) {
          cancelled = true;
          break;
        }
        batch = [];
        // The server is closing: the dry run starts again from the top when it comes back.
        if (signal.stopping()) {
          stopped = true;
          break;
        }
        await yieldToLoop();
      }
    }
    if (!cancelled && !stopped && batch.length > 0) cancelled = !(await flush(batch));
  } finally {
    await table.close();
    await report.close();
  }
  if (cancelled || stopped) {
    await removeFile(reportPath);
    return;
  }
  const done = await write(ctx, kind.permission, async (unit) => {
    const jobs = unit.use(importJobRepository);
    const now = await jobs.lock(jobId);
    if (!now || now.status !== 'checking') return false;
    await jobs.update(jobId, {
      status: 'checked',
      rows_total: counts.total,
      rows_good: counts.good,
      rows_bad: counts.bad,
      issue_count: counts.issues,
      progress_rows: counts.total,
      error_report: counts.bad > 0 ? reportPath : null,
      preview: JSON.stringify(preview),
      failure: null,
      checked_at: ctx.clock(),
      updated_at: ctx.clock(),
    });
    await unit.audit({ action: 'import.check', entity: 'import_job', entityId: jobId, areaId: job.area_id, after: { kind: job.kind, rows: counts.total, good: counts.good, bad: counts.bad } });
    return true;
  });
  if (!done || counts.bad === 0) await removeFile(reportPath);
  if (done) await removeFile(job.error_report);
}

/**
 * The apply: good rows written in batches, bad ones skipped (they are in the report). Each batch is
 * one transaction: the kind's upsert and the job's cursor and counts commit together.
 */
export async function runApply(ctx: RequestContext, jobId: number, signal: RunSignal): Promise<void> {
  const { job, kind } = await loadJob(ctx, jobId);
  if (job.status !== 'applying') return;
  const info = infoOf(job, ctx);
  const size = kind.batchSize ?? DEFAULT_BATCH_SIZE;
  const table = await openTable(job.file_path);
  let batchNumber = 0;

  async function commit(batch: Judged<unknown>[], prepared: Promise<unknown> | undefined): Promise<boolean> {
    const last = batch[batch.length - 1]!.rowNumber;
    // Prepared (sealed …) outside the transaction; a failure there fails the job like one inside.
    const ready = await prepared;
    const go = await write(ctx, kind.permission, async (unit) => {
      const jobs = unit.use(importJobRepository);
      const now = await jobs.lock(jobId);
      if (!now || now.status !== 'applying') return false;
      // Another runner (a second server on the same database) committed this batch already.
      if (now.cursor_row >= last) return true;
      let parsed = parsedOf(batch);
      if (kind.check && parsed.length > 0) {
        await addChecks(kind, await kind.check(unit, parsed, info), batch);
        parsed = parsedOf(batch);
      }
      const counts = parsed.length > 0 ? await kind.applyBatch(unit, parsed, info, ready) : { created: 0, updated: 0 };
      await jobs.update(jobId, {
        cursor_row: last,
        rows_applied: now.rows_applied + parsed.length,
        rows_created: now.rows_created + counts.created,
        rows_updated: now.rows_updated + counts.updated,
        rows_skipped: now.rows_skipped + (batch.length - parsed.length),
        progress_rows: now.rows_applied + parsed.length + now.rows_skipped + (batch.length - parsed.length),
        updated_at: ctx.clock(),
      });
      return true;
    });
    if (go) {
      batchNumber += 1;
      await signal.afterBatch?.(batchNumber, jobId);
    }
    return go;
  }

  /**
   * Two batches in flight at most: while batch n is written (its own transaction), batch n + 1 is
   * read, parsed and prepared; it is committed only once batch n has. Batches still commit one at a
   * time and in order, each with the cursor, so a crash loses at most the batch being written.
   */
  const flight: { writing: Promise<boolean> | null } = { writing: null };
  const settled = async (): Promise<boolean> => {
    const w = flight.writing;
    flight.writing = null;
    return w ? w : true;
  };
  async function hand(batch: Judged<unknown>[]): Promise<boolean> {
    const parsed = parsedOf(batch);
    const prepared = kind.prepare && parsed.length > 0 ? kind.prepare(parsed, info) : undefined;
    // Settled in order below; a rejection is never left unobserved meanwhile.
    prepared?.catch(() => undefined);
    if (!(await settled())) return false;
    if (signal.stopping()) return false;
    flight.writing = commit(batch, prepared);
    flight.writing.catch(() => undefined);
    return true;
  }

  try {
    let batch: Judged<unknown>[] = [];
    for await (const row of table.rows) {
      // Rows up to the cursor are committed already (a resumed job): read past them.
      if (row.rowNumber <= job.cursor_row) continue;
      batch.push(judge(kind, row, table.headers, job.mapping, info));
      if (batch.length >= size) {
        if (!(await hand(batch))) return;
        batch = [];
        await yieldToLoop();
      }
    }
    if (batch.length > 0 && !(await hand(batch))) return;
    if (!(await settled())) return;
  } finally {
    // An error leaves no batch writing behind the engine's back (the runner marks the job failed after this).
    await flight.writing?.catch(() => undefined);
    await table.close();
  }
  const finished = await write(ctx, kind.permission, async (unit) => {
    const jobs = unit.use(importJobRepository);
    const now = await jobs.lock(jobId);
    if (!now || now.status !== 'applying') return null;
    await jobs.update(jobId, { status: 'applied', finished_at: ctx.clock(), updated_at: ctx.clock(), failure: null });
    await unit.audit({
      action: 'import.apply',
      entity: 'import_job',
      entityId: jobId,
      areaId: job.area_id,
      after: { kind: job.kind, applied: now.rows_applied, created: now.rows_created, updated: now.rows_updated, skipped: now.rows_skipped },
    });
    return now;
  });
  // The records hold the data now: the uploaded copy (personal data) is not kept.
  if (finished) await removeFile(job.file_path);
  if (finished && kind.tables) await refreshStatistics(ctx, kind.tables).catch((err: unknown) => ctx.log.warn({ err, jobId }, 'statistics not refreshed after an import'));
}
