import type { DivisionEditionImportReport } from '@redgrid/contracts';
import { Alert, Descriptions, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDuration } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { ImportIssueTable } from './import-issue-table';
import { LevelCounts } from './level-counts';

type Outcome = 'rejected' | 'unchanged' | 'dryRunOk' | 'replaced' | 'applied';

function outcomeOf(report: DivisionEditionImportReport): Outcome {
  if (report.errorCount > 0) return 'rejected';
  if (report.unchanged) return 'unchanged';
  if (report.dryRun) return 'dryRunOk';
  return report.replaced ? 'replaced' : 'applied';
}

/** What an edition import did (or would do): the verdict, the rows by level, the timings, the problems. */
export function EditionImportReport({ report, roundTripMs }: { report: DivisionEditionImportReport; roundTripMs: number }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const outcome = outcomeOf(report);
  const title = outcome === 'rejected' ? t('divisions.report.rejected', { count: report.errorCount }) : t(`divisions.report.${outcome}`);
  const type = outcome === 'rejected' ? 'error' : outcome === 'unchanged' ? 'info' : 'success';
  const duration = (ms: number) => formatDuration(ms, language);

  return (
    <div data-testid="division-import-report">
      {/* The server's own line is written in Chinese for users; other languages get the verdict only. */}
      <Alert type={type} showIcon title={title} description={language === 'zh-CN' ? report.message : undefined} />
      <Descriptions
        size="small"
        column={{ xs: 1, sm: 2 }}
        style={{ marginTop: 12 }}
        items={[
          { key: 'rows', label: t('divisions.report.rows'), children: report.total.toLocaleString(language) },
          {
            key: 'issues',
            label: `${t('divisions.report.errorCount')} / ${t('divisions.report.warningCount')}`,
            children: (
              <span>
                <Typography.Text type={report.errorCount > 0 ? 'danger' : undefined}>{report.errorCount.toLocaleString(language)}</Typography.Text>
                {' / '}
                <Typography.Text type={report.warningCount > 0 ? 'warning' : undefined}>{report.warningCount.toLocaleString(language)}</Typography.Text>
              </span>
            ),
          },
          ...(report.edition
            ? [
                { key: 'edition', label: t('divisions.edition'), children: `${report.edition.name} · ${t('divisions.codeDigits', { count: report.edition.codeLength })}` },
                { key: 'levels', label: t('divisions.editions.levels'), children: <LevelCounts counts={report.edition.countsByLevel} /> },
              ]
            : []),
          {
            key: 'phases',
            label: t('divisions.report.phases'),
            span: 'filled' as const,
            children: [
              t('divisions.report.phaseCopy', { time: duration(report.phases.copyMs) }),
              t('divisions.report.phaseIndex', { time: duration(report.phases.indexMs) }),
              t('divisions.report.phaseCheck', { time: duration(report.phases.checkMs) }),
            ].join(' · '),
          },
          { key: 'server', label: t('divisions.report.server'), children: duration(report.durationMs) },
          { key: 'roundTrip', label: t('divisions.report.roundTrip'), children: duration(roundTripMs) },
        ]}
      />
      {report.errorCount > 0 ? <ImportIssueTable title={t('divisions.report.errors')} issues={report.errors} total={report.errorCount} type="danger" /> : null}
      {report.warningCount > 0 ? <ImportIssueTable title={t('divisions.report.warnings')} issues={report.warnings} total={report.warningCount} type="warning" /> : null}
    </div>
  );
}
