import { CloudUploadOutlined, DownloadOutlined, InboxOutlined, ReloadOutlined } from '@ant-design/icons';
import type { ImportJob, TableFormat } from '@redgrid/contracts';
import { Alert, App, Button, Dropdown, Flex, Grid, Popconfirm, Progress, Result, Select, Space, Statistic, Steps, Table, Typography, Upload } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { formatBytes } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { errorReportUrl, exchangeKeys, templateUrl, uploadImportFile, useCancelImport, useImportJob, useImportKind, useLatestImportJob, useResumeImport, useStartApply, useStartCheck } from './exchange.api';

const UNFINISHED = new Set<ImportJob['status']>(['uploaded', 'checking', 'checked', 'applying']);
const ACCEPT = '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** The server's decoder names, as a user knows them (the file hint says "UTF-8 或 GBK"). */
const ENCODING_LABELS: Record<string, string> = { 'utf-8': 'UTF-8', 'utf-16le': 'UTF-16', 'utf-16be': 'UTF-16', gb18030: 'GBK' };

export interface ImportWizardProps {
  /** The registered import kind (persons, houses …). */
  kind: string;
  /** The area the rows are imported into (in the caller's scope). */
  areaId: number;
  /** Largest file the server takes (its REDGRID_IMPORT_MAX_BYTES); 512 MiB by default. */
  maxBytes?: number;
  /** Called when an import has been applied (the page refreshes its list). */
  onApplied?: (job: ImportJob) => void;
}

/** A link that downloads (same-origin GET with the session cookie). */
function DownloadLink({ href, children, testId }: { href: string; children: React.ReactNode; testId?: string }) {
  return (
    <Button icon={<DownloadOutlined />} href={href} download data-testid={testId}>
      {children}
    </Button>
  );
}

export function TemplateButton({ kind }: { kind: string }) {
  const { t } = useTranslation();
  const formats: TableFormat[] = ['xlsx', 'csv'];
  // The whole menu row downloads (a link label reacts only on its text), like the export button.
  const download = (format: TableFormat) => {
    const a = document.createElement('a');
    a.href = templateUrl(kind, format);
    a.download = '';
    document.body.append(a);
    a.click();
    a.remove();
  };
  return (
    <Dropdown
      menu={{
        items: formats.map((f) => ({ key: f, label: t(f === 'xlsx' ? 'exchange.file.templateXlsx' : 'exchange.file.templateCsv') })),
        onClick: ({ key }) => download(key as TableFormat),
      }}
    >
      <Button icon={<DownloadOutlined />} data-testid="import-template">{t('exchange.file.template')}</Button>
    </Dropdown>
  );
}

function stepOf(job: ImportJob | undefined): number {
  if (!job) return 0;
  if (job.status === 'uploaded') return 1;
  if (job.status === 'checking' || job.status === 'checked' || (job.status === 'failed' && job.startedAt === null)) return 2;
  return 3;
}

/** Step 1: pick the file and send it, with upload progress. */
function FileStep({ kind, areaId, maxBytes, onUploaded }: { kind: string; areaId: number; maxBytes: number; onUploaded: (job: ImportJob) => void }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const describe = useDescribeError();
  const [sending, setSending] = useState<{ name: string; size: number; share: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);

  const send = async (file: File) => {
    setError(null);
    if (!/\.(csv|xlsx)$/i.test(file.name)) return setError(t('exchange.file.wrongType'));
    if (file.size > maxBytes) return setError(t('exchange.file.tooLarge', { size: formatBytes(maxBytes, language) }));
    abort.current = new AbortController();
    setSending({ name: file.name, size: file.size, share: 0 });
    try {
      const job = await uploadImportFile(kind, areaId, file, (share) => setSending((s) => (s ? { ...s, share } : s)), abort.current.signal);
      onUploaded(job);
    } catch (err) {
      if (!(err instanceof DOMException && err.name === 'AbortError')) setError(describe(err));
    } finally {
      setSending(null);
    }
  };

  if (sending) {
    return (
      <div data-testid="import-uploading" style={{ padding: '24px 0' }}>
        <Typography.Paragraph>{t('exchange.file.uploading', { name: sending.name, size: formatBytes(sending.size, language) })}</Typography.Paragraph>
        <Progress percent={Math.floor(sending.share * 100)} status="active" />
      </div>
    );
  }
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      {error && <Alert type="error" showIcon title={error} data-testid="import-file-error" />}
      <Upload.Dragger
        accept={ACCEPT}
        multiple={false}
        showUploadList={false}
        beforeUpload={(file) => {
          void send(file);
          return false;
        }}
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">{t('exchange.file.drop')}</p>
        <p className="ant-upload-hint">{t('exchange.file.hint')}</p>
      </Upload.Dragger>
      <TemplateButton kind={kind} />
    </Space>
  );
}

