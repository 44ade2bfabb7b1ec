import type { AreaBrief } from '@redgrid/contracts';
import { useMemo, useState } from 'react';
import { ISSUE_COLORS, type AnalysisKind } from './analysis-panel';
import { asAreaGeometry, useAnalysisStart, useBalance, useCoverage } from './map.api';
import type { MapOverlay } from './map.types';
import type { MapSelection } from './use-map-selection';

/**
 * 覆盖分析 and 规模均衡: which area the reports are about, the reports themselves (fetched only
 * while the analysis tab is shown and nothing is being edited) and the coverage issues drawn on
 * the map.
 */
export function useMapAnalysis({ shown, selection }: { shown: boolean; selection: MapSelection }) {
  const { selected, selectedId, analysisPin } = selection;
  const [kind, setKind] = useState<AnalysisKind>('coverage');
  // A grid's reports are its community's: coverage and balance compare siblings.
  const selectedForAnalysis: AreaBrief | undefined = selected?.level === 'grid' ? (selected.ancestors[selected.ancestors.length - 1] ?? selected) : selected;
  // With nothing chosen, open on the first area of the scope that has a boundary: a province or city
  // account's own top area usually has none, and coverage cannot be analysed without one.
  const start = useAnalysisStart(shown && analysisPin === undefined && selectedId === undefined);
  const target: AreaBrief | undefined = analysisPin ?? selectedForAnalysis ?? (selectedId === undefined ? (start.data?.area ?? undefined) : undefined);
  /** The chosen area has no boundary (said plainly; coverage is not asked for). */
  const targetUnbounded = target !== undefined && selected?.id === target.id && !selected.hasBoundary;
  const showCoverage = shown && kind === 'coverage' && target !== undefined && target.level !== 'grid' && !targetUnbounded;
  const coverage = useCoverage(showCoverage ? target?.id : undefined);
  const balance = useBalance(shown && kind === 'balance' ? target?.id : undefined);

  const issues = useMemo<MapOverlay[]>(() => {
    if (!showCoverage || !coverage.data) return [];
    const report = coverage.data;
    return [
      ...report.gaps.map((i, n) => ({ i, key: `gap-${n}`, color: ISSUE_COLORS.gap })),
      ...report.overlaps.map((i, n) => ({ i, key: `overlap-${n}`, color: ISSUE_COLORS.overlap })),
      ...report.outside.map((i, n) => ({ i, key: `outside-${n}`, color: ISSUE_COLORS.outside })),
    ].flatMap(({ i, key, color }) => {
      const geometry = asAreaGeometry(i.geometry);
      return geometry ? [{ key, geometry, color }] : [];
    });
  }, [showCoverage, coverage.data]);

  return {
    kind,
    setKind,
    /** The area the reports are about. */
    target,
    targetUnbounded,
    /** Nothing chosen, and no area of the scope has a boundary yet. */
    noBoundaries: selectedId === undefined && analysisPin === undefined && start.data !== undefined && start.data.area === null,
    /** Still finding where to open. */
    startPending: selectedId === undefined && analysisPin === undefined && start.isPending && shown,
    /** The area the selection would report on, when the report is pinned elsewhere. */
    selectedForAnalysis,
    coverage,
    balance,
    /** Coverage issues (gaps, overlaps, pieces outside the parent) to draw on the map. */
    issues,
  };
}

export type MapAnalysis = ReturnType<typeof useMapAnalysis>;
