import type { AreaBrief, BalanceReport, CoverageReport } from '@redgrid/contracts';
import { Alert, Button, Empty, List, Progress, Result, Segmented, Skeleton, Space, Statistic, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { formatAreaM2, formatShare } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { bboxOf, type Bbox } from './geometry';
import { asAreaGeometry } from './map.api';
import { MAP_COLORS, BALANCE_COLORS, type HouseholdRange } from './map-style';

export type AnalysisKind = 'coverage' | 'balance';

export const ISSUE_COLORS = { gap: MAP_COLORS.gap, overlap: MAP_COLORS.overlap, outside: MAP_COLORS.outsideParent } as const;

interface QueryState<T> {
  data: T | undefined;
  isPending: boolean;
  error: unknown;
}

export interface AnalysisPanelProps {
  target: AreaBrief | undefined;
  /** The target has no boundary: coverage cannot be analysed (balance can). */
  targetUnbounded?: boolean;
  /** Nothing chosen and no area of the scope has a boundary. */
  noBoundaries?: boolean;
  /** Still finding the area to open on. */
  startPending?: boolean;
  kind: AnalysisKind;
  onKind: (kind: AnalysisKind) => void;
  coverage: QueryState<CoverageReport>;
  balance: QueryState<BalanceReport>;
  /** Names of the target's children, for "涉及 …" under each coverage issue. */
  names: ReadonlyMap<number, string>;
  range: HouseholdRange;
  /** The report stays on `target` although another area is selected (`selectedName`). */
  pinned: boolean;
  selectedName: string | undefined;
  onUnpin: () => void;
  onZoomTo: (bbox: Bbox) => void;
  onSelect: (id: number) => void;
}

/** 覆盖分析 and 规模均衡 of the selected area (or the user's single top area). */
export function AnalysisPanel({ target, targetUnbounded, noBoundaries, startPending, kind, onKind, coverage, balance, names, range, pinned, selectedName, onUnpin, onZoomTo, onSelect }: AnalysisPanelProps) {
  const { t } = useTranslation();
  return (
    <div className="rg-map-analysis" data-testid="map-analysis">
      <Segmented<AnalysisKind>
        block
        value={kind}
        onChange={onKind}
        options={[
          { value: 'coverage', label: t('map.analysis.coverage') },
          { value: 'balance', label: t('map.analysis.balance') },
        ]}
        style={{ marginBottom: 12 }}
      />
      {!target ? (
        startPending ? (
          <Skeleton active />
        ) : noBoundaries ? (
          <Alert type="info" showIcon title={t('map.analysis.noBoundaries')} description={t('map.analysis.noBoundariesHint')} data-testid="map-analysis-no-boundaries" />
        ) : (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('map.analysis.pickTarget')} />
        )
      ) : (
        <>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
            {t('map.analysis.target')}：<Typography.Text strong>{target.name}</Typography.Text>
            {pinned && selectedName ? (
              <Button type="link" size="small" onClick={onUnpin}>
                {t('map.analysis.switchTo', { name: selectedName })}
              </Button>
            ) : null}
          </Typography.Paragraph>
          {kind === 'coverage' ? (
            target.level === 'grid' ? (
              <Alert type="info" showIcon title={t('map.analysis.coverageGridHint')} />
            ) : targetUnbounded ? (
              <Alert type="info" showIcon title={t('map.analysis.targetUnbounded', { name: target.name })} description={t('map.analysis.targetUnboundedHint')} data-testid="map-analysis-unbounded" />
            ) : (
              <CoverageView query={coverage} names={names} onZoomTo={onZoomTo} />
            )
          ) : (
            <BalanceView query={balance} range={range} onSelect={onSelect} />
          )}
        </>
      )}
    </div>
  );
}

