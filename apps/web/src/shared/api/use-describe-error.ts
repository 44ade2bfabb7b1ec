import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { isLanguage } from '../i18n/i18n';
import { describeError } from './describe-error';

/** describeError bound to the current language. */
export function useDescribeError(): (error: unknown) => string {
  const { t, i18n } = useTranslation();
  const language = isLanguage(i18n.language) ? i18n.language : 'zh-CN';
  return useCallback((error: unknown) => describeError(error, t, language), [t, language]);
}
