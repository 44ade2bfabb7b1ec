import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import {
  DEPARTMENT_KIND_LABELS,
  DEPARTMENT_KINDS,
  DEPARTMENT_LEVEL_LABELS,
  DEPARTMENT_LEVELS,
  type DepartmentKind,
  type DepartmentLevel,
  type DepartmentView,
} from '@redgrid/contracts';
import { Alert, App, Button, Drawer, Form, Grid, Input, List, Popconfirm, Select, Space, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { useSubmitError } from '../../shared/forms/use-submit-error';
import { isLanguage } from '../../shared/i18n/i18n';
import { useMe } from '../auth/auth.api';
import { useArea, useAreaChildren } from '../areas/areas.api';
import { AreaTreeSelect } from '../areas/area-tree-select';
import { useCreateDepartment, useDepartments, useSetDepartmentActive, useSetDepartmentAreas, useUpdateDepartment, type DepartmentFilter } from './departments.api';

type Lang = 'zh-CN' | 'en-US';

function useLang(): Lang {
  const { i18n } = useTranslation();
  return isLanguage(i18n.language) ? i18n.language : 'zh-CN';
}

export function KindTag({ kind }: { kind: DepartmentKind }) {
  const lang = useLang();
  return <Tag color={kind === 'public_security' ? 'blue' : kind === 'urban_management' ? 'green' : 'default'}>{DEPARTMENT_KIND_LABELS[kind][lang]}</Tag>;
}

interface FormValues {
  name: string;
  kind: DepartmentKind;
  level: DepartmentLevel;
  areaId?: number;
  phone?: string;
  servedAreaIds: number[];
}

/** The owning area and the areas right under it: what a department of that area usually serves. */
function ServedAreasSelect({ ownerId, value, onChange, known }: { ownerId: number | undefined; value?: number[]; onChange?: (v: number[]) => void; known: DepartmentView['servedAreas'] }) {
  const { t } = useTranslation();
  const owner = useArea(ownerId);
  const children = useAreaChildren(ownerId);
  const options = useMemo(() => {
    const seen = new Map<number, string>();
    if (owner.data) seen.set(owner.data.id, owner.data.name);
    for (const a of children.data ?? []) if (a.status === 'active') seen.set(a.id, a.name);
    for (const a of known) if (!seen.has(a.id)) seen.set(a.id, a.name);
    return [...seen].map(([id, name]) => ({ value: id, label: name }));
  }, [owner.data, children.data, known]);
  return (
    <Select
      mode="multiple"
      value={value ?? []}
      onChange={onChange}
      options={options}
      loading={owner.isLoading || children.isLoading}
      disabled={ownerId === undefined}
      placeholder={t('departments.servedAreas')}
      aria-label={t('departments.servedAreas')}
      optionFilterProp="label"
    />
  );
}

function DepartmentDrawer({ editing, creating, onClose, mobile }: { editing: DepartmentView | null; creating: boolean; onClose: () => void; mobile: boolean }) {
  const { t } = useTranslation();
  const lang = useLang();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const create = useCreateDepartment();
  const update = useUpdateDepartment();
  const setAreas = useSetDepartmentAreas();
  const onSubmitError = useSubmitError(form, ['name', 'kind', 'level', 'areaId', 'phone', 'servedAreaIds']);
  const open = creating || editing !== null;
  const ownerId = Form.useWatch('areaId', form);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (editing) form.setFieldsValue({ name: editing.name, kind: editing.kind, level: editing.level, areaId: editing.area.id, phone: editing.phone ?? '', servedAreaIds: editing.servedAreas.map((a) => a.id) });
    else form.setFieldsValue({ level: 'town', servedAreaIds: [] });
  }, [open, editing, form]);

  const done = (text: string) => () => {
    void message.success(text);
    onClose();
  };

  const submit = async (v: FormValues) => {
    const phone = v.phone?.trim() ? v.phone.trim() : null;
    if (!editing) {
      if (v.areaId === undefined) return;
      create.mutate({ name: v.name.trim(), kind: v.kind, level: v.level, areaId: v.areaId, phone, servedAreaIds: v.servedAreaIds }, { onSuccess: done(t('departments.created')), onError: onSubmitError });
      return;
    }
    try {
      await update.mutateAsync({ id: editing.id, patch: { name: v.name.trim(), kind: v.kind, phone } });
      const before = editing.servedAreas.map((a) => a.id).sort().join(',');
      if ([...v.servedAreaIds].sort().join(',') !== before) {
        await setAreas.mutateAsync({ id: editing.id, areaIds: v.servedAreaIds }).catch((err: unknown) => {
          // The served areas' field errors come back as `areaIds.N`; the form calls the field servedAreaIds.
          onSubmitError(err);
          throw err;
        });
      }
      done(t('departments.saved'))();
    } catch (err) {
      onSubmitError(err);
    }
  };

  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={editing ? editing.name : t('departments.create')}
      size={mobile ? '100%' : 560}
      destroyOnHidden
      extra={
        <Button type="primary" loading={create.isPending || update.isPending || setAreas.isPending} onClick={() => form.submit()}>
          {t('common.save')}
        </Button>
      }
    >
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)}>
        <Form.Item name="name" label={t('departments.name')} rules={[{ required: true, whitespace: true, max: 60, message: t('departments.nameRequired') }]}>
          <Input maxLength={60} />
        </Form.Item>
        <Space size="middle" wrap style={{ width: '100%' }}>
          <Form.Item name="kind" label={t('departments.kind')} rules={[{ required: true }]} style={{ minWidth: 240 }}>
            <Select options={DEPARTMENT_KINDS.map((k) => ({ value: k, label: DEPARTMENT_KIND_LABELS[k][lang] }))} />
          </Form.Item>
          <Form.Item name="level" label={t('departments.level')} rules={[{ required: true }]} style={{ minWidth: 180 }}>
            <Select disabled={editing !== null} options={DEPARTMENT_LEVELS.map((l) => ({ value: l, label: DEPARTMENT_LEVEL_LABELS[l][lang] }))} />
          </Form.Item>
        </Space>
        <Form.Item name="areaId" label={t('departments.area')} extra={t('departments.areaHint')} rules={[{ required: true, message: t('departments.areaRequired') }]}>
          <AreaTreeSelect allowClear={false} disabled={editing !== null} style={{ width: '100%' }} aria-label={t('departments.area')} />
        </Form.Item>
        <Form.Item
          name="servedAreaIds"
          label={t('departments.servedAreas')}
          extra={t('departments.servedAreasHint')}
          rules={[{ required: true, type: 'array', min: 1, message: t('departments.servedAreasRequired') }]}
        >
          <ServedAreasSelect ownerId={ownerId} known={editing?.servedAreas ?? []} />
        </Form.Item>
        <Form.Item name="phone" label={t('departments.phone')} extra={t('departments.phoneHint')} rules={[{ pattern: /^[0-9][0-9-]{4,19}$/, message: t('departments.phoneHint') }]}>
          <Input inputMode="tel" maxLength={20} />
        </Form.Item>
        {editing ? (
          <Form.Item label={t('departments.staff')} extra={t('departments.staffHint')}>
            <StaffList staff={editing.staff} />
          </Form.Item>
        ) : null}
      </Form>
    </Drawer>
  );
}

