import { AimOutlined, CloudUploadOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { POPULATION_TYPES, RESIDENCE_STATUSES, type PersonSummary } from '@redgrid/contracts';
import { Alert, Button, Card, Drawer, Empty, Grid, Input, Select, Space, Spin, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { AreaTreeSelect } from '../areas/area-tree-select';
import { useSelectedArea } from '../areas/selected-area';
import { useMe } from '../auth/auth.api';
import { ExportButton } from '../exchange/export-button';
import { ImportWizard } from '../exchange/import-wizard';
import { useGroups, usePersonSearch, type PersonFilter } from './basedata.api';
import { Muted, placeText, ProvenanceTag } from './basedata-ui';
import { PersonCreateDrawer } from './person-form';
import { oneOf, positiveId } from './query-params';

const SEARCH_BY = ['name', 'address'] as const;

function TagList({ person }: { person: PersonSummary }) {
  if (person.tags.length === 0) return null;
  return (
    <Space size={[4, 4]} wrap>
      {person.tags.map((tag) => (
        <Tag key={tag.groupCode} color={tag.attention ? 'red' : 'gold'} style={{ marginInlineEnd: 0 }}>
          {tag.groupName}
        </Tag>
      ))}
    </Space>
  );
}

function SexAge({ person }: { person: PersonSummary }) {
  const { t } = useTranslation();
  const parts = [person.sex ? t(`basedata.sex.${person.sex}`) : null, person.age !== null ? t('basedata.person.ageValue', { age: person.age }) : null];
  return <>{parts.filter(Boolean).join(' · ') || '—'}</>;
}

/**
 * 实有人口: one search box that takes a name, its pinyin or initials, a full ID number, a phone or an address
 * (the server tells them apart by shape; 查找方式 settles a text that could be a name or an address), filters,
 * and keyset "load more". ID numbers and phones stay masked.
 */
export function PeoplePage() {
  const { t } = useTranslation();
  const me = useMe();
  const describe = useDescribeError();
  const navigate = useNavigate();
  const mobile = Grid.useBreakpoint().md === false;
  const header = useSelectedArea();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [searchText, setSearchText] = useState(q);
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  const areaId = positiveId(params.get('areaId')) ?? header.areaId;
  const filter: PersonFilter = {
    q: q || undefined,
    areaId,
    populationType: oneOf(params.get('populationType'), POPULATION_TYPES),
    residenceStatus: oneOf(params.get('residenceStatus'), RESIDENCE_STATUSES),
    group: params.get('group') ?? undefined,
    by: oneOf(params.get('by'), SEARCH_BY),
  };
  const search = usePersonSearch(filter);
  // Imported rows land in the chosen area, else the user's first one.
  const importArea = areaId ?? me.roles[0]?.areaId;
  const groups = useGroups(areaId);
  const persons = search.data?.pages.flatMap((page) => page.items) ?? [];
  const matchedBy = search.data?.pages[0]?.matchedBy;

  const update = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined || value === '') next.delete(key);
      else next.set(key, value);
    }
    setParams(next, { replace: true });
  };

  const columns: TableColumnsType<PersonSummary> = [
    {
      title: t('basedata.person.name'),
      dataIndex: 'name',
      width: 110,
      fixed: 'left',
      render: (_, p) => (
        <Link to={`/people/${p.id}`}>
          {p.name}
          {p.deceased ? <Muted> ({t('basedata.person.deceased')})</Muted> : null}
        </Link>
      ),
    },
    { title: `${t('basedata.person.sex')}/${t('basedata.person.age')}`, key: 'sexAge', width: 90, render: (_, p) => <SexAge person={p} /> },
    { title: t('basedata.person.idNumber'), dataIndex: 'idMasked', width: 190, render: (v: string | null) => (v ? <span className="rg-mono">{v}</span> : <Muted>—</Muted>) },
    { title: t('basedata.person.phone'), dataIndex: 'phoneMasked', width: 120, render: (v: string | null) => (v ? <span className="rg-mono">{v}</span> : <Muted>—</Muted>) },
    { title: t('basedata.people.populationType'), dataIndex: 'populationType', width: 100, render: (v: PersonSummary['populationType']) => t(`basedata.populationType.${v}`) },
    { title: t('basedata.people.residenceStatus'), dataIndex: 'residenceStatus', width: 110, render: (v: PersonSummary['residenceStatus']) => t(`basedata.residenceStatus.${v}`) },
    { title: t('basedata.person.place'), key: 'place', width: 200, ellipsis: true, render: (_, p) => placeText(p.place) },
    { title: t('basedata.person.address'), dataIndex: 'address', ellipsis: true, render: (v: string | null) => v ?? <Muted>—</Muted> },
    { title: t('basedata.person.tags'), key: 'tags', width: 160, render: (_, p) => <TagList person={p} /> },
    { title: t('basedata.person.provenance'), dataIndex: 'provenance', width: 80, render: (v: PersonSummary['provenance']) => <ProvenanceTag provenance={v} /> },
  ];

  return (
    <div data-testid="people-page">
      <div className="rg-page-title">
        <Typography.Title level={3}>{t('basedata.people.title')}</Typography.Title>
        <Space wrap>
          <Button icon={<ReloadOutlined />} onClick={() => void search.refetch()} aria-label={t('common.refresh')} />
          {me.permissions.includes('basedata.export') ? <ExportButton path="/api/basedata/persons/export" query={{ ...filter }} /> : null}
          {me.permissions.includes('basedata.import') && importArea !== undefined ? (
            <Button icon={<CloudUploadOutlined />} onClick={() => setImporting(true)}>
              {t('basedata.people.import')}
            </Button>
          ) : null}
          {me.permissions.includes('basedata.manage') ? (
            <Link to="/claims">
              <Button icon={<AimOutlined />} data-testid="open-claims">
                {t('basedata.claims.open')}
              </Button>
            </Link>
          ) : null}
          {me.permissions.includes('basedata.manage') ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t('basedata.people.create')}
            </Button>
          ) : null}
        </Space>
      </div>

      <div className="rg-toolbar">
        <Space.Compact style={{ width: mobile ? '100%' : 400 }}>
          <Select
            aria-label={t('basedata.people.searchBy')}
            value={filter.by ?? 'auto'}
            onChange={(v: string) => update({ by: v === 'auto' ? undefined : v })}
            options={(['auto', ...SEARCH_BY] as const).map((v) => ({ value: v, label: t(`basedata.people.searchByHow.${v}`) }))}
            style={{ width: 104, flex: 'none' }}
          />
          <Input.Search
            allowClear
            aria-label={t('basedata.people.searchPlaceholder')}
            placeholder={t('basedata.people.searchPlaceholder')}
            value={searchText}
            onChange={(e) => setSearchText(e.target.value)}
            onSearch={(value) => update({ q: value.trim() })}
            maxLength={40}
          />
        </Space.Compact>
        <AreaTreeSelect
          value={areaId}
          onChange={(id) => update({ areaId: id === undefined ? undefined : String(id) })}
          placeholder={t('basedata.people.area')}
          style={{ width: mobile ? '100%' : 200 }}
          aria-label={t('basedata.people.area')}
        />
        <Select
          allowClear
          placeholder={t('basedata.people.populationType')}
          value={filter.populationType}
          onChange={(v?: string) => update({ populationType: v })}
          options={POPULATION_TYPES.map((v) => ({ value: v, label: t(`basedata.populationType.${v}`) }))}
          style={{ width: mobile ? 'calc(50% - 4px)' : 130 }}
        />
        <Select
          allowClear
          placeholder={t('basedata.people.residenceStatus')}
          value={filter.residenceStatus}
          onChange={(v?: string) => update({ residenceStatus: v })}
          options={RESIDENCE_STATUSES.map((v) => ({ value: v, label: t(`basedata.residenceStatus.${v}`) }))}
          style={{ width: mobile ? 'calc(50% - 4px)' : 130 }}
        />
        <Select
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('basedata.people.group')}
          value={filter.group}
          onChange={(v?: string) => update({ group: v })}
          loading={groups.isLoading}
          options={(groups.data ?? []).map((g) => ({ value: g.code, label: `${g.name}（${g.count}）` }))}
          style={{ width: mobile ? '100%' : 180 }}
        />
      </div>

      {matchedBy && filter.q ? (
        <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
          {t('basedata.people.matchedBy', { how: t(`basedata.people.matchedHow.${matchedBy}`) })}
          {matchedBy === 'address' || filter.by === 'address' ? ` · ${t('basedata.people.searchHint')}` : null}
        </Typography.Paragraph>
      ) : (
        <Typography.Paragraph type="secondary" style={{ marginBottom: 8, fontSize: 12 }}>
          {t('basedata.people.searchHint')}
        </Typography.Paragraph>
      )}
      {search.isError ? <Alert type="error" showIcon title={describe(search.error)} style={{ marginBottom: 16 }} /> : null}

      {mobile ? (
        <Spin spinning={search.isFetching && !search.isFetchingNextPage}>
          {search.isSuccess && persons.length === 0 ? <Empty description={t('basedata.people.empty')} /> : null}
          <Space orientation="vertical" size={8} style={{ width: '100%' }}>
            {persons.map((p) => (
              <Card
                key={p.id}
                size="small"
                hoverable
                onClick={() => void navigate(`/people/${p.id}`)}
                data-testid="person-card"
                title={
                  <Space size={6}>
                    <span>{p.name}</span>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      <SexAge person={p} />
                    </Typography.Text>
                  </Space>
                }
                extra={<ProvenanceTag provenance={p.provenance} />}
              >
                <Space orientation="vertical" size={2} style={{ width: '100%' }}>
                  <span className="rg-mono">{p.idMasked ?? '—'}</span>
                  {p.phoneMasked ? <span className="rg-mono">{p.phoneMasked}</span> : null}
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t(`basedata.populationType.${p.populationType}`)} · {t(`basedata.residenceStatus.${p.residenceStatus}`)}
                  </Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {placeText(p.place)}
                  </Typography.Text>
                  {p.address ? (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {p.address}
                    </Typography.Text>
                  ) : null}
                  <TagList person={p} />
                </Space>
              </Card>
            ))}
          </Space>
        </Spin>
      ) : (
        <Table<PersonSummary>
          rowKey="id"
          columns={columns}
          dataSource={persons}
          loading={search.isFetching && !search.isFetchingNextPage}
          pagination={false}
          scroll={{ x: 1300 }}
          size="middle"
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('basedata.people.empty')} /> }}
        />
      )}

      {persons.length > 0 ? (
        <div style={{ textAlign: 'center', marginTop: 12 }}>
          <Space orientation="vertical" size={4}>
            <Muted>{t('basedata.people.shown', { count: persons.length })}</Muted>
            {search.hasNextPage ? (
              <Button onClick={() => void search.fetchNextPage()} loading={search.isFetchingNextPage}>
                {t('basedata.people.loadMore')}
              </Button>
            ) : (
              <Muted>{t('basedata.people.allLoaded')}</Muted>
            )}
          </Space>
        </div>
      ) : null}

      <Drawer open={importing} onClose={() => setImporting(false)} title={t('basedata.people.import')} size={mobile ? '100%' : 760} destroyOnHidden>
        {importArea !== undefined ? <ImportWizard kind="persons" areaId={importArea} onApplied={() => void search.refetch()} /> : null}
      </Drawer>
      <PersonCreateDrawer open={creating} onClose={() => setCreating(false)} defaultAreaId={areaId} mobile={mobile} />
    </div>
  );
}
