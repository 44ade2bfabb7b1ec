/**
 * Quiet hours for text messages (no SMS 22:00–07:00 Beijing time, whatever the server's zone):
 * a message due in the night waits until 07:00. Pure.
 */

const BEIJING_OFFSET_MS = 8 * 3600_000;
export const QUIET_FROM_HOUR = 22;
export const QUIET_UNTIL_HOUR = 7;

/** True between 22:00 and 07:00 Beijing time. */
export function inQuietHours(at: Date): boolean {
  const hour = new Date(at.getTime() + BEIJING_OFFSET_MS).getUTCHours();
  return hour >= QUIET_FROM_HOUR || hour < QUIET_UNTIL_HOUR;
}

/** `at` itself outside quiet hours, else the 07:00 Beijing time that ends them. */
export function outsideQuietHours(at: Date): Date {
  if (!inQuietHours(at)) return at;
  const local = new Date(at.getTime() + BEIJING_OFFSET_MS);
  const morning = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), QUIET_UNTIL_HOUR) - BEIJING_OFFSET_MS;
  // Before midnight the morning is tomorrow's.
  return new Date(local.getUTCHours() >= QUIET_FROM_HOUR ? morning + 24 * 3600_000 : morning);
}

/** Wait before attempt n+1 after n failed attempts: 1, 2, 4 … minutes, at most 6 hours. */
export function retryDelayMs(failedAttempts: number): number {
  const minutes = 2 ** Math.min(Math.max(failedAttempts - 1, 0), 20);
  return Math.min(minutes, 360) * 60_000;
}
