import { DownloadOutlined } from '@ant-design/icons';
import type { CaseDepartmentFigures, CaseKpiDimension, CaseKpiFigure, CaseKpiFigures, CasePersonFigures } from '@redgrid/contracts';
import { Alert, App, Button, Card, Col, DatePicker, Empty, Row, Segmented, Space, Statistic, Table, Tabs, Typography, type TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { AreaTreeSelect } from '../areas/area-tree-select';
import { useAreaRoots } from '../areas/areas.api';
import { useSelectedArea } from '../areas/selected-area';
import { drillPath, exportPath, useCaseKpi, useCaseKpiBreakdown, type DrillQuery } from './case-kpi.api';
import { PairedBars } from './kpi-bars';
import { formatRate, periodFromParams, presetPeriod, type Period, type PeriodPreset } from './kpi-period';

const DIMENSIONS: readonly CaseKpiDimension[] = ['area', 'department', 'person'];

/** A number that opens the cases behind it. */
function FigureLink({ q, children, testId }: { q: DrillQuery; children: ReactNode; testId?: string }) {
  return (
    <Link to={drillPath(q)} data-testid={testId}>
      {children}
    </Link>
  );
}

const byNumber = <T,>(get: (r: T) => number | null) => (a: T, b: T) => (get(a) ?? -1) - (get(b) ?? -1);

/** 考核指标: headline figures, a chart per child area and the breakdown table; every number drills down. */
export function CaseKpiPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const describe = useDescribeError();
  const [params, setParams] = useSearchParams();
  const selected = useSelectedArea();
  const roots = useAreaRoots();
  const { preset, period } = periodFromParams(params, new Date());
  const areaParam = Number(params.get('areaId'));
  const areaId = Number.isSafeInteger(areaParam) && areaParam > 0 ? areaParam : (selected.areaId ?? roots.data?.[0]?.id);
  const by = DIMENSIONS.find((d) => d === params.get('by')) ?? 'area';
  const kpi = useCaseKpi(areaId, period);
  const breakdown = useCaseKpiBreakdown(areaId, period, by);

  const go = (next: { period?: Period; areaId?: number | undefined; by?: CaseKpiDimension }) => {
    const p = new URLSearchParams(params);
    const per = next.period ?? period;
    p.set('from', per.from);
    p.set('to', per.to);
    const a = 'areaId' in next ? next.areaId : areaId;
    if (a !== undefined) p.set('areaId', String(a));
    else p.delete('areaId');
    p.set('by', next.by ?? by);
    setParams(p, { replace: true });
  };
  const choose = (value: PeriodPreset) => {
    if (value !== 'custom') go({ period: presetPeriod(value, new Date()) });
    else setParams((p) => ({ ...Object.fromEntries(p), from: period.from, to: period.to, custom: '1' }), { replace: true });
  };
  const drill = (figure: CaseKpiFigure, extra: Partial<DrillQuery> = {}): DrillQuery => ({ figure, areaId: areaId ?? 0, from: period.from, to: period.to, ...extra });
  const f = kpi.data?.figures;

  const card = (title: string, value: ReactNode, figure: CaseKpiFigure, note?: string, testId?: string) => (
    <Col xs={12} sm={8} lg={6} xl={4}>
      <Card size="small">
        <Statistic title={title} valueRender={() => <FigureLink q={drill(figure)} testId={testId}>{value}</FigureLink>} />
        {note ? <Typography.Text type="secondary" style={{ fontSize: 12 }}>{note}</Typography.Text> : null}
      </Card>
    </Col>
  );

  const areaCols: TableColumnsType<{ id: number; name: string; figures: CaseKpiFigures }> = [
    { key: 'name', title: t('caseKpi.col.area'), dataIndex: 'name', fixed: 'left', width: 160, sorter: (a, b) => a.name.localeCompare(b.name, 'zh-CN') },
    ...(
      [
        ['reported', 'reported', (x: CaseKpiFigures) => x.reported],
        ['selfHandled', 'selfHandled', (x: CaseKpiFigures) => x.selfHandled],
        ['escalated', 'escalatedCommunity', (x: CaseKpiFigures) => x.escalated.community + x.escalated.town + x.escalated.district],
        ['dispatched', 'dispatched', (x: CaseKpiFigures) => x.dispatched],
        ['closed', 'closed', (x: CaseKpiFigures) => x.closed],
        ['overdue', 'overdue', (x: CaseKpiFigures) => x.overdue],
        ['yellowCards', 'yellowCards', (x: CaseKpiFigures) => x.yellowCards],
        ['redCards', 'redCards', (x: CaseKpiFigures) => x.redCards],
        ['missed', 'missed', (x: CaseKpiFigures) => x.patrol.missed],
      ] as const
    ).map(([key, figure, get]) => ({
      key,
      title: t(`caseKpi.col.${key}`),
      width: 90,
      align: 'right' as const,
      sorter: byNumber<{ figures: CaseKpiFigures }>((r) => get(r.figures)),
      render: (_: unknown, r: { id: number; figures: CaseKpiFigures }) => <FigureLink q={{ ...drill(figure), areaId: r.id }}>{get(r.figures)}</FigureLink>,
    })),
    ...(
      [
        ['selfHandledRate', (x: CaseKpiFigures) => x.selfHandledRate],
        ['closureRate', (x: CaseKpiFigures) => x.closureRate],
        ['onTimeClosureRate', (x: CaseKpiFigures) => x.onTimeClosureRate],
        ['satisfactionRate', (x: CaseKpiFigures) => x.satisfactionRate],
        ['missedRate', (x: CaseKpiFigures) => x.patrol.missedRate],
        ['onTimeReportRate', (x: CaseKpiFigures) => x.patrol.onTimeReportRate],
      ] as const
    ).map(([key, get]) => ({ key, title: t(`caseKpi.col.${key}`), width: 100, align: 'right' as const, sorter: byNumber<{ figures: CaseKpiFigures }>((r) => get(r.figures)), render: (_: unknown, r: { figures: CaseKpiFigures }) => formatRate(get(r.figures)) })),
  ];

  const deptCols: TableColumnsType<{ id: number; name: string; figures: CaseDepartmentFigures }> = [
    { key: 'name', title: t('caseKpi.col.department'), dataIndex: 'name', fixed: 'left', width: 180, sorter: (a, b) => a.name.localeCompare(b.name, 'zh-CN') },
    ...(['dispatched', 'returned', 'handled', 'handledOnTime', 'closed', 'overdue', 'yellowCards', 'redCards', 'open'] as const).map((key) => ({
      key,
      title: t(`caseKpi.col.${key}`),
      width: 90,
      align: 'right' as const,
      sorter: byNumber<{ figures: CaseDepartmentFigures }>((r) => r.figures[key]),
      render: (_: unknown, r: { id: number; figures: CaseDepartmentFigures }) => <FigureLink q={drill(key, { departmentId: r.id })}>{r.figures[key]}</FigureLink>,
    })),
    ...(['handlingRate', 'onTimeHandlingRate', 'closureRate'] as const).map((key) => ({ key, title: t(`caseKpi.col.${key}`), width: 100, align: 'right' as const, sorter: byNumber<{ figures: CaseDepartmentFigures }>((r) => r.figures[key]), render: (_: unknown, r: { figures: CaseDepartmentFigures }) => formatRate(r.figures[key]) })),
  ];

  const personCols: TableColumnsType<{ id: number; name: string; figures: CasePersonFigures }> = [
    { key: 'name', title: t('caseKpi.col.person'), dataIndex: 'name', fixed: 'left', width: 140, sorter: (a, b) => a.name.localeCompare(b.name, 'zh-CN') },
    ...(['reported', 'reportedOnTime', 'missed', 'selfHandled', 'handled', 'handledOnTime'] as const).map((key) => ({
      key,
      title: t(`caseKpi.col.${key}`),
      width: 90,
      align: 'right' as const,
      sorter: byNumber<{ figures: CasePersonFigures }>((r) => r.figures[key]),
      render: (_: unknown, r: { id: number; figures: CasePersonFigures }) => <FigureLink q={drill(key, { personId: r.id })}>{r.figures[key]}</FigureLink>,
    })),
    ...(['onTimeReportRate', 'missedRate', 'selfHandledRate', 'onTimeHandlingRate'] as const).map((key) => ({ key, title: t(`caseKpi.col.${key}`), width: 100, align: 'right' as const, sorter: byNumber<{ figures: CasePersonFigures }>((r) => r.figures[key]), render: (_: unknown, r: { figures: CasePersonFigures }) => formatRate(r.figures[key]) })),
  ];

  const b = breakdown.data;
  const children = b?.by === 'area' ? b.rows : [];
  const table =
    b?.by === 'area' ? (
      <Table rowKey="id" size="small" columns={areaCols} dataSource={b.rows} pagination={false} scroll={{ x: 'max-content' }} loading={breakdown.isFetching} data-testid="kpi-table" />
    ) : b?.by === 'department' ? (
      <Table rowKey="id" size="small" columns={deptCols} dataSource={b.rows} pagination={false} scroll={{ x: 'max-content' }} loading={breakdown.isFetching} locale={{ emptyText: <Empty description={t('caseKpi.empty')} /> }} data-testid="kpi-table" />
    ) : b?.by === 'person' ? (
      <Table rowKey="id" size="small" columns={personCols} dataSource={b.rows} pagination={{ pageSize: 50, hideOnSinglePage: true }} scroll={{ x: 'max-content' }} loading={breakdown.isFetching} locale={{ emptyText: <Empty description={t('caseKpi.empty')} /> }} data-testid="kpi-table" />
    ) : null;

  const download = () => {
    if (areaId === undefined) return;
    const a = document.createElement('a');
    a.href = exportPath(areaId, period, by);
    a.download = '';
    document.body.append(a);
    a.click();
    a.remove();
    void message.info(t('caseKpi.exportStarted'));
  };

  return (
    <div data-testid="case-kpi-page">
      <div className="rg-page-title">
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('caseKpi.title')}
        </Typography.Title>
        <Button icon={<DownloadOutlined />} onClick={download} disabled={areaId === undefined} data-testid="kpi-export">
          {t('caseKpi.export')}
        </Button>
      </div>
      <Typography.Paragraph type="secondary">{t('caseKpi.intro')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 16 }}>
        <Segmented<PeriodPreset>
          value={params.get('custom') ? 'custom' : preset}
          onChange={choose}
          options={(['month', 'quarter', 'custom'] as const).map((p) => ({ value: p, label: t(`caseKpi.period.${p}`) }))}
          data-testid="kpi-period"
        />
        <DatePicker.RangePicker
          value={[dayjs(period.from), dayjs(period.to)]}
          allowClear={false}
          onChange={(range) => {
            if (range?.[0] && range[1]) go({ period: { from: range[0].format('YYYY-MM-DD'), to: range[1].format('YYYY-MM-DD') } });
          }}
        />
        <AreaTreeSelect value={areaId ?? null} onChange={(id) => go({ areaId: id })} placeholder={t('caseKpi.pickArea')} style={{ width: 260 }} aria-label={t('caseKpi.area')} />
      </Space>
      {kpi.error ? <Alert type="error" showIcon message={describe(kpi.error)} style={{ marginBottom: 12 }} /> : null}
      {f ? (
        <Row gutter={[12, 12]} style={{ marginBottom: 16 }} data-testid="kpi-cards">
          {card(t('caseKpi.cards.reported'), f.reported, 'reported', undefined, 'kpi-reported')}
          {card(t('caseKpi.cards.selfHandledRate'), formatRate(f.selfHandledRate), 'selfHandled', t('caseKpi.cards.of', { num: f.selfHandled, den: f.reported }))}
          {card(t('caseKpi.cards.closureRate'), formatRate(f.closureRate), 'closed', t('caseKpi.cards.of', { num: f.closed, den: f.shouldHandle }))}
          {card(t('caseKpi.cards.onTimeClosureRate'), formatRate(f.onTimeClosureRate), 'closedOnTime')}
          {card(t('caseKpi.cards.satisfactionRate'), formatRate(f.satisfactionRate), 'satisfied')}
          {card(t('caseKpi.cards.overdue'), f.overdue, 'overdue')}
          {card(t('caseKpi.cards.cards'), `${f.yellowCards} / ${f.redCards}`, 'yellowCards')}
          {card(t('caseKpi.cards.missedRate'), formatRate(f.patrol.missedRate), 'missed', t('caseKpi.cards.of', { num: f.patrol.missed, den: f.patrol.reported + f.patrol.missed }))}
          {card(t('caseKpi.cards.onTimeReportRate'), formatRate(f.patrol.onTimeReportRate), 'reportedOnTime', t('caseKpi.cards.of', { num: f.patrol.onTime, den: f.patrol.reported }))}
        </Row>
      ) : null}
      {by === 'area' && children.length > 0 ? (
        <Row gutter={[12, 12]} style={{ marginBottom: 16 }}>
          <Col xs={24} lg={12}>
            <Card size="small" title={t('caseKpi.chart.title')}>
              <PairedBars testId="kpi-chart" rows={children.map((r) => ({ id: r.id, name: r.name, a: r.figures.reported, b: r.figures.closed }))} legend={[t('caseKpi.chart.reported'), t('caseKpi.chart.closed')]} />
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card size="small" title={t('caseKpi.chart.rates')}>
              <PairedBars percent rows={children.map((r) => ({ id: r.id, name: r.name, a: r.figures.closureRate ?? 0, b: r.figures.selfHandledRate ?? 0 }))} legend={[t('caseKpi.col.closureRate'), t('caseKpi.col.selfHandledRate')]} />
            </Card>
          </Col>
        </Row>
      ) : null}
      <Tabs activeKey={by} onChange={(key) => go({ by: DIMENSIONS.find((d) => d === key) ?? 'area' })} items={DIMENSIONS.map((d) => ({ key: d, label: t(`caseKpi.by.${d}`) }))} />
      {breakdown.error ? <Alert type="error" showIcon message={describe(breakdown.error)} style={{ marginBottom: 12 }} /> : null}
      {table}
    </div>
  );
}