function StaffList({ staff }: { staff: DepartmentView['staff'] }) {
  const { t } = useTranslation();
  if (staff.length === 0) return <Typography.Text type="secondary">{t('departments.noStaff')}</Typography.Text>;
  return (
    <Space size={[4, 4]} wrap>
      {staff.map((s) => (
        <Tag key={s.userId} style={{ marginInlineEnd: 0 }} color={s.disabled ? 'default' : 'processing'}>
          {s.displayName}（{s.username}）
        </Tag>
      ))}
    </Space>
  );
}

/** The served areas, the first few as tags and the rest behind "+N" (a station may serve a dozen communities). */
function AreaTags({ areas, shown = 3 }: { areas: DepartmentView['servedAreas']; shown?: number }) {
  const rest = areas.slice(shown);
  return (
    <Space size={[4, 4]} wrap>
      {areas.slice(0, shown).map((a) => (
        <Tag key={a.id} style={{ marginInlineEnd: 0, whiteSpace: 'normal' }}>
          {a.name}
        </Tag>
      ))}
      {rest.length > 0 ? (
        <Tooltip title={rest.map((a) => a.name).join('、')}>
          <Tag style={{ marginInlineEnd: 0 }}>+{rest.length}</Tag>
        </Tooltip>
      ) : null}
    </Space>
  );
}

function ActiveSwitch({ d }: { d: DepartmentView }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const describe = useDescribeError();
  const setActive = useSetDepartmentActive();
  const run = (active: boolean) =>
    setActive.mutate(
      { id: d.id, active },
      { onSuccess: () => void message.success(t(active ? 'departments.activated' : 'departments.deactivated')), onError: (err) => void message.error(describe(err)) },
    );
  if (!d.abilities.manage) return null;
  return d.active ? (
    <Popconfirm title={t('departments.confirmDeactivate', { name: d.name })} onConfirm={() => run(false)}>
      <Button size="small" type="link" danger loading={setActive.isPending}>
        {t('departments.deactivate')}
      </Button>
    </Popconfirm>
  ) : (
    <Button size="small" type="link" loading={setActive.isPending} onClick={() => run(true)}>
      {t('departments.activate')}
    </Button>
  );
}

