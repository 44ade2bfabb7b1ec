import type { TFunction } from 'i18next';
import { formatDateTime } from '../format/format';
import type { Language } from '../i18n/i18n';
import { isApiError } from './api-error';

/** The instant an account stays locked until, wherever the server put it in `details`. */
export function lockedUntilOf(details: Record<string, unknown> | null): string | null {
  for (const key of ['lockedUntil', 'until', 'locked_until']) {
    const value = details?.[key];
    if (typeof value === 'string' && value) return value;
  }
  return null;
}

/**
 * A message a user can act on. Server messages are written in Chinese for users, so the Chinese
 * console shows them as they are; other languages get the translation of the code.
 */
export function describeError(error: unknown, t: TFunction, language: Language): string {
  if (!isApiError(error)) return t('errors.unexpected');
  if (error.code === 'account_locked') {
    const until = lockedUntilOf(error.details);
    if (until) return t('auth.lockedUntil', { until: formatDateTime(until, language) });
  }
  if (error.code === 'invalid_credentials') {
    const left = error.details?.['attemptsLeft'];
    if (typeof left === 'number') return `${t('errors.codes.invalid_credentials')}${t('auth.attemptsLeft', { count: left })}`;
  }
  const serverText = language === 'zh-CN' && error.status > 0 && error.code !== 'internal' && !/^HTTP \d+$/.test(error.message) ? error.message : '';
  const text = serverText || t(`errors.codes.${error.code}`);
  return error.code === 'internal' && error.requestId ? `${text}（${t('common.requestId')}：${error.requestId}）` : text;
}
