import { AimOutlined, ArrowLeftOutlined } from '@ant-design/icons';
import { HANDLING_LEVEL_LABELS, type AffairCatalogue, type AffairItem, type CaseDuplicateList } from '@redgrid/contracts';
import { Alert, App, Button, Card, Cascader, Checkbox, Form, Input, InputNumber, List, Radio, Select, Skeleton, Space, Switch, Typography, type CascaderProps } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { useSubmitError } from '../../shared/forms/use-submit-error';
import { useLanguage } from '../../shared/i18n/use-language';
import { useMe } from '../auth/auth.api';
import { clearCaseDraft, emptyCaseDraft, hasContent, loadCaseDraft, saveCaseDraft, toReportInput, type CaseDraft } from './case-draft';
import { uploadCasePhoto, useDuplicatesNear, useFollowCase, useReportCase, useReportCatalogue } from './cases.api';
import { StateTag } from './case-ui';
import { PhotoPicker, type PickedPhoto } from './photo-picker';
import { currentDevicePosition, type DeviceProblem } from '../../shared/device/device-position';

const storage = (): Storage | undefined => {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
};

interface Option {
  value: string;
  label: string;
  children?: Option[];
}

/** Category → (sub-category →) item, active ones only, empty branches dropped. */
function catalogueOptions(catalogue: AffairCatalogue): Option[] {
  const cats = catalogue.categories.filter((c) => c.active);
  const items = catalogue.items.filter((i) => i.active);
  const build = (parentId: number | null): Option[] =>
    cats
      .filter((c) => c.parentId === parentId)
      .sort((a, b) => a.sort - b.sort || a.code.localeCompare(b.code))
      .map((c) => ({
        value: `c${c.id}`,
        label: c.name,
        children: [...build(c.id), ...items.filter((i) => i.categoryId === c.id).map((i) => ({ value: i.code, label: `${i.name}（${i.code}）` }))],
      }))
      .filter((c) => c.children.length > 0);
  return build(null);
}

function pathTo(options: Option[], code: string): string[] | undefined {
  for (const o of options) {
    if (o.value === code && !o.children) return [o.value];
    const below = o.children ? pathTo(o.children, code) : undefined;
    if (below) return [o.value, ...below];
  }
  return undefined;
}

/**
 * 附近已有相同事件: open cases of the picked item near the located point. The worker may open one, or follow
 * it and leave without filing (the draft goes: the problem is already someone's work).
 */
function DuplicateHint({ found, onFollow, following }: { found: CaseDuplicateList; onFollow: (id: number, caseNo: string) => void; following: boolean }) {
  const { t } = useTranslation();
  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 12 }}
      data-testid="case-duplicates-hint"
      message={t('cases.form.duplicates')}
      description={
        <div>
          <Typography.Paragraph style={{ marginBottom: 4 }}>{t('cases.form.duplicatesHint', { radius: found.radiusM, count: found.items.length })}</Typography.Paragraph>
          <List
            size="small"
            dataSource={found.items}
            renderItem={(c) => (
              <List.Item
                actions={[
                  <Link key="open" to={`/cases/${c.id}`}>
                    {t('cases.form.open')}
                  </Link>,
                  c.following ? (
                    <Typography.Text key="f" type="secondary">
                      {t('cases.form.followed')}
                    </Typography.Text>
                  ) : (
                    <Button key="f" size="small" loading={following} onClick={() => onFollow(c.id, c.caseNo)}>
                      {t('cases.form.follow')}
                    </Button>
                  ),
                ]}
              >
                <List.Item.Meta
                  title={c.title}
                  description={
                    <Space size={4} wrap>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {c.caseNo}
                      </Typography.Text>
                      <StateTag state={c.state} />
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {t('cases.detail.distance', { m: Math.round(c.distanceM) })}
                      </Typography.Text>
                    </Space>
                  }
                />
              </List.Item>
            )}
          />
        </div>
      }
    />
  );
}

const URGENCY_OF_ITEM = { normal: 'normal', urgent: 'urgent', critical: 'emergency' } as const;

/**
 * 上报事件 /cases/new, made for a phone on the spot: the item from the catalogue, what and where
 * (GPS, or the reporter's own grid), photos, urgency and the item's own fields. The draft lives in
 * localStorage until the server has the case, with one client key, so a retry is the same case.
 */
