import { ArrowLeftOutlined } from '@ant-design/icons';
import { CASE_KPI_FIGURES, type CaseKpiFigure, type CaseSummary } from '@redgrid/contracts';
import { Alert, Button, Empty, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { useLanguage } from '../../shared/i18n/use-language';
import { useArea } from '../areas/areas.api';
import { caseListColumns } from '../cases/case-ui';
import { useFigureCases, type DrillQuery } from './case-kpi.api';

const PAGE = 20;
const positive = (v: string | null): number | undefined => {
  const n = Number(v);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
};

/** The drill-down: the cases behind one figure, in the inbox's columns (each opens the case). */
export function FigureCasesPage() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const describe = useDescribeError();
  const [params, setParams] = useSearchParams();
  const figure = CASE_KPI_FIGURES.find((f) => f === params.get('figure')) as CaseKpiFigure | undefined;
  const areaId = positive(params.get('areaId'));
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const q: DrillQuery | null = figure && areaId ? { figure, areaId, from, to, departmentId: positive(params.get('departmentId')), personId: positive(params.get('personId')) } : null;
  const offset = Math.max(0, Number(params.get('offset')) || 0);
  const list = useFigureCases(q, offset, PAGE);
  const area = useArea(areaId);
  const back = `/cases/kpi?${new URLSearchParams({ areaId: String(areaId ?? ''), from, to }).toString()}`;
  const page = (next: number) => {
    const p = new URLSearchParams(params);
    p.set('offset', String(next));
    setParams(p, { replace: true });
  };

  const columns = caseListColumns(t, language);
  const who = q?.departmentId ? t('caseKpi.drill.ofDepartment', { id: q.departmentId }) : q?.personId ? t('caseKpi.drill.ofPerson', { id: q.personId }) : null;

  return (
    <div data-testid="kpi-drill-page">
      <Link to={back}>
        <ArrowLeftOutlined /> {t('caseKpi.drill.back')}
      </Link>
      <div className="rg-page-title">
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('caseKpi.drill.title')}：{figure ? t(`caseKpi.figure.${figure}`) : '—'}
        </Typography.Title>
      </div>
      <Typography.Paragraph type="secondary">
        {t('caseKpi.drill.scope', { area: area.data?.name ?? '', from, to })}
        {who ? ` · ${who}` : ''}
      </Typography.Paragraph>
      {list.error ? <Alert type="error" showIcon message={describe(list.error)} style={{ marginBottom: 12 }} /> : null}
      <Table<CaseSummary>
        rowKey="id"
        size="middle"
        loading={list.isFetching}
        columns={columns}
        dataSource={list.data?.items ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty description={t('cases.empty')} /> }}
        data-testid="kpi-drill-table"
      />
      <Space style={{ marginTop: 12 }}>
        <Button disabled={offset === 0} onClick={() => page(Math.max(0, offset - PAGE))}>
          {t('cases.prev')}
        </Button>
        <Typography.Text type="secondary">{t('cases.page', { page: Math.floor(offset / PAGE) + 1 })}</Typography.Text>
        <Button disabled={list.data?.next == null} onClick={() => list.data?.next != null && page(list.data.next)}>
          {t('cases.more')}
        </Button>
      </Space>
    </div>
  );
}
