import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { COMPONENT_CLASSES, COMPONENT_STATES, componentClassOf, type ComponentState, type ComponentView, type CreateComponent } from '@redgrid/contracts';
import { Alert, App, Button, Card, Cascader, Descriptions, Drawer, Empty, Form, Grid, Input, Select, Space, Spin, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { useSubmitError } from '../../shared/forms/use-submit-error';
import { useLanguage } from '../../shared/i18n/use-language';
import { useMe } from '../auth/auth.api';
import { AreaTreeSelect } from '../areas/area-tree-select';
import { useSelectedArea } from '../areas/selected-area';
import { Muted, placeText } from './basedata-ui';
import { useVerifyComponent } from './claim.api';
import { VerificationLine } from './provenance-ui';
import { useComponent, useComponentHistory, useComponents, useCreateComponent, useUpdateComponent, type ComponentFilter } from './org.api';
import { HistoryTimeline, PointInput, pointOf, type PointValue } from './org-ui';
import { positiveId } from './query-params';

const STATE_COLOR: Record<ComponentState, string> = { intact: 'green', damaged: 'orange', missing: 'red', occupied: 'gold', removed: 'default' };
const orDash = (v: string | null | undefined) => (v === null || v === undefined || v === '' ? <Muted>—</Muted> : v);

/** '01 公用设施 › 01 上水井盖', in the user's language; the bare codes for a class not in the table. */
function useClassLabel() {
  const { language } = useLanguage();
  return (classCode: string, subclassCode?: string) => {
    const found = componentClassOf(classCode, subclassCode);
    if (!found) return subclassCode ? `${classCode}${subclassCode}` : classCode;
    const cls = `${found.cls.code} ${found.cls[language]}`;
    return found.sub ? `${cls} › ${found.sub.code} ${found.sub[language]}` : cls;
  };
}

export function StateTag({ state }: { state: ComponentState }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATE_COLOR[state]} style={{ marginInlineEnd: 0 }}>
      {t(`basedata.comp.states.${state}`)}
    </Tag>
  );
}

interface ComponentFormValues {
  classification: [string, string];
  name: string;
  state: ComponentState;
  ownerDept?: string;
  maintainerDept?: string;
  location?: PointValue;
  areaId?: number;
  firstRecordedOn?: string;
  source?: string;
}
const FIELDS = ['classification', 'name', 'state', 'ownerDept', 'maintainerDept', 'location', 'areaId', 'firstRecordedOn', 'source', 'subclassCode', 'classCode'] as const;
const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? null : v.trim());

