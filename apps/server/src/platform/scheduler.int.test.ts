import type { FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import { loginAs, useTestApp } from '../../test/harness.ts';
import { Scheduler, type JobResult, type ScheduledJob } from './scheduler.ts';
import { asSystem } from './unit-of-work.ts';

const ctx = useTestApp();

function jobRow(name: string) {
  return ctx.t.database.db.selectFrom('scheduled_jobs').selectAll().where('name', '=', name).executeTakeFirstOrThrow();
}

/** A job whose runs wait until the test opens the gate. */
function gatedJob(name: string) {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let runs = 0;
  const job: ScheduledJob = {
    name,
    everySeconds: 600,
    async run(): Promise<JobResult> {
      runs += 1;
      await gate;
      return { processed: 1, more: false };
    },
  };
  return { job, open: () => open(), runs: () => runs };
}

function scheduler(holder: string): Scheduler {
  return new Scheduler(ctx.t.deps, ctx.t.app.log as FastifyBaseLogger, { holder });
}

describe('scheduler', () => {
  it('runs a job in only one of two processes sharing the database, and not again before it is due', async () => {
    const gated = gatedJob('test.lease');
    const a = scheduler('process-a');
    const b = scheduler('process-b');
    a.register(gated.job);
    b.register(gated.job);
    const now = ctx.t.clock.read();
    const first = a.runDue(now);
    // Let a take the lease and enter the job before b looks.
    await expect.poll(() => gated.runs()).toBe(1);
    expect(await b.runDue(now)).toEqual([{ job: 'test.lease', status: 'skipped', processed: 0 }]);
    // The same process does not start it over itself either.
    expect(await a.runDue(now)).toEqual([{ job: 'test.lease', status: 'skipped', processed: 0 }]);
    gated.open();
    expect(await first).toEqual([{ job: 'test.lease', status: 'ok', processed: 1 }]);
    expect(gated.runs()).toBe(1);

    const row = await jobRow('test.lease');
    expect(row).toMatchObject({ run_count: 1, last_status: 'ok', lease_holder: null, last_processed: 1 });
    expect(row.next_run_at.getTime()).toBe(now.getTime() + 600_000);
    // Not due yet for either process; due again after its interval, and then b may run it.
    expect((await b.runDue(ctx.t.clock.read()))[0]?.status).toBe('skipped');
    ctx.t.clock.advanceMinutes(10);
    expect((await b.runDue(ctx.t.clock.read()))[0]).toEqual({ job: 'test.lease', status: 'ok', processed: 1 });
    expect(gated.runs()).toBe(2);
  });

  it('takes over a job whose holder died only after its lease expires', async () => {
    const job: ScheduledJob = { name: 'test.orphan', everySeconds: 60, leaseSeconds: 300, run: async () => ({ processed: 0, more: false }) };
    const s = scheduler('process-c');
    s.register(job);
    const now = ctx.t.clock.read();
    expect((await s.runDue(now))[0]?.status).toBe('ok');
    // Another process took the lease and vanished mid-run.
    await ctx.t.database.db
      .updateTable('scheduled_jobs')
      .set({ lease_holder: 'dead-process', lease_expires_at: new Date(now.getTime() + 5 * 60_000), next_run_at: now })
      .where('name', '=', 'test.orphan')
      .execute();
    expect((await s.runDue(now))[0]?.status).toBe('skipped');
    expect((await s.runDue(new Date(now.getTime() + 4 * 60_000)))[0]?.status).toBe('skipped');
    expect((await s.runDue(new Date(now.getTime() + 5 * 60_000)))[0]?.status).toBe('ok');
    expect(await jobRow('test.orphan')).toMatchObject({ lease_holder: null, run_count: 2 });
  });

  it('keeps the lease of a run that outlasts it, so another process does not start the job twice', async () => {
    const gated = gatedJob('test.long');
    const job: ScheduledJob = { ...gated.job, leaseSeconds: 0.3 };
    const a = scheduler('process-long-a');
    const b = scheduler('process-long-b');
    a.register(job);
    b.register(job);
    const first = a.runDue(ctx.t.clock.read());
    await expect.poll(() => gated.runs()).toBe(1);
    // Ten minutes on, the first lease is long over; the heartbeat (every 0.1 s of the run) has moved it
    // to ten minutes on + 0.3 s, so b, due and looking, still finds the job held.
    ctx.t.clock.advanceMinutes(10);
    const movedTo = ctx.t.clock.read().getTime() + 300;
    await expect.poll(async () => (await jobRow('test.long')).lease_expires_at?.getTime()).toBe(movedTo);
    expect((await b.runDue(ctx.t.clock.read()))[0]?.status).toBe('skipped');
    gated.open();
    expect((await first)[0]?.status).toBe('ok');
    expect(gated.runs()).toBe(1);
    expect(await jobRow('test.long')).toMatchObject({ lease_holder: null, run_count: 1 });
  });

  it('records an error without the personal data in its message, and runs the job again at its next time', async () => {
    let fail = true;
    const job: ScheduledJob = {
      name: 'test.failing',
      everySeconds: 120,
      run: async () => {
        if (fail) throw new Error('gateway refused 13812345678 for 320402199001011234');
        return { processed: 2, more: false };
      },
    };
    const s = scheduler('process-d');
    s.register(job);
    const now = ctx.t.clock.read();
    expect(await s.runDue(now)).toEqual([{ job: 'test.failing', status: 'error', processed: 0 }]);
    const row = await jobRow('test.failing');
    expect(row).toMatchObject({ last_status: 'error', error_count: 1, run_count: 1, lease_holder: null });
    expect(row.last_error).toContain('gateway refused');
    expect(row.last_error).not.toMatch(/13812345678|320402199001011234/);
    expect(row.next_run_at.getTime()).toBe(now.getTime() + 120_000);
    fail = false;
    expect((await s.runDue(new Date(now.getTime() + 120_000)))[0]).toEqual({ job: 'test.failing', status: 'ok', processed: 2 });
    expect(await jobRow('test.failing')).toMatchObject({ last_status: 'ok', last_error: null, error_count: 1, run_count: 2 });
  });

  it('does a bounded batch a run and is due again at once while work is left', async () => {
    let left = 25;
    const job: ScheduledJob = {
      name: 'test.batches',
      everySeconds: 3600,
      run: async () => {
        const done = Math.min(left, 10);
        left -= done;
        return { processed: done, more: left > 0 };
      },
    };
    const s = scheduler('process-e');
    s.register(job);
    const now = ctx.t.clock.read();
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await s.runDue(now))[0]);
    expect(statuses).toEqual([
      { job: 'test.batches', status: 'more', processed: 10 },
      { job: 'test.batches', status: 'more', processed: 10 },
      { job: 'test.batches', status: 'ok', processed: 5 },
      { job: 'test.batches', status: 'skipped', processed: 0 },
    ]);
  });

  it('runs jobs as system work, and stop() waits for a running job and tells it to stop', async () => {
    let seenSignal: AbortSignal | null = null;
    let actorWasNull = false;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const job: ScheduledJob = {
      name: 'test.stoppable',
      everySeconds: 60,
      run: async ({ ctx: jobCtx, signal }) => {
        seenSignal = signal;
        actorWasNull = jobCtx.actor === null && (await asSystem(jobCtx, async (unit) => unit.scope.areas.includes('/')));
        await gate;
        return { processed: signal.aborted ? 0 : 1, more: false };
      },
    };
    const s = new Scheduler(ctx.t.deps, ctx.t.app.log as FastifyBaseLogger, { holder: 'process-f', tickMs: 60_000 });
    s.register(job);
    s.start();
    await expect.poll(() => seenSignal !== null).toBe(true);
    let stopped = false;
    const stopping = s.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(stopped).toBe(false);
    expect(seenSignal!.aborted).toBe(true);
    open();
    await stopping;
    expect(actorWasNull).toBe(true);
    expect(await jobRow('test.stoppable')).toMatchObject({ last_status: 'ok', last_processed: 0, lease_holder: null });
  });

  it('shows the jobs to a system admin only', async () => {
    const admin = await loginAs(ctx.t.app, 'admin');
    const res = await ctx.t.app.inject({ method: 'GET', url: '/api/system/jobs', headers: { cookie: admin.cookie } });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ schedulerOn: boolean; items: { name: string; registered: boolean; lastStatus: string | null }[] }>();
    expect(body.schedulerOn).toBe(false);
    expect(body.items.find((j) => j.name === 'test.failing')).toMatchObject({ registered: false, lastStatus: 'ok' });
    const worker = await loginAs(ctx.t.app, 'zb_worker');
    expect((await ctx.t.app.inject({ method: 'GET', url: '/api/system/jobs', headers: { cookie: worker.cookie } })).statusCode).toBe(403);
  });
});