function CoverageView({ query, names, onZoomTo }: { query: QueryState<CoverageReport>; names: ReadonlyMap<number, string>; onZoomTo: (bbox: Bbox) => void }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const describe = useDescribeError();
  if (query.error) return <Alert type="error" showIcon title={describe(query.error)} />;
  if (query.isPending || !query.data) return <Skeleton active />;
  const report = query.data;
  const issues = [
    ...report.gaps.map((issue) => ({ ...issue, kind: 'gap' as const })),
    ...report.overlaps.map((issue) => ({ ...issue, kind: 'overlap' as const })),
    ...report.outside.map((issue) => ({ ...issue, kind: 'outside' as const })),
  ];
  const percent = Math.floor(report.coveredShare * 1000) / 10;

  return (
    <div data-testid="map-coverage">
      <Space size={24} wrap className="rg-map-stats">
        <div className="rg-map-share">
          <Typography.Text type="secondary">{t('map.analysis.coveredShare')}</Typography.Text>
          <Progress
            type="circle"
            size={72}
            percent={percent}
            format={() => formatShare(report.coveredShare, language)}
            status={percent >= 100 ? 'success' : 'normal'}
            strokeColor={percent >= 100 ? undefined : '#fa8c16'}
          />
        </div>
        <Statistic title={t('map.analysis.parentArea')} value={formatAreaM2(report.parentAreaM2, language)} />
        <Statistic title={t('map.analysis.childCount')} value={report.childCount} />
      </Space>
      {issues.length === 0 && report.missingBoundary.length === 0 ? (
        <Result status="success" className="rg-map-compact-result" title={t('map.analysis.allGood')} />
      ) : null}
      {(['gap', 'overlap', 'outside'] as const).map((k) => {
        const list = issues.filter((i) => i.kind === k);
        if (list.length === 0) return null;
        const total = list.reduce((sum, i) => sum + i.areaM2, 0);
        return (
          <div key={k} className="rg-map-issue-group">
            <div className="rg-map-issue-head">
              <span className="rg-map-swatch" style={{ background: ISSUE_COLORS[k] }} aria-hidden />
              <Typography.Text strong>{t(`map.analysis.${k}`)}</Typography.Text>
              <Typography.Text type="secondary">
                {list.length} · {formatAreaM2(total, language)}
              </Typography.Text>
            </div>
            <Typography.Text type="secondary" className="rg-map-issue-hint">
              {t(`map.analysis.kindsHint.${k}`)}
            </Typography.Text>
            <List
              size="small"
              dataSource={list}
              renderItem={(issue, index) => {
                const geometry = asAreaGeometry(issue.geometry);
                const box = geometry ? bboxOf(geometry) : null;
                const involved = issue.areaIds.map((id) => names.get(id) ?? `#${id}`).join('、');
                return (
                  <List.Item className="rg-map-list-item" onClick={() => (box ? onZoomTo(box) : undefined)}>
                    <List.Item.Meta
                      title={`${t(`map.analysis.${k}`)} ${index + 1} · ${formatAreaM2(issue.areaM2, language)}`}
                      description={involved ? t('map.analysis.involves', { names: involved }) : null}
                    />
                  </List.Item>
                );
              }}
            />
          </div>
        );
      })}
      {report.missingBoundary.length > 0 ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginTop: 8 }}
          title={t('map.analysis.missingBoundary')}
          description={report.missingBoundary.map((a) => a.name).join('、')}
        />
      ) : null}
    </div>
  );
}

function BalanceView({ query, range, onSelect }: { query: QueryState<BalanceReport>; range: HouseholdRange; onSelect: (id: number) => void }) {
  const { t } = useTranslation();
  const describe = useDescribeError();
  if (query.error) return <Alert type="error" showIcon title={describe(query.error)} />;
  if (query.isPending || !query.data) return <Skeleton active />;
  const report = query.data;
  const sorted = [...report.outside].sort((a, b) => (a.status === b.status ? (a.status === 'over' ? b.households - a.households : a.households - b.households) : a.status === 'over' ? -1 : 1));

  return (
    <div data-testid="map-balance">
      <Space size={24} wrap className="rg-map-stats">
        <Statistic title={t('map.analysis.grids')} value={report.grids} />
        <Statistic title={t('map.analysis.households')} value={report.households} />
        <Statistic title={t('map.analysis.inRange')} value={report.distribution.inRange} suffix={`/ ${report.grids}`} />
      </Space>
      <Typography.Paragraph type="secondary" style={{ margin: '8px 0' }}>
        {t('map.analysis.range', { min: range.min, max: range.max })}
        <br />
        {t('map.analysis.distribution', report.distribution)}
      </Typography.Paragraph>
      {sorted.length === 0 ? (
        <Result status="success" className="rg-map-compact-result" title={report.grids === 0 ? t('map.analysis.noGrids') : t('map.analysis.balanced')} />
      ) : (
        <List
          size="small"
          header={<Typography.Text strong>{t('map.analysis.outsideList', { count: sorted.length })}</Typography.Text>}
          dataSource={sorted}
          renderItem={(g) => (
            <List.Item className="rg-map-list-item" onClick={() => onSelect(g.id)}>
              <List.Item.Meta
                avatar={<span className="rg-map-swatch rg-map-swatch-lg" style={{ background: BALANCE_COLORS[g.status] }} aria-hidden />}
                title={g.name}
                description={<span className="rg-mono">{g.code}</span>}
              />
              <Space orientation="vertical" size={0} align="end">
                <Typography.Text strong>{t('map.households', { count: g.households })}</Typography.Text>
                <Tag color={g.status === 'over' ? 'volcano' : 'blue'} style={{ marginInlineEnd: 0 }}>
                  {t(`map.balance.${g.status}`)} · {g.min}–{g.max}
                </Tag>
              </Space>
            </List.Item>
          )}
        />
      )}
    </div>
  );
}
