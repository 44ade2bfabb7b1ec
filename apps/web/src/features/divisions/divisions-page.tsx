import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Empty, Skeleton, Tabs, Typography } from 'antd';
import { useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { useMe } from '../auth/auth.api';
import { BrowsePanel } from './browse-panel';
import { ComparePanel } from './compare-panel';
import { sortEditionsNewestFirst } from './division-format';
import { useDivisionEditions } from './divisions.api';
import { EditionsPanel } from './editions-panel';
import './divisions.css';

const TABS = ['editions', 'browse', 'compare'] as const;
type Tab = (typeof TABS)[number];

function isTab(value: string | null): value is Tab {
  return (TABS as readonly (string | null)[]).includes(value);
}

/** 区划代码库: the editions loaded, one of them to browse, and comparisons between them and with the area tree. */
export function DivisionsPage() {
  const { t } = useTranslation();
  const describe = useDescribeError();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const tabParam = params.get('tab');
  const tab: Tab = isTab(tabParam) ? tabParam : 'editions';
  const editions = useDivisionEditions();
  const sorted = useMemo(() => sortEditionsNewestFirst(editions.data?.items ?? []), [editions.data]);
  const canManage = me.permissions.includes('division.manage');

  // Browsing and comparing need an edition; until one is loaded, say who can load it.
  const needsEditions = (children: ReactNode) =>
    editions.isPending ? (
      <Skeleton active />
    ) : sorted.length > 0 ? (
      children
    ) : (
      <Empty description={t('divisions.noEditions')}>
        <Typography.Text type="secondary">{t('divisions.noEditionsHint')}</Typography.Text>
      </Empty>
    );

  return (
    <div data-testid="divisions-page">
      <div className="rg-page-title">
        <Typography.Title level={3}>{t('divisions.title')}</Typography.Title>
        <Button icon={<ReloadOutlined />} onClick={() => void editions.refetch()} aria-label={t('common.refresh')} />
      </div>
      <Typography.Paragraph type="secondary">{t('divisions.intro')}</Typography.Paragraph>
      {editions.isError ? <Alert type="error" showIcon title={describe(editions.error)} style={{ marginBottom: 16 }} /> : null}
      <Tabs
        activeKey={tab}
        onChange={(key) => setParams(isTab(key) && key !== 'editions' ? { tab: key } : {}, { replace: true })}
        items={[
          {
            key: 'editions',
            label: t('divisions.tabs.editions'),
            children: <EditionsPanel editions={sorted} loading={editions.isFetching} canManage={canManage} />,
          },
          { key: 'browse', label: t('divisions.tabs.browse'), children: needsEditions(<BrowsePanel editions={sorted} />) },
          { key: 'compare', label: t('divisions.tabs.compare'), children: needsEditions(<ComparePanel editions={sorted} />) },
        ]}
      />
    </div>
  );
}
