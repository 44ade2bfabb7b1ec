import type { AppDeps } from '../../platform/context.ts';
import { describeJobError, type ScheduledJob } from '../../platform/scheduler.ts';
import { asSystem } from '../../platform/unit-of-work.ts';
import { deliveryRepository, type DueDelivery } from './notification.repository.ts';
import { inQuietHours, outsideQuietHours, retryDelayMs } from './quiet-hours.ts';
import type { SmsSender } from './sms-sender.ts';

/** Messages a run sends at most; the rest wait for the next run (due again at once). */
export const DELIVERY_BATCH = 50;
/** A claimed message not recorded by then (the process died mid-send) is tried again. */
const CLAIM_HOLD_MS = 10 * 60_000;

const SMS_PREFIX = '【红网格】';

/**
 * The SMS outbox, delivered: claim due messages in one short transaction, send each outside any
 * transaction (a slow gateway holds no lock), record each outcome. A failure is retried with
 * doubling waits, moved out of quiet hours, and given up after `maxAttempts`. Nothing is sent in
 * quiet hours (22:00–07:00 Beijing).
 */
export function deliveryJob(deps: AppDeps, sender: () => SmsSender): ScheduledJob {
  return {
    name: 'notification.deliver',
    everySeconds: 60,
    async run({ now, ctx, signal }) {
      if (inQuietHours(now)) return { processed: 0, more: false };
      const due = await asSystem(ctx, (unit) => unit.use(deliveryRepository).claimDue(now, DELIVERY_BATCH, CLAIM_HOLD_MS));
      const outcomes: { delivery: DueDelivery; error: string | null; skipped: string | null }[] = [];
      for (const delivery of due) {
        // Closing: the rest keep their claim and are tried again after the hold.
        if (signal.aborted) break;
        if (!delivery.phoneEnc) {
          outcomes.push({ delivery, error: null, skipped: 'no phone' });
          continue;
        }
        try {
          // Unsealed here, for this one call, and nowhere else.
          const phone = deps.cipher.decrypt(delivery.phoneEnc);
          await sender().send(phone, { template: delivery.kind, text: `${SMS_PREFIX}${delivery.title}` });
          outcomes.push({ delivery, error: null, skipped: null });
        } catch (err) {
          outcomes.push({ delivery, error: describeJobError(err).slice(0, 300), skipped: null });
        }
      }
      const maxAttempts = deps.config.sms.maxAttempts;
      const recordedAt = deps.clock();
      await asSystem(ctx, async (unit) => {
        const repo = unit.use(deliveryRepository);
        for (const { delivery, error, skipped } of outcomes) {
          if (skipped) await repo.markSkipped(delivery.id, skipped);
          else if (error === null) await repo.markSent(delivery.id, recordedAt);
          else await repo.markFailed(delivery.id, error, delivery.attempts >= maxAttempts ? null : outsideQuietHours(new Date(now.getTime() + retryDelayMs(delivery.attempts))));
        }
      });
      const failed = outcomes.filter((o) => o.error !== null).length;
      if (failed > 0) ctx.log.warn({ job: 'notification.deliver', failed, sent: outcomes.length - failed }, 'sms deliveries failed');
      return { processed: outcomes.length, more: due.length === DELIVERY_BATCH };
    },
  };
}
