import { sql } from 'kysely';
import type { Scope } from '../../platform/context.ts';
import { ownedInsert, scopedFrom, scopedUpdate, type Db } from '../../platform/data-access.ts';

export interface NewNotificationRow {
  recipient_id: number;
  area_id: number;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  about_type: string | null;
  about_id: number | null;
  once_key: string | null;
  created_at: Date;
}

export interface InboxRow {
  id: number;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  about_type: string | null;
  about_id: number | null;
  created_at: Date;
  read_at: Date | null;
}

/**
 * Notifications in scope. Every inbox query also names the recipient: an account reads its own
 * notifications, and only those about areas it still governs.
 */
export function notificationRepository(db: Db, scope: Scope) {
  const inbox = (recipientId: number) => scopedFrom(db, scope, 'notifications as n').where('n.recipient_id', '=', recipientId);
  return {
    /** Inserts one notification per recipient; a recipient who already has `once_key` gets none. Returns the new ids. */
    async insert(rows: readonly NewNotificationRow[]): Promise<{ id: number; recipient_id: number }[]> {
      if (rows.length === 0) return [];
      return ownedInsert(db, scope, 'notifications')
        .values([...rows])
        .onConflict((oc) => oc.columns(['recipient_id', 'once_key']).where('once_key', 'is not', null).doNothing())
        .returning(['id', 'recipient_id'])
        .execute();
    },

    async page(recipientId: number, input: { before?: number; limit: number; unreadOnly: boolean }): Promise<InboxRow[]> {
      let q = inbox(recipientId)
        .select(['n.id', 'n.kind', 'n.title', 'n.body', 'n.link', 'n.about_type', 'n.about_id', 'n.created_at', 'n.read_at'])
        .orderBy('n.id', 'desc')
        .limit(input.limit);
      if (input.before !== undefined) q = q.where('n.id', '<', input.before);
      if (input.unreadOnly) q = q.where('n.read_at', 'is', null);
      return q.execute();
    },

    async unreadCount(recipientId: number): Promise<number> {
      const row = await inbox(recipientId).select(sql<number>`count(*)::int`.as('n')).where('n.read_at', 'is', null).executeTakeFirstOrThrow();
      return row.n;
    },

    /** Marks one as read; a second call keeps the first reading time. Null when it is not the caller's (or not in scope). */
    async markRead(recipientId: number, id: number, at: Date): Promise<Date | null> {
      const row = await scopedUpdate(db, scope, 'notifications')
        .set({ read_at: sql<Date>`COALESCE(read_at, ${at}::timestamptz)` })
        .where('id', '=', id)
        .where('recipient_id', '=', recipientId)
        .returning('read_at')
        .executeTakeFirst();
      return row?.read_at ?? null;
    },

    async markAllRead(recipientId: number, at: Date): Promise<number> {
      const result = await scopedUpdate(db, scope, 'notifications')
        .set({ read_at: at })
        .where('recipient_id', '=', recipientId)
        .where('read_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
}

export interface DueDelivery {
  id: number;
  attempts: number;
  kind: string;
  title: string;
  phoneEnc: string | null;
}

/** The SMS outbox: the scheduled delivery job's queries (run as system work, every area). */
export function deliveryRepository(db: Db, scope: Scope) {
  return {
    async enqueue(rows: readonly { notification_id: number; area_id: number; next_attempt_at: Date; created_at: Date }[]): Promise<void> {
      if (rows.length === 0) return;
      await ownedInsert(db, scope, 'notification_deliveries')
        .values(rows.map((r) => ({ ...r, channel: 'sms' as const })))
        .execute();
    },

    /**
     * Takes up to `limit` due messages: counts the attempt and pushes their next try `holdMs` ahead
     * (a process that dies mid-send leaves them to be retried then). Rows another transaction holds
     * are skipped, not waited for.
     */
    async claimDue(now: Date, limit: number, holdMs: number): Promise<DueDelivery[]> {
      const due = await scopedFrom(db, scope, 'notification_deliveries as d')
        .select('d.id')
        .where('d.status', '=', 'pending')
        .where('d.next_attempt_at', '<=', now)
        .orderBy('d.next_attempt_at')
        .orderBy('d.id')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute();
      if (due.length === 0) return [];
      const claimed = await scopedUpdate(db, scope, 'notification_deliveries')
        .set({ attempts: sql<number>`attempts + 1`, next_attempt_at: new Date(now.getTime() + holdMs) })
        .where('id', 'in', due.map((d) => d.id))
        .returning(['id', 'attempts', 'notification_id'])
        .execute();
      const notes = await scopedFrom(db, scope, 'notifications as n')
        .select(['n.id', 'n.kind', 'n.title', 'n.recipient_id'])
        .where('n.id', 'in', claimed.map((c) => c.notification_id))
        .execute();
      const phones = await scopedFrom(db, scope, 'users as u')
        .select(['u.id', 'u.phone_enc', 'u.disabled'])
        .where('u.id', 'in', [...new Set(notes.map((n) => n.recipient_id))])
        .execute();
      const noteById = new Map(notes.map((n) => [n.id, n]));
      const userById = new Map(phones.map((u) => [u.id, u]));
      return claimed.map((c) => {
        const note = noteById.get(c.notification_id);
        const user = note ? userById.get(note.recipient_id) : undefined;
        return { id: c.id, attempts: c.attempts, kind: note?.kind ?? 'unknown', title: note?.title ?? '', phoneEnc: user && !user.disabled ? user.phone_enc : null };
      });
    },

    async markSent(id: number, at: Date): Promise<void> {
      await scopedUpdate(db, scope, 'notification_deliveries').set({ status: 'sent', sent_at: at, last_error: null }).where('id', '=', id).execute();
    },

    async markSkipped(id: number, reason: string): Promise<void> {
      await scopedUpdate(db, scope, 'notification_deliveries').set({ status: 'skipped', last_error: reason }).where('id', '=', id).execute();
    },

    async markFailed(id: number, error: string, retryAt: Date | null): Promise<void> {
      await scopedUpdate(db, scope, 'notification_deliveries')
        .set(retryAt ? { last_error: error, next_attempt_at: retryAt } : { status: 'failed', last_error: error })
        .where('id', '=', id)
        .execute();
    },
  };
}
