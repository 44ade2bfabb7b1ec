import { Alert, Card, Empty, Grid, Input, Progress, Space, Statistic, Table, Typography, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { formatShare } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { AreaTreeSelect } from '../areas/area-tree-select';
import { useSelectedArea } from '../areas/selected-area';
import { useMe } from '../auth/auth.api';
import { useCoverage } from './basedata.api';
import { HouseholdList } from './households-page';
import { dateParam, positiveId } from './query-params';
import { todayInBeijing } from './visit-draft';

type GridRow = NonNullable<ReturnType<typeof useCoverage>['data']>['grids'][number];

/** The calendar month of a Beijing date: ['2026-12-01', '2026-12-31']. */
export function monthOf(day: string): [string, string] {
  const [y, m] = day.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const mm = String(m).padStart(2, '0');
  return [`${y}-${mm}-01`, `${y}-${mm}-${String(last).padStart(2, '0')}`];
}

const shareColor = (share: number) => (share >= 0.9 ? '#52c41a' : share >= 0.6 ? '#faad14' : '#cf1322');

/** 走访覆盖: per grid, the share of households visited in a period, and who has not been visited. */
export function CoveragePage() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const describe = useDescribeError();
  const me = useMe();
  const mobile = Grid.useBreakpoint().md === false;
  const header = useSelectedArea();
  const [params, setParams] = useSearchParams();
  const [monthFrom, monthTo] = monthOf(todayInBeijing());
  // Default: the header's area, else the area of the user's first role (the report needs one).
  const areaId = positiveId(params.get('areaId')) ?? header.areaId ?? me.roles[0]?.areaId;
  const from = dateParam(params.get('from')) ?? monthFrom;
  const to = dateParam(params.get('to')) ?? monthTo;
  const coverage = useCoverage(areaId, from, to);
  const update = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined || value === '') next.delete(key);
      else next.set(key, value);
    }
    setParams(next, { replace: true });
  };

  const columns: TableColumnsType<GridRow> = [
    { title: t('basedata.coverage.grid'), dataIndex: 'gridName', width: 160 },
    {
      title: t('basedata.coverage.share'),
      key: 'share',
      render: (_, g) => <Progress percent={Math.floor(g.share * 1000) / 10} strokeColor={shareColor(g.share)} format={() => formatShare(g.share, language)} size="small" />,
    },
    { title: t('basedata.coverage.visited'), key: 'visited', width: 120, align: 'right', render: (_, g) => `${g.visited} / ${g.households}` },
    { title: t('basedata.coverage.visits'), dataIndex: 'visits', width: 90, align: 'right' },
  ];
  const c = coverage.data;

  return (
    <div data-testid="coverage-page">
      <div className="rg-page-title">
        <Typography.Title level={3}>{t('basedata.coverage.title')}</Typography.Title>
      </div>
      <div className="rg-toolbar">
        <AreaTreeSelect
          value={areaId}
          allowClear={false}
          onChange={(id) => update({ areaId: id === undefined ? undefined : String(id) })}
          placeholder={t('basedata.coverage.pickArea')}
          style={{ width: mobile ? '100%' : 220 }}
        />
        <Space size={4}>
          <Input type="date" aria-label={t('basedata.coverage.period')} value={from} onChange={(e) => update({ from: e.target.value })} style={{ width: 150 }} />
          ~
          <Input type="date" aria-label={t('basedata.coverage.period')} value={to} onChange={(e) => update({ to: e.target.value })} style={{ width: 150 }} />
        </Space>
      </div>
      {areaId === undefined ? <Empty description={t('basedata.coverage.pickArea')} /> : null}
      {coverage.isError ? <Alert type="error" showIcon title={describe(coverage.error)} style={{ marginBottom: 16 }} /> : null}
      {c ? (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Card size="small">
            <Space wrap size={32}>
              <Statistic title={t('basedata.coverage.share')} value={formatShare(c.totals.share, language)} styles={{ content: { color: shareColor(c.totals.share) } }} />
              <Statistic title={t('basedata.coverage.visited')} value={`${c.totals.visited} / ${c.totals.households}`} />
              <Statistic title={t('basedata.coverage.visits')} value={c.totals.visits} />
            </Space>
          </Card>
          {mobile ? (
            <Card size="small">
              {c.grids.length === 0 ? <Empty description={t('basedata.coverage.empty')} /> : null}
              {c.grids.map((g) => (
                <div key={g.gridId} style={{ marginBottom: 10 }}>
                  <Space style={{ justifyContent: 'space-between', width: '100%' }}>
                    <span>{g.gridName}</span>
                    <Typography.Text type="secondary">
                      {g.visited} / {g.households}
                    </Typography.Text>
                  </Space>
                  <Progress percent={Math.floor(g.share * 1000) / 10} strokeColor={shareColor(g.share)} format={() => formatShare(g.share, language)} size="small" />
                </div>
              ))}
            </Card>
          ) : (
            <Table<GridRow>
              rowKey="gridId"
              size="small"
              columns={columns}
              dataSource={c.grids}
              pagination={false}
              loading={coverage.isFetching}
              locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('basedata.coverage.empty')} /> }}
            />
          )}
          <Card size="small" title={t('basedata.coverage.notVisited')}>
            <HouseholdList filter={{ areaId, notVisitedSince: from }} compact />
          </Card>
        </Space>
      ) : null}
    </div>
  );
}
