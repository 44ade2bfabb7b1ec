import type { FastifyBaseLogger } from 'fastify';
import { actorFromRoles, scopeFromRoles, type AppDeps, type RequestContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { asSystem, systemContext, withActor } from '../../platform/unit-of-work.ts';
import { importJobRepository } from './exchange.repository.ts';
import { runApply, runCheck, type RunSignal } from './import-engine.ts';

/**
 * Runs import jobs in the background, one at a time per server (the rest wait in a queue), never in
 * an HTTP request and never holding the event loop: the engine awaits between batches. A job acts as
 * the person who started its phase, rebuilt from their account and current roles (so a role taken
 * away stops the job at its next batch), not as the system. On start the server picks up the jobs a
 * stopped server left checking or applying; on close it stops after the batch in flight.
 */
export class ImportRunner {
  readonly #deps: AppDeps;
  readonly #log: FastifyBaseLogger;
  readonly #queue: number[] = [];
  #current: number | null = null;
  #active: Promise<void> | null = null;
  #stopping = false;
  /** Test hook: see RunSignal.afterBatch. */
  afterBatch: RunSignal['afterBatch'];

  constructor(deps: AppDeps, log: FastifyBaseLogger) {
    this.#deps = deps;
    this.#log = log;
  }

  enqueue(jobId: number): void {
    if (this.#stopping || this.isQueued(jobId)) return;
    this.#queue.push(jobId);
    this.#pump();
  }

  /** Running or waiting in this server. */
  isQueued(jobId: number): boolean {
    return this.#current === jobId || this.#queue.includes(jobId);
  }

  /** Resolves when nothing is running or waiting (tests wait on it). */
  async idle(): Promise<void> {
    while (this.#active) await this.#active;
  }

  /** Jobs left checking or applying by a stopped server: queued again, each from its last committed batch. */
  async resumeLeftJobs(): Promise<number> {
    const left = await asSystem(systemContext(this.#deps, this.#log), (unit) => unit.use(importJobRepository).running(['checking', 'applying']));
    for (const job of left) this.enqueue(job.id);
    return left.length;
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#queue.length = 0;
    await this.idle();
  }

  #pump(): void {
    if (this.#active || this.#stopping) return;
    const next = this.#queue.shift();
    if (next === undefined) return;
    this.#current = next;
    this.#active = this.#run(next).finally(() => {
      this.#current = null;
      this.#active = null;
      setImmediate(() => this.#pump());
    });
  }

  async #run(jobId: number): Promise<void> {
    const signal: RunSignal = { stopping: () => this.#stopping, afterBatch: this.afterBatch };
    try {
      const { status, ctx } = await this.#contextOf(jobId);
      if (status === 'checking') await runCheck(ctx, jobId, signal);
      else if (status === 'applying') await runApply(ctx, jobId, signal);
    } catch (err) {
      const message = err instanceof AppError ? err.message : '导入时出现内部错误：可以从中断处继续，或联系管理员';
      if (!(err instanceof AppError)) this.#log.error({ err, jobId }, 'import job failed');
      await this.#fail(jobId, message).catch((e: unknown) => this.#log.error({ err: e, jobId }, 'could not mark the import job failed'));
    }
  }

  /** The job's status and a context acting as whoever started its phase. */
  async #contextOf(jobId: number): Promise<{ status: string | null; ctx: RequestContext }> {
    const system = systemContext(this.#deps, this.#log);
    const found = await asSystem(system, async (unit) => {
      const jobs = unit.use(importJobRepository);
      const job = await jobs.find(jobId);
      if (!job) return null;
      const account = await jobs.account(job.run_by ?? job.created_by);
      return { job, account };
    });
    if (!found) return { status: null, ctx: system };
    const { job, account } = found;
    if (!account || account.user.disabled) throw new AppError('forbidden', '发起导入的账号已停用，任务不能继续');
    const actor = actorFromRoles({ id: account.user.id, username: account.user.username, displayName: account.user.display_name }, account.roles, { mustChangePassword: false, sessionId: null });
    return { status: job.status, ctx: withActor(system, actor, scopeFromRoles(account.roles)) };
  }

  async #fail(jobId: number, message: string): Promise<void> {
    await asSystem(systemContext(this.#deps, this.#log), async (unit) => {
      const jobs = unit.use(importJobRepository);
      const job = await jobs.lock(jobId);
      if (!job || (job.status !== 'checking' && job.status !== 'applying')) return;
      await jobs.update(jobId, { status: 'failed', failure: message, updated_at: this.#deps.clock() });
      await unit.audit({ action: 'import.fail', entity: 'import_job', entityId: jobId, areaId: job.area_id, after: { kind: job.kind, cursorRow: job.cursor_row } });
    });
  }
}