/** Step 2: the automatic column matches, changeable; then the dry run. */
function MappingStep({ job, onRestart }: { job: ImportJob; onRestart: () => void }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const describe = useDescribeError();
  const start = useStartCheck();
  const [mapping, setMapping] = useState<Record<string, number | null>>(() => Object.fromEntries(job.fields.map((f) => [f.key, job.mapping[f.key] ?? null])));
  const columnOptions = useMemo(
    () => [{ value: -1, label: t('exchange.mapping.none') }, ...job.headers.map((h, i) => ({ value: i, label: h || `#${i + 1}` }))],
    [job.headers, t],
  );
  const used = new Set(Object.values(mapping).filter((v): v is number => v !== null));
  const missing = job.fields.filter((f) => f.required && mapping[f.key] === null);
  const unknown = job.headers.filter((h, i) => h !== '' && !used.has(i));

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="import-mapping">
      <Typography.Text type="secondary">
        {t('exchange.mapping.fileInfo', { name: job.fileName, format: job.format.toUpperCase(), encoding: job.encoding ? (ENCODING_LABELS[job.encoding] ?? job.encoding) : formatBytes(job.fileSize, language) })}
      </Typography.Text>
      <Typography.Paragraph style={{ marginBottom: 0 }}>{t('exchange.mapping.intro')}</Typography.Paragraph>
      <Table
        size="small"
        pagination={false}
        rowKey="key"
        dataSource={job.fields}
        // No sideways scroll: on a phone the hints wrap and the column picker stays in view.
        tableLayout="fixed"
        columns={[
          {
            title: t('exchange.mapping.field'),
            key: 'label',
            render: (_v, f) => (
              <span>
                {f.label}
                {f.required && <Typography.Text type="danger"> *</Typography.Text>}
                {f.hint && <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>{f.hint}</Typography.Text>}
              </span>
            ),
          },
          {
            title: t('exchange.mapping.column'),
            key: 'column',
            width: '45%',
            render: (_v, f) => (
              <Select
                style={{ width: '100%' }}
                value={mapping[f.key] ?? -1}
                options={columnOptions}
                status={f.required && mapping[f.key] === null ? 'error' : undefined}
                onChange={(v: number) => setMapping((m) => ({ ...m, [f.key]: v < 0 ? null : v }))}
                data-testid={`import-map-${f.key}`}
              />
            ),
          },
        ]}
      />
      {missing.length > 0 && <Alert type="error" showIcon title={t('exchange.mapping.missing', { fields: missing.map((f) => f.label).join('、') })} />}
      {unknown.length > 0 && <Alert type="warning" showIcon title={t('exchange.mapping.unknown', { columns: unknown.join('、') })} />}
      {start.error && <Alert type="error" showIcon title={describe(start.error)} />}
      <Flex gap={8} wrap>
        <Button type="primary" disabled={missing.length > 0} loading={start.isPending} onClick={() => start.mutate({ id: job.id, mapping })} data-testid="import-start-check">
          {t('exchange.mapping.start')}
        </Button>
        <Button onClick={onRestart}>{t('exchange.check.again')}</Button>
      </Flex>
    </Space>
  );
}

