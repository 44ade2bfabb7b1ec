import { DIVISION_CHANGE_KINDS, type DivisionCompare, type DivisionEdition } from '@redgrid/contracts';
import { Alert, Button, Col, Empty, Form, Input, Row, Space, Statistic, Table, Tag, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { areaLevelLabel } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { commonCodeLength, expandCodePrefix } from './division-format';
import { useDivisionCompare, type CompareParams } from './divisions.api';
import { EditionSelect } from './edition-select';

type Change = DivisionCompare['changes'][number];
type ChangeKind = Change['kind'];

const CHANGE_COLORS: Record<ChangeKind, string> = { added: 'green', removed: 'red', renamed: 'orange' };

interface CompareValues {
  from?: number;
  to?: number;
  under?: string;
}

function CompareResult({ result }: { result: DivisionCompare }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const columns: TableColumnsType<Change> = [
    {
      title: t('divisions.compare.kind'),
      dataIndex: 'kind',
      width: 90,
      filters: DIVISION_CHANGE_KINDS.map((kind) => ({ text: t(`divisions.compare.kinds.${kind}`), value: kind })),
      onFilter: (value, change) => change.kind === value,
      render: (v: ChangeKind) => <Tag color={CHANGE_COLORS[v]}>{t(`divisions.compare.kinds.${v}`)}</Tag>,
    },
    { title: t('divisions.compare.code'), dataIndex: 'code', width: 130, render: (v: string) => <span className="rg-mono">{v}</span> },
    { title: t('divisions.compare.level'), dataIndex: 'level', width: 110, render: (v: Change['level']) => areaLevelLabel(v, language) },
    { title: t('divisions.compare.name'), dataIndex: 'name' },
    { title: t('divisions.compare.previousName'), dataIndex: 'previousName', render: (v: string | null) => v ?? '—' },
  ];
  const { counts } = result;
  return (
    <div data-testid="division-compare-result">
      {/* A row of its own (Space is inline): the scope tags go below the figures, not beside them. */}
      <Space size={[32, 12]} wrap style={{ display: 'flex', marginBottom: 12 }}>
        <Statistic title={t('divisions.compare.added')} value={counts.added} styles={{ content: { color: '#389e0d' } }} />
        <Statistic title={t('divisions.compare.removed')} value={counts.removed} styles={{ content: { color: '#cf1322' } }} />
        <Statistic title={t('divisions.compare.renamed')} value={counts.renamed} styles={{ content: { color: '#d46b08' } }} />
        <Statistic title={t('divisions.compare.unchanged')} value={counts.unchanged} />
      </Space>
      <Space size={[8, 8]} wrap style={{ marginBottom: 12 }}>
        <Tag>{t('divisions.compare.levelsCompared', { level: areaLevelLabel(result.maxLevel, language) })}</Tag>
        {result.under ? <Tag>{t('divisions.compare.underCode', { code: result.under })}</Tag> : null}
      </Space>
      {result.truncated ? <Alert type="info" showIcon title={t('divisions.compare.truncated', { count: result.changes.length })} style={{ marginBottom: 12 }} /> : null}
      <Table<Change>
        rowKey={(change) => `${change.kind}:${change.code}`}
        size="small"
        columns={columns}
        dataSource={result.changes}
        pagination={{ pageSize: 20, showSizeChanger: false, hideOnSinglePage: true, showTotal: (n) => t('common.total', { total: n }) }}
        scroll={{ x: 640 }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('divisions.compare.noChanges')} /> }}
      />
    </div>
  );
}

/** What changed from one edition to another (新增/撤销/更名), optionally below one code. */
export function EditionCompare({ editions }: { editions: readonly DivisionEdition[] }) {
  const { t } = useTranslation();
  const describe = useDescribeError();
  const [form] = Form.useForm<CompareValues>();
  const [params, setParams] = useState<CompareParams>();
  const compare = useDivisionCompare(params);

  const run = (values: CompareValues) => {
    const from = editions.find((e) => e.id === values.from);
    const to = editions.find((e) => e.id === values.to);
    if (!from || !to) return;
    const prefix = values.under?.trim() ?? '';
    const under = prefix ? expandCodePrefix(prefix, commonCodeLength(from, to)) : undefined;
    if (under === null) return;
    setParams({ from: from.id, to: to.id, under });
  };

  return (
    <div data-testid="division-compare">
      <Form<CompareValues>
        form={form}
        layout="vertical"
        requiredMark={false}
        // Newest first: compare the previous edition with the latest.
        initialValues={{ from: editions[1]?.id, to: editions[0]?.id, under: '' }}
        onFinish={run}
      >
        <Row gutter={12} align="bottom">
          <Col xs={24} sm={12} md={6}>
            <Form.Item name="from" label={t('divisions.compare.from')} rules={[{ required: true, message: t('divisions.editionPlaceholder') }]}>
              <EditionSelect editions={editions} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12} md={6}>
            <Form.Item
              name="to"
              label={t('divisions.compare.to')}
              dependencies={['from']}
              rules={[
                { required: true, message: t('divisions.editionPlaceholder') },
                ({ getFieldValue }) => ({
                  validator: async (_rule, value) => {
                    if (value !== undefined && value === getFieldValue('from')) throw new Error(t('divisions.compare.same'));
                  },
                }),
              ]}
            >
              <EditionSelect editions={editions} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={16} md={8}>
            <Form.Item
              name="under"
              label={t('divisions.compare.under')}
              dependencies={['from', 'to']}
              rules={[
                ({ getFieldValue }) => ({
                  validator: async (_rule, value: unknown) => {
                    if (typeof value !== 'string' || value.trim() === '') return;
                    const from = editions.find((e) => e.id === getFieldValue('from'));
                    const to = editions.find((e) => e.id === getFieldValue('to'));
                    if (from && to && expandCodePrefix(value, commonCodeLength(from, to)) === null) throw new Error(t('divisions.compare.underInvalid'));
                  },
                }),
              ]}
            >
              <Input placeholder={t('divisions.compare.underPlaceholder')} inputMode="numeric" maxLength={12} allowClear />
            </Form.Item>
          </Col>
          <Col xs={24} sm={8} md={4}>
            <Form.Item>
              <Button type="primary" htmlType="submit" block loading={compare.isFetching} data-testid="division-compare-run">
                {t('divisions.compare.run')}
              </Button>
            </Form.Item>
          </Col>
        </Row>
      </Form>
      {compare.isError ? (
        <Alert type="error" showIcon title={describe(compare.error)} />
      ) : compare.data ? (
        <CompareResult result={compare.data} />
      ) : null}
    </div>
  );
}
