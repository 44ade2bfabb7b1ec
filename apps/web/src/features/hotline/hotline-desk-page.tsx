import { ImportOutlined, PlusOutlined, SettingOutlined } from '@ant-design/icons';
import type { HotlineOrder, HotlineOrderInput } from '@redgrid/contracts';
import { Alert, App, Button, Checkbox, Drawer, Form, Input, InputNumber, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isApiError } from '../../shared/api/api-error';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { formatDateTime } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { AreaTreeSelect } from '../areas/area-tree-select';
import { useMe } from '../auth/auth.api';
import { StateTag } from '../cases/case-ui';
import { ExportButton } from '../exchange/export-button';
import { ImportWizard } from '../exchange/import-wizard';
import { useCategoryMap, useEnterHotlineOrder, useHotlineOrders, type DueFilter, type ReplyFilter, useItemOptions } from './hotline.api';

const DUE_COLORS = { none: 'default', ok: 'green', near: 'gold', overdue: 'red' } as const;

/** A datetime-local value read as Beijing time (the console's clock whatever the device's zone). */
export function beijingInstant(local: string): string {
  return new Date(`${local.length === 16 ? `${local}:00` : local}+08:00`).toISOString();
}

/** Now (or now plus hours) as a datetime-local value in Beijing time. */
function beijingLocal(plusHours = 0): string {
  return new Date(Date.now() + (8 + plusHours) * 3600_000).toISOString().slice(0, 16);
}

/** 12345's categories as typed ("城市管理 / 市容环境 / 占道经营") → levels. */
function levelsOf(text: string | undefined): string[] {
  return (text ?? '').split(/\s*[/／>＞]\s*/).map((s) => s.trim()).filter(Boolean);
}

interface FormValues {
  externalNo: string;
  receivedAt: string;
  categories?: string;
  itemCode?: string;
  content: string;
  callerName?: string;
  callerPhone?: string;
  address?: string;
  gridId?: number;
  lng?: number | null;
  lat?: number | null;
  urgency: 'normal' | 'urgent' | 'emergency';
  dueAt: string;
  confidential: boolean;
  replyRequired: boolean;
}

