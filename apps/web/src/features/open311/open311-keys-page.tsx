import { open311KeyCreateSchema, type Open311Key, type Open311KeyCreate } from '@redgrid/contracts';
import { Alert, App, Button, Card, Form, Grid, Input, InputNumber, List, Modal, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { formatDateTime } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { useCreateOpen311Key, useOpen311Keys, useRevokeOpen311Key } from './open311.api';

/** Field errors of the create form from the contract (the server checks the same schema). */
function problemsOf(values: Open311KeyCreate): { name: keyof Open311KeyCreate; errors: string[] }[] {
  const parsed = open311KeyCreateSchema.safeParse(values);
  if (parsed.success) return [];
  return parsed.error.issues.map((i) => ({ name: String(i.path[0] ?? 'name') as keyof Open311KeyCreate, errors: [i.message] }));
}

/** Open311 接口密钥: issue (shown once), list and revoke the keys outside applications POST with. */
export function Open311KeysPage() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const { message } = App.useApp();
  const describe = useDescribeError();
  const mobile = Grid.useBreakpoint().md === false;
  const keys = useOpen311Keys();
  const create = useCreateOpen311Key();
  const revoke = useRevokeOpen311Key();
  const [form] = Form.useForm<Open311KeyCreate>();
  const [issued, setIssued] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const items = keys.data?.items ?? [];
  const when = (iso: string | null) => (iso ? formatDateTime(iso, language) : t('open311.never'));
  const endpoint = `${window.location.origin}/open311/v2/discovery.xml`;

  const submit = async (values: Open311KeyCreate) => {
    const problems = problemsOf(values);
    if (problems.length > 0) return form.setFields(problems);
    setError(null);
    try {
      const made = await create.mutateAsync(values);
      setIssued(made.apiKey);
      form.resetFields();
    } catch (err) {
      setError(describe(err));
    }
  };

  const status = (k: Open311Key) => (k.active ? <Tag color="green">{t('open311.active')}</Tag> : <Tag>{t('open311.revoked')}</Tag>);
  const revokeButton = (k: Open311Key) =>
    k.active ? (
      <Popconfirm title={t('open311.revokeConfirm')} onConfirm={() => revoke.mutateAsync(k.id).catch((err: unknown) => setError(describe(err)))}>
        <Button danger size="small">
          {t('open311.revoke')}
        </Button>
      </Popconfirm>
    ) : null;

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('open311.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('open311.intro')}
      </Typography.Paragraph>
      <Typography.Text>
        {t('open311.endpoint')}：<Typography.Text code copyable>{endpoint}</Typography.Text>
      </Typography.Text>
      {error ? <Alert type="error" showIcon title={error} closable={{ onClose: () => setError(null) }} /> : null}
      {keys.error ? <Alert type="error" showIcon title={describe(keys.error)} /> : null}

      <Card size="small" title={t('open311.create')}>
        <Form form={form} layout={mobile ? 'vertical' : 'inline'} initialValues={{ ratePerMinute: 600 }} onFinish={submit}>
          <Form.Item name="name" label={t('open311.name')} rules={[{ required: true, message: '请填写应用名称' }]}>
            <Input maxLength={60} style={{ width: mobile ? '100%' : 180 }} />
          </Form.Item>
          <Form.Item name="owner" label={t('open311.owner')} rules={[{ required: true, message: '请填写使用单位或联系人' }]}>
            <Input maxLength={120} style={{ width: mobile ? '100%' : 240 }} />
          </Form.Item>
          <Form.Item name="ratePerMinute" label={t('open311.rate')}>
            <InputNumber min={1} max={100000} precision={0} />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit" loading={create.isPending}>
              {t('open311.create')}
            </Button>
          </Form.Item>
        </Form>
      </Card>

      {mobile ? (
        <List
          loading={keys.isLoading}
          dataSource={items}
          locale={{ emptyText: t('open311.empty') }}
          renderItem={(k) => (
            <List.Item actions={[revokeButton(k)]}>
              <List.Item.Meta
                title={
                  <Space>
                    {k.name}
                    {status(k)}
                  </Space>
                }
                description={`${k.owner} · ${k.keyPrefix}… · ${t('open311.lastUsed')} ${when(k.lastUsedAt)}`}
              />
            </List.Item>
          )}
        />
      ) : (
        <Table<Open311Key>
          rowKey="id"
          size="small"
          loading={keys.isLoading}
          dataSource={items}
          pagination={false}
          locale={{ emptyText: t('open311.empty') }}
          columns={[
            { title: t('open311.name'), dataIndex: 'name' },
            { title: t('open311.owner'), dataIndex: 'owner' },
            { title: t('open311.prefix'), dataIndex: 'keyPrefix', render: (p: string) => <Typography.Text code>{p}…</Typography.Text> },
            { title: t('open311.rate'), dataIndex: 'ratePerMinute' },
            { title: t('open311.status'), render: (_, k) => status(k) },
            { title: t('open311.createdAt'), render: (_, k) => `${when(k.createdAt)}${k.createdBy ? ` ${t('open311.by', { name: k.createdBy })}` : ''}` },
            { title: t('open311.lastUsed'), render: (_, k) => (k.active ? when(k.lastUsedAt) : `${t('open311.revoked')} ${when(k.revokedAt)}`) },
            { title: '', render: (_, k) => revokeButton(k) },
          ]}
        />
      )}

      <Modal open={issued !== null} title={t('open311.createdTitle')} closable={false} maskClosable={false} footer={<Button type="primary" onClick={() => setIssued(null)}>{t('open311.done')}</Button>}>
        <Alert type="warning" showIcon title={t('open311.createdNote')} style={{ marginBottom: 12 }} />
        <Typography.Paragraph copyable={{ text: issued ?? '', onCopy: () => void message.success(t('open311.copied')) }} code style={{ wordBreak: 'break-all' }}>
          {issued}
        </Typography.Paragraph>
      </Modal>
    </Space>
  );
}
