import { EnvironmentOutlined, PlusOutlined } from '@ant-design/icons';
import type { CaseSummary } from '@redgrid/contracts';
import { Alert, Button, Card, Empty, Grid, Input, List, Space, Table, Tabs, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useMe } from '../auth/auth.api';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { useLanguage } from '../../shared/i18n/use-language';
import { useCaseList, type CaseView } from './cases.api';
import { caseListColumns, CaseFlags, DueText, holderText, StateTag } from './case-ui';

const VIEWS: readonly CaseView[] = ['mine', 'area', 'overdue', 'reported_by_me', 'following', 'closed'];
const PAGE = 20;

function viewOf(value: string | null): CaseView {
  return VIEWS.find((v) => v === value) ?? 'mine';
}

/** 事件办理: the inbox by view (to-do, area, overdue, mine, closed), overdue and red cards first. */
export function CasesPage() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const describe = useDescribeError();
  const navigate = useNavigate();
  const mobile = Grid.useBreakpoint().md === false;
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const view = viewOf(params.get('view'));
  const q = params.get('q') ?? '';
  const offset = Math.max(0, Math.min(10_000, Number(params.get('offset')) || 0));
  const list = useCaseList(view, q, offset, PAGE);
  const canReport = me.permissions.includes('case.report');

  const go = (next: { view?: CaseView; q?: string; offset?: number }) => {
    const p = new URLSearchParams();
    const v = next.view ?? view;
    const query = next.q ?? q;
    if (v !== 'mine') p.set('view', v);
    if (query) p.set('q', query);
    if (next.offset) p.set('offset', String(next.offset));
    setParams(p, { replace: true });
  };

  const columns = caseListColumns(t, language);

  const items = list.data?.items ?? [];
  const pager = (
    <Space style={{ marginTop: 12 }}>
      <Button disabled={offset === 0} onClick={() => go({ offset: Math.max(0, offset - PAGE) })}>
        {t('cases.prev')}
      </Button>
      <Typography.Text type="secondary">{t('cases.page', { page: Math.floor(offset / PAGE) + 1 })}</Typography.Text>
      <Button disabled={list.data?.next == null} onClick={() => list.data?.next != null && go({ offset: list.data.next })} data-testid="cases-next">
        {t('cases.more')}
      </Button>
    </Space>
  );

  return (
    <div data-testid="cases-page">
      <div className="rg-page-title">
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('cases.inbox')}
        </Typography.Title>
        <Space wrap>
          <Button icon={<EnvironmentOutlined />} onClick={() => void navigate('/cases/map')} data-testid="cases-open-map">
            {t('caseMap.title')}
          </Button>
          {canReport ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/cases/new')}>
              {t('cases.report')}
            </Button>
          ) : null}
        </Space>
      </div>
      {mobile ? null : <Typography.Paragraph type="secondary">{t('cases.intro')}</Typography.Paragraph>}
      <Tabs activeKey={view} onChange={(key) => go({ view: viewOf(key), offset: 0 })} items={VIEWS.map((v) => ({ key: v, label: t(`cases.tabs.${v}`) }))} />
      <Input.Search
        key={q}
        defaultValue={q}
        allowClear
        placeholder={t('cases.search')}
        aria-label={t('cases.search')}
        onSearch={(value) => go({ q: value.trim().slice(0, 50), offset: 0 })}
        style={{ maxWidth: 360, marginBottom: 12 }}
      />
      {list.error ? <Alert type="error" showIcon message={describe(list.error)} style={{ marginBottom: 12 }} /> : null}
      {mobile ? (
        <List
          loading={list.isLoading}
          dataSource={items}
          locale={{ emptyText: <Empty description={t('cases.empty')} /> }}
          renderItem={(c) => (
            <Card size="small" style={{ marginBottom: 8 }} onClick={() => void navigate(`/cases/${c.id}`)} data-testid="case-card">
              <Space direction="vertical" size={2} style={{ width: '100%' }}>
                <Space style={{ justifyContent: 'space-between', width: '100%' }}>
                  <Link to={`/cases/${c.id}`}>
                    <Typography.Text strong>{c.title}</Typography.Text>
                  </Link>
                  <StateTag state={c.state} />
                </Space>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {c.caseNo} · {c.itemName} · {c.grid.name ?? ''}
                </Typography.Text>
                <CaseFlags c={c} />
                <Space style={{ justifyContent: 'space-between', width: '100%' }}>
                  <Typography.Text style={{ fontSize: 12 }}>{holderText(c.holder, language)}</Typography.Text>
                  <DueText c={c} />
                </Space>
              </Space>
            </Card>
          )}
        />
      ) : (
        <Table<CaseSummary>
          rowKey="id"
          size="middle"
          loading={list.isFetching}
          columns={columns}
          dataSource={items}
          pagination={false}
          locale={{ emptyText: <Empty description={t('cases.empty')} /> }}
          rowClassName={(c) => (c.alarm === 'red' ? 'rg-row-overdue' : '')}
        />
      )}
      {pager}
    </div>
  );
}
