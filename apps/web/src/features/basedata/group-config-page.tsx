import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { GROUP_VIEWER_ROLES, type GroupConfig } from '@redgrid/contracts';
import { Alert, App, Button, Drawer, Form, Grid, Input, InputNumber, List, Select, Space, Switch, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { useSubmitError } from '../../shared/forms/use-submit-error';
import { useGroupConfig, useSaveGroup } from './group-config.api';

interface FormValues {
  code: string;
  kind: 'care' | 'key';
  name: string;
  sensitive: boolean;
  visibleRoles: (typeof GROUP_VIEWER_ROLES)[number][];
  withDangerLevel: boolean;
  remindDays: number;
  sortOrder: number;
  active: boolean;
}

function GroupDrawer({ editing, creating, onClose, mobile }: { editing: GroupConfig | null; creating: boolean; onClose: () => void; mobile: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const save = useSaveGroup();
  const onSubmitError = useSubmitError(form, ['code', 'kind', 'name', 'visibleRoles', 'sensitive', 'withDangerLevel', 'active', 'remindDays', 'sortOrder']);
  const open = creating || editing !== null;
  useEffect(() => {
    if (editing) form.setFieldsValue({ ...editing, visibleRoles: editing.visibleRoles as FormValues['visibleRoles'] });
    else if (creating) form.setFieldsValue({ kind: 'care', sensitive: false, visibleRoles: ['area_admin', 'grid_leader', 'grid_worker'], withDangerLevel: false, remindDays: 30, sortOrder: 100, active: true, code: '', name: '' });
  }, [editing, creating, form]);
  const submit = (v: FormValues) => {
    const { code, kind, ...fields } = v;
    const done = { onSuccess: () => { void message.success(t('basedata.groupConfig.saved')); onClose(); }, onError: onSubmitError };
    if (editing) save.mutate({ code: editing.code, create: false, patch: fields }, done);
    else save.mutate({ create: true, input: { code, kind, ...fields } }, done);
  };
  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={editing ? editing.name : t('basedata.groupConfig.add')}
      size={mobile ? '100%' : 520}
      destroyOnHidden
      extra={
        <Button type="primary" loading={save.isPending} onClick={() => form.submit()}>
          {t('common.save')}
        </Button>
      }
    >
      <Form form={form} layout="vertical" onFinish={submit}>
        {creating ? (
          <>
            <Form.Item name="code" label={t('basedata.groupConfig.code')} extra={t('basedata.groupConfig.codeHint')} rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{1,40}$/, message: t('basedata.groupConfig.codeHint') }]}>
              <Input />
            </Form.Item>
            <Form.Item name="kind" label={t('basedata.groupConfig.kind')}>
              <Select options={(['care', 'key'] as const).map((k) => ({ value: k, label: t(`basedata.tagKind.${k}`) }))} />
            </Form.Item>
          </>
        ) : null}
        <Form.Item name="name" label={t('basedata.groupConfig.name')} rules={[{ required: true, min: 2, max: 30 }]}>
          <Input />
        </Form.Item>
        <Form.Item name="visibleRoles" label={t('basedata.groupConfig.visibleRoles')} extra={t('basedata.groupConfig.visibleRolesHint')} rules={[{ required: true, type: 'array', min: 1 }]}>
          <Select mode="multiple" options={GROUP_VIEWER_ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))} />
        </Form.Item>
        <Space size="large" wrap>
          <Form.Item name="sensitive" label={t('basedata.groupConfig.sensitive')} valuePropName="checked">
            <Switch />
          </Form.Item>
          <Form.Item name="withDangerLevel" label={t('basedata.groupConfig.withDangerLevel')} valuePropName="checked">
            <Switch />
          </Form.Item>
          <Form.Item name="active" label={t('basedata.groupConfig.active')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Space>
        <Space size="large" wrap>
          <Form.Item name="remindDays" label={t('basedata.groupConfig.remindDays')}>
            <InputNumber min={0} max={365} />
          </Form.Item>
          <Form.Item name="sortOrder" label={t('basedata.groupConfig.sortOrder')}>
            <InputNumber min={0} max={10000} />
          </Form.Item>
        </Space>
      </Form>
    </Drawer>
  );
}

/** 人群类别设置: the system admin names the care groups and key populations and decides who may see them. */
export function GroupConfigPage() {
  const { t } = useTranslation();
  const describe = useDescribeError();
  const mobile = Grid.useBreakpoint().md === false;
  const groups = useGroupConfig();
  const [editing, setEditing] = useState<GroupConfig | null>(null);
  const [creating, setCreating] = useState(false);
  const roles = (g: GroupConfig) => (
    <Space size={[4, 4]} wrap>
      {g.visibleRoles.map((r) => (
        <Tag key={r} style={{ marginInlineEnd: 0 }}>
          {t(`roles.${r}`, { defaultValue: r })}
        </Tag>
      ))}
    </Space>
  );
  const columns: TableColumnsType<GroupConfig> = [
    { title: t('basedata.groupConfig.name'), dataIndex: 'name', render: (v: string, g) => (g.active ? v : <Typography.Text delete>{v}</Typography.Text>) },
    { title: t('basedata.groupConfig.kind'), dataIndex: 'kind', width: 80, render: (k: GroupConfig['kind']) => <Tag color={k === 'key' ? 'red' : 'gold'}>{t(`basedata.tagKind.${k}`)}</Tag> },
    { title: t('basedata.groupConfig.sensitive'), dataIndex: 'sensitive', width: 90, render: (v: boolean) => (v ? t('basedata.groupConfig.yes') : '—') },
    { title: t('basedata.groupConfig.visibleRoles'), key: 'roles', render: (_, g) => roles(g) },
    { title: t('basedata.groupConfig.remindDays'), dataIndex: 'remindDays', width: 100 },
    { title: '', key: 'edit', width: 60, render: (_, g) => <Button size="small" type="text" icon={<EditOutlined />} aria-label={t('common.edit')} onClick={() => setEditing(g)} /> },
  ];
  return (
    <div data-testid="group-config-page">
      <div className="rg-page-title">
        <Typography.Title level={3}>{t('basedata.groupConfig.title')}</Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          {t('basedata.groupConfig.add')}
        </Button>
      </div>
      <Typography.Paragraph type="secondary">{t('basedata.groupConfig.intro')}</Typography.Paragraph>
      {groups.isError ? <Alert type="error" showIcon title={describe(groups.error)} /> : null}
      {mobile ? (
        <List
          loading={groups.isLoading}
          dataSource={groups.data ?? []}
          renderItem={(g) => (
            <List.Item onClick={() => setEditing(g)} style={{ cursor: 'pointer' }}>
              <List.Item.Meta title={<Space>{g.name}<Tag color={g.kind === 'key' ? 'red' : 'gold'}>{t(`basedata.tagKind.${g.kind}`)}</Tag></Space>} description={roles(g)} />
            </List.Item>
          )}
        />
      ) : (
        <Table rowKey="code" size="middle" loading={groups.isLoading} columns={columns} dataSource={groups.data ?? []} pagination={false} />
      )}
      <GroupDrawer
        editing={editing}
        creating={creating}
        mobile={mobile}
        onClose={() => {
          setEditing(null);
          setCreating(false);
        }}
      />
    </div>
  );
}
