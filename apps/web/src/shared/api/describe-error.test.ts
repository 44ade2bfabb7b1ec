// @vitest-environment jsdom
import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error';
import { describeError } from './describe-error';

// A stand-in for i18next: echoes the key and its values, enough to see which message was chosen.
const t = ((key: string, values?: Record<string, unknown>) => (values ? `${key}${JSON.stringify(values)}` : key)) as unknown as TFunction;

describe('describeError', () => {
  it('tells a locked-out user until when, in Beijing time', () => {
    const error = new ApiError({ status: 423, code: 'account_locked', message: '账号已锁定', details: { lockedUntil: '2026-11-22T04:35:37Z' } });
    expect(describeError(error, t, 'zh-CN')).toBe('auth.lockedUntil{"until":"2026-11-22 12:35"}');
  });

  it('shows the server message in Chinese and the code translation in English', () => {
    const error = new ApiError({ status: 409, code: 'conflict', message: '用户名已被使用' });
    expect(describeError(error, t, 'zh-CN')).toBe('用户名已被使用');
    expect(describeError(error, t, 'en-US')).toBe('errors.codes.conflict');
  });

  it('counts the attempts left after a wrong password', () => {
    const error = new ApiError({ status: 401, code: 'invalid_credentials', message: '用户名或密码错误', details: { attemptsLeft: 2 } });
    expect(describeError(error, t, 'zh-CN')).toBe('errors.codes.invalid_credentials' + 'auth.attemptsLeft{"count":2}');
  });

  it('adds the request id to internal errors so support can find the log line', () => {
    const error = new ApiError({ status: 500, code: 'internal', message: 'boom', requestId: 'r-9' });
    expect(describeError(error, t, 'zh-CN')).toContain('r-9');
  });
});
