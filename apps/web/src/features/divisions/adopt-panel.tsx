import type { DivisionEdition, DivisionImportReport, DivisionLevelName } from '@redgrid/contracts';
import { Alert, Button, Descriptions, Form, Select, Space, Switch, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { areaLevelLabel } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { levelsBetween, type DivisionLink } from './division-format';
import { useAdoptDivision } from './divisions.api';
import { ImportIssueTable } from './import-issue-table';
import { LevelCounts } from './level-counts';

/** Counts and problems of an adoption, checked or done. */
function AdoptReport({ report }: { report: DivisionImportReport }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const rejected = report.errorCount > 0;
  const nothing = !rejected && report.created === 0 && report.renamed === 0;
  const title = rejected
    ? t('divisions.adopt.rejected', { count: report.errorCount })
    : nothing
      ? t('divisions.adopt.nothingToDo')
      : report.applied
        ? t('divisions.adopt.applied')
        : t('divisions.adopt.previewNote');
  const type = rejected ? 'error' : report.applied ? 'success' : nothing ? 'info' : 'warning';
  return (
    <div data-testid="division-adopt-report">
      <Alert type={type} showIcon title={title} description={language === 'zh-CN' ? report.message : undefined} />
      {rejected ? null : (
        <Descriptions
          size="small"
          column={1}
          style={{ marginTop: 8 }}
          items={[
            {
              key: 'created',
              label: t('divisions.adopt.created'),
              children: (
                <Space size={8} wrap>
                  <span>{t('divisions.adopt.createdCount', { count: report.created })}</span>
                  <LevelCounts counts={report.createdByLevel} />
                </Space>
              ),
            },
            { key: 'renamed', label: t('divisions.adopt.renamed'), children: report.renamed.toLocaleString(language) },
            { key: 'unchanged', label: t('divisions.adopt.unchanged'), children: report.unchanged.toLocaleString(language) },
          ]}
        />
      )}
      {report.errorCount > 0 ? <ImportIssueTable title={t('divisions.report.errors')} issues={report.errors} total={report.errorCount} type="danger" /> : null}
      {report.warningCount > 0 ? <ImportIssueTable title={t('divisions.report.warnings')} issues={report.warnings} total={report.warningCount} type="warning" /> : null}
    </div>
  );
}

export interface AdoptPanelProps {
  edition: DivisionEdition;
  division: DivisionLink;
}

/**
 * Takes a division and what lies below it into the area tree: a check first (dryRun), showing
 * what would be created per level, renamed and left alone; then the real run. Changing an option
 * drops the check, so what is confirmed is always what was checked.
 */
export function AdoptPanel({ edition, division }: AdoptPanelProps) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const describe = useDescribeError();
  const below = levelsBetween(division.level, edition.maxLevel);
  const levels = below.length > 0 ? below : [division.level];
  const [maxLevel, setMaxLevel] = useState<DivisionLevelName>(levels.at(-1) ?? division.level);
  const [updateNames, setUpdateNames] = useState(false);
  const check = useAdoptDivision();
  const commit = useAdoptDivision();

  const run = (dryRun: boolean) => {
    const mutation = dryRun ? check : commit;
    mutation.mutate({ edition: edition.id, code: division.code, maxLevel, updateNames, dryRun });
  };
  const changed = () => {
    check.reset();
    commit.reset();
  };

  const checked = check.data;
  const canConfirm = checked !== undefined && checked.errorCount === 0 && (checked.created > 0 || checked.renamed > 0) && commit.data === undefined;
  const error = check.error ?? commit.error;

  return (
    <div data-testid="division-adopt">
      <Typography.Paragraph type="secondary">{t('divisions.adopt.help')}</Typography.Paragraph>
      <Form layout="vertical" disabled={check.isPending || commit.isPending} requiredMark={false}>
        <Space size={[24, 0]} wrap align="start">
          <Form.Item label={t('divisions.adopt.maxLevel')}>
            <Select<DivisionLevelName>
              value={maxLevel}
              onChange={(value) => {
                setMaxLevel(value);
                changed();
              }}
              options={levels.map((level) => ({ value: level, label: areaLevelLabel(level, language) }))}
              style={{ minWidth: 140 }}
            />
          </Form.Item>
          <Form.Item label={t('divisions.adopt.updateNames')} extra={t('divisions.adopt.updateNamesHint')}>
            <Switch
              checked={updateNames}
              onChange={(value) => {
                setUpdateNames(value);
                changed();
              }}
            />
          </Form.Item>
        </Space>
      </Form>
      <Space wrap style={{ marginBottom: 12 }}>
        <Button onClick={() => run(true)} loading={check.isPending} disabled={commit.isPending} data-testid="division-adopt-check">
          {checked ? t('divisions.adopt.recheck') : t('divisions.adopt.check')}
        </Button>
        {canConfirm ? (
          <Button type="primary" onClick={() => run(false)} loading={commit.isPending} data-testid="division-adopt-confirm">
            {t('divisions.adopt.confirm')}
          </Button>
        ) : null}
      </Space>
      {error ? <Alert type="error" showIcon title={describe(error)} style={{ marginBottom: 12 }} /> : null}
      {commit.data ? <AdoptReport report={commit.data} /> : checked ? <AdoptReport report={checked} /> : null}
    </div>
  );
}
