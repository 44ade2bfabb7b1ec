import { HOTLINE_RESULTS, type HotlineResult } from '@redgrid/contracts';
import { Alert, App, Button, Card, Descriptions, Form, Input, Modal, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { formatDateTime } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { beijingInstant } from './hotline-desk-page';
import { revealCaller, useHotlineOfCase, useReplyToOrder } from './hotline.api';

function ReplyDialog({ caseId, open, initial, onClose }: { caseId: number; open: boolean; initial: { content: string; result: HotlineResult } | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const describe = useDescribeError();
  const reply = useReplyToOrder(caseId);
  const [form] = Form.useForm<{ content: string; result: HotlineResult; repliedAt?: string }>();
  const [error, setError] = useState<string | null>(null);
  const submit = async (v: { content: string; result: HotlineResult; repliedAt?: string }) => {
    setError(null);
    try {
      await reply.mutateAsync({ content: v.content, result: v.result, ...(v.repliedAt ? { repliedAt: beijingInstant(v.repliedAt) } : {}) });
      void message.success(t('hotline.panel.saved'));
      onClose();
    } catch (err) {
      setError(describe(err));
    }
  };
  return (
    <Modal open={open} onCancel={onClose} title={t('hotline.panel.reply')} onOk={() => form.submit()} okButtonProps={{ loading: reply.isPending }} destroyOnHidden>
      {error ? <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} /> : null}
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} initialValues={initial ?? { result: 'resolved' }} preserve={false}>
        <Form.Item name="content" label={t('hotline.panel.content')} rules={[{ required: true }]}>
          <Input.TextArea rows={4} maxLength={2000} showCount data-testid="hotline-reply-content" />
        </Form.Item>
        <Form.Item name="result" label={t('hotline.panel.result')} rules={[{ required: true }]}>
          <Select options={HOTLINE_RESULTS.map((r) => ({ value: r, label: t(`hotline.result.${r}`) }))} />
        </Form.Item>
        <Form.Item name="repliedAt" label={t('hotline.panel.repliedAt')}>
          <Input type="datetime-local" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 12345 工单 on a hotline case's page: its number, categories, deadline, the caller as this reader may see them, the reply. */
export function HotlinePanel({ caseId }: { caseId: number }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const { modal, message } = App.useApp();
  const describe = useDescribeError();
  const view = useHotlineOfCase(caseId, true);
  const [replying, setReplying] = useState(false);
  const [shown, setShown] = useState<{ name?: string | null; phone?: string | null }>({});
  if (!view.data) return null;
  const o = view.data;

  const reveal = (field: 'name' | 'phone') => {
    let reason = '';
    modal.confirm({
      title: t(field === 'name' ? 'hotline.panel.revealName' : 'hotline.panel.revealPhone'),
      content: <Input placeholder={t('hotline.panel.revealReason')} onChange={(e) => (reason = e.target.value)} data-testid="hotline-reveal-reason" />,
      onOk: async () => {
        try {
          const r = await revealCaller(caseId, field, reason);
          setShown((s) => ({ ...s, [field]: r.value }));
        } catch (err) {
          void message.error(describe(err));
          throw err;
        }
      },
    });
  };

  const dueTag = o.dueState === 'near' || o.dueState === 'overdue' ? <Tag color={o.dueState === 'overdue' ? 'red' : 'gold'}>{t(`hotline.due.${o.dueState}`)}</Tag> : null;
  return (
    <Card size="small" title={t('hotline.panel.title')} style={{ marginBottom: 16 }} data-testid="hotline-panel">
      <Descriptions size="small" column={{ xs: 1, sm: 2 }}>
        <Descriptions.Item label={t('hotline.panel.externalNo')}>{o.externalNo}</Descriptions.Item>
        <Descriptions.Item label={t('hotline.panel.categories')}>{o.categoryPath ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('hotline.panel.dueAt')}>
          <Space size={4}>
            {formatDateTime(o.dueAt, language)}
            {dueTag}
          </Space>
        </Descriptions.Item>
        <Descriptions.Item label={t('hotline.panel.caller')}>
          {o.caller === null ? (
            <Typography.Text type="secondary" data-testid="hotline-caller-hidden">{t('hotline.panel.callerHidden')}</Typography.Text>
          ) : (
            <Space size={4} wrap data-testid="hotline-caller">
              <span>{shown.name ?? o.caller.nameMasked ?? '—'}</span>
              <span>{shown.phone ?? o.caller.phoneMasked ?? ''}</span>
              {o.confidential ? <Tag color="purple">{t('hotline.confidential')}</Tag> : null}
              {o.isDesk && (o.caller.nameMasked || o.caller.phoneMasked) ? (
                <>
                  {o.caller.nameMasked && !shown.name ? <Button size="small" type="link" onClick={() => reveal('name')}>{t('hotline.panel.revealName')}</Button> : null}
                  {o.caller.phoneMasked && !shown.phone ? <Button size="small" type="link" onClick={() => reveal('phone')}>{t('hotline.panel.revealPhone')}</Button> : null}
                </>
              ) : null}
            </Space>
          )}
        </Descriptions.Item>
      </Descriptions>
      <div style={{ marginTop: 8 }}>
        <Typography.Text strong>{t('hotline.panel.reply')}</Typography.Text>
      </div>
      {o.reply ? (
        <Descriptions size="small" column={1} style={{ marginTop: 4 }} data-testid="hotline-reply">
          <Descriptions.Item label={t('hotline.panel.result')}>{t(`hotline.result.${o.reply.result}`)}</Descriptions.Item>
          <Descriptions.Item label={t('hotline.panel.content')}>{o.reply.content}</Descriptions.Item>
          <Descriptions.Item label={t('hotline.panel.repliedAt')}>{`${formatDateTime(o.reply.repliedAt, language)} · ${o.reply.repliedBy}`}</Descriptions.Item>
        </Descriptions>
      ) : (
        <div style={{ margin: '4px 0' }}>
          <Typography.Text type="secondary">{o.replyRequired ? t('hotline.panel.noReply') : t('hotline.reply.notRequired')}</Typography.Text>
        </div>
      )}
      {o.isDesk ? (
        <Button size="small" onClick={() => setReplying(true)} data-testid="hotline-reply-open">
          {o.reply ? t('hotline.panel.editReply') : t('hotline.panel.writeReply')}
        </Button>
      ) : null}
      <ReplyDialog caseId={caseId} open={replying} initial={o.reply ? { content: o.reply.content, result: o.reply.result } : null} onClose={() => setReplying(false)} />
    </Card>
  );
}
