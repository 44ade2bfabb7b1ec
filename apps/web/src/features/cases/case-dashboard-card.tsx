import { AlertOutlined, CheckCircleOutlined, ClockCircleOutlined, EnvironmentOutlined, FileAddOutlined, FlagOutlined, InboxOutlined, WarningOutlined } from '@ant-design/icons';
import { Alert, Card, Col, Row, Statistic } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useDescribeError } from '../../shared/api/use-describe-error';
import type { DashboardCardProps } from '../dashboard/dashboard-cards';
import { useCaseCounts, useCaseKpi } from './case-map.api';

/** Today and the first of this month as Beijing dates (YYYY-MM-DD), whatever the device's zone. */
export function beijingMonthSoFar(now: Date): { from: string; to: string } {
  const today = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  return { from: `${today.slice(0, 8)}01`, to: today };
}

/** A rate 0..1 as a whole percentage; none without a denominator. */
export function percent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : `${Math.round(rate * 100)}%`;
}

function CaseStat({ to, icon, title, value, color, testId }: { to: string; icon: ReactNode; title: string; value: number | string | undefined; color?: string | undefined; testId: string }) {
  return (
    <Link to={to} data-testid={testId}>
      <Card className="rg-stat-card" variant="borderless" hoverable>
        <Statistic title={title} value={value ?? '…'} prefix={icon} styles={color ? { content: { color } } : undefined} />
      </Card>
    </Link>
  );
}

/**
 * The dashboard's case cards (for those who read cases): open, overdue, warned, red and yellow cards and
 * today's reports now (GET /api/cases/counts), and this month's self-handled and closure rates (the KPIs of
 * the focus area, or the first area of the person's roles). Each opens the inbox view it counts.
 */
export function CaseDashboardCard({ me, focusId }: DashboardCardProps) {
  const { t } = useTranslation();
  const describe = useDescribeError();
  const counts = useCaseCounts(focusId);
  const month = beijingMonthSoFar(new Date());
  const kpi = useCaseKpi(focusId ?? me.roles[0]?.areaId, month.from, month.to);
  const c = counts.data;
  const f = kpi.data?.figures;
  if (counts.error) return <Alert type="error" showIcon title={describe(counts.error)} />;
  const stats = [
    { key: 'open', to: '/cases?view=area', icon: <InboxOutlined />, value: c?.open },
    { key: 'overdue', to: '/cases?view=overdue', icon: <ClockCircleOutlined />, value: c?.overdue, color: c?.overdue ? '#e5212b' : undefined },
    { key: 'warned', to: '/cases?view=overdue', icon: <WarningOutlined />, value: c?.warned, color: c?.warned ? '#d48806' : undefined },
    { key: 'redCards', to: '/cases?view=area', icon: <FlagOutlined />, value: c?.redCards, color: c?.redCards ? '#e5212b' : undefined },
    { key: 'yellowCards', to: '/cases?view=area', icon: <FlagOutlined />, value: c?.yellowCards, color: c?.yellowCards ? '#d48806' : undefined },
    { key: 'today', to: '/cases?view=area', icon: <FileAddOutlined />, value: c?.reportedToday },
    { key: 'selfHandledRate', to: '/cases?view=closed', icon: <CheckCircleOutlined />, value: kpi.data ? percent(f?.selfHandledRate) : undefined },
    { key: 'closureRate', to: '/cases?view=closed', icon: <AlertOutlined />, value: kpi.data ? percent(f?.closureRate) : undefined },
  ] as const;
  return (
    <div data-testid="dashboard-cases">
      <Row gutter={[16, 16]}>
        {stats.map((s) => (
          <Col key={s.key} xs={12} sm={12} lg={6}>
            <CaseStat testId={`case-stat-${s.key}`} to={s.to} icon={s.icon} title={t(`caseMap.dashboard.${s.key}`)} value={s.value} color={'color' in s ? s.color : undefined} />
          </Col>
        ))}
      </Row>
      <div style={{ marginTop: 8, textAlign: 'right' }}>
        <Link to="/cases/map" data-testid="dashboard-case-map">
          <EnvironmentOutlined /> {t('caseMap.dashboard.map')}
        </Link>
      </div>
    </div>
  );
}
