import { AimOutlined, CloudUploadOutlined, DeleteOutlined, EditOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { FIRE_SAFETY_LEVELS, ORG_KINDS, type CreateOrganisation, type OrganisationView } from '@redgrid/contracts';
import { Alert, App, Button, Card, Checkbox, Descriptions, Drawer, Empty, Form, Grid, Input, InputNumber, Popconfirm, Select, Space, Spin, Switch, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { useSubmitError } from '../../shared/forms/use-submit-error';
import { useMe } from '../auth/auth.api';
import { AreaTreeSelect } from '../areas/area-tree-select';
import { useSelectedArea } from '../areas/selected-area';
import { ImportWizard } from '../exchange/import-wizard';
import { Muted, placeText } from './basedata-ui';
import { useVerifyOrganisation } from './claim.api';
import { VerificationLine } from './provenance-ui';
import { useAddEmployee, useCreateOrganisation, useOrganisation, useOrganisationHistory, useOrganisations, usePersonLookup, useRemoveEmployee, useUpdateOrganisation, type OrganisationFilter } from './org.api';
import { HistoryTimeline, PointInput, pointOf, type PointValue } from './org-ui';
import { positiveId } from './query-params';

type OrgItem = NonNullable<ReturnType<typeof useOrganisations>['data']>['pages'][number]['items'][number];
const orDash = (v: string | number | null | undefined) => (v === null || v === undefined || v === '' ? <Muted>—</Muted> : v);

interface OrgFormValues {
  name: string;
  creditCode?: string;
  kind: OrganisationView['kind'];
  areaId?: number;
  address?: string;
  legalRepName?: string;
  legalRepPhone?: string;
  keyUnit?: boolean;
  fireSafetyLevel?: OrganisationView['fireSafetyLevel'];
  securityChief?: string;
  employeesCount?: number | null;
  industry?: string;
  dedicatedGridId?: number;
  location?: PointValue;
}
const FIELDS = ['name', 'creditCode', 'kind', 'areaId', 'address', 'legalRepName', 'legalRepPhone', 'keyUnit', 'fireSafetyLevel', 'securityChief', 'employeesCount', 'industry', 'dedicatedGridId', 'location'] as const;
const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? null : v.trim());

function toInput(v: OrgFormValues) {
  return {
    name: v.name,
    creditCode: blank(v.creditCode),
    kind: v.kind,
    address: blank(v.address),
    legalRepName: blank(v.legalRepName),
    keyUnit: v.keyUnit ?? false,
    fireSafetyLevel: v.fireSafetyLevel ?? null,
    securityChief: blank(v.securityChief),
    employeesCount: v.employeesCount ?? null,
    industry: blank(v.industry),
    dedicatedGridId: v.dedicatedGridId ?? null,
    location: pointOf(v.location),
  };
}

/** Register or edit an organisation; `editing` null registers a new one. */
function OrganisationFormDrawer({ open, editing, defaultAreaId, onClose, onCreated }: { open: boolean; editing: OrganisationView | null; defaultAreaId: number | undefined; onClose: () => void; onCreated: (id: number) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const mobile = Grid.useBreakpoint().md === false;
  const [form] = Form.useForm<OrgFormValues>();
  const create = useCreateOrganisation();
  const update = useUpdateOrganisation(editing?.id ?? 0);
  const onError = useSubmitError(form, FIELDS);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (editing) {
      form.setFieldsValue({
        name: editing.name,
        creditCode: editing.creditCode ?? undefined,
        kind: editing.kind,
        areaId: editing.place.areaId,
        address: editing.address ?? undefined,
        legalRepName: editing.legalRepName ?? undefined,
        keyUnit: editing.keyUnit,
        fireSafetyLevel: editing.fireSafetyLevel,
        securityChief: editing.securityChief ?? undefined,
        employeesCount: editing.employeesCount,
        industry: editing.industry ?? undefined,
        dedicatedGridId: editing.dedicatedGrid?.id,
        location: editing.location ?? undefined,
      });
    } else form.setFieldsValue({ kind: 'enterprise', keyUnit: false, areaId: defaultAreaId });
  }, [open, editing, defaultAreaId, form]);

  const submit = (v: OrgFormValues) => {
    const phone = blank(v.legalRepPhone);
    if (editing) {
      // The phone is never in the form: left empty, it keeps its value.
      update.mutate({ ...toInput(v), ...(v.areaId ? { areaId: v.areaId } : {}), ...(phone ? { legalRepPhone: phone } : {}) }, {
        onSuccess: () => {
          void message.success(t('basedata.org.saved'));
          onClose();
        },
        onError,
      });
      return;
    }
    const input: CreateOrganisation = { ...toInput(v), areaId: v.areaId!, legalRepPhone: phone };
    create.mutate(input, {
      onSuccess: (org) => {
        void message.success(t('basedata.org.created'));
        onClose();
        onCreated(org.id);
      },
      onError,
    });
  };

  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={editing ? t('basedata.org.edit') : t('basedata.org.add')}
      size={mobile ? '100%' : 640}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={create.isPending || update.isPending} onClick={() => form.submit()}>
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item name="name" label={t('basedata.org.name')} rules={[{ required: true, min: 2, max: 100 }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="creditCode" label={t('basedata.org.creditCode')} extra={t('basedata.org.creditCodeHint')}>
          <Input maxLength={30} className="rg-mono" autoComplete="off" />
        </Form.Item>
        <Form.Item name="kind" label={t('basedata.org.kind')} rules={[{ required: true }]}>
          <Select options={ORG_KINDS.map((k) => ({ value: k, label: t(`basedata.org.kinds.${k}`) }))} />
        </Form.Item>
        <Form.Item name="areaId" label={t('basedata.org.place')} rules={[{ required: true, message: t('basedata.org.areaRequired') }]}>
          <AreaTreeSelect />
        </Form.Item>
        <Form.Item name="address" label={t('basedata.org.address')}>
          <Input maxLength={200} />
        </Form.Item>
        <Space wrap style={{ width: '100%' }} size={12}>
          <Form.Item name="legalRepName" label={t('basedata.org.legalRep')}>
            <Input maxLength={50} />
          </Form.Item>
          <Form.Item name="legalRepPhone" label={t('basedata.org.legalRepPhone')} extra={editing?.legalRepPhoneMasked ?? undefined}>
            <Input maxLength={30} inputMode="tel" autoComplete="off" />
          </Form.Item>
        </Space>
        <Space wrap style={{ width: '100%' }} size={12}>
          <Form.Item name="keyUnit" label={t('basedata.org.keyUnit')} valuePropName="checked">
            <Switch />
          </Form.Item>
          <Form.Item name="fireSafetyLevel" label={t('basedata.org.fireSafetyLevel')}>
            <Select allowClear style={{ minWidth: 180 }} options={FIRE_SAFETY_LEVELS.map((k) => ({ value: k, label: t(`basedata.org.fireLevels.${k}`) }))} />
          </Form.Item>
        </Space>
        <Space wrap style={{ width: '100%' }} size={12}>
          <Form.Item name="securityChief" label={t('basedata.org.securityChief')}>
            <Input maxLength={50} />
          </Form.Item>
          <Form.Item name="employeesCount" label={t('basedata.org.employeesCount')}>
            <InputNumber min={0} max={1_000_000} precision={0} />
          </Form.Item>
        </Space>
        <Form.Item name="industry" label={t('basedata.org.industry')}>
          <Input maxLength={60} />
        </Form.Item>
        <Form.Item name="dedicatedGridId" label={t('basedata.org.dedicatedGrid')} extra={t('basedata.org.dedicatedGridHint')}>
          <AreaTreeSelect />
        </Form.Item>
        <Form.Item name="location" label={t('basedata.org.location')}>
          <PointInput />
        </Form.Item>
      </Form>
    </Drawer>
  );
}

/** Link a resident in scope as an employee, found by the people search (name, pinyin, ID, phone). */
function AddEmployeeForm({ organisationId }: { organisationId: number }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ personId: number; position?: string; since?: string }>();
  const [q, setQ] = useState('');
  const people = usePersonLookup(q);
  const add = useAddEmployee(organisationId);
  const onError = useSubmitError(form, ['personId', 'position', 'since']);
  const options = q.trim() ? (people.data?.items ?? []).map((p) => ({ value: p.id, label: `${p.name} · ${p.idMasked ?? ''} · ${placeText(p.place)}` })) : [];
  return (
    <Form
      form={form}
      layout="vertical"
      onFinish={(v) => add.mutate({ personId: v.personId, position: blank(v.position), since: v.since || null }, { onSuccess: () => form.resetFields(), onError })}
    >
      <Form.Item name="personId" label={t('basedata.org.person')} rules={[{ required: true }]}>
        <Select showSearch={{ filterOption: false, onSearch: setQ }} placeholder={t('basedata.org.personSearch')} options={options} loading={people.isFetching} notFoundContent={null} />
      </Form.Item>
      <Space wrap size={12}>
        <Form.Item name="position" label={t('basedata.org.position')}>
          <Input maxLength={50} style={{ width: 160 }} />
        </Form.Item>
        <Form.Item name="since" label={t('basedata.org.since')}>
          <Input type="date" style={{ width: 160 }} />
        </Form.Item>
        <Form.Item label=" ">
          <Button htmlType="submit" icon={<PlusOutlined />} loading={add.isPending}>
            {t('basedata.org.addEmployee')}
          </Button>
        </Form.Item>
      </Space>
    </Form>
  );
}

