import { EyeInvisibleOutlined, EyeOutlined } from '@ant-design/icons';
import { revealRequestSchema, type Provenance, type RecordPlace } from '@redgrid/contracts';
import { App, Button, Form, Input, Modal, Space, Tag, Tooltip, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { schemaRule } from '../../shared/forms/form-rules';
import { useHouseReveal, useReveal } from './basedata.api';

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
  const reveal = useReveal(personId);
  return (
    <RevealValue
      masked={masked}
      canReveal={canReveal}
      label={t(`basedata.person.${field}`)}
      testId={`person-${field}`}
      resetKey={`${personId}:${field}`}
      pending={reveal.isPending}
      onReveal={async (reason) => {
        try {
          return (await reveal.mutateAsync({ field, reason })).value;
        } finally {
          reveal.reset();
        }
      }}
    />
  );
}

/** A house owner's or lessor's ID number or phone, masked, with 显示 behind a reason. */
export function HouseRevealableValue({ houseId, field, masked, canReveal, label }: { houseId: number; field: 'ownerIdNumber' | 'ownerPhone' | 'lessorIdNumber' | 'lessorPhone'; masked: string | null; canReveal: boolean; label: string }) {
  const reveal = useHouseReveal(houseId);
  return (
    <RevealValue
      masked={masked}
      canReveal={canReveal}
      label={label}
      testId={`house-${field}`}
      resetKey={`${houseId}:${field}`}
      pending={reveal.isPending}
      onReveal={async (reason) => {
        try {
          return (await reveal.mutateAsync({ field, reason })).value;
        } finally {
          reveal.reset();
        }
      }}
    />
  );
}

/**
 * A masked value with 显示: asks for a reason, shows the full value for this view only (never cached),
 * forgets it when the record or field changes.
 */
function RevealValue({ masked, canReveal, label, testId, resetKey, pending, onReveal }: { masked: string | null; canReveal: boolean; label: string; testId: string; resetKey: string; pending: boolean; onReveal: (reason: string) => Promise<string | null> }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const describe = useDescribeError();
  const [asking, setAsking] = useState(false);
  const [value, setValue] = useState<string | null>(null);
  const [form] = Form.useForm<{ reason: string }>();

  // Another record on the same page (a route change keeps the component): forget the shown value.
  useEffect(() => setValue(null), [resetKey]);

  if (!masked) return <Muted>—</Muted>;

  const submit = async ({ reason }: { reason: string }) => {
    try {
      const result = await onReveal(reason);
      setValue(result ?? masked);
      setAsking(false);
      form.resetFields();
    } catch (error) {
      void message.error(describe(error));
    }
  };

  return (
    <Space size={4} wrap={false}>
      <span className="rg-mono" data-testid={testId}>
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
        confirmLoading={pending}
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
