// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { userStatus } from './user-status';

describe('userStatus', () => {
  const now = new Date('2026-11-22T10:00:00Z');
  it.each([
    [{ disabled: false, lockedUntil: null }, 'active'],
    [{ disabled: false, lockedUntil: '2026-11-22T10:15:00Z' }, 'locked'],
    [{ disabled: false, lockedUntil: '2026-11-22T09:59:00Z' }, 'active'],
    [{ disabled: true, lockedUntil: '2026-11-22T10:15:00Z' }, 'disabled'],
  ] as const)('%j is %s', (user, expected) => {
    expect(userStatus(user, now)).toBe(expected);
  });
});