/** The entry form of one work order; the item comes from the district's category map when it knows the categories. */
function EntryForm({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const describe = useDescribeError();
  const [form] = Form.useForm<FormValues>();
  const enter = useEnterHotlineOrder();
  const catalogue = useItemOptions();
  const map = useCategoryMap();
  const [error, setError] = useState<string | null>(null);
  const categories = Form.useWatch('categories', form);
  const items = catalogue.options;
  const mapped = useMemo(() => {
    const parts = levelsOf(categories);
    for (let k = parts.length; k >= 1; k -= 1) {
      const hit = map.data?.items.find((m) => m.categoryPath === parts.slice(0, k).join('/'));
      if (hit) return hit;
    }
    return undefined;
  }, [categories, map.data]);

  const submit = async (v: FormValues) => {
    setError(null);
    const body: HotlineOrderInput = {
      externalNo: v.externalNo,
      receivedAt: beijingInstant(v.receivedAt),
      categories: levelsOf(v.categories),
      ...(v.itemCode ? { itemCode: v.itemCode } : {}),
      content: v.content,
      ...(v.callerName ? { callerName: v.callerName } : {}),
      ...(v.callerPhone ? { callerPhone: v.callerPhone } : {}),
      ...(v.address ? { address: v.address } : {}),
      ...(typeof v.lng === 'number' && typeof v.lat === 'number' ? { location: { lng: v.lng, lat: v.lat, crs: 'wgs84', source: 'map' } } : {}),
      ...(v.gridId !== undefined ? { gridId: v.gridId } : {}),
      urgency: v.urgency,
      dueAt: beijingInstant(v.dueAt),
      confidential: v.confidential,
      replyRequired: v.replyRequired,
    };
    try {
      const detail = await enter.mutateAsync(body);
      // The same number entered before comes back as it was filed then, not as typed now.
      const isNew = detail.description === body.content && Date.parse(detail.reportedAt) === Date.parse(body.receivedAt);
      void message.success(t(isNew ? 'hotline.form.created' : 'hotline.form.existed', { caseNo: detail.caseNo }));
      form.resetFields();
      onDone();
    } catch (err) {
      const fields = isApiError(err) ? ((err.details?.fields ?? {}) as Record<string, string[]>) : {};
      const named = Object.entries(fields).filter(([k]) => ['externalNo', 'receivedAt', 'itemCode', 'content', 'callerName', 'callerPhone', 'address', 'gridId', 'dueAt', 'urgency'].includes(k));
      if (named.length) form.setFields(named.map(([name, errors]) => ({ name: name as keyof FormValues, errors })));
      setError(describe(err));
    }
  };

  return (
    <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} initialValues={{ receivedAt: beijingLocal(), dueAt: beijingLocal(72), urgency: 'normal', confidential: false, replyRequired: true }} data-testid="hotline-entry-form">
      {error ? <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} /> : null}
      <Space wrap style={{ width: '100%' }} size={12}>
        <Form.Item name="externalNo" label={t('hotline.form.externalNo')} rules={[{ required: true }]}>
          <Input style={{ width: 220 }} maxLength={40} data-testid="hotline-external-no" />
        </Form.Item>
        <Form.Item name="receivedAt" label={t('hotline.form.receivedAt')} rules={[{ required: true }]}>
          <Input type="datetime-local" style={{ width: 220 }} />
        </Form.Item>
        <Form.Item name="dueAt" label={t('hotline.form.dueAt')} rules={[{ required: true }]}>
          <Input type="datetime-local" style={{ width: 220 }} data-testid="hotline-due-at" />
        </Form.Item>
      </Space>
      <Form.Item name="categories" label={t('hotline.form.categories')} extra={mapped ? t('hotline.form.mapped', { name: mapped.itemName ?? mapped.itemCode }) : t('hotline.form.categoriesHint')}>
        <Input placeholder="城市管理/市容环境/占道经营" data-testid="hotline-categories" />
      </Form.Item>
      <Form.Item name="itemCode" label={t('hotline.form.item')} extra={t('hotline.form.itemHint')} rules={[{ required: !mapped }]}>
        <Select showSearch allowClear options={items} optionFilterProp="label" loading={catalogue.loading} data-testid="hotline-item" />
      </Form.Item>
      <Form.Item name="content" label={t('hotline.form.content')} rules={[{ required: true }]}>
        <Input.TextArea rows={3} maxLength={4000} data-testid="hotline-content" />
      </Form.Item>
      <Space wrap size={12}>
        <Form.Item name="callerName" label={t('hotline.form.callerName')}>
          <Input style={{ width: 160 }} maxLength={50} />
        </Form.Item>
        <Form.Item name="callerPhone" label={t('hotline.form.callerPhone')}>
          <Input style={{ width: 180 }} maxLength={20} data-testid="hotline-caller-phone" />
        </Form.Item>
        <Form.Item name="urgency" label={t('hotline.form.urgency')}>
          <Select style={{ width: 120 }} options={(['normal', 'urgent', 'emergency'] as const).map((u) => ({ value: u, label: t(`cases.urgency.${u}`) }))} />
        </Form.Item>
      </Space>
      <Form.Item name="address" label={t('hotline.form.address')}>
        <Input maxLength={200} />
      </Form.Item>
      <Form.Item name="gridId" label={t('hotline.form.grid')} extra={t('hotline.form.gridHint')}>
        <AreaTreeSelect data-testid="hotline-grid" />
      </Form.Item>
      <Space wrap size={12}>
        <Form.Item name="lng" label={t('hotline.form.lng')}>
          <InputNumber style={{ width: 180 }} min={-180} max={180} step={0.000001} />
        </Form.Item>
        <Form.Item name="lat" label={t('hotline.form.lat')}>
          <InputNumber style={{ width: 180 }} min={-90} max={90} step={0.000001} />
        </Form.Item>
      </Space>
      <Form.Item name="confidential" valuePropName="checked" style={{ marginBottom: 4 }}>
        <Checkbox data-testid="hotline-confidential">{t('hotline.form.confidential')}</Checkbox>
      </Form.Item>
      <Form.Item name="replyRequired" valuePropName="checked">
        <Checkbox>{t('hotline.form.replyRequired')}</Checkbox>
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={enter.isPending} data-testid="hotline-submit">
        {t('hotline.form.submit')}
      </Button>
    </Form>
  );
}