/** Step 3: the dry run's progress, then its counts, first problems and the full report. */
function CheckStep({ job, onRestart }: { job: ImportJob; onRestart: () => void }) {
  const { t } = useTranslation();
  const describe = useDescribeError();
  const apply = useStartApply();
  if (job.status === 'checking') {
    return (
      <div data-testid="import-checking" style={{ padding: '24px 0' }}>
        <Typography.Paragraph>{t('exchange.check.running', { rows: job.progressRows.toLocaleString() })}</Typography.Paragraph>
        <Progress percent={99} status="active" showInfo={false} />
      </div>
    );
  }
  if (job.status === 'failed') {
    return (
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Alert type="error" showIcon title={job.failure ?? t('exchange.status.failed')} />
        <Button onClick={onRestart}>{t('exchange.check.again')}</Button>
      </Space>
    );
  }
  const c = job.counts;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="import-checked">
      <Flex gap={32} wrap>
        <Statistic title={t('exchange.check.total')} value={c.total} />
        <Statistic title={t('exchange.check.good')} value={c.good} styles={{ content: { color: '#389e0d' } }} />
        <Statistic title={t('exchange.check.bad')} value={c.bad} styles={c.bad > 0 ? { content: { color: '#cf1322' } } : undefined} />
      </Flex>
      {c.bad === 0 ? (
        <Alert type="success" showIcon title={t('exchange.check.allGood', { count: c.total })} />
      ) : (
        <Alert type={c.good > 0 ? 'warning' : 'error'} showIcon title={c.good > 0 ? t('exchange.check.someBad', { bad: c.bad, good: c.good }) : t('exchange.check.nothingToApply')} />
      )}
      {job.preview.length > 0 && (
        <>
          <Typography.Text strong>{t('exchange.check.firstIssues', { count: job.preview.length })}</Typography.Text>
          <Table
            size="small"
            pagination={false}
            rowKey={(r) => `${r.row}-${r.column}-${r.reason}`}
            dataSource={job.preview}
            tableLayout="fixed"
            data-testid="import-issues"
            columns={[
              { title: t('exchange.check.row'), dataIndex: 'row', width: 64 },
              { title: t('exchange.check.column'), dataIndex: 'column', width: 112 },
              { title: t('exchange.check.reason'), dataIndex: 'reason' },
            ]}
          />
        </>
      )}
      {apply.error && <Alert type="error" showIcon title={describe(apply.error)} />}
      <Flex gap={8} wrap>
        {job.abilities.apply && (
          <Button type="primary" icon={<CloudUploadOutlined />} loading={apply.isPending} onClick={() => apply.mutate({ id: job.id })} data-testid="import-apply">
            {t('exchange.check.apply', { count: c.good })}
          </Button>
        )}
        {job.hasErrorReport && <DownloadLink href={errorReportUrl(job.id)} testId="import-report">{t('exchange.check.report')}</DownloadLink>}
        <Button onClick={onRestart}>{t('exchange.check.again')}</Button>
      </Flex>
    </Space>
  );
}

/** Step 4: the apply's progress bar (polled), then its result. */
function ApplyStep({ job, onRestart }: { job: ImportJob; onRestart: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const describe = useDescribeError();
  const cancel = useCancelImport();
  const resume = useResumeImport();
  const c = job.counts;
  const done = c.applied + c.skipped;
  const total = Math.max(c.total, 1);
  if (job.status === 'applied') {
    return (
      <Result
        status="success"
        title={t('exchange.apply.done')}
        subTitle={t('exchange.apply.summary', { created: c.created, updated: c.updated, unchanged: Math.max(0, c.applied - c.created - c.updated), skipped: c.skipped })}
        extra={
          <Flex gap={8} wrap justify="center">
            {job.hasErrorReport && <DownloadLink href={errorReportUrl(job.id)}>{t('exchange.check.report')}</DownloadLink>}
            <Button type="primary" onClick={onRestart}>{t('exchange.apply.another')}</Button>
          </Flex>
        }
        data-testid="import-applied"
      />
    );
  }
  if (job.status === 'cancelled') {
    return <Result status="info" title={t('exchange.apply.cancelled')} extra={<Button onClick={onRestart}>{t('exchange.apply.another')}</Button>} />;
  }
  const interrupted = job.status === 'failed' || job.abilities.resume;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="import-applying">
      <Typography.Paragraph style={{ marginBottom: 0 }}>{t('exchange.apply.running', { done: done.toLocaleString(), total: c.total.toLocaleString() })}</Typography.Paragraph>
      <Progress percent={Math.min(100, Math.floor((done / total) * 100))} status={interrupted ? 'exception' : 'active'} />
      {interrupted ? (
        <Alert type="error" showIcon title={t('exchange.apply.failed')} description={job.failure ?? undefined} />
      ) : (
        <Typography.Text type="secondary">{t('exchange.apply.keepOpen')}</Typography.Text>
      )}
      {(cancel.error ?? resume.error) && <Alert type="error" showIcon title={describe(cancel.error ?? resume.error)} />}
      <Flex gap={8} wrap>
        {job.abilities.resume && (
          <Button type="primary" icon={<ReloadOutlined />} loading={resume.isPending} onClick={() => resume.mutate({ id: job.id })} data-testid="import-resume">
            {t('exchange.apply.resume')}
          </Button>
        )}
        {job.abilities.cancel && (
          <Popconfirm title={t('exchange.apply.cancelConfirm')} onConfirm={() => cancel.mutate({ id: job.id }, { onSuccess: () => void message.info(t('exchange.apply.cancelled')) })}>
            <Button danger loading={cancel.isPending}>{t('exchange.apply.cancel')}</Button>
          </Popconfirm>
        )}
      </Flex>
    </Space>
  );
}

