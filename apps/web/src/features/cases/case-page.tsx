import { ArrowLeftOutlined, EnvironmentOutlined, StarFilled, StarOutlined } from '@ant-design/icons';
import {
  CASE_ACTION_LABELS,
  CASE_CHANNEL_LABELS,
  CASE_RATING_LABELS,
  CASE_STATE_LABELS,
  DEPARTMENT_KIND_LABELS,
  HANDLING_LEVEL_LABELS,
  SUPERVISION_GRADE_LABELS,
  type Attachment,
  type CaseAction,
  type CaseDetail,
  type CaseEventView,
} from '@redgrid/contracts';
import { Alert, App, Button, Card, Col, Descriptions, Empty, Image, List, Result, Row, Skeleton, Space, Timeline, Typography } from 'antd';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'react-router';
import { isApiError } from '../../shared/api/api-error';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { formatDateTime } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { positiveId } from '../basedata/query-params';
import { HotlinePanel } from '../hotline/hotline-panel';
import { actionableOf, CaseActionDialog } from './case-action-form';
import { CaseFlags, DueText, holderText, StateTag } from './case-ui';
import { useCase, useCaseAction, useCaseDuplicates, useCasePhotos, useFollowCase } from './cases.api';

// MapLibre (about 1 MB) loads only for a case with a point, so the case page stays light on a phone.
const CasePointMap = lazy(() => import('../map/case-point-map').then((m) => ({ default: m.CasePointMap })));

type Lang = 'zh-CN' | 'en-US';

function str(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value : null;
}

/** The lines of a timeline row from its payload: reason, result, note, grade, days, rating, where it went. */
function eventLines(e: CaseEventView, t: (k: string, o?: Record<string, unknown>) => string, language: Lang): string[] {
  const p = e.payload;
  const lines: string[] = [];
  const warning = str(p.warning);
  if (warning) lines.push(t('cases.detail.warning', { text: warning }));
  const to = p.to as { level?: unknown } | undefined;
  if (to && typeof to.level === 'string' && to.level in HANDLING_LEVEL_LABELS) lines.push(`${t('cases.event.to')}：${HANDLING_LEVEL_LABELS[to.level as keyof typeof HANDLING_LEVEL_LABELS][language]}`);
  const dept = str(p.departmentName);
  if (dept) lines.push(`${t('cases.event.department')}：${dept}`);
  else if (typeof p.departmentKind === 'string' && p.departmentKind in DEPARTMENT_KIND_LABELS) lines.push(`${t('cases.event.department')}：${DEPARTMENT_KIND_LABELS[p.departmentKind as keyof typeof DEPARTMENT_KIND_LABELS][language]}`);
  if (typeof p.grade === 'string' && p.grade in SUPERVISION_GRADE_LABELS) lines.push(`${t('cases.event.grade')}：${SUPERVISION_GRADE_LABELS[p.grade as keyof typeof SUPERVISION_GRADE_LABELS][language]}`);
  if (typeof p.workDays === 'number') lines.push(t('cases.event.workDays', { days: p.workDays }));
  if (typeof p.rating === 'string' && p.rating in CASE_RATING_LABELS) lines.push(`${t('cases.event.rating')}：${CASE_RATING_LABELS[p.rating as keyof typeof CASE_RATING_LABELS][language]}`);
  const into = str(p.intoCaseNo);
  if (into) lines.push(t('cases.event.intoCaseNo', { no: into }));
  const from = str(p.fromCaseNo);
  if (from) lines.push(t('cases.event.fromCaseNo', { no: from, title: str(p.title) ?? '' }));
  if (str(p.itemName) && str(p.previousItem)) lines.push(t('cases.event.item', { from: p.previousItem, to: p.itemName }));
  if (str(p.gridName) && str(p.previousGrid)) lines.push(t('cases.event.grid', { from: p.previousGrid, to: p.gridName }));
  for (const [key, label] of [['result', 'cases.event.result'], ['reason', 'cases.event.reason'], ['note', 'cases.event.note'], ['comment', 'cases.event.comment']] as const) {
    const text = str(p[key]);
    if (text) lines.push(`${t(label)}：${text}`);
  }
  return lines;
}

