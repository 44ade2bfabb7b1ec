/**
 * Failed logins for usernames that do not exist, counted in memory like the accounts' own counter
 * in the database, so that an unknown name is answered exactly like a real one: 401 until the
 * N-th failure, then 423 with a lock time. Otherwise "423 after five tries" would tell which names
 * are real. Bounded: the oldest names are forgotten first.
 */
export class UnknownNameLockout {
  private readonly entries = new Map<string, { failed: number; lockedUntil: Date | null }>();

  constructor(private readonly maxEntries = 10_000) {}

  /** The lock still running for this name, if any. */
  lockedUntil(username: string, now: Date): Date | null {
    const entry = this.entries.get(key(username));
    return entry?.lockedUntil && entry.lockedUntil > now ? entry.lockedUntil : null;
  }

  /** Counts one failure; returns the lock end when this failure reaches the limit. */
  fail(username: string, now: Date, lockout: { attempts: number; minutes: number }): Date | null {
    const k = key(username);
    const entry = this.entries.get(k) ?? { failed: 0, lockedUntil: null };
    if (entry.lockedUntil && entry.lockedUntil > now) return entry.lockedUntil;
    entry.failed += 1;
    entry.lockedUntil = null;
    if (entry.failed >= lockout.attempts) {
      entry.failed = 0;
      entry.lockedUntil = new Date(now.getTime() + lockout.minutes * 60_000);
    }
    this.entries.delete(k);
    this.entries.set(k, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return entry.lockedUntil;
  }
}

const key = (username: string) => username.trim().toLowerCase();

const byDeployment = new WeakMap<object, UnknownNameLockout>();

/** One tracker per deployment, keyed by its configuration (tests build many apps, each with its own). */
export function unknownNamesOf(deployment: object): UnknownNameLockout {
  let tracker = byDeployment.get(deployment);
  if (!tracker) {
    tracker = new UnknownNameLockout();
    byDeployment.set(deployment, tracker);
  }
  return tracker;
}

/** A typed username for the audit trail: it may be a phone or identity number, so only its ends stay. */
export function maskTypedName(username: string): string {
  const chars = [...username.trim()];
  if (chars.length <= 2) return '*'.repeat(Math.max(chars.length, 1));
  return `${chars[0]}***${chars[chars.length - 1]}`;
}
