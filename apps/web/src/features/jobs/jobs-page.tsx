import type { ScheduledJobList } from '@redgrid/contracts';
import { Alert, Card, Grid, List, Space, Table, Tag, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { formatDateTime } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { useScheduledJobs } from './jobs.api';

type Job = ScheduledJobList['items'][number];

const STATUS_COLOR = { ok: 'green', more: 'blue', error: 'red' } as const;
/** Job names carry dots, which i18next reads as key paths: the labels are keyed by these instead. */
const NAME_KEYS: Record<string, 'tagExpiry' | 'deliver'> = { 'basedata.tag-expiry': 'tagExpiry', 'notification.deliver': 'deliver' };

function every(seconds: number, t: TFunction): string {
  if (seconds % 3600 === 0) return t('jobs.everyHours', { count: seconds / 3600 });
  if (seconds % 60 === 0) return t('jobs.everyMinutes', { count: seconds / 60 });
  return t('jobs.everySeconds', { count: seconds });
}

function JobStatus({ job }: { job: Job }) {
  const { t } = useTranslation();
  if (job.running) return <Tag color="processing">{t('jobs.running')}</Tag>;
  if (!job.lastStatus) return <Tag>{t('jobs.never')}</Tag>;
  return <Tag color={STATUS_COLOR[job.lastStatus]}>{t(`jobs.statuses.${job.lastStatus}`)}</Tag>;
}

function JobName({ job }: { job: Job }) {
  const { t } = useTranslation();
  const key = NAME_KEYS[job.name];
  return (
    <Space orientation="vertical" size={0}>
      <Typography.Text strong>{key ? t(`jobs.names.${key}`) : job.name}</Typography.Text>
      {key || !job.registered ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {[key ? job.name : null, job.registered ? null : t('jobs.notHere')].filter(Boolean).join(' · ')}
        </Typography.Text>
      ) : null}
    </Space>
  );
}

/** 定时任务: when each scheduled job last ran, what it did, its errors (system admins). */
export function JobsPage() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const describe = useDescribeError();
  const mobile = Grid.useBreakpoint().md === false;
  const jobs = useScheduledJobs();
  const items = jobs.data?.items ?? [];
  const when = (iso: string | null) => (iso ? formatDateTime(iso, language) : '—');

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('jobs.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('jobs.intro')}
      </Typography.Paragraph>
      {jobs.error ? <Alert type="error" showIcon title={describe(jobs.error)} /> : null}
      {jobs.data && !jobs.data.schedulerOn ? <Alert type="info" showIcon title={t('jobs.schedulerOff')} /> : null}
      <Card styles={{ body: { padding: mobile ? 0 : undefined } }}>
        {mobile ? (
          <List
            loading={jobs.isPending}
            dataSource={items}
            rowKey="name"
            locale={{ emptyText: t('jobs.empty') }}
            renderItem={(job) => (
              <List.Item style={{ padding: '12px 16px', display: 'block' }}>
                <Space style={{ width: '100%', justifyContent: 'space-between' }}>
                  <JobName job={job} />
                  <JobStatus job={job} />
                </Space>
                <div style={{ fontSize: 13, marginTop: 6 }}>
                  {t('jobs.lastRun')}：{when(job.lastStartedAt)} · {t('jobs.every')} {every(job.everySeconds, t)}
                  <br />
                  {t('jobs.nextRun')}：{when(job.nextRunAt)} · {t('jobs.runs')} {job.runCount}/{job.errorCount}
                </div>
                {job.lastError ? <Typography.Text type="danger">{job.lastError}</Typography.Text> : null}
              </List.Item>
            )}
          />
        ) : (
          <Table<Job>
            loading={jobs.isPending}
            dataSource={items}
            rowKey="name"
            pagination={false}
            locale={{ emptyText: t('jobs.empty') }}
            columns={[
              { title: t('jobs.name'), key: 'name', render: (_v, job) => <JobName job={job} /> },
              { title: t('jobs.every'), key: 'every', render: (_v, job) => every(job.everySeconds, t) },
              { title: t('jobs.lastRun'), key: 'last', render: (_v, job) => when(job.lastStartedAt) },
              { title: t('jobs.status'), key: 'status', render: (_v, job) => <JobStatus job={job} /> },
              { title: t('jobs.processed'), dataIndex: 'lastProcessed', render: (v: number | null) => v ?? '—' },
              { title: t('jobs.nextRun'), key: 'next', render: (_v, job) => when(job.nextRunAt) },
              { title: t('jobs.runs'), key: 'runs', render: (_v, job) => `${job.runCount} / ${job.errorCount}` },
              { title: t('jobs.lastError'), dataIndex: 'lastError', render: (v: string | null) => (v ? <Typography.Text type="danger">{v}</Typography.Text> : '—') },
            ]}
          />
        )}
      </Card>
    </Space>
  );
}
