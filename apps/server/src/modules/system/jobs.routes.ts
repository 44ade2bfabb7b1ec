import { errorBodySchema, scheduledJobListSchema, type ScheduledJobList } from '@redgrid/contracts';
import type { RequestContext } from '../../platform/context.ts';
import { ctxOf, type App } from '../../platform/http.ts';
import { scheduledJobRepository, type Scheduler } from '../../platform/scheduler.ts';
import { read } from '../../platform/unit-of-work.ts';

/** The scheduled jobs as the database records them (every process's runs), and which this process runs. */
export function listScheduledJobs(ctx: RequestContext, scheduler: Scheduler): Promise<ScheduledJobList> {
  return read(ctx, 'system.jobs', async (unit) => {
    const rows = await unit.use((db) => scheduledJobRepository(db)).list();
    const registered = new Set(scheduler.registered());
    return {
      schedulerOn: ctx.config.scheduler,
      items: rows.map((r) => ({
        ...r,
        registered: registered.has(r.name),
        running: scheduler.isRunning(r.name),
        nextRunAt: r.nextRunAt.toISOString(),
        lastStartedAt: r.lastStartedAt?.toISOString() ?? null,
        lastFinishedAt: r.lastFinishedAt?.toISOString() ?? null,
      })),
    };
  });
}

export function registerJobRoutes(app: App, scheduler: Scheduler): void {
  app.get('/api/system/jobs', {
    config: { permission: 'system.jobs' },
    schema: {
      tags: ['system'],
      summary: '定时任务状态（上次运行、下次运行、错误）',
      response: { 200: scheduledJobListSchema, 401: errorBodySchema, 403: errorBodySchema },
    },
    handler: (req) => listScheduledJobs(ctxOf(req), scheduler),
  });
}