/** 12345 工单 /cases/hotline: the desk's orders by deadline, entry, import and the replies' export. */
export function HotlineDeskPage() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const me = useMe();
  const describe = useDescribeError();
  const [due, setDue] = useState<DueFilter>('all');
  const [reply, setReply] = useState<ReplyFilter>('all');
  const [q, setQ] = useState('');
  const [offset, setOffset] = useState(0);
  const [entering, setEntering] = useState(false);
  const [importing, setImporting] = useState(false);
  const list = useHotlineOrders(due, reply, q, offset);
  const importArea = me.roles.find((r) => r.role === 'area_admin')?.areaId ?? me.roles[0]?.areaId;

  const columns = [
    { title: t('hotline.col.externalNo'), key: 'no', render: (o: HotlineOrder) => <Link to={`/cases/${o.caseId}`}>{o.externalNo}</Link> },
    {
      title: t('hotline.col.title'),
      key: 'title',
      render: (o: HotlineOrder) => (
        <Space orientation="vertical" size={0}>
          <span>{o.title}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {o.categoryPath ?? ''} → {o.itemName}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('hotline.col.state'), key: 'state', render: (o: HotlineOrder) => <StateTag state={o.state} /> },
    { title: t('hotline.col.grid'), key: 'grid', render: (o: HotlineOrder) => o.gridName ?? '—' },
    {
      title: t('hotline.col.caller'),
      key: 'caller',
      render: (o: HotlineOrder) => (
        <Space size={4} wrap>
          <span>{[o.caller.nameMasked, o.caller.phoneMasked].filter(Boolean).join(' ') || '—'}</span>
          {o.confidential ? <Tag color="purple">{t('hotline.confidential')}</Tag> : null}
        </Space>
      ),
    },
    {
      title: t('hotline.col.due'),
      key: 'due',
      render: (o: HotlineOrder) => (
        <Space size={4} wrap>
          <span>{formatDateTime(o.dueAt, language)}</span>
          {o.dueState === 'near' || o.dueState === 'overdue' ? <Tag color={DUE_COLORS[o.dueState]}>{t(`hotline.due.${o.dueState}`)}</Tag> : null}
        </Space>
      ),
    },
    {
      title: t('hotline.col.reply'),
      key: 'reply',
      render: (o: HotlineOrder) => (o.reply ? <Tag color="green">{t(`hotline.result.${o.reply.result}`)}</Tag> : o.replyRequired ? <Tag color="orange">{t('hotline.reply.pending')}</Tag> : <Typography.Text type="secondary">{t('hotline.reply.notRequired')}</Typography.Text>),
    },
  ];

  return (
    <div data-testid="hotline-desk">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('hotline.desk')}
        </Typography.Title>
        <Space wrap>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEntering(true)} data-testid="hotline-enter">
            {t('hotline.enter')}
          </Button>
          {importArea !== undefined ? (
            <Button icon={<ImportOutlined />} onClick={() => setImporting(true)}>
              {t('hotline.import')}
            </Button>
          ) : null}
          <ExportButton path="/api/cases/hotline/replies/export" />
          <Link to="/cases/hotline/categories">
            <Button icon={<SettingOutlined />}>{t('hotline.categories')}</Button>
          </Link>
        </Space>
      </Space>
      <Typography.Paragraph type="secondary">{t('hotline.intro')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        <Segmented value={due} onChange={(v) => { setDue(v as DueFilter); setOffset(0); }} options={(['all', 'near', 'overdue'] as const).map((k) => ({ value: k, label: t(`hotline.filter.${k}`) }))} />
        <Segmented value={reply} onChange={(v) => { setReply(v as ReplyFilter); setOffset(0); }} options={(['all', 'pending', 'replied'] as const).map((k) => ({ value: k, label: t(`hotline.filter.${k}`) }))} />
        <Input.Search allowClear placeholder={t('hotline.search')} onSearch={(v) => { setQ(v.trim()); setOffset(0); }} style={{ width: 260 }} />
      </Space>
      {list.error ? <Alert type="error" showIcon message={describe(list.error)} style={{ marginBottom: 12 }} /> : null}
      <Table<HotlineOrder>
        rowKey="caseId"
        size="small"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        columns={columns}
        pagination={false}
        locale={{ emptyText: t('hotline.empty') }}
        scroll={{ x: 900 }}
        data-testid="hotline-list"
      />
      <Space style={{ marginTop: 12 }}>
        <Button disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - 20))}>
          {t('cases.prev')}
        </Button>
        <Button disabled={list.data?.next == null} onClick={() => setOffset(list.data?.next ?? offset)}>
          {t('cases.more')}
        </Button>
      </Space>
      <Drawer open={entering} onClose={() => setEntering(false)} title={t('hotline.form.title')} size={720} destroyOnHidden>
        <EntryForm onDone={() => setEntering(false)} />
      </Drawer>
      <Drawer open={importing} onClose={() => setImporting(false)} title={t('hotline.import')} size={760} destroyOnHidden>
        {importArea !== undefined ? <ImportWizard kind="hotline_orders" areaId={importArea} onApplied={() => void list.refetch()} /> : null}
      </Drawer>
    </div>
  );
}
