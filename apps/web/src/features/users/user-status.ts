import type { UserView } from '@redgrid/contracts';

export type UserStatus = 'active' | 'disabled' | 'locked';

/** Disabled wins over locked: an administrator's decision outlasts a lock-out timer. */
export function userStatus(user: Pick<UserView, 'disabled' | 'lockedUntil'>, now: Date): UserStatus {
  if (user.disabled) return 'disabled';
  if (user.lockedUntil && Date.parse(user.lockedUntil) > now.getTime()) return 'locked';
  return 'active';
}

export const STATUS_COLOR: Record<UserStatus, string> = { active: 'success', disabled: 'default', locked: 'warning' };