export function CaseReportPage() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const { message } = App.useApp();
  const describe = useDescribeError();
  const navigate = useNavigate();
  const catalogue = useReportCatalogue();
  const report = useReportCase();
  const follow = useFollowCase();
  const me = useMe();
  const [form] = Form.useForm<Omit<CaseDraft, 'clientKey' | 'location' | 'itemCode'> & { itemPath?: string[] }>();
  const [restored] = useState(() => loadCaseDraft(storage()));
  const [draft, setDraft] = useState<CaseDraft>(() => restored ?? emptyCaseDraft());
  const [photos, setPhotos] = useState<PickedPhoto[]>([]);
  const [locating, setLocating] = useState(false);
  const [locationError, setLocationError] = useState<string | null>(null);
  const [useGrid, setUseGrid] = useState(false);
  const [sending, setSending] = useState(false);
  const onError = useSubmitError(form, ['title', 'description', 'address', 'urgency', 'customFields']);

  useEffect(() => {
    if (restored && hasContent(restored)) void message.info(t('cases.form.draftRestored'));
  }, [restored, message, t]);

  const options = useMemo(() => (catalogue.data ? catalogueOptions(catalogue.data) : []), [catalogue.data]);
  const item: AffairItem | undefined = catalogue.data?.items.find((i) => i.code === draft.itemCode && i.active);
  const duplicates = useDuplicatesNear(draft.itemCode, draft.location, me.permissions.includes('case.read'));
  const [initialValues] = useState(() => ({ title: draft.title, description: draft.description, address: draft.address, urgency: draft.urgency, customFields: draft.customFields }));

  // The item's place in the tree is known once the catalogue is in (a restored draft names only the code).
  useEffect(() => {
    if (draft.itemCode && options.length > 0) form.setFieldValue('itemPath', pathTo(options, draft.itemCode));
    // Only when the catalogue arrives: later picks flow from the form into the draft.
  }, [options]);

  const update = (next: CaseDraft) => {
    setDraft(next);
    saveCaseDraft(storage(), next);
  };

  const onValuesChange = (changed: { itemPath?: string[] }, all: { title?: string; description?: string; address?: string; urgency?: CaseDraft['urgency']; customFields?: CaseDraft['customFields']; itemPath?: string[] }) => {
    let itemCode = draft.itemCode;
    let urgency = all.urgency ?? draft.urgency;
    if ('itemPath' in changed) {
      itemCode = changed.itemPath?.at(-1) ?? null;
      const picked = catalogue.data?.items.find((i) => i.code === itemCode);
      if (picked) {
        urgency = URGENCY_OF_ITEM[picked.urgencyDefault];
        form.setFieldValue('urgency', urgency);
      }
    }
    update({ ...draft, itemCode, title: all.title ?? '', description: all.description ?? '', address: all.address ?? '', urgency, customFields: { ...draft.customFields, ...(all.customFields ?? {}) } });
  };

  const locate = () => {
    setLocating(true);
    setLocationError(null);
    currentDevicePosition().then(
      ({ center: [lng, lat], accuracy }) => {
        setLocating(false);
        setUseGrid(false);
        // The browser answers WGS84; the server converts and finds the grid the point lies in.
        update({ ...draft, location: { lng, lat, accuracy: Math.round(accuracy) } });
      },
      (problem: DeviceProblem) => {
        setLocating(false);
        setLocationError(t(`device.${problem}`));
      },
    );
  };

  const submit = async () => {
    await form.validateFields();
    setSending(true);
    try {
      const detail = await report.mutateAsync(toReportInput(draft, item?.customFields ?? []));
      // The case is in: the draft goes, whatever happens to the photos.
      clearCaseDraft(storage());
      for (const p of photos) {
        try {
          await uploadCasePhoto(detail.id, p.file, p.file.name, p.clientKey);
        } catch (err) {
          void message.error(t('cases.form.photoFailed', { name: p.file.name, reason: describe(err) }));
        }
      }
      void message.success(t('cases.form.sent', { caseNo: detail.caseNo }));
      void navigate(`/cases/${detail.id}`, { replace: true, state: { offerSelfClose: item?.handlingLevel === 'grid' && detail.allowedActions.includes('self_close') } });
    } catch (err) {
      // The draft stays, with the same key: sending again cannot make a second case.
      onError(err);
    } finally {
      setSending(false);
    }
  };

  const followInstead = (id: number, caseNo: string) =>
    follow.mutate(
      { id, on: true },
      {
        onSuccess: () => {
          clearCaseDraft(storage());
          void message.success(t('cases.form.followedDone', { caseNo }));
          void navigate(`/cases/${id}`, { replace: true });
        },
        onError: (err) => void message.error(describe(err)),
      },
    );

  const discard = () => {
    clearCaseDraft(storage());
    const fresh = emptyCaseDraft();
    setDraft(fresh);
    setPhotos([]);
    setUseGrid(false);
    form.resetFields();
    form.setFieldsValue({ title: '', description: '', address: '', urgency: 'normal', customFields: {}, itemPath: undefined });
  };

  if (catalogue.isLoading) return <Skeleton active />;
  const filter: CascaderProps<Option>['showSearch'] = { filter: (input, path) => path.some((o) => o.label.toLowerCase().includes(input.toLowerCase())) };

  return (
    <div data-testid="case-report" style={{ maxWidth: 640 }}>
      <div className="rg-page-title">
        <Space>
          <Link to="/cases" aria-label={t('common.back')}>
            <ArrowLeftOutlined />
          </Link>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('cases.form.title')}
          </Typography.Title>
        </Space>
      </div>
      <Typography.Paragraph type="secondary">{t('cases.form.intro')}</Typography.Paragraph>
      {catalogue.error ? <Alert type="error" showIcon message={describe(catalogue.error)} style={{ marginBottom: 12 }} /> : null}
      {catalogue.data && options.length === 0 ? <Alert type="warning" showIcon message={t('cases.form.noCatalogue')} style={{ marginBottom: 12 }} /> : null}
      <Form form={form} layout="vertical" initialValues={initialValues} onValuesChange={onValuesChange} onFinish={() => void submit()} disabled={sending}>
        <Card size="small" style={{ marginBottom: 12 }}>
          <Form.Item
            name="itemPath"
            label={t('cases.form.item')}
            rules={[{ required: true, message: t('cases.action.required') }]}
            extra={item ? t('cases.form.itemHint', { level: HANDLING_LEVEL_LABELS[item.handlingLevel][language] }) : undefined}
          >
            <Cascader<Option> options={options} showSearch={filter} placeholder={t('cases.form.itemPlaceholder')} expandTrigger="click" data-testid="case-item" />
          </Form.Item>
          <Form.Item name="title" label={t('cases.form.caseTitle')} rules={[{ required: true, whitespace: true, message: t('cases.action.required') }, { max: 100 }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="description" label={t('cases.form.description')} rules={[{ required: true, whitespace: true, message: t('cases.action.required') }, { max: 4000 }]}>
            <Input.TextArea rows={4} maxLength={4000} showCount />
          </Form.Item>
          <Form.Item name="urgency" label={t('cases.form.urgency')}>
            <Radio.Group optionType="button" options={(['normal', 'urgent', 'emergency'] as const).map((u) => ({ value: u, label: t(`cases.urgency.${u}`) }))} />
          </Form.Item>
          {item?.customFields.map((f) => (
            <Form.Item
              key={f.key}
              name={['customFields', f.key]}
              label={f.label}
              rules={f.required ? [{ required: true, message: t('cases.action.required') }] : []}
              valuePropName={f.type === 'boolean' ? 'checked' : 'value'}
            >
              {f.type === 'number' ? (
                <InputNumber style={{ width: '100%' }} />
              ) : f.type === 'select' ? (
                <Select allowClear options={f.options.map((o) => ({ value: o, label: o }))} />
              ) : f.type === 'boolean' ? (
                <Switch />
              ) : f.type === 'date' ? (
                <Input type="date" />
              ) : (
                <Input maxLength={500} />
              )}
            </Form.Item>
          ))}
        </Card>
        <Card size="small" title={t('cases.form.location')} style={{ marginBottom: 12 }}>
          <Space direction="vertical" style={{ width: '100%' }}>
            <Space wrap>
              <Button icon={<AimOutlined />} loading={locating} onClick={locate} data-testid="case-locate">
                {locating ? t('cases.form.locating') : t('cases.form.locate')}
              </Button>
              <Checkbox
                checked={useGrid && draft.location === null}
                onChange={(e) => {
                  setUseGrid(e.target.checked);
                  if (e.target.checked) update({ ...draft, location: null });
                }}
              >
                {t('cases.form.useGrid')}
              </Checkbox>
            </Space>
            {draft.location ? (
              <Typography.Text type="success">
                {t('cases.form.located', { lng: draft.location.lng.toFixed(6), lat: draft.location.lat.toFixed(6), accuracy: draft.location.accuracy ?? '—' })}
              </Typography.Text>
            ) : (
              <Typography.Text type="secondary">{t('cases.form.usingGrid')}</Typography.Text>
            )}
            {locationError ? <Alert type="warning" showIcon message={locationError} /> : null}
            <Form.Item name="address" label={t('cases.form.address')} rules={[{ max: 200 }]} style={{ marginBottom: 0 }}>
              <Input maxLength={200} />
            </Form.Item>
          </Space>
        </Card>
        {duplicates.data && duplicates.data.items.length > 0 ? <DuplicateHint found={duplicates.data} onFollow={followInstead} following={follow.isPending} /> : null}
        <Card size="small" title={t('cases.form.photos')} style={{ marginBottom: 12 }}>
          <PhotoPicker value={photos} onChange={setPhotos} disabled={sending} />
          <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0', fontSize: 12 }}>
            {t('cases.form.photosHint')}
          </Typography.Paragraph>
        </Card>
        <Space wrap>
          <Button type="primary" htmlType="submit" size="large" loading={sending} data-testid="case-submit">
            {sending ? t('cases.form.submitting') : t('cases.form.submit')}
          </Button>
          {hasContent(draft) ? (
            <Button onClick={discard} disabled={sending}>
              {t('cases.form.discard')}
            </Button>
          ) : null}
        </Space>
      </Form>
    </div>
  );
}
