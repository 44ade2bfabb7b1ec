import { AimOutlined, ReloadOutlined } from '@ant-design/icons';
import type { ClaimItem, ClaimKind } from '@redgrid/contracts';
import { Alert, App, Button, Card, Empty, Form, Grid, Input, Modal, Segmented, Select, Space, Spin, Table, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { formatDateTime } from '../../shared/format/format';
import { useSubmitError } from '../../shared/forms/use-submit-error';
import { useLanguage } from '../../shared/i18n/use-language';
import { AreaTreeSelect } from '../areas/area-tree-select';
import { Muted, placeText } from './basedata-ui';
import { useClaim, useClaims, type ClaimFilter } from './claim.api';
import { positiveId } from './query-params';

const FIELDS = ['areaId'] as const;

/** The place picker: a grid, building or unit of the caller's own (the server checks the same). */
function ClaimModal({ item, onClose }: { item: ClaimItem | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ areaId?: number }>();
  const claim = useClaim();
  const onError = useSubmitError(form, FIELDS);
  const submit = ({ areaId }: { areaId?: number }) => {
    if (!item || areaId === undefined) return;
    claim.mutate(
      { kind: item.kind, id: item.id, areaId },
      {
        onError,
        onSuccess: (record) => {
          void message.success(t('basedata.claims.claimed', { place: placeText(record.place) }));
          form.resetFields();
          onClose();
        },
      },
    );
  };
  return (
    <Modal
      open={item !== null}
      title={item ? t('basedata.claims.claimTitle', { name: item.name }) : ''}
      okText={t('basedata.claims.claim')}
      onOk={() => form.submit()}
      confirmLoading={claim.isPending}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('basedata.claims.claimHint')}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item name="areaId" label={t('basedata.claims.place')} rules={[{ required: true, message: t('basedata.claims.placeRequired') }]}>
          <AreaTreeSelect aria-label={t('basedata.claims.place')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 待认领: records waiting at the caller's communities, claimed one by one into the caller's grid. */
export function ClaimsPage() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const describe = useDescribeError();
  const mobile = Grid.useBreakpoint().md === false;
  const [params, setParams] = useSearchParams();
  const kind: ClaimKind = params.get('kind') === 'organisation' ? 'organisation' : 'person';
  const q = params.get('q') ?? '';
  const [searchText, setSearchText] = useState(q);
  const [claiming, setClaiming] = useState<ClaimItem | null>(null);
  const filter: ClaimFilter = { kind, communityId: positiveId(params.get('communityId')), q: q || undefined };
  const list = useClaims(filter);
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  const communities = list.data?.pages[0]?.communities ?? [];
  const total = (k: ClaimKind) => communities.filter((c) => filter.communityId === undefined || c.id === filter.communityId).reduce((n, c) => n + (k === 'person' ? c.persons : c.organisations), 0);
  const update = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined || value === '') next.delete(key);
      else next.set(key, value);
    }
    setParams(next, { replace: true });
  };

  const person = kind === 'person';
  const columns: TableColumnsType<ClaimItem> = [
    { title: person ? t('basedata.claims.name') : t('basedata.claims.orgName'), dataIndex: 'name', ellipsis: true, render: (v: string, r) => (person && r.sex ? `${v}（${t(`basedata.sex.${r.sex}`)}）` : v) },
    { title: person ? t('basedata.claims.number') : t('basedata.claims.creditCode'), dataIndex: 'number', width: 200, render: (v: string | null) => (v ? <span className="rg-mono">{v}</span> : <Muted>—</Muted>) },
    {
      title: t('basedata.claims.category'),
      dataIndex: 'category',
      width: 110,
      render: (v: string) => (person ? t(`basedata.populationType.${v}`, { defaultValue: v }) : t(`basedata.org.kinds.${v}`, { defaultValue: v })),
    },
    ...(person ? [{ title: t('basedata.claims.household'), dataIndex: 'householdNo', width: 150, render: (v: string | null) => v ?? <Muted>—</Muted> }] : []),
    { title: t('basedata.claims.address'), dataIndex: 'address', ellipsis: true, render: (v: string | null) => v ?? <Muted>—</Muted> },
    { title: t('basedata.claims.community'), key: 'community', width: 150, ellipsis: true, render: (_, r) => r.community.name },
    { title: t('basedata.claims.arrivedAt'), dataIndex: 'arrivedAt', width: 150, render: (v: string) => formatDateTime(v, language) },
    {
      title: '',
      key: 'claim',
      width: 90,
      fixed: 'right',
      render: (_, r) => (
        <Button size="small" type="primary" icon={<AimOutlined />} onClick={() => setClaiming(r)} data-testid={`claim-${r.id}`}>
          {t('basedata.claims.claim')}
        </Button>
      ),
    },
  ];

  return (
    <div data-testid="claims-page">
      <div className="rg-page-title">
        <Typography.Title level={3}>{t('basedata.claims.title')}</Typography.Title>
        <Space>
          <Link to={person ? '/people' : '/organisations'}>
            <Button>{person ? t('basedata.nav.people') : t('nav.organisations')}</Button>
          </Link>
          <Button icon={<ReloadOutlined />} onClick={() => void list.refetch()} aria-label={t('common.refresh')} />
        </Space>
      </div>
      <Typography.Paragraph type="secondary">{t('basedata.claims.intro')}</Typography.Paragraph>
      <div className="rg-toolbar">
        <Segmented<ClaimKind>
          value={kind}
          onChange={(v) => {
            setSearchText('');
            update({ kind: v === 'person' ? undefined : v, q: undefined });
          }}
          options={[
            { value: 'person', label: `${t('basedata.claims.person')} ${list.data ? total('person') : ''}`.trim() },
            { value: 'organisation', label: `${t('basedata.claims.organisation')} ${list.data ? total('organisation') : ''}`.trim() },
          ]}
        />
        {communities.length > 1 ? (
          <Select
            allowClear
            placeholder={t('basedata.claims.allCommunities')}
            aria-label={t('basedata.claims.community')}
            value={filter.communityId}
            onChange={(id: number | undefined) => update({ communityId: id === undefined ? undefined : String(id) })}
            options={communities.map((c) => ({ value: c.id, label: `${c.name}（${kind === 'person' ? c.persons : c.organisations}）` }))}
            style={{ width: mobile ? '100%' : 240 }}
          />
        ) : null}
        <Input.Search
          allowClear
          placeholder={person ? t('basedata.claims.search') : t('basedata.claims.searchOrg')}
          aria-label={person ? t('basedata.claims.search') : t('basedata.claims.searchOrg')}
          value={searchText}
          onChange={(e) => setSearchText(e.target.value)}
          onSearch={(value) => update({ q: value.trim() })}
          style={{ width: mobile ? '100%' : 260 }}
          maxLength={40}
        />
      </div>
      {list.isError ? <Alert type="error" showIcon title={describe(list.error)} style={{ marginBottom: 16 }} /> : null}
      {mobile ? (
        <Spin spinning={list.isFetching && !list.isFetchingNextPage}>
          {list.isSuccess && items.length === 0 ? <Empty description={t('basedata.claims.empty')} /> : null}
          <Space orientation="vertical" size={8} style={{ width: '100%' }}>
            {items.map((r) => (
              <Card
                key={`${r.kind}-${r.id}`}
                size="small"
                title={r.name}
                extra={
                  <Button size="small" type="primary" icon={<AimOutlined />} onClick={() => setClaiming(r)}>
                    {t('basedata.claims.claim')}
                  </Button>
                }
              >
                <div className="rg-mono" style={{ fontSize: 12 }}>
                  {r.number ?? '—'}
                </div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {r.address ?? '—'} · {r.community.name}
                </Typography.Text>
              </Card>
            ))}
          </Space>
        </Spin>
      ) : (
        <Table<ClaimItem>
          rowKey={(r) => `${r.kind}-${r.id}`}
          columns={columns}
          dataSource={items}
          loading={list.isFetching && !list.isFetchingNextPage}
          pagination={false}
          scroll={{ x: 1000 }}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('basedata.claims.empty')} /> }}
        />
      )}
      {list.hasNextPage ? (
        <div style={{ textAlign: 'center', marginTop: 12 }}>
          <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
            {t('basedata.claims.loadMore')}
          </Button>
        </div>
      ) : null}
      <ClaimModal item={claiming} onClose={() => setClaiming(null)} />
    </div>
  );
}
