import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import type { AppDeps, RequestContext } from './context.ts';
import type { Db } from './data-access.ts';
import { asSystem, systemContext } from './unit-of-work.ts';

/**
 * Scheduled jobs: modules register named jobs that run every N seconds as system work (no person
 * started them). Each job has a row in `scheduled_jobs` (migration 0016); a process runs a job only
 * after taking its lease in one UPDATE (due, and no unexpired lease), so two server processes on one
 * PostgreSQL never run a job at the same time, and one process never runs a job over itself. A run
 * does a bounded amount of work (a batch) and says whether more is left: then it is due again at
 * once, and the next tick takes the next batch, so no run holds the event loop or a transaction for
 * long. Tests call `runDue(clock())` instead of waiting for timers.
 */

export interface JobRun {
  /** The scheduler's time for this run (the test clock in tests). */
  readonly now: Date;
  /** A system context: the job does its work through `asSystem(ctx, …)`, a transaction per batch. */
  readonly ctx: RequestContext;
  /** Aborted when the server closes: a job between two batches stops there. */
  readonly signal: AbortSignal;
}

export interface JobResult {
  /** Items done in this run (for the status page and the log). */
  processed: number;
  /** True when the run stopped at its batch limit with work left: it is due again at once. */
  more: boolean;
}

export interface ScheduledJob {
  /** Unique, stable: `module.what` ('notification.deliver', 'basedata.tag-expiry'). */
  name: string;
  everySeconds: number;
  /** How long a run may hold its lease before another process may take the job over (default 300 s). */
  leaseSeconds?: number;
  run(run: JobRun): Promise<JobResult>;
}

export interface JobRunReport {
  job: string;
  status: 'ok' | 'more' | 'error' | 'skipped';
  processed: number;
}

export interface JobStatus {
  name: string;
  everySeconds: number;
  nextRunAt: Date;
  running: boolean;
  lastStartedAt: Date | null;
  lastFinishedAt: Date | null;
  lastStatus: 'ok' | 'more' | 'error' | null;
  lastError: string | null;
  lastProcessed: number | null;
  runCount: number;
  errorCount: number;
}

const JOB_NAME = /^[a-z][a-z0-9_.-]{0,63}$/;
const DEFAULT_LEASE_SECONDS = 300;
const DEFAULT_TICK_MS = 15_000;

/** The `scheduled_jobs` rows: system state, no owner, written by the scheduler only. */
export function scheduledJobRepository(db: Db) {
  return {
    async ensure(job: ScheduledJob, now: Date): Promise<void> {
      // A changed interval takes effect at once: the next run is no later than one new interval away.
      await db
        .insertInto('scheduled_jobs')
        .values({ name: job.name, interval_seconds: job.everySeconds, next_run_at: now })
        .onConflict((oc) =>
          oc.column('name').doUpdateSet({
            interval_seconds: job.everySeconds,
            next_run_at: sql`LEAST(scheduled_jobs.next_run_at, ${now}::timestamptz + make_interval(secs => ${job.everySeconds}))`,
          }),
        )
        .execute();
    },

    /** Takes the job's lease if it is due and nobody holds an unexpired one; true when taken. */
    async claim(name: string, holder: string, now: Date, leaseSeconds: number): Promise<boolean> {
      const row = await db
        .updateTable('scheduled_jobs')
        .set({ lease_holder: holder, lease_expires_at: new Date(now.getTime() + leaseSeconds * 1000), last_started_at: now })
        .where('name', '=', name)
        .where('next_run_at', '<=', now)
        .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<=', now)]))
        .returning('name')
        .executeTakeFirst();
      return row !== undefined;
    },

    /** Extends a lease this process still holds (a long run's heartbeat); false when it was lost. */
    async renew(name: string, holder: string, until: Date): Promise<boolean> {
      const row = await db.updateTable('scheduled_jobs').set({ lease_expires_at: until }).where('name', '=', name).where('lease_holder', '=', holder).returning('name').executeTakeFirst();
      return row !== undefined;
    },

    /** Records the run and gives the lease back, unless another process has taken it over meanwhile. */
    async finish(name: string, holder: string, run: { finishedAt: Date; nextRunAt: Date; status: 'ok' | 'more' | 'error'; error: string | null; processed: number }): Promise<void> {
      await db
        .updateTable('scheduled_jobs')
        .set((eb) => ({
          lease_holder: null,
          lease_expires_at: null,
          last_finished_at: run.finishedAt,
          next_run_at: run.nextRunAt,
          last_status: run.status,
          last_error: run.error,
          last_processed: run.processed,
          run_count: eb('run_count', '+', 1),
          error_count: run.status === 'error' ? eb('error_count', '+', 1) : eb.ref('error_count'),
        }))
        .where('name', '=', name)
        .where('lease_holder', '=', holder)
        .execute();
    },

    async list(): Promise<Omit<JobStatus, 'running'>[]> {
      const rows = await db.selectFrom('scheduled_jobs').selectAll().orderBy('name').execute();
      return rows.map((r) => ({
        name: r.name,
        everySeconds: r.interval_seconds,
        nextRunAt: r.next_run_at,
        lastStartedAt: r.last_started_at,
        lastFinishedAt: r.last_finished_at,
        lastStatus: r.last_status,
        lastError: r.last_error,
        lastProcessed: r.last_processed,
        runCount: r.run_count,
        errorCount: r.error_count,
      }));
    },
  };
}

