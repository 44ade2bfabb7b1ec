import { sql } from 'kysely';
import type { Scope } from '../../platform/context.ts';
import { scopedDelete, scopedFrom, type Db } from '../../platform/data-access.ts';
import type { ScheduledJob } from '../../platform/scheduler.ts';
import { asSystem } from '../../platform/unit-of-work.ts';

/** A notification read this many days ago is purged (with its delivery rows). */
export const KEEP_READ_DAYS = 180;
/** An unread one is purged after this many days: nobody is going to read it now. */
export const KEEP_UNREAD_DAYS = 365;
/** Rows a run deletes at most; the job is due again at once while more are left. */
export const PURGE_BATCH = 5_000;

const DAY_MS = 86_400_000;

function retentionRepository(db: Db, scope: Scope) {
  return {
    /**
     * Deletes up to `limit` notifications past their keeping time, oldest first, none with a message
     * still waiting to be sent; their delivery rows go with them (ON DELETE CASCADE). Returns how many.
     */
    async purge(now: Date, limit: number): Promise<number> {
      const readBefore = new Date(now.getTime() - KEEP_READ_DAYS * DAY_MS);
      const createdBefore = new Date(now.getTime() - KEEP_UNREAD_DAYS * DAY_MS);
      const old = await scopedFrom(db, scope, 'notifications as n')
        .select('n.id')
        .where('n.created_at', '<', readBefore)
        .where((eb) => eb.or([eb('n.read_at', '<', readBefore), eb('n.created_at', '<', createdBefore)]))
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('notification_deliveries as d').select(sql`1`.as('one')).whereRef('d.notification_id', '=', 'n.id').where('d.status', '=', 'pending'))))
        .orderBy('n.created_at')
        .orderBy('n.id')
        .limit(limit)
        .execute();
      if (old.length === 0) return 0;
      const gone = await scopedDelete(db, scope, 'notifications').where('id', 'in', old.map((o) => o.id)).executeTakeFirst();
      return Number(gone.numDeletedRows);
    },
  };
}

/**
 * Retention of the inbox and the SMS outbox (PIPL: keep personal messages no longer than needed):
 * read notifications after 180 days, unread ones after a year, each with its delivery record.
 * Daily, a bounded batch a run.
 */
export function retentionJob(): ScheduledJob {
  return {
    name: 'notification.purge',
    everySeconds: 24 * 3600,
    async run({ now, ctx }) {
      const processed = await asSystem(ctx, (unit) => unit.use(retentionRepository).purge(now, PURGE_BATCH));
      return { processed, more: processed === PURGE_BATCH };
    },
  };
}
