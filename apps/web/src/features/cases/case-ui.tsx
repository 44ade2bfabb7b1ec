import { CASE_STATE_LABELS, HANDLING_LEVEL_LABELS, SUPERVISION_GRADE_LABELS, type CaseState, type CaseSummary } from '@redgrid/contracts';
import { Space, Tag, Typography, type TableColumnsType } from 'antd';
import type { TFunction } from 'i18next';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { formatDateTime } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { dueIn } from './case-draft';

const STATE_COLORS: Record<CaseState, string> = {
  reported: 'orange',
  accepted: 'blue',
  dispatched: 'purple',
  handling: 'processing',
  handled: 'cyan',
  suspended: 'default',
  closed: 'success',
  closed_unfixed: 'warning',
  rejected: 'default',
  merged: 'default',
};

export function StateTag({ state }: { state: CaseState }) {
  const { language } = useLanguage();
  return <Tag color={STATE_COLORS[state]}>{CASE_STATE_LABELS[state][language]}</Tag>;
}

/** Yellow (warning passed) and red (overdue) against the step in force; nothing when on time. */
export function AlarmTag({ alarm }: { alarm: CaseSummary['alarm'] }) {
  const { t } = useTranslation();
  if (alarm === 'none') return null;
  return (
    <Tag color={alarm === 'red' ? 'red' : 'gold'} variant="solid" data-testid={`alarm-${alarm}`}>
      {t(`cases.alarm.${alarm}`)}
    </Tag>
  );
}

/** The flags that put a case high in the list: supervision card, urgency, expedited. */
export function CaseFlags({ c }: { c: Pick<CaseSummary, 'supervision' | 'urgency' | 'expedited' | 'alarm'> }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  return (
    <Space size={2} wrap>
      <AlarmTag alarm={c.alarm} />
      {c.supervision ? <Tag color={c.supervision === 'red' ? 'red' : c.supervision === 'yellow' ? 'gold' : 'default'}>{SUPERVISION_GRADE_LABELS[c.supervision][language]}</Tag> : null}
      {c.urgency !== 'normal' ? <Tag color="volcano">{t(`cases.urgency.${c.urgency}`)}</Tag> : null}
      {c.expedited ? <Tag color="magenta">{t('cases.expedited')}</Tag> : null}
    </Space>
  );
}

export function holderText(holder: CaseSummary['holder'], language: 'zh-CN' | 'en-US'): string {
  return holder.name ?? HANDLING_LEVEL_LABELS[holder.level][language];
}

/** The clock, ticking once a minute, for "time left" texts. */
function useNow(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/**
 * The deadline of the step in force, in Beijing time, with the time left or overdue: in working hours on the
 * working-time clock as the server counted them (剩余 6.5 工作小时), else in clock hours.
 */
export function DueText({ c }: { c: Pick<CaseSummary, 'dueRedAt' | 'closedAt' | 'workHoursLeft'> }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const now = useNow();
  if (c.closedAt || !c.dueRedAt) return <Typography.Text type="secondary">—</Typography.Text>;
  const left = dueIn(c.dueRedAt, now);
  const work = c.workHoursLeft;
  const overdue = work !== null ? work < 0 : left?.overdue === true;
  const rel =
    work !== null
      ? work < 0
        ? t('cases.due.workOver', { hours: Math.abs(work) })
        : t('cases.due.workLeft', { hours: work })
      : left === null
        ? ''
        : left.overdue
          ? t('cases.due.over', { hours: left.hours })
          : left.hours === 0
            ? t('cases.due.leftLess')
            : t('cases.due.left', { hours: left.hours });
  return (
    <span title={formatDateTime(c.dueRedAt, language)} data-testid="case-due">
      <Typography.Text type={overdue ? 'danger' : undefined}>{rel}</Typography.Text>
      <br />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('cases.due.at', { time: formatDateTime(c.dueRedAt, language) })}
      </Typography.Text>
    </span>
  );
}

/** The case list's columns: the inbox and the KPI drill-down show cases the same way. */
export function caseListColumns(t: TFunction, language: 'zh-CN' | 'en-US'): TableColumnsType<CaseSummary> {
  return [
    { key: 'caseNo', title: t('cases.col.caseNo'), width: 150, render: (_, c) => <Link to={`/cases/${c.id}`}>{c.caseNo}</Link> },
    {
      key: 'title',
      title: t('cases.col.title'),
      render: (_, c) => (
        <Space direction="vertical" size={0}>
          <Link to={`/cases/${c.id}`}>{c.title}</Link>
          <CaseFlags c={c} />
        </Space>
      ),
    },
    { key: 'item', title: t('cases.col.item'), dataIndex: 'itemName', width: 160 },
    { key: 'state', title: t('cases.col.state'), width: 130, render: (_, c) => <StateTag state={c.state} /> },
    { key: 'holder', title: t('cases.col.holder'), width: 150, render: (_, c) => holderText(c.holder, language) },
    { key: 'due', title: t('cases.col.due'), width: 170, render: (_, c) => <DueText c={c} /> },
    { key: 'grid', title: t('cases.col.grid'), width: 140, render: (_, c) => c.grid.name ?? '—' },
    { key: 'reportedAt', title: t('cases.col.reportedAt'), width: 140, render: (_, c) => formatDateTime(c.reportedAt, language) },
  ];
}
