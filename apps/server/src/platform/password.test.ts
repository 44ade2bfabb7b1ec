import { describe, expect, it } from 'vitest';
import { AppError } from './errors.ts';
import { assertPasswordPolicy } from './password.ts';
import { isCommonPassword } from './common-passwords.ts';

const policy = { minLength: 8, minClasses: 3 };
const problemsOf = (password: string, username?: string) => {
  try {
    assertPasswordPolicy(password, policy, username);
    return [];
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return (err.details?.['fields'] as Record<string, string[]>)['password'] ?? [];
  }
};

// Issue 7, fault 9: 12 of these 16 common passwords passed the length-and-classes policy.
const COMMON = [
  'Aa123456', 'Qq123456', 'Woaini1314', 'Admin@123', '1qaz@WSX', 'P@ssw0rd', 'Passw0rd', 'Qwer1234',
  'Abcd1234', 'Password1', 'Huawei@123', 'Abc@1234', 'Qwe123!@#', 'Woaini@1314', 'Root@2024', 'Redgrid@2026',
];

describe('common passwords', () => {
  it.each(COMMON)('%s is refused', (password) => {
    expect(isCommonPassword(password)).toBe(true);
    expect(problemsOf(password)).toContain('密码过于常见（在常用密码名单中），请换一个');
  });

  it('the published demo password is refused, in any case and with any year', () => {
    for (const p of ['Redgrid@2026', 'REDGRID@2026', 'Redgrid#2031', 'my-Redgrid-9']) expect(isCommonPassword(p), p).toBe(true);
  });

  it('passwords that are not common still pass', () => {
    for (const p of ['Better#Pass9', 'Grid#2026abc', 'Fixture#Pass2026', 'Tr0ub4dor&3x', '站北Gd#9921']) expect(problemsOf(p), p).toEqual([]);
  });
});