/**
 * What an error leaves in the job's row and the log: its kind and message, cut short, with long
 * digit runs (phones, ID numbers a driver may have echoed) blanked. Never the error's data.
 */
export function describeJobError(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : 'non-error thrown';
  return text.replace(/\d{6,}[\dXx]?/g, '…').slice(0, 500);
}

export class Scheduler {
  private readonly jobs = new Map<string, ScheduledJob>();
  private readonly ensured = new Set<string>();
  private readonly running = new Set<string>();
  private readonly aborter = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private stopped = false;
  /** This process's name in lease rows: host, pid and a random part (two apps in one test process differ). */
  readonly holder: string;

  constructor(
    private readonly deps: AppDeps,
    private readonly log: FastifyBaseLogger,
    private readonly options: { holder?: string; tickMs?: number } = {},
  ) {
    this.holder = options.holder ?? `${hostname().slice(0, 40)}:${process.pid}:${randomBytes(3).toString('hex')}`;
  }

  register(job: ScheduledJob): void {
    if (!JOB_NAME.test(job.name)) throw new Error(`scheduled job name ${job.name}: lower-case letters, digits, . _ -`);
    if (!Number.isInteger(job.everySeconds) || job.everySeconds < 1 || job.everySeconds > 604_800) throw new Error(`scheduled job ${job.name}: everySeconds 1…604800`);
    if (this.jobs.has(job.name)) throw new Error(`scheduled job ${job.name} is registered twice`);
    this.jobs.set(job.name, job);
  }

  /** Names of the jobs this process runs. */
  registered(): string[] {
    return [...this.jobs.keys()].sort();
  }

  isRunning(name: string): boolean {
    return this.running.has(name);
  }

