import { DeleteOutlined, MinusCircleOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import {
  AFFAIR_URGENCIES,
  AFFAIR_URGENCY_LABELS,
  AREA_GRADES,
  AREA_GRADE_LABELS,
  CUSTOM_FIELD_TYPES,
  CUSTOM_FIELD_TYPE_LABELS,
  DEPARTMENT_KINDS,
  DEPARTMENT_KIND_LABELS,
  HANDLING_LEVELS,
  HANDLING_LEVEL_LABELS,
  TIME_LIMIT_UNITS,
  TIME_LIMIT_UNIT_LABELS,
  type AffairCatalogue,
  type AffairCategory,
  type AffairItem,
  type AffairItemInput,
  type AreaGrade,
  type GradeLimits,
} from '@redgrid/contracts';
import { Alert, App, Button, Card, Col, Divider, Drawer, Empty, Form, Grid, Input, InputNumber, Popconfirm, Row, Select, Space, Switch, Tag, Tree, Typography, type TreeDataNode } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { useSubmitError } from '../../shared/forms/use-submit-error';
import { ExportButton } from '../exchange/export-button';
import { ImportWizard } from '../exchange/import-wizard';
import { useCatalogue, useDeleteCategory, useSaveCategory, useSaveItem } from './affairs.api';

type Lang = 'zh-CN' | 'en-US';
type Selection = { kind: 'item'; id: number } | { kind: 'category'; id: number } | { kind: 'newItem' } | { kind: 'newCategory' } | null;

/** The form's values: grade limits as an on/off switch per grade beside its four numbers. */
type ItemForm = Omit<AffairItemInput, 'gradeLimits'> & { grades: Partial<Record<AreaGrade, { on: boolean } & Partial<GradeLimits>>> };

const ITEM_FIELDS = ['code', 'name', 'categoryId', 'handlingLevel', 'departmentKind', 'filingConditions', 'closingConditions', 'acceptYellow', 'acceptRed', 'acceptUnit', 'handleYellow', 'handleRed', 'handleUnit', 'gradeLimits', 'customFields', 'residentReportable', 'maySkipLevel', 'copyTo', 'urgencyDefault', 'cjtCode', 'active'];

function toForm(item: AffairItem): ItemForm {
  const { id: _id, areaId: _areaId, categoryCode: _categoryCode, updatedAt: _updatedAt, version: _version, gradeLimits, ...rest } = item;
  return { ...rest, grades: Object.fromEntries(AREA_GRADES.map((g) => [g, gradeLimits[g] ? { on: true, ...gradeLimits[g] } : { on: false }])) };
}

function fromForm(v: ItemForm): AffairItemInput {
  const { grades, ...rest } = v;
  const gradeLimits: Partial<Record<AreaGrade, GradeLimits>> = {};
  for (const g of AREA_GRADES) {
    const x = grades?.[g];
    if (x?.on) gradeLimits[g] = { acceptYellow: x.acceptYellow ?? 0, acceptRed: x.acceptRed ?? 0, handleYellow: x.handleYellow ?? 0, handleRed: x.handleRed ?? 0 };
  }
  return { ...rest, departmentKind: rest.departmentKind ?? null, cjtCode: rest.cjtCode ? rest.cjtCode : null, gradeLimits, customFields: (rest.customFields ?? []).map((f) => ({ ...f, options: f.options ?? [], required: f.required ?? false })) };
}

function LimitRow({ prefix, label, disabled, lang }: { prefix: 'accept' | 'handle'; label: string; disabled: boolean; lang: Lang }) {
  const { t } = useTranslation();
  const mobile = Grid.useBreakpoint().sm === false;
  return (
    <Row gutter={8} align="bottom">
      <Col xs={24} sm={4}>
        <Typography.Text strong style={{ display: 'inline-block', paddingBottom: mobile ? 4 : 30 }}>
          {label}
        </Typography.Text>
      </Col>
      <Col xs={8} sm={6}>
        <Form.Item name={`${prefix}Yellow`} label={t('affairs.field.yellow')} rules={[{ required: true }]}>
          <InputNumber min={1} max={2000} disabled={disabled} style={{ width: '100%' }} />
        </Form.Item>
      </Col>
      <Col xs={8} sm={6}>
        <Form.Item name={`${prefix}Red`} label={t('affairs.field.red')} rules={[{ required: true }]}>
          <InputNumber min={1} max={2000} disabled={disabled} style={{ width: '100%' }} />
        </Form.Item>
      </Col>
      <Col xs={8} sm={8}>
        <Form.Item name={`${prefix}Unit`} label={t('affairs.field.unit')}>
          <Select disabled={disabled} options={TIME_LIMIT_UNITS.map((u) => ({ value: u, label: TIME_LIMIT_UNIT_LABELS[u][lang] }))} />
        </Form.Item>
      </Col>
    </Row>
  );
}

function ItemEditor({ catalogue, item, lang, onSaved }: { catalogue: AffairCatalogue; item: AffairItem | null; lang: Lang; onSaved: (item: AffairItem) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<ItemForm>();
  const save = useSaveItem();
  const readOnly = !catalogue.canManage;
  const onError = useSubmitError(form, ITEM_FIELDS);
  const maySkip = Form.useWatch('maySkipLevel', form);
  useEffect(() => {
    form.resetFields();
    if (item) form.setFieldsValue(toForm(item));
    else
      form.setFieldsValue({
        handlingLevel: 'grid',
        departmentKind: null,
        acceptYellow: 1,
        acceptRed: 2,
        acceptUnit: 'work_hours',
        handleYellow: 1,
        handleRed: 2,
        handleUnit: 'work_days',
        residentReportable: false,
        maySkipLevel: false,
        copyTo: { levels: [], departmentKinds: [] },
        urgencyDefault: 'normal',
        active: true,
        customFields: [],
        grades: { A: { on: false }, B: { on: false }, C: { on: false } },
      });
  }, [item, form]);
  const submit = (v: ItemForm) => {
    const body = fromForm(v);
    const done = {
      onSuccess: (saved: AffairItem) => {
        void message.success(t('affairs.saved'));
        onSaved(saved);
      },
      onError: (err: unknown) => onError(err),
    };
    if (item) save.mutate({ id: item.id, body: { ...body, version: item.version } }, done);
    else save.mutate({ id: null, body }, done);
  };
  const categories = catalogue.categories.map((c) => ({ value: c.id, label: `${c.code} ${c.name}` }));
  return (
    <Form form={form} layout="vertical" onFinish={submit} disabled={readOnly} data-testid="affair-item-form">
      <Typography.Title level={5}>{t('affairs.section.basic')}</Typography.Title>
      <Row gutter={8}>
        <Col xs={24} sm={8}>
          <Form.Item name="code" label={t('affairs.field.code')} rules={[{ required: true, pattern: /^[0-9A-Za-z][0-9A-Za-z-]{0,19}$/ }]}>
            <Input maxLength={20} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={16}>
          <Form.Item name="name" label={t('affairs.field.name')} rules={[{ required: true, max: 60 }]}>
            <Input maxLength={60} />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={8}>
        <Col xs={24} sm={8}>
          <Form.Item name="categoryId" label={t('affairs.field.category')} rules={[{ required: true }]}>
            <Select showSearch optionFilterProp="label" options={categories} />
          </Form.Item>
        </Col>
        <Col xs={12} sm={8}>
          <Form.Item name="handlingLevel" label={t('affairs.field.handlingLevel')}>
            <Select options={HANDLING_LEVELS.map((l) => ({ value: l, label: HANDLING_LEVEL_LABELS[l][lang] }))} />
          </Form.Item>
        </Col>
        <Col xs={12} sm={8}>
          <Form.Item name="departmentKind" label={t('affairs.field.departmentKind')}>
            <Select allowClear options={DEPARTMENT_KINDS.map((k) => ({ value: k, label: DEPARTMENT_KIND_LABELS[k][lang] }))} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="filingConditions" label={t('affairs.field.filingConditions')}>
        <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} maxLength={1000} />
      </Form.Item>
      <Form.Item name="closingConditions" label={t('affairs.field.closingConditions')}>
        <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} maxLength={1000} />
      </Form.Item>

      <Typography.Title level={5}>{t('affairs.section.limits')}</Typography.Title>
      <LimitRow prefix="accept" label={t('affairs.field.accept')} disabled={readOnly} lang={lang} />
      <LimitRow prefix="handle" label={t('affairs.field.handle')} disabled={readOnly} lang={lang} />
      <Typography.Text type="secondary">{t('affairs.field.gradeHint')}</Typography.Text>
      {AREA_GRADES.map((g) => (
        <Row gutter={8} key={g} align="bottom">
          <Col xs={24} sm={6}>
            <Form.Item name={['grades', g, 'on']} label={AREA_GRADE_LABELS[g][lang]} valuePropName="checked">
              <Switch size="small" />
            </Form.Item>
          </Col>
          <Form.Item noStyle shouldUpdate={(a: ItemForm, b: ItemForm) => a.grades?.[g]?.on !== b.grades?.[g]?.on}>
            {() =>
              form.getFieldValue(['grades', g, 'on'])
                ? (['acceptYellow', 'acceptRed', 'handleYellow', 'handleRed'] as const).map((k) => (
                    <Col xs={6} sm={4} key={k}>
                      <Form.Item name={['grades', g, k]} label={`${t(k.startsWith('accept') ? 'affairs.field.accept' : 'affairs.field.handle')} ${t(k.endsWith('Yellow') ? 'affairs.field.yellow' : 'affairs.field.red')}`} rules={[{ required: true }]}>
                        <InputNumber min={1} max={2000} style={{ width: '100%' }} />
                      </Form.Item>
                    </Col>
                  ))
                : null
            }
          </Form.Item>
        </Row>
      ))}

      <Typography.Title level={5}>{t('affairs.section.fields')}</Typography.Title>
      <Form.List name="customFields">
        {(fields, { add, remove }) => (
          <>
            {fields.map((f) => (
              <Card size="small" key={f.key} style={{ marginBottom: 8 }}>
                <Row gutter={8} align="bottom">
                  <Col xs={12} sm={5}>
                    <Form.Item name={[f.name, 'key']} label={t('affairs.field.key')} rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{0,29}$/ }]}>
                      <Input />
                    </Form.Item>
                  </Col>
                  <Col xs={12} sm={6}>
                    <Form.Item name={[f.name, 'label']} label={t('affairs.field.label')} rules={[{ required: true, max: 30 }]}>
                      <Input />
                    </Form.Item>
                  </Col>
                  <Col xs={12} sm={5}>
                    <Form.Item name={[f.name, 'type']} label={t('affairs.field.type')} initialValue="text">
                      <Select options={CUSTOM_FIELD_TYPES.map((x) => ({ value: x, label: CUSTOM_FIELD_TYPE_LABELS[x][lang] }))} />
                    </Form.Item>
                  </Col>
                  <Col xs={8} sm={3}>
                    <Form.Item name={[f.name, 'required']} label={t('affairs.field.required')} valuePropName="checked" initialValue={false}>
                      <Switch size="small" />
                    </Form.Item>
                  </Col>
                  <Col xs={4} sm={2}>
                    <Form.Item label=" ">
                      <Button type="text" danger icon={<MinusCircleOutlined />} onClick={() => remove(f.name)} aria-label="remove" />
                    </Form.Item>
                  </Col>
                </Row>
                <Form.Item noStyle shouldUpdate>
                  {() =>
                    form.getFieldValue(['customFields', f.name, 'type']) === 'select' ? (
                      <Form.Item name={[f.name, 'options']} label={t('affairs.field.options')}>
                        <Select mode="tags" tokenSeparators={[',', '，', '、']} />
                      </Form.Item>
                    ) : null
                  }
                </Form.Item>
              </Card>
            ))}
            {readOnly ? null : (
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ type: 'text', required: false, options: [] })} block>
                {t('affairs.field.addField')}
              </Button>
            )}
          </>
        )}
      </Form.List>

      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('affairs.section.flags')}
      </Typography.Title>
      <Space size="large" wrap>
        <Form.Item name="residentReportable" label={t('affairs.field.residentReportable')} valuePropName="checked">
          <Switch />
        </Form.Item>
        <Form.Item name="maySkipLevel" label={t('affairs.field.maySkipLevel')} valuePropName="checked">
          <Switch />
        </Form.Item>
        <Form.Item name="active" label={t('affairs.field.active')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Space>
      {maySkip ? (
        <Row gutter={8}>
          <Col xs={24} sm={12}>
            <Form.Item name={['copyTo', 'levels']} label={t('affairs.field.copyLevels')}>
              <Select mode="multiple" options={HANDLING_LEVELS.map((l) => ({ value: l, label: HANDLING_LEVEL_LABELS[l][lang] }))} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name={['copyTo', 'departmentKinds']} label={t('affairs.field.copyDepartments')}>
              <Select mode="multiple" options={DEPARTMENT_KINDS.map((k) => ({ value: k, label: DEPARTMENT_KIND_LABELS[k][lang] }))} />
            </Form.Item>
          </Col>
        </Row>
      ) : null}
      <Row gutter={8}>
        <Col xs={12} sm={8}>
          <Form.Item name="urgencyDefault" label={t('affairs.field.urgencyDefault')}>
            <Select options={AFFAIR_URGENCIES.map((u) => ({ value: u, label: AFFAIR_URGENCY_LABELS[u][lang] }))} />
          </Form.Item>
        </Col>
        <Col xs={12} sm={8}>
          <Form.Item name="cjtCode" label={t('affairs.field.cjtCode')} rules={[{ pattern: /^\d{2}(\d{2})?$/ }]}>
            <Input maxLength={4} />
          </Form.Item>
        </Col>
      </Row>
      {readOnly ? null : (
        <Space>
          <Button type="primary" htmlType="submit" loading={save.isPending} disabled={false} data-testid="affair-save">
            {t('common.save')}
          </Button>
          {item ? <Typography.Text type="secondary">{t('affairs.field.version', { version: item.version })}</Typography.Text> : null}
        </Space>
      )}
    </Form>
  );
}