/**
 * The import wizard of any registered kind: file → columns → dry run report → apply with progress
 * → result. The work runs on the server; the page only polls the job, so it may be left and
 * reopened (pass the job id the list shows to `useImportJob` elsewhere).
 */
export function ImportWizard({ kind, areaId, maxBytes = 512 * 1024 * 1024, onApplied }: ImportWizardProps) {
  const { t } = useTranslation();
  const info = useImportKind(kind);
  const [jobId, setJobId] = useState<number | null>(null);
  // A job of the caller's still under way (the page was left while it ran) is shown again, once.
  const latest = useLatestImportJob(kind);
  const adopted = useRef(false);
  useEffect(() => {
    if (adopted.current || latest.data === undefined) return;
    adopted.current = true;
    if (jobId !== null) return;
    const open = latest.data && (UNFINISHED.has(latest.data.status) || latest.data.abilities.resume);
    if (open && latest.data) setJobId(latest.data.id);
  }, [latest.data, jobId]);
  const job = useImportJob(jobId);
  const current = jobId === null ? undefined : job.data;
  const queryClient = useQueryClient();
  const notified = useRef<number | null>(null);
  useEffect(() => {
    if (current?.status === 'applied' && notified.current !== current.id) {
      notified.current = current.id;
      onApplied?.(current);
    }
  }, [current, onApplied]);
  const uploaded = (j: ImportJob) => {
    // The upload's answer is the job: no round trip before the mapping step shows.
    queryClient.setQueryData(exchangeKeys.job(j.id), j);
    setJobId(j.id);
  };
  const restart = () => setJobId(null);
  const step = stepOf(current);
  const narrow = Grid.useBreakpoint().sm === false;

  return (
    <div data-testid="import-wizard">
      {info.data && <Typography.Title level={5} style={{ marginTop: 0 }}>{t('exchange.title', { label: info.data.label })}</Typography.Title>}
      <Steps
        size="small"
        current={step}
        // On a phone the four short steps stay in one row, titles under the dots, so the file drop stays in view.
        responsive={false}
        titlePlacement={narrow ? 'vertical' : 'horizontal'}
        style={{ marginBottom: 16 }}
        items={[{ title: t('exchange.steps.file') }, { title: t('exchange.steps.mapping') }, { title: t('exchange.steps.check') }, { title: t('exchange.steps.apply') }]}
      />
      {step === 0 && <FileStep kind={kind} areaId={areaId} maxBytes={maxBytes} onUploaded={uploaded} />}
      {step === 1 && current && <MappingStep key={current.id} job={current} onRestart={restart} />}
      {step === 2 && current && <CheckStep job={current} onRestart={restart} />}
      {step === 3 && current && <ApplyStep job={current} onRestart={restart} />}
    </div>
  );
}