function Thumbs({ ids, photos }: { ids: readonly string[]; photos: readonly Attachment[] }) {
  const shown = photos.filter((a) => ids.includes(a.id) && a.urls.thumb);
  if (shown.length === 0) return null;
  return (
    <Image.PreviewGroup>
      <Space wrap size={4}>
        {shown.map((a) => (
          <Image key={a.id} src={a.urls.thumb ?? undefined} preview={{ src: a.urls.public ?? a.urls.original }} width={64} height={64} style={{ objectFit: 'cover', borderRadius: 4 }} alt={a.fileName} />
        ))}
      </Space>
    </Image.PreviewGroup>
  );
}

function CaseTimeline({ detail, photos }: { detail: CaseDetail; photos: readonly Attachment[] }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  return (
    <Timeline
      data-testid="case-timeline"
      items={[...detail.timeline].reverse().map((e) => ({
        key: e.seq,
        color: e.action === 'overdue_alert' || e.action === 'verify_fail' || e.action === 'return' ? 'red' : e.toState === 'closed' ? 'green' : 'blue',
        children: (
          <div>
            <Space wrap size={6}>
              <Typography.Text strong>{CASE_ACTION_LABELS[e.action][language]}</Typography.Text>
              <Typography.Text>{e.actorName}</Typography.Text>
              {e.actorLevel && e.actorLevel in HANDLING_LEVEL_LABELS ? (
                <Typography.Text type="secondary">{HANDLING_LEVEL_LABELS[e.actorLevel as keyof typeof HANDLING_LEVEL_LABELS][language]}</Typography.Text>
              ) : null}
              <Typography.Text type="secondary">{formatDateTime(e.at, language)}</Typography.Text>
            </Space>
            <div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                → {CASE_STATE_LABELS[e.toState][language]} · {e.holder.name ?? (e.holder.level === 'department' && detail.department ? detail.department.name : HANDLING_LEVEL_LABELS[e.holder.level][language])}
              </Typography.Text>
            </div>
            {eventLines(e, t as never, language).map((line) => (
              <div key={line} style={{ whiteSpace: 'pre-wrap' }}>
                {line}
              </div>
            ))}
            {e.attachmentIds.length > 0 ? <Thumbs ids={e.attachmentIds} photos={photos} /> : null}
          </div>
        ),
      }))}
    />
  );
}

