import { ReloadOutlined } from '@ant-design/icons';
import { AUDIT_ACTIONS, AUDIT_ENTITIES, type AuditAction, type AuditEntity, type AuditEntry } from '@redgrid/contracts';
import { Alert, Button, Card, Col, Empty, Grid, Pagination, Row, Select, Space, Spin, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { formatDateTime, formatJson } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { useAuditActors, useAuditEntries } from './audit.api';

function isAuditAction(value: string): value is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(value);
}

function isAuditEntity(value: string): value is AuditEntity {
  return (AUDIT_ENTITIES as readonly string[]).includes(value);
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
  denied: 'red',
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

/** Who acted: the name the trail holds, the system in grey. */
function ActorText({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  if (entry.actorId === null) return <Typography.Text type="secondary">{entry.actorName ?? t('audit.system')}</Typography.Text>;
  return <span>{entry.actorName ?? '—'}</span>;
}

/** What the row is about: its type in words, then its name and code (the internal id only when nothing else is known). */
function ObjectText({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  const type = isAuditEntity(entry.entity) ? t(`audit.entities.${entry.entity}`) : entry.entity;
  const name = entry.objectName ?? (entry.entityId ? `#${entry.entityId}` : null);
  return (
    <Space size={4} wrap>
      <Typography.Text type="secondary">{type}</Typography.Text>
      {name ? <span className={entry.entity === 'api' ? 'rg-mono' : undefined}>{name}</span> : null}
      {entry.objectCode ? (
        <Typography.Text type="secondary" className="rg-mono">
          {entry.objectCode}
        </Typography.Text>
      ) : null}
      {entry.entity === 'api' && entry.entityId ? (
        <Typography.Text type="secondary" className="rg-mono">
          id={entry.entityId}
        </Typography.Text>
      ) : null}
    </Space>
  );
}

function Details({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  return (
    <Row gutter={[16, 8]}>
      <Col xs={24} md={12}>
        <Snapshot title={t('audit.before')} value={entry.before} />
      </Col>
      <Col xs={24} md={12}>
        <Snapshot title={t('audit.after')} value={entry.after} />
      </Col>
      <Col span={24}>
        <Typography.Text type="secondary" style={{ fontSize: 12, wordBreak: 'break-all' }}>
          {t('audit.requestId')}：<span className="rg-mono">{entry.requestId ?? '—'}</span>
          <br />
          {t('audit.hash')}：<span className="rg-mono">{entry.hash}</span>
        </Typography.Text>
      </Col>
    </Row>
  );
}

/** One row of the trail as a card, for a phone. */
function EntryCard({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const [open, setOpen] = useState(false);
  return (
    <Card size="small" className="rg-audit-item" data-testid="audit-card" style={{ marginBottom: 8 }}>
      <Space orientation="vertical" size={4} style={{ width: '100%' }}>
        <Space size={8} wrap style={{ justifyContent: 'space-between', width: '100%' }}>
          <ActionTag action={entry.action} />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {formatDateTime(entry.at, language, true)}
          </Typography.Text>
        </Space>
        <ObjectText entry={entry} />
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('audit.actor')}：<ActorText entry={entry} /> · {t('audit.ip')}：<span className="rg-mono">{entry.ip ?? '—'}</span>
        </Typography.Text>
        <Button size="small" type="link" style={{ padding: 0, alignSelf: 'flex-start' }} onClick={() => setOpen(!open)}>
          {open ? t('audit.hideDetails') : t('audit.showDetails')}
        </Button>
        {open ? <Details entry={entry} /> : null}
      </Space>
    </Card>
  );
}

function ActionTag({ action }: { action: string }) {
  const { t } = useTranslation();
  return <Tag color={isAuditAction(action) ? ACTION_COLOR[action] : undefined}>{isAuditAction(action) ? t(`audit.actions.${action}`) : action}</Tag>;
}

/** The tamper-evident trail, read-only, for the audit administrator (三权分立). */
export function AuditPage() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const describe = useDescribeError();
  const mobile = Grid.useBreakpoint().md === false;
  const [params, setParams] = useSearchParams();
  const page = positiveInt(params.get('page')) ?? 1;
  const pageSize = positiveInt(params.get('pageSize')) ?? 20;
  const entity = params.get('entity') ?? undefined;
  const action = params.get('action') ?? undefined;
  const actorId = positiveInt(params.get('actorId'));

  const entries = useAuditEntries({ page, pageSize, entity, action, actorId });
  const actors = useAuditActors();

  const update = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined || value === '') next.delete(key);
      else next.set(key, value);
    }
    setParams(next, { replace: true });
  };

  const columns: TableColumnsType<AuditEntry> = [
    { title: t('audit.at'), dataIndex: 'at', width: 170, render: (v: string) => formatDateTime(v, language, true) },
    { title: t('audit.actor'), key: 'actor', width: 130, render: (_, e) => <ActorText entry={e} /> },
    { title: t('audit.action'), dataIndex: 'action', width: 120, render: (v: string) => <ActionTag action={v} /> },
    { title: t('audit.object'), key: 'object', render: (_, e) => <ObjectText entry={e} /> },
    { title: t('audit.ip'), dataIndex: 'ip', width: 130, render: (v: string | null) => <span className="rg-mono">{v ?? '—'}</span> },
  ];

  const items = entries.data?.items ?? [];
  const total = entries.data?.total ?? 0;

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
          data-testid="audit-action-filter"
        />
        <Select<string>
          allowClear
          placeholder={t('audit.entityAll')}
          value={entity}
          onChange={(value) => update({ entity: value, page: undefined })}
          options={AUDIT_ENTITIES.map((e) => ({ value: e, label: t(`audit.entities.${e}`) }))}
          style={{ width: 150 }}
          data-testid="audit-entity-filter"
        />
        <Select<number>
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('audit.actorPlaceholder')}
          value={actorId}
          loading={actors.isLoading}
          onChange={(value) => update({ actorId: value ? String(value) : undefined, page: undefined })}
          options={(actors.data?.items ?? []).map((a) => ({ value: a.id, label: a.name, rows: a.rows }))}
          optionRender={(option) => (
            <Space size={6}>
              <span>{option.data.label}</span>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('audit.actorRows', { n: option.data.rows })}
              </Typography.Text>
            </Space>
          )}
          style={{ width: 220 }}
          data-testid="audit-actor-filter"
        />
      </div>
      {entries.isError ? <Alert type="error" showIcon title={describe(entries.error)} style={{ marginBottom: 16 }} /> : null}
      {mobile ? (
        <Spin spinning={entries.isFetching}>
          {entries.data && items.length === 0 ? <Empty /> : null}
          {items.map((e) => (
            <EntryCard key={e.id} entry={e} />
          ))}
          <Pagination
            simple
            current={page}
            pageSize={pageSize}
            total={total}
            onChange={(p, size) => update({ page: String(p), pageSize: String(size) })}
            style={{ marginTop: 8, textAlign: 'center' }}
          />
        </Spin>
      ) : (
        <Table<AuditEntry>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={items}
          loading={entries.isFetching}
          expandable={{ expandedRowRender: (e) => <Details entry={e} /> }}
          pagination={{
            current: page,
            pageSize,
            total,
            showSizeChanger: true,
            pageSizeOptions: [20, 50, 100, 200],
            showTotal: (n) => t('common.total', { total: n }),
            onChange: (p, size) => update({ page: String(p), pageSize: String(size) }),
          }}
        />
      )}
    </div>
  );
}
