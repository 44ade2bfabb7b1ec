import type { NotificationListQuery, NotificationPage, NotificationView } from '@redgrid/contracts';
import type { RequestContext } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { read, write, type Unit } from '../../platform/unit-of-work.ts';
import { deliveryRepository, notificationRepository, type InboxRow } from './notification.repository.ts';
import { outsideQuietHours } from './quiet-hours.ts';

export type NotifyChannel = 'in_app' | 'sms';

export interface NotifyInput {
  /** Account ids; duplicates are sent once. */
  recipients: readonly number[];
  /** `module.what` in snake case: 'basedata.tag_expiring', 'case.accepted'. Also the SMS template name. */
  kind: string;
  /** What the bell shows; no ID numbers or phones (refused), a name is fine. */
  title: string;
  body?: string;
  /** A console route ('/basedata/persons/12'). */
  link?: string | null;
  /** The record it is about. */
  about?: { type: string; id: number } | null;
  /** The area the record belongs to: the notification is seen only while this area is in the recipient's scope. */
  areaId: number;
  /** In-app always; 'sms' adds a text message through the outbox (after quiet hours). */
  channels?: readonly NotifyChannel[];
  /** The same key to the same person again sends nothing (a re-run job, a retried request). */
  onceKey?: string;
  /** The use case's time (ctx.clock()). */
  at: Date;
}

const KIND = /^[a-z][a-z0-9_.]{0,63}$/;
// ID numbers and mainland mobiles: never in a title or body, which are stored and shown in plain text. Not
// 15-digit runs: those are grid codes (320412001001001) far more often than first-generation ID numbers.
const PERSONAL_NUMBER = /(?<![\dA-Za-z])(\d{17}[\dXx]|1[3-9]\d{9})(?![\dA-Za-z])/;

/**
 * Notifies accounts inside the caller's transaction (`unit` is the use case's write unit or a
 * system unit): the notifications and their SMS outbox rows commit or roll back with the change
 * that caused them, so a rolled-back use case sends nothing. Returns how many accounts got a new one.
 */
export async function notify(unit: Pick<Unit, 'use'>, input: NotifyInput): Promise<number> {
  if (!KIND.test(input.kind)) throw new Error(`notify: kind ${input.kind} is not module.what in lower case`);
  const body = input.body ?? '';
  if (PERSONAL_NUMBER.test(input.title) || PERSONAL_NUMBER.test(body)) throw new Error(`notify(${input.kind}): an ID number or phone in a title or body`);
  if (input.link != null && !/^\/[A-Za-z0-9]/.test(input.link)) throw new Error(`notify(${input.kind}): a link is a console route`);
  const recipients = [...new Set(input.recipients)];
  if (recipients.length === 0) return 0;
  const created = await unit.use(notificationRepository).insert(
    recipients.map((recipient) => ({
      recipient_id: recipient,
      area_id: input.areaId,
      kind: input.kind,
      title: input.title.slice(0, 200),
      body: body.slice(0, 2000),
      link: input.link ?? null,
      about_type: input.about?.type ?? null,
      about_id: input.about?.id ?? null,
      once_key: input.onceKey ?? null,
      created_at: input.at,
    })),
  );
  if (input.channels?.includes('sms')) {
    const sendAt = outsideQuietHours(input.at);
    await unit.use(deliveryRepository).enqueue(created.map((c) => ({ notification_id: c.id, area_id: input.areaId, next_attempt_at: sendAt, created_at: input.at })));
  }
  return created.length;
}

function present(row: InboxRow): NotificationView {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    body: row.body,
    link: row.link,
    about: row.about_type && row.about_id !== null ? { type: row.about_type, id: row.about_id } : null,
    createdAt: row.created_at.toISOString(),
    readAt: row.read_at ? row.read_at.toISOString() : null,
  };
}

/** The caller's notifications, newest first, keyset-paged by id. */
export function listMyNotifications(ctx: RequestContext, query: NotificationListQuery): Promise<NotificationPage> {
  return read(ctx, 'signed_in', async (unit) => {
    const repo = unit.use(notificationRepository);
    const rows = await repo.page(unit.actor.id, { ...(query.before !== undefined ? { before: query.before } : {}), limit: query.limit + 1, unreadOnly: query.unread === true });
    const items = rows.slice(0, query.limit).map(present);
    return { items, next: rows.length > query.limit ? (items.at(-1)?.id ?? null) : null, unread: await repo.unreadCount(unit.actor.id) };
  });
}

export function myUnreadCount(ctx: RequestContext): Promise<{ unread: number }> {
  return read(ctx, 'signed_in', async (unit) => ({ unread: await unit.use(notificationRepository).unreadCount(unit.actor.id) }));
}

/** Marks one of the caller's notifications read; again is harmless (the first reading time stays). */
export function markNotificationRead(ctx: RequestContext, id: number): Promise<{ id: number; readAt: string }> {
  return write(ctx, 'signed_in', async (unit) => {
    const readAt = await unit.use(notificationRepository).markRead(unit.actor.id, id, ctx.clock());
    if (!readAt) throw notFound('通知');
    return { id, readAt: readAt.toISOString() };
  });
}

export function markAllNotificationsRead(ctx: RequestContext): Promise<{ marked: number; unread: number }> {
  return write(ctx, 'signed_in', async (unit) => {
    const repo = unit.use(notificationRepository);
    const marked = await repo.markAllRead(unit.actor.id, ctx.clock());
    return { marked, unread: await repo.unreadCount(unit.actor.id) };
  });
}
