import { AimOutlined, AppstoreOutlined, EditOutlined, GlobalOutlined, ImportOutlined, PlusOutlined } from '@ant-design/icons';
import type { AreaDetail, AreaView } from '@redgrid/contracts';
import { Alert, Breadcrumb, Button, Card, Col, Descriptions, Empty, Input, List, Row, Skeleton, Space, Table, Tag, Tree, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { areaLevelLabel } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { useMe } from '../auth/auth.api';
import { AreaEditForm } from './area-edit-form';
import { AreaTitle } from './area-tree-select';
import { useArea, useAreaChildren, useAreaSearch } from './areas.api';
import { BoundaryImportModal } from './boundary-import';
import { PlaceForm } from './place-form';
import { useLazyAreaTree } from './area-tree';
import { useSelectedArea } from './selected-area';

const renderTitle = (area: AreaView) => <AreaTitle area={area} />;

function AreaDetails({ area, onOpen }: { area: AreaDetail; onOpen: (id: number) => void }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const { areaId, setAreaId } = useSelectedArea();
  const me = useMe();
  const canManage = me.permissions.includes('area.manage') && area.status === 'active';
  const [editing, setEditing] = useState(false);
  const [adding, setAdding] = useState(false);
  const canAddPlace = canManage && (area.level === 'grid' || area.level === 'building');
  // A building's households count in its grid: the unit form needs no grid, the building form has it.
  const gridForPlace = area.level === 'grid' ? area : undefined;
  const children = useAreaChildren(area.childCount > 0 ? area.id : undefined);
  const columns: TableColumnsType<AreaView> = [
    { title: t('areas.name'), dataIndex: 'name', render: (v: string, a) => <Button type="link" size="small" style={{ padding: 0 }} onClick={() => onOpen(a.id)}>{v}</Button> },
    { title: t('areas.code'), dataIndex: 'code', render: (v: string) => <span className="rg-mono">{v}</span> },
    { title: t('areas.level'), dataIndex: 'level', width: 110, render: (v: AreaView['level']) => areaLevelLabel(v, language) },
    { title: t('areas.childCount'), dataIndex: 'childCount', width: 100, align: 'right' },
  ];
  return (
    <>
      <Descriptions
        column={{ xs: 1, sm: 2 }}
        size="small"
        bordered
        items={[
          { key: 'name', label: t('areas.name'), children: area.name },
          { key: 'code', label: t('areas.code'), children: <Typography.Text className="rg-mono" copyable>{area.code}</Typography.Text> },
          { key: 'level', label: t('areas.level'), children: <Tag color="red">{areaLevelLabel(area.level, language)}</Tag> },
          { key: 'childCount', label: t('areas.childCount'), children: area.childCount },
          ...(area.households !== null ? [{ key: 'households', label: t('areas.households'), children: <span data-testid="area-households">{area.households}</span> }] : []),
          ...(area.level === 'grid'
            ? [
                {
                  key: 'gridType',
                  label: t('areas.gridType'),
                  children: (
                    <>
                      {t(`areas.gridTypes.${area.gridType ?? 'comprehensive'}`)}
                      {area.gridSubtype ? ` · ${t(`areas.gridSubtypes.${area.gridSubtype}`)}` : ''}
                    </>
                  ),
                },
              ]
            : []),
          ...(area.level !== 'building' && area.level !== 'unit'
            ? [{ key: 'range', label: t('areas.householdRange'), children: t('areas.rangeValue', { min: area.householdRange.min, max: area.householdRange.max }) }]
            : []),
          ...(area.location ? [{ key: 'location', label: t('areas.location'), children: <span className="rg-mono">{`${area.location.lng.toFixed(6)}, ${area.location.lat.toFixed(6)}`}</span> }] : []),
          {
            key: 'path',
            label: t('areas.path'),
            span: 'filled',
            children: (
              <Breadcrumb
                items={[...area.ancestors, area].map((a) => ({
                  key: a.id,
                  title: a.id === area.id ? a.name : <a onClick={() => onOpen(a.id)}>{a.name}</a>,
                }))}
              />
            ),
          },
        ]}
      />
      <Space style={{ margin: '12px 0' }} wrap>
        {canManage ? (
          <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="area-edit">
            {t('areas.actions.edit')}
          </Button>
        ) : null}
        {canAddPlace ? (
          <Button icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="area-add-place">
            {area.level === 'grid' ? t('areas.actions.newBuilding') : t('areas.actions.newUnit')}
          </Button>
        ) : null}
        <Button icon={<AimOutlined />} disabled={areaId === area.id} onClick={() => setAreaId(area.id)}>
          {t('areas.useAsFilter')}
        </Button>
        {area.hasBoundary ? (
          <Link to={`/map?id=${area.id}`}>
            <Button icon={<GlobalOutlined />}>{t('areas.showOnMap')}</Button>
          </Link>
        ) : null}
        {area.level === 'building' && me.permissions.includes('basedata.read') ? (
          <Link to={`/buildings/${area.id}`}>
            <Button icon={<AppstoreOutlined />}>{t('basedata.board.openBoard')}</Button>
          </Link>
        ) : null}
      </Space>
      {canManage ? <AreaEditForm area={area} open={editing} onClose={() => setEditing(false)} /> : null}
      {canAddPlace ? <PlaceForm parent={area} grid={gridForPlace} open={adding} onClose={() => setAdding(false)} onCreated={() => undefined} /> : null}
      {area.childCount > 0 ? (
        <>
          <Typography.Title level={5}>{t('areas.children')}</Typography.Title>
          <Table<AreaView>
            rowKey="id"
            size="small"
            columns={columns}
            dataSource={children.data ?? []}
            loading={children.isPending}
            pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
            scroll={{ x: 480 }}
          />
        </>
      ) : null}
    </>
  );
}

/** The area tree of the user's scope: browse level by level or search, and read one area's facts. */
export function AreasPage() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const describe = useDescribeError();
  const [params, setParams] = useSearchParams();
  const idParam = Number(params.get('id'));
  const selectedId = Number.isSafeInteger(idParam) && idParam > 0 ? idParam : undefined;
  const [q, setQ] = useState('');
  const search = useAreaSearch(q);
  const { treeData, roots, loadChildren } = useLazyAreaTree(renderTitle);
  const detail = useArea(selectedId);
  const me = useMe();
  const [importing, setImporting] = useState(false);

  const open = (id: number) => setParams({ id: String(id) }, { replace: false });

  return (
    <div data-testid="areas-page">
      <div className="rg-page-title">
        <Typography.Title level={3}>{t('areas.title')}</Typography.Title>
        {me.permissions.includes('area.manage') ? (
          <Button icon={<ImportOutlined />} onClick={() => setImporting(true)} data-testid="areas-import-boundaries">
            {t('areas.actions.importBoundaries')}
          </Button>
        ) : null}
      </div>
      <BoundaryImportModal open={importing} onClose={() => setImporting(false)} />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={9} xl={8}>
          <Card title={t('areas.tree')} size="small">
            <Input.Search allowClear placeholder={t('areas.searchPlaceholder')} onSearch={(v) => setQ(v.trim())} maxLength={50} style={{ marginBottom: 12 }} />
            {q ? (
              <List<AreaView>
                size="small"
                header={<Typography.Text type="secondary">{t('areas.searchResults')}</Typography.Text>}
                loading={search.isFetching}
                dataSource={search.data ?? []}
                locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('areas.noResults')} /> }}
                renderItem={(a) => (
                  <List.Item onClick={() => open(a.id)} style={{ cursor: 'pointer', background: a.id === selectedId ? '#fff1f0' : undefined }}>
                    <List.Item.Meta title={a.name} description={<span className="rg-mono">{a.code}</span>} />
                    <Tag>{areaLevelLabel(a.level, language)}</Tag>
                  </List.Item>
                )}
              />
            ) : roots.isPending ? (
              <Skeleton active />
            ) : roots.isError ? (
              <Alert type="error" showIcon title={describe(roots.error)} />
            ) : (
              <div style={{ maxHeight: '65vh', overflow: 'auto' }}>
                <Tree
                  showLine
                  blockNode
                  treeData={treeData}
                  selectedKeys={selectedId ? [selectedId] : []}
                  loadData={(node) => loadChildren(Number(node.key))}
                  onSelect={(keys) => {
                    const key = keys[0];
                    if (key !== undefined) open(Number(key));
                  }}
                />
              </div>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={15} xl={16}>
          <Card title={t('areas.details')} size="small">
            {selectedId === undefined ? (
              <Empty description={t('areas.selectHint')} />
            ) : detail.isPending ? (
              <Skeleton active />
            ) : detail.isError ? (
              <Alert type="error" showIcon title={describe(detail.error)} />
            ) : (
              <AreaDetails area={detail.data} onOpen={open} />
            )}
          </Card>
        </Col>
      </Row>
    </div>
  );
}
