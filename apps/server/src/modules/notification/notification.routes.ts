import { errorBodySchema, idParamsSchema, markAllReadResultSchema, markReadResultSchema, notificationListQuerySchema, notificationPageSchema, unreadCountSchema } from '@redgrid/contracts';
import { ctxOf, type App } from '../../platform/http.ts';
import { listMyNotifications, markAllNotificationsRead, markNotificationRead, myUnreadCount } from './notification.service.ts';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };
const tags = ['notification'];

export function registerNotificationRoutes(app: App): void {
  app.get('/api/notifications', {
    config: { permission: 'signed_in' },
    schema: { tags, summary: '我的消息（新的在前，按 id 翻页）', querystring: notificationListQuerySchema, response: { 200: notificationPageSchema, ...errors } },
    handler: (req) => listMyNotifications(ctxOf(req), req.query),
  });
  app.get('/api/notifications/unread-count', {
    config: { permission: 'signed_in' },
    schema: { tags, summary: '我的未读消息数', response: { 200: unreadCountSchema, ...errors } },
    handler: (req) => myUnreadCount(ctxOf(req)),
  });
  app.post('/api/notifications/:id/read', {
    config: { permission: 'signed_in' },
    schema: { tags, summary: '标记一条消息已读（重复调用无害）', params: idParamsSchema, response: { 200: markReadResultSchema, ...errors } },
    handler: (req) => markNotificationRead(ctxOf(req), req.params.id),
  });
  app.post('/api/notifications/read-all', {
    config: { permission: 'signed_in' },
    schema: { tags, summary: '全部标记已读', response: { 200: markAllReadResultSchema, ...errors } },
    handler: (req) => markAllNotificationsRead(ctxOf(req)),
  });
}
