import { NodeIndexOutlined } from '@ant-design/icons';
import { TREE_DIFF_KINDS, type DivisionEdition, type DivisionTreeDiff } from '@redgrid/contracts';
import { Alert, Button, Col, Empty, Form, Modal, Row, Space, Statistic, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { areaLevelLabel } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { AreaTreeSelect } from '../areas/area-tree-select';
import { useSelectedArea } from '../areas/selected-area';
import { useMe } from '../auth/auth.api';
import { AdoptPanel } from './adopt-panel';
import { isAdoptableCode, type DivisionLink } from './division-format';
import { useTreeDiff, type TreeDiffParams } from './divisions.api';
import { EditionSelect } from './edition-select';

type DiffItem = DivisionTreeDiff['items'][number];
type DiffKind = DiffItem['kind'];

const KIND_COLORS: Record<DiffKind, string> = { missing_in_tree: 'blue', not_in_edition: 'red', name_differs: 'orange' };

interface DiffValues {
  edition?: number;
  area?: number;
}

function TreeDiffResult({ result, onAdopt }: { result: DivisionTreeDiff; onAdopt: ((item: DiffItem) => void) | null }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const { counts } = result;
  const columns: TableColumnsType<DiffItem> = [
    {
      title: t('divisions.compare.kind'),
      dataIndex: 'kind',
      width: 130,
      filters: TREE_DIFF_KINDS.map((kind) => ({ text: t(`divisions.compare.treeKinds.${kind}`), value: kind })),
      onFilter: (value, item) => item.kind === value,
      render: (v: DiffKind) => <Tag color={KIND_COLORS[v]}>{t(`divisions.compare.treeKinds.${v}`)}</Tag>,
    },
    { title: t('divisions.compare.code'), dataIndex: 'code', width: 130, render: (v: string) => <span className="rg-mono">{v}</span> },
    { title: t('divisions.compare.level'), dataIndex: 'level', width: 100, render: (v: DiffItem['level']) => areaLevelLabel(v, language) },
    { title: t('divisions.compare.editionName'), dataIndex: 'name', render: (v: string | null) => v ?? '—' },
    {
      title: t('divisions.compare.areaName'),
      key: 'area',
      render: (_, item) => (item.areaId !== null ? <Link to={`/areas?id=${item.areaId}`}>{item.areaName ?? `#${item.areaId}`}</Link> : '—'),
    },
    ...(onAdopt
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            width: 90,
            fixed: 'right' as const,
            render: (_: unknown, item: DiffItem) =>
              item.kind === 'missing_in_tree' && isAdoptableCode(item.code) ? (
                <Button type="link" size="small" icon={<NodeIndexOutlined />} onClick={() => onAdopt(item)}>
                  {t('divisions.compare.adopt')}
                </Button>
              ) : null,
          },
        ]
      : []),
  ];

  return (
    <div data-testid="division-tree-diff-result">
      <Typography.Paragraph>
        <Typography.Text strong>{result.area.name}</Typography.Text> <span className="rg-mono">{result.area.code}</span>
      </Typography.Paragraph>
      <Space size={[32, 12]} wrap style={{ marginBottom: 12 }}>
        <Statistic title={t('divisions.compare.matched')} value={counts.matched} />
        <Statistic title={t('divisions.compare.missingInTree')} value={counts.missingInTree} styles={{ content: { color: '#0958d9' } }} />
        <Statistic title={t('divisions.compare.notInEdition')} value={counts.notInEdition} styles={{ content: { color: '#cf1322' } }} />
        <Statistic title={t('divisions.compare.nameDiffers')} value={counts.nameDiffers} styles={{ content: { color: '#d46b08' } }} />
      </Space>
      {result.truncated ? <Alert type="info" showIcon title={t('divisions.compare.truncated', { count: result.items.length })} style={{ marginBottom: 12 }} /> : null}
      <Table<DiffItem>
        rowKey={(item) => `${item.kind}:${item.code}:${item.areaId ?? ''}`}
        size="small"
        columns={columns}
        dataSource={result.items}
        pagination={{ pageSize: 20, showSizeChanger: false, hideOnSinglePage: true, showTotal: (n) => t('common.total', { total: n }) }}
        scroll={{ x: 760 }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('divisions.compare.noDiff')} /> }}
      />
    </div>
  );
}

/** An area of the user's tree against an edition: what to adopt, what is local or abolished, what is named otherwise. */
export function TreeDiffPanel({ editions }: { editions: readonly DivisionEdition[] }) {
  const { t } = useTranslation();
  const describe = useDescribeError();
  const me = useMe();
  const { areaId } = useSelectedArea();
  const [params, setParams] = useState<TreeDiffParams>();
  const [adopting, setAdopting] = useState<DivisionLink | null>(null);
  const diff = useTreeDiff(params);
  const edition = editions.find((e) => e.id === params?.edition);
  const canAdopt = me.permissions.includes('area.manage');

  const run = (values: DiffValues) => {
    if (values.edition === undefined || values.area === undefined) return;
    setParams({ edition: values.edition, area: values.area });
  };

  return (
    <div data-testid="division-tree-diff">
      <Form<DiffValues> layout="vertical" requiredMark={false} initialValues={{ edition: editions[0]?.id, area: areaId }} onFinish={run}>
        <Row gutter={12} align="bottom">
          <Col xs={24} sm={12} md={8}>
            <Form.Item name="edition" label={t('divisions.edition')} rules={[{ required: true, message: t('divisions.editionPlaceholder') }]}>
              <EditionSelect editions={editions} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12} md={10}>
            <Form.Item name="area" label={t('divisions.compare.area')} rules={[{ required: true, message: t('divisions.compare.areaRequired') }]}>
              <AreaTreeSelect style={{ width: '100%' }} allowClear={false} />
            </Form.Item>
          </Col>
          <Col xs={24} md={6}>
            <Form.Item>
              <Button type="primary" htmlType="submit" block loading={diff.isFetching} data-testid="division-tree-diff-run">
                {t('divisions.compare.run')}
              </Button>
            </Form.Item>
          </Col>
        </Row>
      </Form>
      {diff.isError ? (
        <Alert type="error" showIcon title={describe(diff.error)} />
      ) : diff.data ? (
        <TreeDiffResult result={diff.data} onAdopt={canAdopt ? (item) => setAdopting({ code: item.code, name: item.name ?? item.code, level: item.level }) : null} />
      ) : (
        <Typography.Text type="secondary">{t('divisions.compare.pickHint')}</Typography.Text>
      )}
      <Modal
        open={adopting !== null}
        title={adopting ? t('divisions.adopt.title', { name: adopting.name }) : null}
        onCancel={() => setAdopting(null)}
        footer={null}
        width={680}
        destroyOnHidden
      >
        {adopting && edition ? <AdoptPanel edition={edition} division={adopting} /> : null}
      </Modal>
    </div>
  );
}
