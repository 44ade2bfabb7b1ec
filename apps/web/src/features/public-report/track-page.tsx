import { CASE_RATING_LABELS, PUBLIC_CASE_STAGE_LABELS, PUBLIC_STEP_LABELS, type CaseRating } from '@redgrid/contracts';
import { Alert, App, Button, Card, Descriptions, Form, Image, Input, Radio, Result, Space, Spin, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { formatDateTime } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { useRateCase, useTrackedCase } from './public-report.api';
import { PublicShell } from './public-shell';

const STAGE_COLOR: Record<string, string> = { received: 'blue', accepted: 'cyan', handling: 'orange', closed: 'green', closed_unfixed: 'default', not_accepted: 'red', merged: 'default' };

/** /track and /track/:caseNo?t=: a resident follows their report by its number and code, and rates the result. */
export function TrackPage() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const navigate = useNavigate();
  const params = useParams<{ caseNo?: string }>();
  const [search] = useSearchParams();
  const caseNo = params.caseNo ?? null;
  const code = search.get('t');
  const tracked = useTrackedCase(caseNo, code);
  const [form] = Form.useForm<{ caseNo: string; code: string }>();

  const lookUp = (v: { caseNo: string; code: string }) => navigate(`/track/${encodeURIComponent(v.caseNo.trim().toUpperCase())}?t=${encodeURIComponent(v.code.replace(/[\s-]/g, '').toUpperCase())}`);

  return (
    <PublicShell>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('publicReport.trackTitle')}
      </Typography.Title>
      {!caseNo || !code || tracked.isError ? (
        <Card size="small">
          <Typography.Paragraph type="secondary">{t('publicReport.trackIntro')}</Typography.Paragraph>
          {tracked.isError ? <Alert type="error" showIcon message={t('publicReport.notFound')} style={{ marginBottom: 12 }} /> : null}
          <Form form={form} layout="vertical" initialValues={{ caseNo: caseNo ?? '', code: code ?? '' }} onFinish={lookUp}>
            <Form.Item name="caseNo" label={t('publicReport.caseNo')} rules={[{ required: true, pattern: /^\s*[Ss][Jj]\d{14}\s*$/, message: 'SJ + 14' }]}>
              <Input size="large" placeholder="SJ20261207000123" data-testid="track-case-no" />
            </Form.Item>
            <Form.Item name="code" label={t('publicReport.code')} rules={[{ required: true, min: 10 }]}>
              <Input size="large" placeholder="XXXXX-XXXXX" data-testid="track-code" style={{ letterSpacing: 2 }} />
            </Form.Item>
            <Button type="primary" htmlType="submit" size="large" block data-testid="track-submit">
              {t('publicReport.trackSubmit')}
            </Button>
          </Form>
        </Card>
      ) : tracked.isLoading || !tracked.data ? (
        <Spin />
      ) : (
        <TrackedCase caseNo={caseNo} code={code} language={language} data={tracked.data} />
      )}
    </PublicShell>
  );
}