function ComponentCreateDrawer({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (id: number) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { language } = useLanguage();
  const mobile = Grid.useBreakpoint().md === false;
  const [form] = Form.useForm<ComponentFormValues>();
  const create = useCreateComponent();
  const onError = useSubmitError(form, FIELDS);
  const options = COMPONENT_CLASSES.map((c) => ({ value: c.code, label: `${c.code} ${c[language]}`, children: c.subclasses.map((s) => ({ value: s.code, label: `${s.code} ${s[language]}` })) }));

  const submit = (v: ComponentFormValues) => {
    const location = pointOf(v.location);
    if (!location) {
      form.setFields([{ name: 'location', errors: [t('basedata.comp.location')] }]);
      return;
    }
    const input: CreateComponent = {
      classCode: v.classification[0],
      subclassCode: v.classification[1],
      name: v.name,
      state: v.state,
      ownerDept: blank(v.ownerDept),
      maintainerDept: blank(v.maintainerDept),
      location,
      areaId: v.areaId ?? null,
      firstRecordedOn: v.firstRecordedOn || null,
      source: blank(v.source),
    };
    create.mutate(input, {
      onSuccess: (c) => {
        void message.success(t('basedata.comp.created', { identifier: c.identifier }));
        form.resetFields();
        onClose();
        onCreated(c.id);
      },
      onError,
    });
  };

  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={t('basedata.comp.add')}
      size={mobile ? '100%' : 560}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={create.isPending} onClick={() => form.submit()}>
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{ state: 'intact', areaId: undefined }}
        onValuesChange={(changed: Partial<ComponentFormValues>) => {
          // A picked sub-class names the component unless the user already typed a name.
          if (changed.classification && !form.getFieldValue('name')) {
            const found = componentClassOf(changed.classification[0], changed.classification[1]);
            if (found?.sub) form.setFieldValue('name', found.sub[language]);
          }
        }}
      >
        <Form.Item name="classification" label={t('basedata.comp.classification')} rules={[{ required: true }]}>
          <Cascader options={options} placeholder={`${t('basedata.comp.cls')} / ${t('basedata.comp.subclass')}`} />
        </Form.Item>
        <Form.Item name="name" label={t('basedata.comp.name')} rules={[{ required: true, max: 100 }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="state" label={t('basedata.comp.state')} rules={[{ required: true }]}>
          <Select options={COMPONENT_STATES.map((s) => ({ value: s, label: t(`basedata.comp.states.${s}`) }))} />
        </Form.Item>
        <Form.Item name="location" label={t('basedata.comp.location')} required>
          <PointInput />
        </Form.Item>
        <Form.Item name="areaId" label={t('basedata.comp.grid')} extra={t('basedata.comp.gridHint')}>
          <AreaTreeSelect />
        </Form.Item>
        <Form.Item name="ownerDept" label={t('basedata.comp.ownerDept')}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="maintainerDept" label={t('basedata.comp.maintainerDept')}>
          <Input maxLength={100} />
        </Form.Item>
        <Space wrap size={12}>
          <Form.Item name="firstRecordedOn" label={t('basedata.comp.firstRecordedOn')}>
            <Input type="date" style={{ width: 170 }} />
          </Form.Item>
          <Form.Item name="source" label={t('basedata.comp.source')}>
            <Input maxLength={20} style={{ width: 170 }} />
          </Form.Item>
        </Space>
      </Form>
    </Drawer>
  );
}

function ComponentDetailDrawer({ id, onClose }: { id: number | undefined; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const describe = useDescribeError();
  const mobile = Grid.useBreakpoint().md === false;
  const me = useMe();
  const label = useClassLabel();
  const component = useComponent(id);
  const history = useComponentHistory(id);
  const update = useUpdateComponent(id ?? 0);
  const verify = useVerifyComponent(id ?? 0);
  const c: ComponentView | undefined = component.data;
  return (
    <Drawer open={id !== undefined} onClose={onClose} title={c ? `${c.name} · ${c.identifier}` : t('basedata.comp.detail')} size={mobile ? '100%' : 640}>
      {component.isError ? <Alert type="error" showIcon title={describe(component.error)} /> : null}
      {component.isLoading ? <Spin /> : null}
      {c ? (
        <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="component-detail">
          <Descriptions size="small" bordered column={1}>
            <Descriptions.Item label={t('basedata.comp.identifier')}>
              <span className="rg-mono">{c.identifier}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('basedata.comp.classification')}>{label(c.classCode, c.subclassCode)}</Descriptions.Item>
            <Descriptions.Item label={t('basedata.comp.state')}>
              <Space wrap>
                <StateTag state={c.state} />
                {me.permissions.includes('basedata.manage') ? (
                  <Select<ComponentState>
                    size="small"
                    aria-label={t('basedata.comp.changeState')}
                    placeholder={t('basedata.comp.changeState')}
                    value={null as unknown as ComponentState}
                    style={{ width: 140 }}
                    loading={update.isPending}
                    options={COMPONENT_STATES.filter((s) => s !== c.state).map((s) => ({ value: s, label: t(`basedata.comp.states.${s}`) }))}
                    onChange={(state) => update.mutate({ state }, { onSuccess: () => void message.success(t('basedata.comp.saved')), onError: (e) => void message.error(describe(e)) })}
                  />
                ) : null}
              </Space>
            </Descriptions.Item>
            <Descriptions.Item label={t('basedata.comp.grid')}>
              {placeText(c.place)}
            </Descriptions.Item>
            <Descriptions.Item label={t('basedata.person.provenance')}>
              <VerificationLine record={c} canVerify={c.abilities.verify} verify={verify} testId="component-verification" />
            </Descriptions.Item>
            <Descriptions.Item label={t('basedata.comp.location')}>
              <span className="rg-mono">
                {c.location.lng.toFixed(6)}, {c.location.lat.toFixed(6)}
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t('basedata.comp.ownerDept')}>{orDash(c.ownerDept)}</Descriptions.Item>
            <Descriptions.Item label={t('basedata.comp.maintainerDept')}>{orDash(c.maintainerDept)}</Descriptions.Item>
            <Descriptions.Item label={t('basedata.comp.firstRecordedOn')}>{orDash(c.firstRecordedOn)}</Descriptions.Item>
            <Descriptions.Item label={t('basedata.comp.changedOn')}>{orDash(c.changedOn)}</Descriptions.Item>
            <Descriptions.Item label={t('basedata.comp.source')}>{orDash(c.source)}</Descriptions.Item>
          </Descriptions>
          <HistoryTimeline history={history.data} loading={history.isLoading} prefix="basedata.comp" />
        </Space>
      ) : null}
    </Drawer>
  );
}

