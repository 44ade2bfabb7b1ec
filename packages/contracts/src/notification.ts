import { z } from 'zod';
import { idSchema, isoDateTime } from './common.ts';

/**
 * In-app notifications (站内消息) of the signed-in account, and the scheduled jobs' status page.
 * A notification's link is a console route; titles and bodies carry no ID numbers or phones.
 */

export const notificationSchema = z
  .object({
    id: z.number().int(),
    kind: z.string(),
    title: z.string(),
    body: z.string(),
    /** A console route to open ('/basedata/persons/12'), or null. */
    link: z.string().nullable(),
    about: z.object({ type: z.string(), id: z.number().int() }).nullable(),
    createdAt: isoDateTime,
    readAt: isoDateTime.nullable(),
  })
  .meta({ id: 'Notification' });
export type NotificationView = z.infer<typeof notificationSchema>;

export const notificationListQuerySchema = z
  .object({
    /** Keyset: the smallest id of the previous page; the next page holds older notifications. */
    before: idSchema.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    unread: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  })
  .strict();
export type NotificationListQuery = z.infer<typeof notificationListQuerySchema>;

export const notificationPageSchema = z
  .object({ items: z.array(notificationSchema), next: z.number().int().nullable(), unread: z.number().int() })
  .meta({ id: 'NotificationPage' });
export type NotificationPage = z.infer<typeof notificationPageSchema>;

export const unreadCountSchema = z.object({ unread: z.number().int() }).meta({ id: 'UnreadCount' });
export type UnreadCount = z.infer<typeof unreadCountSchema>;

export const markReadResultSchema = z.object({ id: z.number().int(), readAt: isoDateTime }).meta({ id: 'MarkReadResult' });
export const markAllReadResultSchema = z.object({ marked: z.number().int(), unread: z.number().int() }).meta({ id: 'MarkAllReadResult' });

export const scheduledJobStatusSchema = z
  .object({
    name: z.string(),
    everySeconds: z.number().int(),
    nextRunAt: isoDateTime,
    /** Registered by this server process (a job of a module this version lacks is listed but not run). */
    registered: z.boolean(),
    running: z.boolean(),
    lastStartedAt: isoDateTime.nullable(),
    lastFinishedAt: isoDateTime.nullable(),
    lastStatus: z.enum(['ok', 'more', 'error']).nullable(),
    lastError: z.string().nullable(),
    lastProcessed: z.number().int().nullable(),
    runCount: z.number().int(),
    errorCount: z.number().int(),
  })
  .meta({ id: 'ScheduledJobStatus' });
export const scheduledJobListSchema = z
  .object({ schedulerOn: z.boolean(), items: z.array(scheduledJobStatusSchema) })
  .meta({ id: 'ScheduledJobList' });
export type ScheduledJobList = z.infer<typeof scheduledJobListSchema>;
