import { CheckOutlined, FileSearchOutlined, UploadOutlined } from '@ant-design/icons';
import type { BoundaryImportReport, CrsName, ImportIssue } from '@redgrid/contracts';
import { Alert, Button, Checkbox, Descriptions, Form, Modal, Select, Space, Table, Tooltip, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { useLanguage } from '../../shared/i18n/use-language';
import { readBoundaryFile, type BoundaryFile } from './boundary-file';
import { useImportBoundaries } from './areas.api';

const CRS_OPTIONS: readonly CrsName[] = ['gcj02', 'wgs84', 'bd09'];

interface ImportSettings {
  crs: CrsName;
  code: string;
  name: string | undefined;
  repair: boolean;
}

type IssueRow = ImportIssue & { key: number };

/** Problems of a boundary file, feature by feature (numbered from 1, as a person counts them). */
function FeatureIssues({ title, issues, total, type }: { title: string; issues: readonly ImportIssue[]; total: number; type: 'danger' | 'warning' }) {
  const { t } = useTranslation();
  return (
    <div style={{ marginTop: 12 }}>
      <Typography.Text strong type={type}>
        {title}
      </Typography.Text>{' '}
      <Typography.Text type="secondary">{issues.length < total ? t('areas.import.listed', { total, shown: issues.length }) : t('common.total', { total })}</Typography.Text>
      <Table<IssueRow>
        rowKey="key"
        size="small"
        style={{ marginTop: 8 }}
        dataSource={issues.map((issue, key) => ({ ...issue, key }))}
        pagination={{ pageSize: 8, hideOnSinglePage: true, showSizeChanger: false, size: 'small' }}
        scroll={{ x: 480 }}
        columns={[
          { title: t('areas.import.feature'), dataIndex: 'feature', width: 70, align: 'right', render: (v: number | undefined) => (v === undefined ? '—' : v + 1) },
          { title: t('areas.code'), dataIndex: 'areaCode', width: 130, render: (v: string | undefined) => <span className="rg-mono">{v ?? '—'}</span> },
          {
            title: t('areas.import.issue'),
            dataIndex: 'message',
            render: (v: string, issue) => (
              <Tooltip title={issue.code}>
                <span>{v}</span>
              </Tooltip>
            ),
          },
        ]}
      />
    </div>
  );
}

function ImportReportView({ report }: { report: BoundaryImportReport }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const rejected = report.errorCount > 0;
  const type = rejected ? 'error' : report.applied ? 'success' : report.warningCount > 0 ? 'warning' : 'info';
  const title = rejected
    ? t('areas.import.rejected', { count: report.errorCount })
    : report.applied
      ? t('areas.import.applied', { created: report.created, replaced: report.replaced })
      : t('areas.import.checked', { created: report.created, replaced: report.replaced });
  return (
    <div data-testid="boundary-import-report" style={{ marginTop: 12 }}>
      <Alert type={type} showIcon title={title} description={language === 'zh-CN' ? report.message : undefined} />
      <Descriptions
        size="small"
        column={{ xs: 2, sm: 3 }}
        style={{ marginTop: 8 }}
        items={[
          { key: 'total', label: t('areas.import.total'), children: report.total },
          { key: 'ok', label: t('areas.import.ok'), children: report.ok },
          { key: 'created', label: t('areas.import.created'), children: report.created },
          { key: 'replaced', label: t('areas.import.replaced'), children: report.replaced },
          { key: 'unchanged', label: t('areas.import.unchanged'), children: report.unchanged },
          { key: 'repaired', label: t('areas.import.repaired'), children: report.repaired },
        ]}
      />
      {report.errorCount > 0 ? <FeatureIssues title={t('areas.import.errors')} issues={report.errors} total={report.errorCount} type="danger" /> : null}
      {report.warningCount > 0 ? <FeatureIssues title={t('areas.import.warnings')} issues={report.warnings} total={report.warningCount} type="warning" /> : null}
    </div>
  );
}

/**
 * 导入边界: a GeoJSON file of boundaries for areas in scope, matched by a code property. It is
 * checked first (a dry run: every feature's errors and warnings, nothing written), then applied
 * all-or-nothing. The crs is the user's choice; GCJ-02 is the default because files exported from
 * Chinese web maps (高德、腾讯) are in it.
 */
export function BoundaryImportModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const describe = useDescribeError();
  const [form] = Form.useForm<ImportSettings>();
  const [file, setFile] = useState<BoundaryFile | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [checked, setChecked] = useState<{ report: BoundaryImportReport; settings: string } | null>(null);
  const run = useImportBoundaries();
  const settings = Form.useWatch([], form) as ImportSettings | undefined;
  const settingsKey = JSON.stringify(settings ?? {});

  const reset = () => {
    setFile(null);
    setFileError(null);
    setChecked(null);
    run.reset();
    form.resetFields();
  };

  const send = (dryRun: boolean) => {
    if (!file || !settings?.code) return;
    run.mutate(
      {
        crs: settings.crs,
        mapping: { code: settings.code, ...(settings.name ? { name: settings.name } : {}) },
        repair: settings.repair,
        dryRun,
        featureCollection: file.collection,
      },
      {
        onSuccess: (report) => {
          if (dryRun) setChecked({ report, settings: settingsKey });
        },
      },
    );
  };

  // A check counts only for the file and settings it was run with.
  const checkedReport = checked && checked.settings === settingsKey ? checked.report : null;
  const applied = run.data?.applied ? run.data : null;
  const canApply = checkedReport !== null && checkedReport.errorCount === 0 && !applied;

  return (
    <Modal
      open={open}
      title={t('areas.import.title')}
      onCancel={() => {
        reset();
        onClose();
      }}
      footer={null}
      destroyOnHidden
      width={720}
    >
      <Form<ImportSettings> form={form} layout="vertical" initialValues={{ crs: 'gcj02', repair: false }} requiredMark={false} data-testid="boundary-import-form">
        <Form.Item label={t('areas.import.file')} validateStatus={fileError ? 'error' : ''} help={fileError ?? t('areas.import.fileHint')}>
          <Upload
            accept=".geojson,.json,application/geo+json,application/json"
            maxCount={1}
            showUploadList={false}
            beforeUpload={(picked) => {
              void readBoundaryFile(picked).then((read) => {
                setChecked(null);
                run.reset();
                if (!read.ok) {
                  setFile(null);
                  setFileError(t(`areas.import.fileProblems.${read.reason}`));
                  return;
                }
                setFileError(null);
                setFile(read.file);
                form.setFieldsValue({ code: read.file.guessCode, name: read.file.guessName });
              });
              return false;
            }}
          >
            <Button icon={<UploadOutlined />} data-testid="boundary-import-file">
              {file ? t('areas.import.otherFile') : t('areas.import.chooseFile')}
            </Button>
          </Upload>
          {file ? (
            <Typography.Text style={{ marginLeft: 8 }}>
              {file.fileName} · {t('areas.import.features', { count: file.collection.features.length })}
            </Typography.Text>
          ) : null}
        </Form.Item>
        <Form.Item name="crs" label={t('areas.import.crs')} extra={t('areas.import.crsHint')}>
          <Select<CrsName> options={CRS_OPTIONS.map((value) => ({ value, label: t(`areas.crs.${value}`) }))} data-testid="boundary-import-crs" />
        </Form.Item>
        <Space size={12} wrap align="start">
          <Form.Item name="code" label={t('areas.import.codeProperty')} rules={[{ required: true }]} style={{ minWidth: 200 }}>
            <Select<string> options={(file?.properties ?? []).map((p) => ({ value: p, label: p }))} placeholder={t('areas.import.pickProperty')} data-testid="boundary-import-code" />
          </Form.Item>
          <Form.Item name="name" label={t('areas.import.nameProperty')} style={{ minWidth: 200 }}>
            <Select<string> allowClear options={(file?.properties ?? []).map((p) => ({ value: p, label: p }))} placeholder={t('areas.import.optional')} />
          </Form.Item>
        </Space>
        <Form.Item name="repair" valuePropName="checked" extra={t('areas.import.repairHint')}>
          <Checkbox>{t('areas.import.repair')}</Checkbox>
        </Form.Item>
        <Space wrap>
          <Button icon={<FileSearchOutlined />} type={canApply ? 'default' : 'primary'} disabled={!file || !settings?.code} loading={run.isPending && run.variables.dryRun} onClick={() => send(true)} data-testid="boundary-import-check">
            {t('areas.import.check')}
          </Button>
          <Button type="primary" icon={<CheckOutlined />} disabled={!canApply} loading={run.isPending && !run.variables.dryRun} onClick={() => send(false)} data-testid="boundary-import-apply">
            {t('areas.import.apply')}
          </Button>
        </Space>
        {!checkedReport && !applied ? (
          <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0, fontSize: 12 }}>
            {t('areas.import.checkFirst')}
          </Typography.Paragraph>
        ) : null}
      </Form>
      {run.error ? <Alert type="error" showIcon title={describe(run.error)} style={{ marginTop: 12 }} /> : null}
      {applied ? <ImportReportView report={applied} /> : checkedReport ? <ImportReportView report={checkedReport} /> : null}
    </Modal>
  );
}