function CaseView({ detail, reload }: { detail: CaseDetail; reload: () => void }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const photos = useCasePhotos(detail.id);
  const [acting, setActing] = useState<CaseAction | null>(null);
  const actions = actionableOf(detail.allowedActions);
  const all = photos.data?.items ?? [];
  const fieldEntries = Object.entries(detail.customFields);
  // Photos on the case that no step shows yet (sent with the report): the next step with photos takes them.
  const used = new Set(detail.timeline.flatMap((e) => e.attachmentIds));
  const loose = all.filter((a) => !used.has(a.id));
  const offerSelfClose = (useLocation().state as { offerSelfClose?: unknown } | null)?.offerSelfClose === true && actions.includes('self_close');

  return (
    <div data-testid="case-page">
      <div className="rg-page-title">
        <Space wrap>
          <Link to="/cases" aria-label={t('cases.detail.back')}>
            <ArrowLeftOutlined />
          </Link>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {detail.title}
          </Typography.Title>
          <StateTag state={detail.state} />
          <CaseFlags c={detail} />
          <FollowButton detail={detail} />
        </Space>
      </div>
      {detail.mergedInto ? (
        <Alert type="info" showIcon style={{ marginBottom: 12 }} message={<span>{t('cases.detail.mergedInto')} <Link to={`/cases/${detail.mergedInto}`}>#{detail.mergedInto}</Link></span>} />
      ) : null}
      {offerSelfClose ? (
        <Alert
          type="success"
          showIcon
          style={{ marginBottom: 12 }}
          message={t('cases.form.selfCloseOffer')}
          action={
            <Button size="small" type="primary" onClick={() => setActing('self_close')}>
              {CASE_ACTION_LABELS.self_close[language]}
            </Button>
          }
        />
      ) : null}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={15}>
          <Card size="small" style={{ marginBottom: 16 }}>
            <Descriptions size="small" column={{ xs: 1, sm: 2 }}>
              <Descriptions.Item label={t('cases.col.caseNo')}>{detail.caseNo}</Descriptions.Item>
              <Descriptions.Item label={t('cases.col.item')}>{detail.itemName}</Descriptions.Item>
              <Descriptions.Item label={t('cases.col.holder')}>{detail.holder.level === 'department' && !detail.holder.name && detail.department ? detail.department.name : holderText(detail.holder, language)}</Descriptions.Item>
              <Descriptions.Item label={t('cases.detail.department')}>{detail.department?.name ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('cases.col.due')}>
                <DueText c={detail} />
              </Descriptions.Item>
              <Descriptions.Item label={t('cases.col.grid')}>{detail.grid.name ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('cases.detail.reporter')}>
                {detail.reporter.anonymous ? '—' : `${detail.reporter.name ?? '—'}${detail.reporter.phoneMasked ? ` ${detail.reporter.phoneMasked}` : ''}`}
              </Descriptions.Item>
              <Descriptions.Item label={t('cases.detail.channel')}>{CASE_CHANNEL_LABELS[detail.channel][language]}</Descriptions.Item>
              <Descriptions.Item label={t('cases.col.reportedAt')}>{formatDateTime(detail.reportedAt, language)}</Descriptions.Item>
              {detail.rating ? <Descriptions.Item label={t('cases.detail.rating')}>{CASE_RATING_LABELS[detail.rating][language]}</Descriptions.Item> : null}
            </Descriptions>
            {detail.extensionPending ? <Alert type="info" showIcon message={t('cases.detail.extensionPending', { days: detail.extensionPending })} style={{ marginTop: 8 }} /> : null}
          </Card>
          {detail.channel === 'hotline_12345' ? <HotlinePanel caseId={detail.id} /> : null}
          <Card size="small" title={t('cases.detail.description')} style={{ marginBottom: 16 }}>
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: fieldEntries.length ? 8 : 0 }}>{detail.description}</Typography.Paragraph>
            {fieldEntries.length > 0 ? (
              <Descriptions size="small" column={1} title={<Typography.Text type="secondary">{t('cases.detail.customFields')}</Typography.Text>}>
                {fieldEntries.map(([k, v]) => (
                  <Descriptions.Item key={k} label={k}>
                    {typeof v === 'boolean' ? (v ? '✓' : '✗') : String(v ?? '—')}
                  </Descriptions.Item>
                ))}
              </Descriptions>
            ) : null}
          </Card>
          <Card size="small" title={t('cases.detail.location')} style={{ marginBottom: 16 }}>
            <Space direction="vertical" size={2}>
              <Typography.Text>
                <EnvironmentOutlined /> {t(`cases.detail.locationSource.${detail.locationSource}`)}
              </Typography.Text>
              {detail.address ? <Typography.Text>{`${t('cases.detail.address')}：${detail.address}`}</Typography.Text> : null}
              {detail.lng !== null && detail.lat !== null ? (
                <Typography.Text type="secondary" copyable={{ text: `${detail.lng},${detail.lat}` }}>
                  {t('cases.detail.coordinates', { lng: detail.lng.toFixed(6), lat: detail.lat.toFixed(6) })}
                </Typography.Text>
              ) : (
                <Typography.Text type="secondary">{t('cases.detail.noLocation')}</Typography.Text>
              )}
            </Space>
            {detail.lng !== null && detail.lat !== null ? (
              <Suspense fallback={null}>
                <CasePointMap lng={detail.lng} lat={detail.lat} gridId={detail.grid.id} flags={detail} />
              </Suspense>
            ) : null}
          </Card>
          <Card size="small" title={t('cases.detail.photos')} style={{ marginBottom: 16 }}>
            {all.length > 0 ? <Thumbs ids={all.map((a) => a.id)} photos={all} /> : <Typography.Text type="secondary">{t('cases.detail.noPhotos')}</Typography.Text>}
          </Card>
        </Col>
        <Col xs={24} lg={9}>
          <Card size="small" title={t('cases.detail.actions')} style={{ marginBottom: 16 }} data-testid="case-actions">
            {actions.length === 0 ? (
              <Typography.Text type="secondary">{t('cases.detail.noActions')}</Typography.Text>
            ) : (
              <Space wrap>
                {actions.map((a, i) => (
                  <Button key={a} type={i === 0 ? 'primary' : 'default'} danger={a === 'reject' || a === 'close_unfixed' || a === 'verify_fail'} onClick={() => setActing(a)}>
                    {CASE_ACTION_LABELS[a][language]}
                  </Button>
                ))}
              </Space>
            )}
          </Card>
          {actions.includes('merge') ? <DuplicatesCard detail={detail} onConflict={reload} /> : null}
          <Card size="small" title={t('cases.detail.timeline')}>
            <CaseTimeline detail={detail} photos={all} />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('cases.detail.counts', detail.counts)}
            </Typography.Text>
          </Card>
        </Col>
      </Row>
      {acting ? <CaseActionDialog key={`${acting}-${detail.version}`} detail={detail} loose={loose} action={acting} onClose={() => setActing(null)} onConflict={reload} /> : null}
    </div>
  );
}