  /** Starts the timer (server start, when REDGRID_SCHEDULER is on). */
  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => this.tick(), this.options.tickMs ?? DEFAULT_TICK_MS);
    this.timer.unref();
    this.tick();
  }

  /** Stops the timer, asks running jobs to stop between batches, and waits for them (server close). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.aborter.abort();
    await this.ticking;
  }

  private tick(): void {
    if (this.ticking || this.stopped) return;
    this.ticking = this.runDue()
      .then((reports) => {
        // A job that stopped at its batch limit goes on soon, not a whole tick later.
        if (!this.stopped && reports.some((r) => r.status === 'more')) setTimeout(() => this.tick(), 1_000).unref();
      })
      .catch((err: unknown) => this.log.error({ error: describeJobError(err) }, 'scheduler tick failed'))
      .finally(() => {
        this.ticking = null;
      });
  }

  /**
   * Runs every registered job that is due at `now` and whose lease this process gets, one after
   * another, one run (one batch) each. Returns what happened to each job.
   */
  async runDue(now: Date = this.deps.clock()): Promise<JobRunReport[]> {
    const ctx = systemContext(this.deps, this.log);
    const reports: JobRunReport[] = [];
    for (const job of this.jobs.values()) {
      // Closing: the jobs not yet started wait for the next start.
      if (this.aborter.signal.aborted) break;
      if (this.running.has(job.name)) {
        reports.push({ job: job.name, status: 'skipped', processed: 0 });
        continue;
      }
      this.running.add(job.name);
      try {
        reports.push(await this.runOne(ctx, job, now));
      } finally {
        this.running.delete(job.name);
      }
    }
    return reports;
  }

  private async runOne(ctx: RequestContext, job: ScheduledJob, now: Date): Promise<JobRunReport> {
    if (!this.ensured.has(job.name)) {
      await asSystem(ctx, async (unit) => unit.use((db) => scheduledJobRepository(db)).ensure(job, now));
      this.ensured.add(job.name);
    }
    const leaseSeconds = job.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
    const claimed = await asSystem(ctx, async (unit) => unit.use((db) => scheduledJobRepository(db)).claim(job.name, this.holder, now, leaseSeconds));
    if (!claimed) return { job: job.name, status: 'skipped', processed: 0 };

    let status: 'ok' | 'more' | 'error';
    let processed = 0;
    let error: string | null = null;
    // A run longer than its lease keeps it: renewed at a third of the lease, so another process never
    // takes over a job that is still running here.
    const heartbeat = setInterval(() => {
      const until = new Date(this.deps.clock().getTime() + leaseSeconds * 1000);
      asSystem(ctx, async (unit) => unit.use((db) => scheduledJobRepository(db)).renew(job.name, this.holder, until)).catch((err: unknown) => this.log.warn({ job: job.name, error: describeJobError(err) }, 'lease renewal failed'));
    }, (leaseSeconds * 1000) / 3);
    heartbeat.unref();
    try {
      const result = await job.run({ now, ctx, signal: this.aborter.signal });
      processed = result.processed;
      status = result.more ? 'more' : 'ok';
    } catch (err) {
      status = 'error';
      error = describeJobError(err);
      this.log.warn({ job: job.name, error }, 'scheduled job failed');
    } finally {
      clearInterval(heartbeat);
    }
    const finishedAt = this.deps.clock();
    const nextRunAt = status === 'more' ? finishedAt : new Date(now.getTime() + job.everySeconds * 1000);
    await asSystem(ctx, async (unit) => unit.use((db) => scheduledJobRepository(db)).finish(job.name, this.holder, { finishedAt, nextRunAt, status, error, processed }));
    if (processed > 0 || status !== 'ok') this.log.info({ job: job.name, status, processed }, 'scheduled job ran');
    return { job: job.name, status, processed };
  }
}

const schedulers = new WeakMap<AppDeps, Scheduler>();

/**
 * A new scheduler for an app being built on these deps: the modules of this app register on it. A second
 * app on the same deps (a restart inside one test process, a second server in a test) gets its own, so its
 * modules' jobs are not "registered twice"; each app starts and stops its own.
 */
export function newSchedulerFor(deps: AppDeps, log: FastifyBaseLogger): Scheduler {
  const scheduler = new Scheduler(deps, log);
  schedulers.set(deps, scheduler);
  return scheduler;
}

/**
 * The scheduler of the app being built on these deps (the latest `newSchedulerFor`): modules register
 * their jobs on it when they are registered; app.ts starts it when the server is ready (if configured)
 * and stops it on close. Tests drive it with `runDue`.
 */
export function schedulerFor(deps: AppDeps, log: FastifyBaseLogger): Scheduler {
  let scheduler = schedulers.get(deps);
  if (!scheduler) {
    scheduler = new Scheduler(deps, log);
    schedulers.set(deps, scheduler);
  }
  return scheduler;
}