/** 城市部件 (CJ/T 214-2007): components in scope by area, class and state; detail with state changes and history. */
export function ComponentsPage() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const describe = useDescribeError();
  const mobile = Grid.useBreakpoint().md === false;
  const me = useMe();
  const label = useClassLabel();
  const header = useSelectedArea();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [searchText, setSearchText] = useState(q);
  const [creating, setCreating] = useState(false);
  const stateParam = params.get('state');
  const filter: ComponentFilter = {
    areaId: positiveId(params.get('areaId')) ?? header.areaId,
    q: q || undefined,
    classCode: params.get('classCode') ?? undefined,
    subclassCode: params.get('subclassCode') ?? undefined,
    state: (COMPONENT_STATES as readonly string[]).includes(stateParam ?? '') ? (stateParam as ComponentState) : undefined,
  };
  const openId = positiveId(params.get('id'));
  const list = useComponents(filter);
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
  const cls = COMPONENT_CLASSES.find((c) => c.code === filter.classCode);

  const columns: TableColumnsType<ComponentView> = [
    { title: t('basedata.comp.identifier'), dataIndex: 'identifier', width: 170, render: (v: string, c) => <a onClick={() => open(c.id)} className="rg-mono">{v}</a> },
    { title: t('basedata.comp.name'), dataIndex: 'name', width: 140, ellipsis: true },
    { title: t('basedata.comp.classification'), key: 'class', ellipsis: true, render: (_, c) => label(c.classCode, c.subclassCode) },
    { title: t('basedata.comp.state'), dataIndex: 'state', width: 80, render: (v: ComponentState) => <StateTag state={v} /> },
    { title: t('basedata.comp.maintainerDept'), dataIndex: 'maintainerDept', width: 160, ellipsis: true, render: orDash },
    { title: t('basedata.comp.grid'), key: 'place', width: 200, ellipsis: true, render: (_, c) => placeText(c.place) },
  ];

  return (
    <div data-testid="components-page">
      <div className="rg-page-title">
        <Typography.Title level={3}>{t('basedata.comp.title')}</Typography.Title>
        <Space>
          {me.permissions.includes('basedata.manage') ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t('basedata.comp.add')}
            </Button>
          ) : null}
          <Button icon={<ReloadOutlined />} onClick={() => void list.refetch()} aria-label={t('common.refresh')} />
        </Space>
      </div>
      <div className="rg-toolbar">
        <Input.Search
          allowClear
          placeholder={t('basedata.comp.searchPlaceholder')}
          aria-label={t('basedata.comp.searchPlaceholder')}
          value={searchText}
          onChange={(e) => setSearchText(e.target.value)}
          onSearch={(value) => update({ q: value.trim() })}
          style={{ width: mobile ? '100%' : 240 }}
          maxLength={60}
        />
        <AreaTreeSelect value={filter.areaId} onChange={(id) => update({ areaId: id === undefined ? undefined : String(id) })} placeholder={t('basedata.people.area')} style={{ width: mobile ? '100%' : 200 }} />
        <div style={{ display: 'flex', gap: 8 }}>
          <Select
            allowClear
            aria-label={t('basedata.comp.cls')}
            placeholder={t('basedata.comp.cls')}
            value={filter.classCode}
            onChange={(v: string | undefined) => update({ classCode: v, subclassCode: undefined })}
            options={COMPONENT_CLASSES.map((c) => ({ value: c.code, label: `${c.code} ${c[language]}` }))}
            style={mobile ? { flex: 1, minWidth: 0 } : { width: 150 }}
          />
          <Select
            allowClear
            aria-label={t('basedata.comp.subclass')}
            placeholder={t('basedata.comp.subclass')}
            disabled={!cls}
            value={filter.subclassCode}
            onChange={(v: string | undefined) => update({ subclassCode: v })}
            options={(cls?.subclasses ?? []).map((s) => ({ value: s.code, label: `${s.code} ${s[language]}` }))}
            style={mobile ? { flex: 1, minWidth: 0 } : { width: 170 }}
          />
          <Select
            allowClear
            aria-label={t('basedata.comp.state')}
            placeholder={t('basedata.comp.state')}
            value={filter.state}
            onChange={(v: string | undefined) => update({ state: v })}
            options={COMPONENT_STATES.map((s) => ({ value: s, label: t(`basedata.comp.states.${s}`) }))}
            style={mobile ? { flex: 1, minWidth: 0 } : { width: 110 }}
          />
        </div>
      </div>
      {list.isError ? <Alert type="error" showIcon title={describe(list.error)} style={{ marginBottom: 16 }} /> : null}
      {mobile ? (
        <Spin spinning={list.isFetching && !list.isFetchingNextPage}>
          {list.isSuccess && items.length === 0 ? <Empty description={t('basedata.comp.empty')} /> : null}
          <Space orientation="vertical" size={8} style={{ width: '100%' }}>
            {items.map((c) => (
              <Card key={c.id} size="small" hoverable onClick={() => open(c.id)} title={c.name} extra={<StateTag state={c.state} />}>
                <div className="rg-mono" style={{ fontSize: 12 }}>
                  {c.identifier}
                </div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {label(c.classCode, c.subclassCode)} · {placeText(c.place)}
                </Typography.Text>
              </Card>
            ))}
          </Space>
        </Spin>
      ) : (
        <Table<ComponentView>
          rowKey="id"
          columns={columns}
          dataSource={items}
          loading={list.isFetching && !list.isFetchingNextPage}
          pagination={false}
          scroll={{ x: 960 }}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('basedata.comp.empty')} /> }}
        />
      )}
      {list.hasNextPage ? (
        <div style={{ textAlign: 'center', marginTop: 12 }}>
          <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
            {t('basedata.people.loadMore')}
          </Button>
        </div>
      ) : null}
      <ComponentDetailDrawer id={openId} onClose={() => open(undefined)} />
      <ComponentCreateDrawer open={creating} onClose={() => setCreating(false)} onCreated={(id) => open(id)} />
    </div>
  );
}
