import { Button, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useLanguage } from '../../shared/i18n/use-language';

/** The frame of the resident's pages: phone-first, one column, no console menu, no sign-in. */
export function PublicShell({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { language, setLanguage } = useLanguage();
  return (
    <div style={{ minHeight: '100vh', background: '#f5f5f5' }}>
      <header style={{ background: '#c8161d', color: '#fff', padding: '10px 16px', display: 'flex', alignItems: 'center', justifyContent: 'space-between' }}>
        <Link to="/report" style={{ color: '#fff', fontWeight: 600 }}>
          {t('publicReport.brand')}
        </Link>
        <Space size={4}>
          <Link to="/track">
            <Button size="small" type="text" style={{ color: '#fff' }}>
              {t('publicReport.trackTitle')}
            </Button>
          </Link>
          <Button size="small" type="text" style={{ color: '#fff' }} onClick={() => setLanguage(language === 'zh-CN' ? 'en-US' : 'zh-CN')}>
            {language === 'zh-CN' ? 'EN' : '中文'}
          </Button>
        </Space>
      </header>
      <main style={{ maxWidth: 560, margin: '0 auto', padding: 16 }}>{children}</main>
      <footer style={{ textAlign: 'center', padding: '8px 16px 24px' }}>
        <Link to="/login">
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('publicReport.login')}
          </Typography.Text>
        </Link>
      </footer>
    </div>
  );
}
