import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Grid, Input, Space, Spin, Table, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { AreaTreeSelect } from '../areas/area-tree-select';
import { useSelectedArea } from '../areas/selected-area';
import { useHouseholds, type HouseholdFilter } from './basedata.api';
import { Muted, placeText } from './basedata-ui';
import { dateParam, positiveId } from './query-params';

type HouseholdItem = NonNullable<ReturnType<typeof useHouseholds>['data']>['pages'][number]['items'][number];

/**
 * Households in scope, optionally only those "not visited since" a date: the coverage report's list of
 * who is still to be visited reuses this (its filter sits in the URL).
 */
export function HouseholdList({ filter, compact = false }: { filter: HouseholdFilter; compact?: boolean }) {
  const { t } = useTranslation();
  const describe = useDescribeError();
  const navigate = useNavigate();
  const mobile = Grid.useBreakpoint().md === false;
  const list = useHouseholds(filter);
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];

  const columns: TableColumnsType<HouseholdItem> = [
    { title: t('basedata.households.headName'), dataIndex: 'headName', width: 100, render: (v: string | null, h) => <Link to={`/households/${h.id}`}>{v ?? `#${h.id}`}</Link> },
    { title: t('basedata.households.householdNo'), dataIndex: 'householdNo', width: 110, render: (v: string | null) => (v ? <span className="rg-mono">{v}</span> : <Muted>—</Muted>) },
    { title: t('basedata.households.address'), dataIndex: 'address', ellipsis: true, render: (v: string | null) => v ?? <Muted>—</Muted> },
    { title: t('basedata.person.place'), key: 'place', width: 200, ellipsis: true, render: (_, h) => placeText(h.place) },
    { title: t('basedata.households.members'), dataIndex: 'members', width: 70, align: 'right' },
    {
      title: t('basedata.households.lastVisit'),
      dataIndex: 'lastVisitOn',
      width: 110,
      render: (v: string | null) => v ?? <Typography.Text type="warning">{t('basedata.households.never')}</Typography.Text>,
    },
  ];

  return (
    <>
      {list.isError ? <Alert type="error" showIcon title={describe(list.error)} style={{ marginBottom: 16 }} /> : null}
      {mobile ? (
        <Spin spinning={list.isFetching && !list.isFetchingNextPage}>
          {list.isSuccess && items.length === 0 ? <Empty description={t('basedata.households.empty')} /> : null}
          <Space orientation="vertical" size={8} style={{ width: '100%' }}>
            {items.map((h) => (
              <Card key={h.id} size="small" hoverable onClick={() => void navigate(`/households/${h.id}`)} title={h.headName ?? `#${h.id}`} extra={<Muted>{h.members}</Muted>}>
                <div>{h.address ?? '—'}</div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {placeText(h.place)} · {t('basedata.households.lastVisit')}：{h.lastVisitOn ?? t('basedata.households.never')}
                </Typography.Text>
              </Card>
            ))}
          </Space>
        </Spin>
      ) : (
        <Table<HouseholdItem>
          rowKey="id"
          columns={columns}
          dataSource={items}
          loading={list.isFetching && !list.isFetchingNextPage}
          pagination={false}
          size={compact ? 'small' : 'middle'}
          scroll={{ x: 800 }}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('basedata.households.empty')} /> }}
        />
      )}
      {list.hasNextPage ? (
        <div style={{ textAlign: 'center', marginTop: 12 }}>
          <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
            {t('basedata.people.loadMore')}
          </Button>
        </div>
      ) : null}
    </>
  );
}

export function HouseholdsPage() {
  const { t } = useTranslation();
  const mobile = Grid.useBreakpoint().md === false;
  const header = useSelectedArea();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [searchText, setSearchText] = useState(q);
  const filter: HouseholdFilter = {
    areaId: positiveId(params.get('areaId')) ?? header.areaId,
    q: q || undefined,
    notVisitedSince: dateParam(params.get('notVisitedSince')),
  };
  const list = useHouseholds(filter);
  const update = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined || value === '') next.delete(key);
      else next.set(key, value);
    }
    setParams(next, { replace: true });
  };

  return (
    <div data-testid="households-page">
      <div className="rg-page-title">
        <Typography.Title level={3}>{t('basedata.households.title')}</Typography.Title>
        <Button icon={<ReloadOutlined />} onClick={() => void list.refetch()} aria-label={t('common.refresh')} />
      </div>
      <div className="rg-toolbar">
        <Input.Search
          allowClear
          placeholder={t('basedata.households.searchPlaceholder')}
          aria-label={t('basedata.households.searchPlaceholder')}
          value={searchText}
          onChange={(e) => setSearchText(e.target.value)}
          onSearch={(value) => update({ q: value.trim() })}
          style={{ width: mobile ? '100%' : 260 }}
          maxLength={40}
        />
        <AreaTreeSelect
          value={filter.areaId}
          onChange={(id) => update({ areaId: id === undefined ? undefined : String(id) })}
          placeholder={t('basedata.people.area')}
          style={{ width: mobile ? '100%' : 200 }}
        />
        <Space size={6}>
          <Muted>{t('basedata.households.notVisitedSince')}</Muted>
          <Input
            type="date"
            aria-label={t('basedata.households.notVisitedSince')}
            value={filter.notVisitedSince ?? ''}
            onChange={(e) => update({ notVisitedSince: e.target.value })}
            style={{ width: 160 }}
          />
        </Space>
      </div>
      <HouseholdList filter={filter} />
    </div>
  );
}
