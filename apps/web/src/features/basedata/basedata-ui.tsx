import { EyeInvisibleOutlined, EyeOutlined } from '@ant-design/icons';
import { revealRequestSchema, type Provenance, type RecordPlace } from '@redgrid/contracts';
import { App, Button, Form, Input, Modal, Space, Tag, Tooltip, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { schemaRule } from '../../shared/forms/form-rules';
import { useReveal } from './basedata.api';

const PROVENANCE_COLOR: Record<Provenance, string> = { entered: 'default', claimed: 'blue', verified: 'green' };

export function ProvenanceTag({ provenance }: { provenance: Provenance }) {
  const { t } = useTranslation();
  return (
    <Tag color={PROVENANCE_COLOR[provenance]} style={{ marginInlineEnd: 0 }}>
      {t(`basedata.provenance.${provenance}`)}
    </Tag>
  );
}

/** 站北社区 › 第1网格 › 3幢2单元: where a record sits, from the community down. */
export function placeText(place: RecordPlace): string {
  return [place.communityName, place.gridName, place.placeName].filter((p): p is string => !!p).join(' › ') || '—';
}

export function Muted({ children }: { children: React.ReactNode }) {
  return <Typography.Text type="secondary">{children}</Typography.Text>;
}

/**
 * A masked ID number or phone with a "显示" button for those allowed: it asks for a reason (audited on
 * the server), then shows the value here only. The value lives in this component's state, never in the
 * query cache, so it is gone when the user leaves the page.
 */
export function RevealableValue({
  personId,
  field,
  masked,
  canReveal,
}: {
  personId: number;
  field: 'idNumber' | 'phone';
  masked: string | null;
  canReveal: boolean;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const describe = useDescribeError();
  const reveal = useReveal(personId);
  const [asking, setAsking] = useState(false);
  const [value, setValue] = useState<string | null>(null);
  const [form] = Form.useForm<{ reason: string }>();
  const label = t(`basedata.person.${field}`);

  // Another person on the same page (a route change keeps the component): forget the shown value.
  useEffect(() => setValue(null), [personId, field]);

  if (!masked) return <Muted>—</Muted>;

  const submit = async ({ reason }: { reason: string }) => {
    try {
      const result = await reveal.mutateAsync({ field, reason });
      setValue(result.value ?? masked);
      setAsking(false);
      form.resetFields();
    } catch (error) {
      void message.error(describe(error));
    } finally {
      reveal.reset();
    }
  };

  return (
    <Space size={4} wrap={false}>
      <span className="rg-mono" data-testid={`person-${field}`}>
        {value ?? masked}
      </span>
      {canReveal ? (
        value ? (
          <Tooltip title={t('basedata.person.hide')}>
            <Button type="text" size="small" icon={<EyeInvisibleOutlined />} aria-label={t('basedata.person.hide')} onClick={() => setValue(null)} />
          </Tooltip>
        ) : (
          <Button type="link" size="small" icon={<EyeOutlined />} onClick={() => setAsking(true)} style={{ paddingInline: 4 }}>
            {t('basedata.person.reveal')}
          </Button>
        )
      ) : null}
      <Modal
        open={asking}
        title={t('basedata.person.revealTitle', { field: label })}
        onCancel={() => setAsking(false)}
        onOk={() => form.submit()}
        okText={t('basedata.person.reveal')}
        confirmLoading={reveal.isPending}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{t('basedata.person.revealHint')}</Typography.Paragraph>
        <Form form={form} layout="vertical" onFinish={(v) => void submit(v)}>
          <Form.Item
            name="reason"
            label={t('basedata.person.revealReason')}
            rules={[{ required: true, whitespace: true, message: t('basedata.person.revealReasonRequired') }, schemaRule(revealRequestSchema.shape.reason)]}
          >
            <Input.TextArea autoFocus rows={2} maxLength={200} placeholder={t('basedata.person.revealReasonPlaceholder')} />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