function CategoryEditor({ catalogue, category, onDone }: { catalogue: AffairCatalogue; category: AffairCategory | null; onDone: (id: number | null) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ code: string; name: string; sort: number; active: boolean }>();
  const save = useSaveCategory();
  const remove = useDeleteCategory();
  const describe = useDescribeError();
  const onError = useSubmitError(form, ['code', 'name', 'sort', 'active']);
  const readOnly = !catalogue.canManage;
  useEffect(() => {
    form.resetFields();
    form.setFieldsValue(category ? { code: category.code, name: category.name, sort: category.sort, active: category.active } : { code: '', name: '', sort: 0, active: true });
  }, [category, form]);
  const submit = (v: { code: string; name: string; sort: number; active: boolean }) => {
    const ok = { onSuccess: () => void message.success(t('affairs.saved')), onError };
    if (category) save.mutate({ create: false, id: category.id, body: { name: v.name, sort: v.sort, active: v.active } }, { ...ok, onSuccess: () => { ok.onSuccess(); onDone(category.id); } });
    else if (catalogue.owner) save.mutate({ create: true, areaId: catalogue.owner.id, body: { code: v.code, name: v.name, sort: v.sort } }, { ...ok, onSuccess: (c) => { ok.onSuccess(); onDone(c.categories.find((x) => x.code === v.code)?.id ?? null); } });
  };
  return (
    <Form form={form} layout="vertical" onFinish={submit} disabled={readOnly}>
      <Form.Item name="code" label={t('affairs.category.code')} extra={category ? undefined : t('affairs.category.codeHint')} rules={[{ required: true, pattern: /^(\d{2}){1,3}$/, message: t('affairs.category.codeHint') }]}>
        <Input disabled={category !== null || readOnly} maxLength={6} />
      </Form.Item>
      <Form.Item name="name" label={t('affairs.category.name')} rules={[{ required: true, max: 40 }]}>
        <Input maxLength={40} />
      </Form.Item>
      <Space size="large" wrap>
        <Form.Item name="sort" label={t('affairs.category.sort')}>
          <InputNumber min={0} max={9999} />
        </Form.Item>
        {category ? (
          <Form.Item name="active" label={t('affairs.category.active')} valuePropName="checked">
            <Switch />
          </Form.Item>
        ) : null}
      </Space>
      {readOnly ? null : (
        <Space wrap>
          <Button type="primary" htmlType="submit" loading={save.isPending}>
            {t('common.save')}
          </Button>
          {category ? (
            <Popconfirm
              title={t('affairs.category.deleteConfirm', { name: category.name })}
              description={t('affairs.category.hasItems')}
              onConfirm={() =>
                remove.mutate(category.id, {
                  onSuccess: () => {
                    void message.success(t('affairs.deleted'));
                    onDone(null);
                  },
                  onError: (e) => void message.error(describe(e)),
                })
              }
            >
              <Button danger icon={<DeleteOutlined />}>
                {t('affairs.category.delete')}
              </Button>
            </Popconfirm>
          ) : null}
        </Space>
      )}
    </Form>
  );
}