/** 部门管理: the departments of the caller's areas (or, for department staff, their own). */
export function DepartmentsPage() {
  const { t } = useTranslation();
  const lang = useLang();
  const describe = useDescribeError();
  const me = useMe();
  const mobile = Grid.useBreakpoint().md === false;
  const [filter, setFilter] = useState<DepartmentFilter>({ page: 1, pageSize: 50 });
  const list = useDepartments(filter);
  const [editing, setEditing] = useState<DepartmentView | null>(null);
  const [creating, setCreating] = useState(false);
  const canCreate = me.permissions.includes('department.manage');
  const status = (d: DepartmentView) => (d.active ? <Tag color="success">{t('departments.active')}</Tag> : <Tag>{t('departments.inactive')}</Tag>);

  const columns: TableColumnsType<DepartmentView> = [
    { title: t('departments.name'), dataIndex: 'name', width: 170, render: (v: string, d) => (d.active ? v : <Typography.Text delete>{v}</Typography.Text>) },
    { title: t('departments.kind'), dataIndex: 'kind', width: 170, render: (k: DepartmentKind) => <KindTag kind={k} /> },
    { title: t('departments.level'), dataIndex: 'level', width: 120, render: (l: DepartmentLevel) => DEPARTMENT_LEVEL_LABELS[l][lang] },
    { title: t('departments.area'), key: 'area', width: 120, render: (_, d) => d.area.name },
    { title: t('departments.servedAreas'), key: 'served', render: (_, d) => <AreaTags areas={d.servedAreas} /> },
    { title: t('departments.staff'), key: 'staff', width: 170, render: (_, d) => <StaffList staff={d.staff} /> },
    { title: t('departments.phone'), dataIndex: 'phone', width: 130, render: (v: string | null) => v ?? '—' },
    { title: t('departments.status'), key: 'status', width: 80, render: (_, d) => status(d) },
  ];
  const anyManaged = (list.data?.items ?? []).some((d) => d.abilities.manage);
  if (anyManaged)
    columns.push({
      title: '',
      key: 'actions',
      width: 110,
      render: (_, d) =>
        d.abilities.manage ? (
          <Space size={0}>
            <Button size="small" type="text" icon={<EditOutlined />} aria-label={t('common.edit')} onClick={() => setEditing(d)} />
            <ActiveSwitch d={d} />
          </Space>
        ) : null,
    });

  return (
    <div data-testid="departments-page">
      <div className="rg-page-title">
        <Typography.Title level={3}>{t('departments.title')}</Typography.Title>
        {canCreate ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('departments.create')}
          </Button>
        ) : null}
      </div>
      <Typography.Paragraph type="secondary">{t('departments.intro')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search allowClear placeholder={t('departments.search')} style={{ width: 200 }} onSearch={(q) => setFilter((f) => ({ ...f, page: 1, q: q.trim() || undefined }))} />
        <Select
          allowClear
          placeholder={t('departments.kindFilter')}
          style={{ width: 220 }}
          value={filter.kind}
          onChange={(kind: DepartmentKind | undefined) => setFilter((f) => ({ ...f, page: 1, kind }))}
          options={DEPARTMENT_KINDS.map((k) => ({ value: k, label: DEPARTMENT_KIND_LABELS[k][lang] }))}
        />
        <AreaTreeSelect placeholder={t('departments.areaFilter')} style={{ width: 220 }} value={filter.areaId ?? null} onChange={(areaId) => setFilter((f) => ({ ...f, page: 1, areaId }))} />
      </Space>
      {list.isError ? <Alert type="error" showIcon title={describe(list.error)} /> : null}
      {mobile ? (
        <List
          loading={list.isLoading}
          dataSource={list.data?.items ?? []}
          locale={{ emptyText: t('departments.empty') }}
          pagination={{ current: filter.page, pageSize: filter.pageSize, total: list.data?.total ?? 0, onChange: (page) => setFilter((f) => ({ ...f, page })), size: 'small' }}
          renderItem={(d) => (
            <List.Item onClick={d.abilities.manage ? () => setEditing(d) : undefined} style={{ cursor: d.abilities.manage ? 'pointer' : undefined }} extra={status(d)}>
              <List.Item.Meta
                title={
                  <Space wrap>
                    {d.name}
                    <KindTag kind={d.kind} />
                  </Space>
                }
                description={
                  <Space orientation="vertical" size={4}>
                    <AreaTags areas={d.servedAreas} />
                    <StaffList staff={d.staff} />
                  </Space>
                }
              />
            </List.Item>
          )}
        />
      ) : (
        <Table
          rowKey="id"
          size="middle"
          loading={list.isLoading}
          columns={columns}
          scroll={{ x: 1200 }}
          dataSource={list.data?.items ?? []}
          locale={{ emptyText: t('departments.empty') }}
          pagination={{ current: filter.page, pageSize: filter.pageSize, total: list.data?.total ?? 0, showSizeChanger: false, onChange: (page) => setFilter((f) => ({ ...f, page })) }}
        />
      )}
      <DepartmentDrawer
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