function TrackedCase({ caseNo, code, language, data }: { caseNo: string; code: string; language: 'zh-CN' | 'en-US'; data: NonNullable<ReturnType<typeof useTrackedCase>['data']> }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const describe = useDescribeError();
  const rate = useRateCase(caseNo, code);
  const [rating, setRating] = useState<CaseRating | null>(null);
  const [comment, setComment] = useState('');
  const [reason, setReason] = useState('');

  const send = (input: Parameters<typeof rate.mutate>[0]) =>
    rate.mutate(input, {
      onSuccess: () => void message.success(t('publicReport.thanks')),
      onError: (error) => void message.error(describe(error)),
    });

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Card size="small">
        <Space direction="vertical" size={4} style={{ width: '100%' }}>
          <Typography.Text type="secondary">{data.caseNo} · {data.itemName}</Typography.Text>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {data.title}
          </Typography.Title>
          <div>
            <Tag color={STAGE_COLOR[data.stage]} style={{ fontSize: 16, padding: '4px 10px' }} data-testid="track-stage">
              {PUBLIC_CASE_STAGE_LABELS[data.stage][language]}
            </Tag>
          </div>
        </Space>
        <Descriptions size="small" column={1} style={{ marginTop: 8 }}>
          {data.handledBy ? <Descriptions.Item label={t('publicReport.handledBy')}>{data.handledBy}</Descriptions.Item> : null}
          <Descriptions.Item label={t('publicReport.reportedAt')}>{formatDateTime(data.reportedAt, language)}</Descriptions.Item>
          {data.address ? <Descriptions.Item label={t('publicReport.address')}>{data.address}</Descriptions.Item> : null}
        </Descriptions>
        <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{data.description}</Typography.Paragraph>
      </Card>
      {data.result ? (
        <Card size="small" title={t('publicReport.result')}>
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{data.result}</Typography.Paragraph>
        </Card>
      ) : null}
      {data.photos.length ? (
        <Card size="small" title={t('publicReport.yourPhotos')}>
          <Image.PreviewGroup>
            <Space wrap>
              {data.photos.map((p) => (
                <Image key={p.id} src={p.url} width={96} height={96} style={{ objectFit: 'cover', borderRadius: 6 }} />
              ))}
            </Space>
          </Image.PreviewGroup>
        </Card>
      ) : null}
      <Card size="small" title={t('publicReport.timeline')}>
        <Timeline
          items={data.timeline.map((e) => ({
            children: (
              <div>
                <Typography.Text strong>{PUBLIC_STEP_LABELS[e.step][language]}</Typography.Text>
                {e.by ? <Typography.Text type="secondary"> · {e.by}</Typography.Text> : null}
                <div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {formatDateTime(e.at, language)}
                  </Typography.Text>
                </div>
                {e.note ? <Typography.Text>{e.note}</Typography.Text> : null}
              </div>
            ),
          }))}
        />
      </Card>
      {data.rating ? <Alert type="info" message={t('publicReport.rated', { rating: CASE_RATING_LABELS[data.rating][language] })} /> : null}
      {data.mayRate ? (
        <Card size="small" title={t('publicReport.rateTitle')}>
          <Space direction="vertical" style={{ width: '100%' }}>
            <Radio.Group value={rating} onChange={(e) => setRating(e.target.value as CaseRating)} optionType="button" buttonStyle="solid" options={(['satisfied', 'basically_satisfied', 'unsatisfied'] as const).map((r) => ({ value: r, label: CASE_RATING_LABELS[r][language] }))} />
            <Input.TextArea rows={2} maxLength={500} placeholder={t('publicReport.rateComment')} value={comment} onChange={(e) => setComment(e.target.value)} />
            <Button type="primary" block disabled={!rating} loading={rate.isPending} onClick={() => rating && send({ action: 'rate', rating, ...(comment.trim() ? { comment: comment.trim() } : {}) })}>
              {t('publicReport.rate')}
            </Button>
          </Space>
        </Card>
      ) : null}
      {data.mayReopen ? (
        <Card size="small" title={t('publicReport.reopenTitle')}>
          <Space direction="vertical" style={{ width: '100%' }}>
            <Input.TextArea rows={2} maxLength={500} placeholder={t('publicReport.reopenReason')} value={reason} onChange={(e) => setReason(e.target.value)} />
            <Button danger block disabled={reason.trim().length < 2} loading={rate.isPending} onClick={() => send({ action: 'reopen', reason: reason.trim() })}>
              {t('publicReport.reopen')}
            </Button>
          </Space>
        </Card>
      ) : null}
      {data.stage === 'closed' && !data.mayRate && !data.rating ? <Result status="success" title={PUBLIC_CASE_STAGE_LABELS.closed[language]} /> : null}
    </Space>
  );
}
