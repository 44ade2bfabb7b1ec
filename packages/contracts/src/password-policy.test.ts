import { describe, expect, it } from 'vitest';
import { checkPassword, passwordClasses } from './password-policy.ts';

const policy = { minLength: 8, minClasses: 3 };

describe('password policy', () => {
  it.each([
    ['Redgrid@2026', 0],
    ['abcdefgh', 1],
    ['Abcdefgh', 1],
    ['Abcdef12', 0],
    ['Ab1!', 1],
    ['短密码Ab1', 1],
  ])('%s has %i problems', (password, count) => {
    expect(checkPassword(password, policy)).toHaveLength(count);
  });

  it('counts character classes', () => {
    expect(passwordClasses('aA1!')).toBe(4);
    expect(passwordClasses('网格员')).toBe(1);
  });

  it('refuses a password containing the username', () => {
    expect(checkPassword('Zb_worker#1', policy, 'zb_worker')).toEqual(['密码不能包含用户名']);
  });
});
