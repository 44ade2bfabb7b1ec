import { AimOutlined } from '@ant-design/icons';
import { PUBLIC_MAX_PHOTOS, type PublicReportAnswer } from '@redgrid/contracts';
import { Alert, App, Button, Card, Checkbox, Form, Input, Result, Select, Space, Switch, Typography } from 'antd';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { PhotoPicker, type PickedPhoto } from '../cases/photo-picker';
import { fileReport, uploadReportPhoto, usePublicAffairs } from './public-report.api';
import { PublicShell } from './public-shell';
import { clearReportDraft, hasContent, loadReportDraft, newReportDraft, saveReportDraft, type ReportDraft } from './report-draft';
import { currentDevicePosition, type DeviceProblem } from '../../shared/device/device-position';

// MapLibre (about 1 MB) loads with the map, not with the form.
const PublicMap = lazy(() => import('./public-map').then((m) => ({ default: m.PublicMap })));

/** /report: a resident reports a problem from a phone, without an account (居民随手拍). */
export function ReportPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const describe = useDescribeError();
  const affairs = usePublicAffairs();
  const [draft, setDraft] = useState<ReportDraft>(() => loadReportDraft() ?? newReportDraft());
  const [restored] = useState(() => hasContent(draft));
  const [photos, setPhotos] = useState<PickedPhoto[]>([]);
  const [agreed, setAgreed] = useState(false);
  const [sending, setSending] = useState(false);
  const [locating, setLocating] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [sent, setSent] = useState<{ answer: PublicReportAnswer; photos: number } | null>(null);

  useEffect(() => {
    if (!sent) saveReportDraft(draft);
  }, [draft, sent]);
  const change = (patch: Partial<ReportDraft>) => setDraft((d) => ({ ...d, ...patch }));

  // Items grouped by their category, as the public list names them.
  const options = useMemo(() => {
    const groups = new Map<string, { label: string; options: { value: string; label: string }[] }>();
    for (const i of affairs.data?.items ?? []) {
      const g = groups.get(i.category) ?? { label: i.category, options: [] };
      g.options.push({ value: i.code, label: i.name });
      groups.set(i.category, g);
    }
    return [...groups.values()];
  }, [affairs.data]);

  const locate = () => {
    setLocating(true);
    currentDevicePosition().then(
      ({ center: [lng, lat] }) => {
        setLocating(false);
        change({ location: { lng, lat, source: 'gps' } });
      },
      (problem: DeviceProblem) => {
        setLocating(false);
        void message.warning(problem === 'denied' ? t('publicReport.locationDenied') : t(`device.${problem}`));
      },
    );
  };

  const submit = async () => {
    const missing: Record<string, string> = {};
    if (!draft.itemCode) missing.itemCode = t('publicReport.itemPlaceholder');
    if (draft.description.trim().length < 5) missing.description = t('publicReport.descriptionPlaceholder');
    if (!draft.location) missing.location = t('publicReport.noPlace');
    if (!agreed) missing.privacy = t('publicReport.privacyRequired');
    setErrors(missing);
    if (Object.keys(missing).length) return;
    setSending(true);
    try {
      const answer = await fileReport({
        itemCode: draft.itemCode!,
        description: draft.description.trim(),
        location: { lng: draft.location!.lng, lat: draft.location!.lat, crs: 'wgs84', source: draft.location!.source },
        ...(draft.address.trim() ? { address: draft.address.trim() } : {}),
        anonymous: draft.anonymous,
        ...(!draft.anonymous && draft.name.trim() ? { name: draft.name.trim() } : {}),
        ...(!draft.anonymous && draft.phone.trim() ? { phone: draft.phone.trim() } : {}),
        clientKey: draft.clientKey,
      });
      clearReportDraft();
      let uploaded = 0;
      for (const p of photos.slice(0, PUBLIC_MAX_PHOTOS)) {
        try {
          await uploadReportPhoto(answer.caseNo, answer.trackingCode.replace('-', ''), p.file, p.file.name, p.clientKey);
          uploaded += 1;
        } catch (error) {
          void message.error(t('publicReport.photoFailed', { message: describe(error) }));
        }
      }
      setSent({ answer, photos: uploaded });
    } catch (error) {
      const fields = (error as { details?: { fields?: Record<string, string[]> } }).details?.fields;
      if (fields) setErrors(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.join('；')])));
      void message.error(describe(error));
    } finally {
      setSending(false);
    }
  };

  if (sent) {
    const { answer } = sent;
    const link = `${window.location.origin}${answer.trackingPath}`;
    return (
      <PublicShell>
        <Result
          status="success"
          title={t('publicReport.sentTitle')}
          subTitle={t('publicReport.sentIntro')}
          extra={[
            <Link key="track" to={answer.trackingPath}>
              <Button type="primary" size="large" block>
                {t('publicReport.openTrack')}
              </Button>
            </Link>,
          ]}
        />
        <Card size="small">
          <Space direction="vertical" style={{ width: '100%' }}>
            <Typography.Text type="secondary">{t('publicReport.caseNo')}</Typography.Text>
            <Typography.Title level={3} copyable data-testid="case-no" style={{ margin: 0 }}>
              {answer.caseNo}
            </Typography.Title>
            <Typography.Text type="secondary">{t('publicReport.code')}</Typography.Text>
            <Typography.Title level={3} copyable data-testid="tracking-code" style={{ margin: 0, letterSpacing: 2 }}>
              {answer.trackingCode}
            </Typography.Title>
            <Typography.Text type="secondary">{t('publicReport.trackLink')}</Typography.Text>
            <Typography.Paragraph copyable={{ text: link }} style={{ wordBreak: 'break-all', margin: 0 }}>
              {link}
            </Typography.Paragraph>
            {sent.photos > 0 ? <Typography.Text>{t('publicReport.photosSent', { count: sent.photos })}</Typography.Text> : null}
          </Space>
        </Card>
        <Button
          block
          style={{ marginTop: 16 }}
          onClick={() => {
            setSent(null);
            setPhotos([]);
            setAgreed(false);
            setDraft(newReportDraft());
          }}
        >
          {t('publicReport.reportAnother')}
        </Button>
      </PublicShell>
    );
  }

  return (
    <PublicShell>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('publicReport.reportTitle')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('publicReport.reportIntro')}</Typography.Paragraph>
      {restored ? <Alert type="info" showIcon message={t('publicReport.draftRestored')} style={{ marginBottom: 12 }} /> : null}
      <Form layout="vertical" onFinish={() => void submit()}>
        <Form.Item label={t('publicReport.item')} required validateStatus={errors.itemCode ? 'error' : undefined} help={errors.itemCode}>
          <Select
            data-testid="report-item"
            size="large"
            showSearch
            optionFilterProp="label"
            loading={affairs.isLoading}
            placeholder={t('publicReport.itemPlaceholder')}
            value={draft.itemCode ?? undefined}
            options={options}
            onChange={(v: string) => change({ itemCode: v })}
          />
        </Form.Item>
        <Form.Item label={t('publicReport.description')} required validateStatus={errors.description ? 'error' : undefined} help={errors.description}>
          <Input.TextArea data-testid="report-description" rows={4} maxLength={2000} showCount placeholder={t('publicReport.descriptionPlaceholder')} value={draft.description} onChange={(e) => change({ description: e.target.value })} />
        </Form.Item>
        <Form.Item label={t('publicReport.place')} required validateStatus={errors.location ? 'error' : undefined} help={errors.location ?? t('publicReport.placeHint')}>
          <Space direction="vertical" style={{ width: '100%' }}>
            <Button icon={<AimOutlined />} loading={locating} onClick={locate} block data-testid="use-location">
              {locating ? t('publicReport.locating') : t('publicReport.useLocation')}
            </Button>
            <Suspense fallback={<div style={{ height: 240 }} />}>
              <PublicMap value={draft.location} onPick={(at) => change({ location: { ...at, source: 'map' } })} />
            </Suspense>
            {draft.location ? (
              <Typography.Text type="secondary" data-testid="picked-point">
                {t('publicReport.located', { lng: draft.location.lng.toFixed(5), lat: draft.location.lat.toFixed(5) })}
              </Typography.Text>
            ) : null}
          </Space>
        </Form.Item>
        <Form.Item label={t('publicReport.address')}>
          <Input maxLength={200} placeholder={t('publicReport.addressPlaceholder')} value={draft.address} onChange={(e) => change({ address: e.target.value })} />
        </Form.Item>
        <Form.Item label={t('publicReport.photos')}>
          <PhotoPicker value={photos} onChange={(next) => setPhotos(next.slice(0, PUBLIC_MAX_PHOTOS))} />
        </Form.Item>
        <Form.Item>
          <Space>
            <Switch data-testid="anonymous" checked={draft.anonymous} onChange={(v) => change({ anonymous: v })} />
            <span>{t('publicReport.anonymous')}</span>
          </Space>
        </Form.Item>
        {draft.anonymous ? null : (
          <>
            <Form.Item label={t('publicReport.name')}>
              <Input maxLength={30} value={draft.name} onChange={(e) => change({ name: e.target.value })} autoComplete="name" />
            </Form.Item>
            <Form.Item label={t('publicReport.phone')} validateStatus={errors.phone ? 'error' : undefined} help={errors.phone}>
              <Input inputMode="tel" maxLength={30} value={draft.phone} onChange={(e) => change({ phone: e.target.value })} autoComplete="tel" />
            </Form.Item>
          </>
        )}
        <Card size="small" title={t('publicReport.privacyTitle')} style={{ marginBottom: 12 }}>
          <Typography.Paragraph style={{ fontSize: 13, marginBottom: 8 }}>{t('publicReport.privacy')}</Typography.Paragraph>
          <Checkbox data-testid="privacy" checked={agreed} onChange={(e) => setAgreed(e.target.checked)}>
            {t('publicReport.privacyAgree')}
          </Checkbox>
          {errors.privacy ? <Typography.Text type="danger" style={{ display: 'block' }}>{errors.privacy}</Typography.Text> : null}
        </Card>
        <Button type="primary" htmlType="submit" size="large" block loading={sending} data-testid="report-submit">
          {sending ? t('publicReport.submitting') : t('publicReport.submit')}
        </Button>
      </Form>
    </PublicShell>
  );
}