/** The tree: categories by code, their items as leaves; a search keeps the branches that match. */
function treeOf(catalogue: AffairCatalogue, q: string, inactive: string): TreeDataNode[] {
  const match = (i: AffairItem) => q === '' || i.name.includes(q) || i.code.includes(q);
  const label = (text: string, active: boolean) => (active ? text : <span style={{ color: '#999' }}>{text} <Tag>{inactive}</Tag></span>);
  const build = (parentId: number | null): TreeDataNode[] =>
    catalogue.categories
      .filter((c) => c.parentId === parentId)
      .sort((a, b) => a.sort - b.sort || a.code.localeCompare(b.code))
      .flatMap((c) => {
        const children = [
          ...build(c.id),
          ...catalogue.items.filter((i) => i.categoryId === c.id && match(i)).map((i) => ({ key: `i:${i.id}`, title: label(`${i.code} ${i.name}`, i.active), isLeaf: true })),
        ];
        if (q !== '' && children.length === 0) return [];
        return [{ key: `c:${c.id}`, title: label(`${c.code} ${c.name}`, c.active), children }];
      });
  return build(null);
}

/** 网事清单: the district's catalogue of grid affairs — tree on the left, the item or category on the right. */
export function AffairsCataloguePage() {
  const { t, i18n } = useTranslation();
  const lang: Lang = i18n.language === 'en-US' ? 'en-US' : 'zh-CN';
  const describe = useDescribeError();
  const mobile = Grid.useBreakpoint().md === false;
  const [areaId, setAreaId] = useState<number | undefined>(undefined);
  const catalogue = useCatalogue(areaId);
  const [selection, setSelection] = useState<Selection>(null);
  const [q, setQ] = useState('');
  const [importing, setImporting] = useState(false);
  const data = catalogue.data;
  const tree = useMemo(() => (data ? treeOf(data, q.trim(), t('affairs.inactive')) : []), [data, q, t]);
  const expanded = useMemo(() => (data ? data.categories.filter((c) => c.parentId === null || q.trim() !== '').map((c) => `c:${c.id}`) : []), [data, q]);
  const item = selection?.kind === 'item' ? (data?.items.find((i) => i.id === selection.id) ?? null) : null;
  const category = selection?.kind === 'category' ? (data?.categories.find((c) => c.id === selection.id) ?? null) : null;

  const editor = !data ? null : selection?.kind === 'item' && item ? (
    <ItemEditor key={`i${item.id}-${item.version}`} catalogue={data} item={item} lang={lang} onSaved={(saved) => setSelection({ kind: 'item', id: saved.id })} />
  ) : selection?.kind === 'newItem' ? (
    <ItemEditor key="new" catalogue={data} item={null} lang={lang} onSaved={(saved) => setSelection({ kind: 'item', id: saved.id })} />
  ) : selection?.kind === 'category' && category ? (
    <CategoryEditor key={`c${category.id}`} catalogue={data} category={category} onDone={(id) => setSelection(id ? { kind: 'category', id } : null)} />
  ) : selection?.kind === 'newCategory' ? (
    <CategoryEditor key="newc" catalogue={data} category={null} onDone={(id) => setSelection(id ? { kind: 'category', id } : null)} />
  ) : null;
  const editorTitle = item ? `${item.code} ${item.name}` : category ? `${category.code} ${category.name}` : selection?.kind === 'newItem' ? t('affairs.newItem') : selection?.kind === 'newCategory' ? t('affairs.newCategory') : '';

  return (
    <div data-testid="affairs-page">
      <div className="rg-page-title">
        <Typography.Title level={3}>{t('affairs.title')}</Typography.Title>
        <Space wrap>
          {data && data.owners.length > 1 ? (
            <Select style={{ minWidth: 160 }} value={data.owner?.id} onChange={(v: number) => { setAreaId(v); setSelection(null); }} options={data.owners.map((o) => ({ value: o.id, label: o.name }))} aria-label={t('affairs.district')} />
          ) : null}
          {data?.canManage ? (
            <>
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setSelection({ kind: 'newItem' })}>
                {t('affairs.newItem')}
              </Button>
              <Button icon={<PlusOutlined />} onClick={() => setSelection({ kind: 'newCategory' })}>
                {t('affairs.newCategory')}
              </Button>
              <Button icon={<UploadOutlined />} onClick={() => setImporting(true)}>
                {t('affairs.import')}
              </Button>
              {data.owner ? <ExportButton path="/api/affairs/export" query={{ areaId: data.owner.id }} /> : null}
            </>
          ) : null}
        </Space>
      </div>
      <Typography.Paragraph type="secondary">
        {t('affairs.intro')}
        {data?.owner ? ` ${data.owner.name} · ${t('affairs.items', { count: data.items.length })}` : ''}
      </Typography.Paragraph>
      {catalogue.isError ? <Alert type="error" showIcon title={describe(catalogue.error)} /> : null}
      {data && !data.canManage ? <Alert type="info" showIcon title={t('affairs.readOnly')} style={{ marginBottom: 12 }} /> : null}
      {data && data.categories.length === 0 ? <Empty description={t('affairs.empty')} /> : null}
      {data && data.categories.length > 0 ? (
        <Row gutter={16}>
          <Col xs={24} md={9} lg={8}>
            <Card size="small" loading={catalogue.isLoading}>
              <Input.Search allowClear placeholder={t('affairs.search')} onChange={(e) => setQ(e.target.value)} style={{ marginBottom: 8 }} />
              <div style={{ maxHeight: mobile ? undefined : 'calc(100vh - 260px)', overflow: 'auto' }}>
                <Tree
                  key={`${data.owner?.id ?? 0}-${q}`}
                  treeData={tree}
                  defaultExpandedKeys={expanded}
                  selectedKeys={selection && (selection.kind === 'item' || selection.kind === 'category') ? [`${selection.kind === 'item' ? 'i' : 'c'}:${selection.id}`] : []}
                  onSelect={(keys) => {
                    const key = String(keys[0] ?? '');
                    const [kind, id] = key.split(':');
                    if (kind && id) setSelection({ kind: kind === 'i' ? 'item' : 'category', id: Number(id) });
                  }}
                  blockNode
                />
              </div>
            </Card>
          </Col>
          {mobile ? null : (
            <Col md={15} lg={16}>
              <Card size="small" title={editorTitle || undefined}>
                {editor ?? <Empty description={t('affairs.pick')} />}
              </Card>
            </Col>
          )}
        </Row>
      ) : null}
      {data && data.categories.length === 0 && data.canManage ? (
        <Card size="small" style={{ marginTop: 12 }}>
          <Divider plain>{t('affairs.newCategory')}</Divider>
          <CategoryEditor catalogue={data} category={null} onDone={(id) => setSelection(id ? { kind: 'category', id } : null)} />
        </Card>
      ) : null}
      <Drawer open={mobile && editor !== null} onClose={() => setSelection(null)} title={editorTitle} size="100%" destroyOnHidden>
        {mobile ? editor : null}
      </Drawer>
      <Drawer open={importing} onClose={() => setImporting(false)} title={t('affairs.import')} size={mobile ? '100%' : 760} destroyOnHidden>
        {data?.owner ? <ImportWizard kind="affairs" areaId={data.owner.id} onApplied={() => void catalogue.refetch()} /> : null}
      </Drawer>
    </div>
  );
}
