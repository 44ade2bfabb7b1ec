import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';
import type { ImportCheckBody, ImportJob, ImportJobList, ImportKindInfo, ImportUploadQuery, Permission, TableFormat } from '@redgrid/contracts';
import type { RequestContext } from '../../platform/context.ts';
import { AppError, forbidden } from '../../platform/errors.ts';
import { CONTENT_TYPES, exportFileName, mapColumns, openTable, tableWriter, type Cell } from '../../platform/tabular/index.ts';
import { read, write } from '../../platform/unit-of-work.ts';
import { importJobRepository, type ImportJobRow } from './exchange.repository.ts';
import { removeFile, storeUpload } from './exchange-files.ts';
import { exporterName } from './import-engine.ts';
import { findImportKind, importKindInfo, registeredKinds, type ImportKind } from './import-kinds.ts';

/**
 * Import jobs as use cases: upload (streamed to disk), dry run, apply, cancel, resume, the error
 * report and the template; and `exportTable` for the modules' exports. The long phases run in the
 * background (exchange-runner.ts); these only change the job's status and queue it.
 */

/** What the use cases ask of the background runner. */
export interface JobQueue {
  enqueue(jobId: number): void;
  isQueued(jobId: number): boolean;
}

/** A file for the HTTP layer to stream out. */
export interface FileDownload {
  fileName: string;
  contentType: string;
  stream: Readable;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyKind = ImportKind<any>;

function kindNamed(name: string): AnyKind {
  const kind = findImportKind(name);
  if (!kind) throw new AppError('not_found', '没有这种导入类型');
  return kind;
}

function iso(d: Date | null): string | null {
  return d ? new Date(d).toISOString() : null;
}

function toView(job: ImportJobRow, kind: AnyKind, ctx: RequestContext, queue: JobQueue): ImportJob {
  const info = importKindInfo(kind);
  const mapping = job.mapping ?? {};
  const used = new Set(Object.values(mapping));
  const stale = job.status === 'applying' && !queue.isQueued(job.id);
  return {
    id: job.id,
    kind: job.kind,
    kindLabel: kind.label,
    areaId: job.area_id,
    createdById: job.created_by,
    mine: job.created_by === ctx.actor?.id,
    fileName: job.file_name,
    fileSize: job.file_size,
    format: job.format,
    encoding: job.encoding,
    headers: job.headers,
    headerRow: job.header_row,
    mapping,
    missing: info.fields.filter((f) => f.required && mapping[f.key] === undefined).map((f) => ({ key: f.key, label: f.label })),
    unknown: job.headers.map((header, column) => ({ column, header })).filter(({ column, header }) => header !== '' && !used.has(column)),
    fields: info.fields,
    status: job.status,
    counts: {
      total: job.rows_total,
      good: job.rows_good,
      bad: job.rows_bad,
      issues: job.issue_count,
      applied: job.rows_applied,
      created: job.rows_created,
      updated: job.rows_updated,
      skipped: job.rows_skipped,
    },
    cursorRow: job.cursor_row,
    progressRows: job.progress_rows,
    preview: job.preview ?? [],
    hasErrorReport: job.error_report !== null,
    failure: job.failure,
    createdAt: iso(job.created_at)!,
    updatedAt: iso(job.updated_at)!,
    checkedAt: iso(job.checked_at),
    startedAt: iso(job.started_at),
    finishedAt: iso(job.finished_at),
    abilities: {
      check: job.status === 'uploaded' || job.status === 'checked' || (job.status === 'failed' && job.started_at === null),
      apply: job.status === 'checked' && job.rows_good > 0,
      cancel: ['uploaded', 'checking', 'checked', 'applying', 'failed'].includes(job.status),
      resume: (job.status === 'failed' && job.started_at !== null) || stale,
    },
  };
}

/** The kind's description (columns) for the wizard. */
export async function describeImportKind(ctx: RequestContext, name: string): Promise<ImportKindInfo> {
  const kind = kindNamed(name);
  return read(ctx, kind.permission, async () => importKindInfo(kind));
}

/** The template: field titles (required ones marked *) and the kind's example rows. */
export async function importTemplate(ctx: RequestContext, name: string, format: TableFormat): Promise<FileDownload> {
  const kind = kindNamed(name);
  await read(ctx, kind.permission, async () => undefined);
  const stream = new PassThrough();
  const sink = tableWriter(format, stream, { headers: kind.fields.map((f) => (f.required ? `${f.label}*` : f.label)), sheetName: kind.label, title: `${kind.label}导入模板` });
  void (async () => {
    for (const example of kind.templateRows) await sink.row(kind.fields.map((f) => example[f.key] ?? ''));
    await sink.close();
  })().catch((err: unknown) => stream.destroy(err as Error));
  return { fileName: `${kind.label}导入模板.${format}`, contentType: CONTENT_TYPES[format], stream };
}

/**
 * Upload: the caller may import this kind into this area (checked before a byte is stored), the body
 * streams to disk, its header row is read and the columns mapped; the job waits for the dry run.
 */
export async function uploadImport(ctx: RequestContext, name: string, query: ImportUploadQuery, body: AsyncIterable<Uint8Array>, queue: JobQueue): Promise<ImportJob> {
  const kind = kindNamed(name);
  const area = await read(ctx, kind.permission, (unit) => unit.use(importJobRepository).area(query.areaId));
  if (!area) throw new AppError('not_found', '区域不存在或不在您的管辖范围内');
  if (area.status !== 'active') throw new AppError('validation_failed', '这个区域已撤销，不能导入', { fields: { areaId: ['区域已撤销'] } });
  const stored = await storeUpload(ctx.config.filesDir, body, ctx.config.importMaxBytes);
  try {
    const table = await openTable(stored.path);
    await table.close();
    const mapped = mapColumns(table.headers, kind.fields);
    const job = await write(ctx, kind.permission, async (unit) => {
      const created = await unit.use(importJobRepository).insert({
        kind: kind.kind,
        area_id: area.id,
        created_by: unit.actor.id,
        file_name: query.fileName,
        file_path: stored.path,
        file_size: stored.size,
        file_sha256: stored.sha256,
        format: table.format,
        encoding: table.encoding,
        headers: JSON.stringify(table.headers),
        header_row: table.headerRow,
        mapping: JSON.stringify(mapped.mapping),
        created_at: ctx.clock(),
        updated_at: ctx.clock(),
      });
      // No personal data in the trail: the file's size and digest identify it.
      await unit.audit({ action: 'import.create', entity: 'import_job', entityId: created.id, areaId: area.id, after: { kind: kind.kind, format: table.format, size: stored.size, sha256: stored.sha256 } });
      return created;
    });
    return toView(job, kind, ctx, queue);
  } catch (err) {
    await removeFile(stored.path);
    throw err;
  }
}

/** A job in the caller's scope, of a kind they may import; else 404 / 403. */
async function jobFor(ctx: RequestContext, id: number): Promise<{ job: ImportJobRow; kind: AnyKind }> {
  const job = await read(ctx, 'signed_in', (unit) => unit.use(importJobRepository).find(id));
  if (!job) throw new AppError('not_found', '导入任务不存在');
  const kind = kindNamed(job.kind);
  if (!ctx.actor?.permissions.has(kind.permission)) throw forbidden();
  return { job, kind };
}

export async function getImportJob(ctx: RequestContext, id: number, queue: JobQueue): Promise<ImportJob> {
  const { job, kind } = await jobFor(ctx, id);
  return toView(job, kind, ctx, queue);
}

export async function listImportJobs(ctx: RequestContext, q: { kind?: string | undefined; areaId?: number | undefined; mine?: boolean | undefined; limit: number }, queue: JobQueue): Promise<ImportJobList> {
  return read(ctx, 'signed_in', async (unit) => {
    const allowed = registeredKinds().filter((k) => unit.actor.permissions.has(k.permission)).map((k) => k.kind);
    const kinds = q.kind ? allowed.filter((k) => k === q.kind) : allowed;
    const rows = await unit.use(importJobRepository).list({ kinds, areaId: q.areaId, createdBy: q.mine ? unit.actor.id : undefined, limit: q.limit });
    return { items: rows.flatMap((job) => {
      const kind = findImportKind(job.kind);
      return kind ? [toView(job, kind, ctx, queue)] : [];
    }) };
  });
}

/** Changes a job's status under its lock, with an audit row when asked. */
async function transition(
  ctx: RequestContext,
  id: number,
  change: (job: ImportJobRow, kind: AnyKind) => { patch: Parameters<ReturnType<typeof importJobRepository>['update']>[1]; audit?: { action: string; after: unknown } },
): Promise<{ job: ImportJobRow; kind: AnyKind }> {
  const { kind } = await jobFor(ctx, id);
  return write(ctx, kind.permission, async (unit) => {
    const jobs = unit.use(importJobRepository);
    const job = await jobs.lock(id);
    if (!job) throw new AppError('not_found', '导入任务不存在');
    const { patch, audit } = change(job, kind);
    await jobs.update(id, { ...patch, updated_at: ctx.clock() });
    if (audit) await unit.audit({ action: audit.action, entity: 'import_job', entityId: id, areaId: job.area_id, after: audit.after });
    return { job: (await jobs.find(id))!, kind };
  });
}

function conflict(job: ImportJobRow, doing: string): AppError {
  return new AppError('conflict', `任务当前状态为“${STATUS_LABELS[job.status]}”，不能${doing}`, { status: job.status });
}

const STATUS_LABELS: Record<ImportJobRow['status'], string> = {
  uploaded: '已上传',
  checking: '检查中',
  checked: '已检查',
  applying: '导入中',
  applied: '已导入',
  failed: '失败',
  cancelled: '已取消',
};

/** Starts the dry run, with the user's column choices; every required field must have a column. */
export async function startCheck(ctx: RequestContext, id: number, body: ImportCheckBody, queue: JobQueue): Promise<ImportJob> {
  const { job, kind } = await transition(ctx, id, (job, kind) => {
    if (!(job.status === 'uploaded' || job.status === 'checked' || (job.status === 'failed' && job.started_at === null))) throw conflict(job, '检查');
    const mapped = body.mapping ? mapColumns(job.headers, kind.fields, body.mapping) : mapColumns(job.headers, kind.fields, job.mapping);
    if (mapped.missing.length > 0) {
      throw new AppError('validation_failed', `缺少必填列：${mapped.missing.map((f) => f.label).join('、')}`, { fields: { mapping: mapped.missing.map((f) => `缺少“${f.label}”列`) }, missing: mapped.missing.map((f) => f.key) });
    }
    return {
      patch: { status: 'checking', mapping: JSON.stringify(mapped.mapping), run_by: ctx.actor!.id, progress_rows: 0, rows_total: 0, rows_good: 0, rows_bad: 0, issue_count: 0, preview: '[]', failure: null },
    };
  });
  queue.enqueue(id);
  return toView(job, kind, ctx, queue);
}

/** Starts the apply of a checked job in the background. */
export async function startApply(ctx: RequestContext, id: number, queue: JobQueue): Promise<ImportJob> {
  const { job, kind } = await transition(ctx, id, (job) => {
    if (job.status !== 'checked') throw conflict(job, '开始导入');
    if (job.rows_good === 0) throw new AppError('conflict', '没有可以导入的行：请先按错误报告修改文件');
    return {
      patch: { status: 'applying', run_by: ctx.actor!.id, started_at: ctx.clock(), cursor_row: 0, rows_applied: 0, rows_created: 0, rows_updated: 0, rows_skipped: 0, progress_rows: 0, failure: null },
      audit: { action: 'import.start', after: { kind: job.kind, rows: job.rows_good } },
    };
  });
  queue.enqueue(id);
  return toView(job, kind, ctx, queue);
}

/** Continues a failed or interrupted apply after its last committed batch. */
export async function resumeImport(ctx: RequestContext, id: number, queue: JobQueue): Promise<ImportJob> {
  const { job, kind } = await transition(ctx, id, (job) => {
    const interrupted = job.status === 'applying' && !queue.isQueued(id);
    if (!interrupted && !(job.status === 'failed' && job.started_at !== null)) throw conflict(job, '继续');
    return { patch: { status: 'applying', run_by: ctx.actor!.id, failure: null }, audit: { action: 'import.resume', after: { kind: job.kind, cursorRow: job.cursor_row } } };
  });
  queue.enqueue(id);
  return toView(job, kind, ctx, queue);
}

/** Cancels a job: a running phase stops at its next batch; committed batches stay (they are whole rows). */
export async function cancelImport(ctx: RequestContext, id: number, queue: JobQueue): Promise<ImportJob> {
  const { job, kind } = await transition(ctx, id, (job) => {
    if (!['uploaded', 'checking', 'checked', 'applying', 'failed'].includes(job.status)) throw conflict(job, '取消');
    return { patch: { status: 'cancelled', finished_at: ctx.clock() }, audit: { action: 'import.cancel', after: { kind: job.kind, applied: job.rows_applied, cursorRow: job.cursor_row } } };
  });
  // The uploaded copy is not needed any more; a running phase holds it open and reads on safely.
  await removeFile(job.file_path);
  return toView(job, kind, ctx, queue);
}

/** The dry run's error report (every bad row), as written. */
export async function importErrorReport(ctx: RequestContext, id: number): Promise<FileDownload> {
  const { job } = await jobFor(ctx, id);
  if (!job.error_report) throw new AppError('not_found', '这个任务没有错误报告');
  try {
    await access(job.error_report);
  } catch {
    throw new AppError('not_found', '错误报告文件已不存在');
  }
  await write(ctx, 'signed_in', (unit) => unit.audit({ action: 'import.report', entity: 'import_job', entityId: id, areaId: job.area_id, after: { kind: job.kind, rows: job.rows_bad } }));
  const base = job.file_name.replace(/\.[^.]+$/, '');
  return { fileName: `${base}-错误报告.csv`, contentType: CONTENT_TYPES.csv, stream: createReadStream(job.error_report) };
}

/** What a module's export hands `exportTable`. */
export interface ExportSpec {
  /** The record kind, for the audit trail and the file name (persons). */
  kind: string;
  /** Its Chinese name (实有人口). */
  label: string;
  permission: Permission;
  format: TableFormat;
  headers: readonly string[];
  /** The filter the rows were selected by, as the caller gave it (audit trail). */
  filter: Record<string, unknown>;
  /** The area the export concerns, if one (audit trail). */
  areaId?: number | null;
  /** The rows, already scoped and masked by the module. */
  rows: AsyncIterable<readonly Cell[]>;
}

/**
 * Streams an export to CSV or XLSX with the exporter's watermark; when the last row is out (or the
 * stream stops), the audit trail records who exported what, how many rows and with which filter.
 */
export async function exportTable(ctx: RequestContext, spec: ExportSpec): Promise<FileDownload & { done: Promise<number> }> {
  await read(ctx, spec.permission, async () => undefined);
  const at = ctx.clock();
  const stream = new PassThrough();
  const sink = tableWriter(spec.format, stream, { headers: spec.headers, watermark: { exporter: exporterName(ctx), at }, sheetName: spec.label, title: `${spec.label}导出` });
  const done = (async () => {
    let failed = false;
    let aborted = false;
    try {
      for await (const cells of spec.rows) {
        // The client went away: stop reading rows; the trail says the export is incomplete.
        if (stream.destroyed) {
          aborted = true;
          break;
        }
        await sink.row(cells);
      }
      await sink.close();
    } catch (err) {
      failed = true;
      stream.destroy(err as Error);
    } finally {
      await write(ctx, spec.permission, (unit) =>
        unit.audit({ action: 'export', entity: spec.kind, areaId: spec.areaId ?? null, after: { format: spec.format, rows: sink.count, filter: spec.filter, complete: !failed && !aborted } }),
      ).catch((err: unknown) => ctx.log.error({ err }, 'export audit failed'));
    }
    return sink.count;
  })();
  return { fileName: exportFileName(spec.label, at, spec.format), contentType: CONTENT_TYPES[spec.format], stream, done };
}
