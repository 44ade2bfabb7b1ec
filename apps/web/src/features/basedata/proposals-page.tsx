import { CheckOutlined, CloseOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Empty, Form, Input, Modal, Segmented, Space, Spin, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { formatDateTime } from '../../shared/format/format';
import { useSubmitError } from '../../shared/forms/use-submit-error';
import { useLanguage } from '../../shared/i18n/use-language';
import { useSelectedArea } from '../areas/selected-area';
import { useDecideProposal, useProposals } from './basedata.api';
import { Muted, placeText } from './basedata-ui';

const STATUSES = ['pending', 'confirmed', 'rejected'] as const;
type Status = (typeof STATUSES)[number];
type Proposal = NonNullable<ReturnType<typeof useProposals>['data']>[number];

const recordLink = (p: Proposal) =>
  p.recordId === null ? null : p.recordType === 'person' ? `/people/${p.recordId}` : p.recordType === 'household' ? `/households/${p.recordId}` : `/houses/${p.recordId}`;

/** A proposed value as the reviewer reads it: a phone arrives sealed, with its masked form only. */
function showValue(value: unknown): string {
  if (value === true) return '✓';
  if (value === false) return '✗';
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'object') {
    const masked = (value as { masked?: unknown }).masked;
    return typeof masked === 'string' ? masked : JSON.stringify(value);
  }
  return String(value);
}

function ChangeList({ changes }: { changes: Record<string, unknown> }) {
  const { t } = useTranslation();
  return (
    <Space orientation="vertical" size={0}>
      {Object.entries(changes).map(([field, value]) => {
        const label = t(`basedata.visit.proposalFields.${field}` as 'basedata.visit.proposalFields.phone', { defaultValue: field });
        return (
          <span key={field}>
            <Muted>{label}：</Muted>
            {showValue(value)}
          </span>
        );
      })}
    </Space>
  );
}

/** 走访变更审核: what grid workers found on visits, for the community to confirm into the records or reject. */
export function ProposalsPage() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const { message } = App.useApp();
  const describe = useDescribeError();
  const { areaId } = useSelectedArea();
  const [params, setParams] = useSearchParams();
  const statusParam = params.get('status');
  const status: Status = (STATUSES as readonly string[]).includes(statusParam ?? '') ? (statusParam as Status) : 'pending';
  const proposals = useProposals(areaId, status);
  const decide = useDecideProposal();
  const [deciding, setDeciding] = useState<{ proposal: Proposal; decision: 'confirm' | 'reject' } | null>(null);
  const [form] = Form.useForm<{ note?: string }>();
  const onError = useSubmitError(form, ['note']);

  const submit = ({ note }: { note?: string }) => {
    if (!deciding) return;
    decide.mutate(
      { id: deciding.proposal.id, decision: deciding.decision, note: note?.trim() || null },
      { onSuccess: () => (void message.success(t('basedata.proposals.decided')), setDeciding(null), form.resetFields()), onError },
    );
  };

  return (
    <div data-testid="proposals-page">
      <div className="rg-page-title">
        <Typography.Title level={3}>{t('basedata.proposals.title')}</Typography.Title>
      </div>
      <div className="rg-toolbar">
        <Segmented<Status>
          value={status}
          onChange={(v) => setParams(v === 'pending' ? {} : { status: v }, { replace: true })}
          options={STATUSES.map((s) => ({ value: s, label: t(`basedata.proposalStatus.${s}`) }))}
        />
      </div>
      {proposals.isError ? <Alert type="error" showIcon title={describe(proposals.error)} style={{ marginBottom: 16 }} /> : null}
      <Spin spinning={proposals.isFetching}>
        {proposals.data && proposals.data.length === 0 ? <Empty description={t('basedata.proposals.empty')} /> : null}
        <Space orientation="vertical" size={10} style={{ width: '100%' }}>
          {(proposals.data ?? []).map((p) => {
            const link = recordLink(p);
            return (
              <Card
                key={p.id}
                size="small"
                data-testid="proposal"
                title={
                  <Space size={6} wrap>
                    <Tag>{t(`basedata.recordType.${p.recordType}`)}</Tag>
                    {link ? <Link to={link}>{p.recordName ?? `#${p.recordId}`}</Link> : <span>{p.recordName ?? '—'}</span>}
                  </Space>
                }
                extra={<Tag color={p.status === 'pending' ? 'gold' : p.status === 'confirmed' ? 'green' : 'default'}>{t(`basedata.proposalStatus.${p.status}`)}</Tag>}
                actions={
                  p.status === 'pending'
                    ? [
                        <Button key="confirm" type="link" icon={<CheckOutlined />} onClick={() => setDeciding({ proposal: p, decision: 'confirm' })}>
                          {t('basedata.proposals.confirm')}
                        </Button>,
                        <Button key="reject" type="link" danger icon={<CloseOutlined />} onClick={() => setDeciding({ proposal: p, decision: 'reject' })}>
                          {t('basedata.proposals.reject')}
                        </Button>,
                      ]
                    : undefined
                }
              >
                <ChangeList changes={p.changes} />
                {p.note ? <div style={{ marginTop: 4 }}>{p.note}</div> : null}
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {placeText(p.place)} · {p.proposedBy} · {formatDateTime(p.proposedAt, language)}
                </Typography.Text>
              </Card>
            );
          })}
        </Space>
      </Spin>
      <Modal
        open={deciding !== null}
        title={deciding ? t(`basedata.proposals.${deciding.decision}`) : ''}
        onCancel={() => setDeciding(null)}
        onOk={() => form.submit()}
        okButtonProps={{ danger: deciding?.decision === 'reject' }}
        confirmLoading={decide.isPending}
        destroyOnHidden
      >
        {deciding ? <ChangeList changes={deciding.proposal.changes} /> : null}
        <Form form={form} layout="vertical" onFinish={submit} style={{ marginTop: 12 }}>
          <Form.Item name="note" label={t('basedata.proposals.decisionNote')} rules={deciding?.decision === 'reject' ? [{ required: true, whitespace: true, message: t('basedata.proposals.decisionNote') }] : []}>
            <Input.TextArea rows={3} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
