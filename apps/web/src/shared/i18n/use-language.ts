import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { i18n, isLanguage, saveLanguage, type Language } from './i18n';

const DAYJS_LOCALE: Record<Language, string> = { 'zh-CN': 'zh-cn', 'en-US': 'en' };

/** Points dayjs and the document at the language (antd follows through ConfigProvider). */
export function applyLanguage(language: Language): void {
  dayjs.locale(DAYJS_LOCALE[language]);
  if (typeof document !== 'undefined') document.documentElement.lang = language;
}

export function useLanguage(): { language: Language; setLanguage: (language: Language) => void } {
  const { i18n: instance } = useTranslation();
  const language = isLanguage(instance.language) ? instance.language : 'zh-CN';
  const setLanguage = useCallback((next: Language) => {
    saveLanguage(next);
    applyLanguage(next);
    void i18n.changeLanguage(next);
  }, []);
  return { language, setLanguage };
}