/** 关注 / 取消关注, with how many follow. */
function FollowButton({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const describe = useDescribeError();
  const follow = useFollowCase();
  return (
    <Button
      size="small"
      icon={detail.following ? <StarFilled style={{ color: '#faad14' }} /> : <StarOutlined />}
      loading={follow.isPending}
      title={t('cases.detail.followingHint')}
      data-testid="case-follow"
      onClick={() => follow.mutate({ id: detail.id, on: !detail.following }, { onError: (err) => void message.error(describe(err)) })}
    >
      {detail.following ? t('cases.detail.unfollow') : t('cases.detail.follow')} · {t('cases.detail.followers', { count: detail.followers })}
    </Button>
  );
}

/** 并单: open cases of the same item near this one, for its holder to merge it into. */
function DuplicatesCard({ detail, onConflict }: { detail: CaseDetail; onConflict: () => void }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const describe = useDescribeError();
  const duplicates = useCaseDuplicates(detail.id, true);
  const act = useCaseAction(detail.id);
  const items = duplicates.data?.items ?? [];
  if (items.length === 0) return null;
  const merge = (intoCaseId: number, caseNo: string) =>
    modal.confirm({
      title: t('cases.detail.mergeInto'),
      content: t('cases.detail.mergeConfirm', { caseNo }),
      onOk: async () => {
        try {
          await act.mutateAsync({ action: 'merge', intoCaseId, version: detail.version });
          void message.success(t('cases.action.done', { action: t('cases.detail.mergeInto') }));
        } catch (err) {
          void message.error(describe(err));
          onConflict();
        }
      },
    });
  return (
    <Card size="small" title={t('cases.detail.duplicates')} style={{ marginBottom: 16 }} data-testid="case-duplicates">
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('cases.detail.duplicatesHint', { radius: duplicates.data?.radiusM ?? 50 })}
      </Typography.Paragraph>
      <List
        size="small"
        dataSource={items}
        renderItem={(c) => (
          <List.Item actions={[<Button key="merge" size="small" onClick={() => merge(c.id, c.caseNo)}>{t('cases.detail.mergeInto')}</Button>]}>
            <List.Item.Meta
              title={<Link to={`/cases/${c.id}`}>{c.title}</Link>}
              description={
                <Space size={4} wrap>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>{c.caseNo}</Typography.Text>
                  <StateTag state={c.state} />
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('cases.detail.distance', { m: Math.round(c.distanceM) })}</Typography.Text>
                </Space>
              }
            />
          </List.Item>
        )}
      />
    </Card>
  );
}

/** 事件详情 /cases/:id: the case, its photos and timeline, and the buttons the server allows. */
export function CasePage() {
  const { t } = useTranslation();
  const describe = useDescribeError();
  const id = positiveId(useParams().id ?? null);
  const query = useCase(id ?? 0);
  if (id === undefined) return <Result status="404" title={t('cases.detail.notFound')} extra={<Link to="/cases">{t('cases.detail.back')}</Link>} />;
  if (query.isLoading) return <Skeleton active />;
  if (query.error || !query.data) {
    const notFound = isApiError(query.error) && (query.error.status === 404 || query.error.status === 400);
    return notFound ? (
      <Result status="404" title={t('cases.detail.notFound')} extra={<Link to="/cases">{t('cases.detail.back')}</Link>} />
    ) : (
      <Alert type="error" showIcon message={query.error ? describe(query.error) : <Empty />} />
    );
  }
  return <CaseView detail={query.data} reload={() => void query.refetch()} />;
}
