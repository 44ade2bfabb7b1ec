import { ReloadOutlined } from '@ant-design/icons';
import { AUDIT_ACTIONS, type AuditAction, type AuditEntry } from '@redgrid/contracts';
import { Alert, Button, Col, Input, InputNumber, Row, Select, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { formatDateTime, formatJson } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { useAuditEntries } from './audit.api';

function isAuditAction(value: string): value is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(value);
}

const ACTION_COLOR: Partial<Record<AuditAction, string>> = {
  create: 'green',
  update: 'blue',
  delete: 'red',
  read_sensitive: 'orange',
  login_failed: 'volcano',
  lock: 'magenta',
  assign_roles: 'purple',
  reset_password: 'gold',
  change_password: 'gold',
  unlock: 'cyan',
  create_grid: 'green',
  split: 'geekblue',
  merge: 'geekblue',
  redraw: 'geekblue',
  retire: 'red',
  import: 'lime',
  revoke_session: 'magenta',
};

function positiveInt(value: string | null): number | undefined {
  const n = Number(value);
  return value && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

function Snapshot({ title, value }: { title: string; value: unknown }) {
  const { t } = useTranslation();
  const text = formatJson(value);
  return (
    <div>
      <Typography.Text strong>{title}</Typography.Text>
      {text ? <pre className="rg-json">{text}</pre> : <Typography.Paragraph type="secondary">{t('common.none')}</Typography.Paragraph>}
    </div>
  );
}

/** The tamper-evident trail, read-only, for the audit administrator (三权分立). */
export function AuditPage() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const describe = useDescribeError();
  const [params, setParams] = useSearchParams();
  const page = positiveInt(params.get('page')) ?? 1;
  const pageSize = positiveInt(params.get('pageSize')) ?? 20;
  const entity = params.get('entity') ?? undefined;
  const action = params.get('action') ?? undefined;
  const actorId = positiveInt(params.get('actorId'));
  const [entityText, setEntityText] = useState(entity ?? '');

  const entries = useAuditEntries({ page, pageSize, entity, action, actorId });

  const update = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined || value === '') next.delete(key);
      else next.set(key, value);
    }
    setParams(next, { replace: true });
  };

  const actionLabel = (value: string) => (isAuditAction(value) ? t(`audit.actions.${value}`) : value);

  const columns: TableColumnsType<AuditEntry> = [
    { title: t('audit.at'), dataIndex: 'at', width: 170, render: (v: string) => formatDateTime(v, language, true) },
    {
      title: t('audit.actor'),
      key: 'actor',
      width: 150,
      render: (_, e) =>
        e.actorId === null ? (
          <Typography.Text type="secondary">{e.actorName ?? t('audit.system')}</Typography.Text>
        ) : (
          <Space size={4}>
            <span>{e.actorName ?? '—'}</span>
            <Typography.Text type="secondary" className="rg-mono">
              #{e.actorId}
            </Typography.Text>
          </Space>
        ),
    },
    {
      title: t('audit.action'),
      dataIndex: 'action',
      width: 130,
      render: (v: string) => <Tag color={isAuditAction(v) ? ACTION_COLOR[v] : undefined}>{actionLabel(v)}</Tag>,
    },
    { title: t('audit.entity'), dataIndex: 'entity', width: 110, render: (v: string) => <span className="rg-mono">{v}</span> },
    { title: t('audit.entityId'), dataIndex: 'entityId', width: 110, render: (v: string | null) => <span className="rg-mono">{v ?? '—'}</span> },
    { title: t('audit.ip'), dataIndex: 'ip', width: 130, render: (v: string | null) => <span className="rg-mono">{v ?? '—'}</span> },
    {
      title: t('audit.requestId'),
      dataIndex: 'requestId',
      ellipsis: true,
      render: (v: string | null) =>
        v ? (
          <Typography.Text className="rg-mono" copyable={{ text: v }}>
            {v}
          </Typography.Text>
        ) : (
          '—'
        ),
    },
  ];

  return (
    <div data-testid="audit-page">
      <div className="rg-page-title">
        <Typography.Title level={3}>{t('audit.title')}</Typography.Title>
        <Button icon={<ReloadOutlined />} onClick={() => void entries.refetch()} aria-label={t('common.refresh')} />
      </div>
      <div className="rg-toolbar">
        <Select<string>
          allowClear
          placeholder={t('audit.action')}
          value={action}
          onChange={(value) => update({ action: value, page: undefined })}
          options={AUDIT_ACTIONS.map((a) => ({ value: a, label: t(`audit.actions.${a}`) }))}
          style={{ width: 160 }}
        />
        <Input.Search
          allowClear
          placeholder={t('audit.entityPlaceholder')}
          value={entityText}
          onChange={(e) => setEntityText(e.target.value)}
          onSearch={(value) => update({ entity: value.trim(), page: undefined })}
          style={{ width: 200 }}
          maxLength={50}
        />
        <InputNumber<number>
          placeholder={t('audit.actorId')}
          min={1}
          precision={0}
          value={actorId ?? null}
          onChange={(value) => update({ actorId: value ? String(value) : undefined, page: undefined })}
          style={{ width: 140 }}
        />
      </div>
      {entries.isError ? <Alert type="error" showIcon title={describe(entries.error)} style={{ marginBottom: 16 }} /> : null}
      <Table<AuditEntry>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={entries.data?.items ?? []}
        loading={entries.isFetching}
        scroll={{ x: 1100 }}
        expandable={{
          expandedRowRender: (e) => (
            <Row gutter={[16, 8]}>
              <Col xs={24} md={12}>
                <Snapshot title={t('audit.before')} value={e.before} />
              </Col>
              <Col xs={24} md={12}>
                <Snapshot title={t('audit.after')} value={e.after} />
              </Col>
              <Col span={24}>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('audit.hash')}：<span className="rg-mono">{e.hash}</span>
                </Typography.Text>
              </Col>
            </Row>
          ),
        }}
        pagination={{
          current: page,
          pageSize,
          total: entries.data?.total ?? 0,
          showSizeChanger: true,
          pageSizeOptions: [20, 50, 100, 200],
          showTotal: (n) => t('common.total', { total: n }),
          onChange: (p, size) => update({ page: String(p), pageSize: String(size) }),
        }}
      />
    </div>
  );
}