function OrganisationDetailDrawer({ id, onClose, onEdit }: { id: number | undefined; onClose: () => void; onEdit: (org: OrganisationView) => void }) {
  const { t } = useTranslation();
  const describe = useDescribeError();
  const mobile = Grid.useBreakpoint().md === false;
  const me = useMe();
  const canManage = me.permissions.includes('basedata.manage');
  const org = useOrganisation(id);
  const history = useOrganisationHistory(id);
  const remove = useRemoveEmployee(id ?? 0);
  const verify = useVerifyOrganisation(id ?? 0);
  const o = org.data;
  return (
    <Drawer
      open={id !== undefined}
      onClose={onClose}
      title={o?.name ?? t('basedata.org.detail')}
      size={mobile ? '100%' : 720}
      extra={
        o && canManage ? (
          <Button icon={<EditOutlined />} onClick={() => onEdit(o)}>
            {t('basedata.org.edit')}
          </Button>
        ) : null
      }
    >
      {org.isError ? <Alert type="error" showIcon title={describe(org.error)} /> : null}
      {org.isLoading ? <Spin /> : null}
      {o ? (
        <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="organisation-detail">
          <Descriptions size="small" bordered column={mobile ? 1 : 2}>
            <Descriptions.Item label={t('basedata.org.creditCode')} span={mobile ? 1 : 2}>
              {o.creditCode ? <span className="rg-mono">{o.creditCode}</span> : <Muted>—</Muted>}
            </Descriptions.Item>
            <Descriptions.Item label={t('basedata.org.kind')}>{t(`basedata.org.kinds.${o.kind}`)}</Descriptions.Item>
            <Descriptions.Item label={t('basedata.org.keyUnit')}>{o.keyUnit ? <Tag color="red">{t('basedata.org.keyUnit')}</Tag> : t('basedata.org.no')}</Descriptions.Item>
            <Descriptions.Item label={t('basedata.org.place')} span={mobile ? 1 : 2}>
              {placeText(o.place)}
            </Descriptions.Item>
            <Descriptions.Item label={t('basedata.person.provenance')} span={mobile ? 1 : 2}>
              <VerificationLine record={o} canVerify={o.abilities.verify} verify={verify} testId="organisation-verification" />
            </Descriptions.Item>
            <Descriptions.Item label={t('basedata.org.address')} span={mobile ? 1 : 2}>
              {orDash(o.address)}
            </Descriptions.Item>
            <Descriptions.Item label={t('basedata.org.legalRep')}>{orDash(o.legalRepName)}</Descriptions.Item>
            <Descriptions.Item label={t('basedata.org.legalRepPhone')}>{orDash(o.legalRepPhoneMasked)}</Descriptions.Item>
            <Descriptions.Item label={t('basedata.org.fireSafetyLevel')}>{o.fireSafetyLevel ? t(`basedata.org.fireLevels.${o.fireSafetyLevel}`) : <Muted>—</Muted>}</Descriptions.Item>
            <Descriptions.Item label={t('basedata.org.securityChief')}>{orDash(o.securityChief)}</Descriptions.Item>
            <Descriptions.Item label={t('basedata.org.employeesCount')}>{orDash(o.employeesCount)}</Descriptions.Item>
            <Descriptions.Item label={t('basedata.org.industry')}>{orDash(o.industry)}</Descriptions.Item>
            <Descriptions.Item label={t('basedata.org.dedicatedGrid')}>{orDash(o.dedicatedGrid?.name)}</Descriptions.Item>
            <Descriptions.Item label={t('basedata.org.location')}>{o.location ? `${o.location.lng.toFixed(6)}, ${o.location.lat.toFixed(6)}` : <Muted>—</Muted>}</Descriptions.Item>
          </Descriptions>
          <Card size="small" title={t('basedata.org.employees')}>
            {o.employees.length === 0 ? <Muted>{t('basedata.org.noEmployees')}</Muted> : null}
            {o.employees.map((e) => (
              <div key={e.personId} style={{ display: 'flex', alignItems: 'center', gap: 8, padding: '4px 0', flexWrap: 'wrap' }}>
                <Link to={`/people/${e.personId}`}>{e.name}</Link>
                {e.position ? <Tag>{e.position}</Tag> : null}
                {e.since ? <Muted>{e.since}</Muted> : null}
                {canManage ? (
                  <Popconfirm title={t('basedata.org.removeConfirm', { name: e.name })} onConfirm={() => remove.mutate(e.personId)}>
                    <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('basedata.org.remove')} />
                  </Popconfirm>
                ) : null}
              </div>
            ))}
            {canManage ? (
              <div style={{ marginTop: 12 }}>
                <AddEmployeeForm organisationId={o.id} />
              </div>
            ) : null}
          </Card>
          <HistoryTimeline history={history.data} loading={history.isLoading} prefix="basedata.org" />
        </Space>
      ) : null}
    </Drawer>
  );
}

