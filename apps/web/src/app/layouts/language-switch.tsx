import { GlobalOutlined } from '@ant-design/icons';
import { Button, Dropdown } from 'antd';
import { LANGUAGES, type Language } from '../../shared/i18n/i18n';
import { useLanguage } from '../../shared/i18n/use-language';

const NAMES: Record<Language, string> = { 'zh-CN': '简体中文', 'en-US': 'English' };
const SHORT: Record<Language, string> = { 'zh-CN': '中', 'en-US': 'EN' };

export function LanguageSwitch({ compact = false, className }: { compact?: boolean; className?: string }) {
  const { language, setLanguage } = useLanguage();
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        selectable: true,
        selectedKeys: [language],
        items: LANGUAGES.map((lang) => ({ key: lang, label: NAMES[lang], lang })),
        onClick: ({ key }) => {
          const chosen = LANGUAGES.find((lang) => lang === key);
          if (chosen) setLanguage(chosen);
        },
      }}
    >
      <Button type="text" className={className} icon={<GlobalOutlined />} aria-label="Language / 语言">
        {compact ? SHORT[language] : NAMES[language]}
      </Button>
    </Dropdown>
  );
}
