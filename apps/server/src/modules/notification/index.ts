/**
 * Notifications (消息): the in-app inbox of each account (the console's bell) and an outbox for
 * external channels (SMS, pluggable: a logging sender by default, an HTTP gateway by configuration).
 * Other modules notify through `notify(unit, …)` inside their own transaction, so a use case that
 * rolls back has told nobody. The outbox is delivered by a scheduled job (platform/scheduler.ts);
 * another purges what is past its keeping time (retention.job.ts).
 */
import { defineModule } from '../../platform/module.ts';
import { schedulerFor } from '../../platform/scheduler.ts';
import { deliveryJob } from './delivery.job.ts';
import { registerNotificationRoutes } from './notification.routes.ts';
import { retentionJob } from './retention.job.ts';
import { smsSenderFrom, type SmsSender } from './sms-sender.ts';

export const notificationModule = defineModule('notification', (app, { deps }) => {
  registerNotificationRoutes(app);
  let sender: SmsSender | null = null;
  schedulerFor(deps, app.log).register(deliveryJob(deps, () => (sender ??= smsSenderFrom(deps.config, app.log))));
  schedulerFor(deps, app.log).register(retentionJob());
});

export { notify, type NotifyChannel, type NotifyInput } from './notification.service.ts';
export { inQuietHours, outsideQuietHours } from './quiet-hours.ts';
export type { SmsMessage, SmsSender } from './sms-sender.ts';