/** 实有单位: organisations in scope, filtered by area, key unit, name or credit code; detail and edit in drawers. */
export function OrganisationsPage() {
  const { t } = useTranslation();
  const describe = useDescribeError();
  const mobile = Grid.useBreakpoint().md === false;
  const me = useMe();
  const header = useSelectedArea();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [searchText, setSearchText] = useState(q);
  const [formOpen, setFormOpen] = useState(false);
  const [editing, setEditing] = useState<OrganisationView | null>(null);
  const [importing, setImporting] = useState(false);
  const filter: OrganisationFilter = { areaId: positiveId(params.get('areaId')) ?? header.areaId, q: q || undefined, keyUnit: params.get('keyUnit') === 'true' ? 'true' : undefined };
  const openId = positiveId(params.get('id'));
  const importArea = filter.areaId ?? me.roles[0]?.areaId;
  const list = useOrganisations(filter);
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  const update = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined || value === '') next.delete(key);
      else next.set(key, value);
    }
    setParams(next, { replace: true });
  };
  const open = (id: number | undefined) => update({ id: id === undefined ? undefined : String(id) });

  const columns: TableColumnsType<OrgItem> = [
    { title: t('basedata.org.name'), dataIndex: 'name', ellipsis: true, render: (v: string, o) => <a onClick={() => open(o.id)}>{v}</a> },
    { title: t('basedata.org.creditCode'), dataIndex: 'creditCode', width: 190, render: (v: string | null) => (v ? <span className="rg-mono">{v}</span> : <Muted>—</Muted>) },
    { title: t('basedata.org.kind'), dataIndex: 'kind', width: 110, render: (v: OrgItem['kind']) => t(`basedata.org.kinds.${v}`) },
    { title: t('basedata.org.keyUnit'), dataIndex: 'keyUnit', width: 90, render: (v: boolean) => (v ? <Tag color="red">{t('basedata.org.keyUnit')}</Tag> : null) },
    { title: t('basedata.org.legalRep'), dataIndex: 'legalRepName', width: 110, render: orDash },
    { title: t('basedata.org.place'), key: 'place', width: 220, ellipsis: true, render: (_, o) => placeText(o.place) },
  ];

  return (
    <div data-testid="organisations-page">
      <div className="rg-page-title">
        <Typography.Title level={3}>{t('basedata.org.title')}</Typography.Title>
        <Space>
          {me.permissions.includes('basedata.import') && importArea !== undefined ? (
            <Button icon={<CloudUploadOutlined />} onClick={() => setImporting(true)}>
              {t('basedata.people.import')}
            </Button>
          ) : null}
          {me.permissions.includes('basedata.manage') ? (
            <Link to="/claims?kind=organisation">
              <Button icon={<AimOutlined />}>{t('basedata.claims.open')}</Button>
            </Link>
          ) : null}
          {me.permissions.includes('basedata.manage') ? (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => {
                setEditing(null);
                setFormOpen(true);
              }}
            >
              {t('basedata.org.add')}
            </Button>
          ) : null}
          <Button icon={<ReloadOutlined />} onClick={() => void list.refetch()} aria-label={t('common.refresh')} />
        </Space>
      </div>
      <div className="rg-toolbar">
        <Input.Search
          allowClear
          placeholder={t('basedata.org.searchPlaceholder')}
          aria-label={t('basedata.org.searchPlaceholder')}
          value={searchText}
          onChange={(e) => setSearchText(e.target.value)}
          onSearch={(value) => update({ q: value.trim() })}
          style={{ width: mobile ? '100%' : 280 }}
          maxLength={60}
        />
        <AreaTreeSelect value={filter.areaId} onChange={(id) => update({ areaId: id === undefined ? undefined : String(id) })} placeholder={t('basedata.people.area')} style={{ width: mobile ? '100%' : 200 }} />
        <Checkbox checked={filter.keyUnit === 'true'} onChange={(e) => update({ keyUnit: e.target.checked ? 'true' : undefined })}>
          {t('basedata.org.keyUnitOnly')}
        </Checkbox>
      </div>
      {list.isError ? <Alert type="error" showIcon title={describe(list.error)} style={{ marginBottom: 16 }} /> : null}
      {mobile ? (
        <Spin spinning={list.isFetching && !list.isFetchingNextPage}>
          {list.isSuccess && items.length === 0 ? <Empty description={t('basedata.org.empty')} /> : null}
          <Space orientation="vertical" size={8} style={{ width: '100%' }}>
            {items.map((o) => (
              <Card key={o.id} size="small" hoverable onClick={() => open(o.id)} title={o.name} extra={o.keyUnit ? <Tag color="red">{t('basedata.org.keyUnit')}</Tag> : null}>
                <div className="rg-mono" style={{ fontSize: 12 }}>
                  {o.creditCode ?? '—'}
                </div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t(`basedata.org.kinds.${o.kind}`)} · {placeText(o.place)}
                </Typography.Text>
              </Card>
            ))}
          </Space>
        </Spin>
      ) : (
        <Table<OrgItem>
          rowKey="id"
          columns={columns}
          dataSource={items}
          loading={list.isFetching && !list.isFetchingNextPage}
          pagination={false}
          scroll={{ x: 900 }}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('basedata.org.empty')} /> }}
        />
      )}
      {list.hasNextPage ? (
        <div style={{ textAlign: 'center', marginTop: 12 }}>
          <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
            {t('basedata.people.loadMore')}
          </Button>
        </div>
      ) : null}
      <OrganisationDetailDrawer
        id={openId}
        onClose={() => open(undefined)}
        onEdit={(o) => {
          setEditing(o);
          setFormOpen(true);
        }}
      />
      <OrganisationFormDrawer open={formOpen} editing={editing} defaultAreaId={filter.areaId} onClose={() => setFormOpen(false)} onCreated={(id) => open(id)} />
      <Drawer open={importing} onClose={() => setImporting(false)} title={t('basedata.people.import')} size={mobile ? '100%' : 760} destroyOnHidden>
        {importArea !== undefined ? <ImportWizard kind="organisations" areaId={importArea} onApplied={() => void list.refetch()} /> : null}
      </Drawer>
    </div>
  );
}
