import { Alert, Tabs } from 'antd';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { AnalysisPanel } from './analysis-panel';
import { AreaBrowser } from './area-browser';
import { AreaCard } from './area-card';
import { EditPanel } from './edit-panel';
import type { Bbox } from './geometry';
import { LocatePanel } from './locate-panel';
import { isPanelTab, type PanelTab } from './map-mode';
import type { HouseholdRange } from './map-style';
import type { EditFlow } from './use-edit-flow';
import type { LocateFlow } from './use-locate-flow';
import type { MapAnalysis } from './use-map-analysis';
import type { MapSelection } from './use-map-selection';

export interface MapPanelProps {
  tab: PanelTab;
  onTab: (tab: PanelTab) => void;
  range: HouseholdRange;
  canManage: boolean;
  /** Changes after an adjustment: the area tree loads again. */
  treeVersion: number;
  selection: MapSelection;
  edit: EditFlow;
  locate: LocateFlow;
  analysis: MapAnalysis;
  fit: (bbox: Bbox) => void;
  /** Closes the phone's bottom sheet (nothing on a desk), to show the map after a choice. */
  closeSheet: () => void;
}

/**
 * The side panel (the bottom sheet on a phone): the adjustment being prepared, else the selected
 * area's card above the tabs 区域 (tree and search), 定位 and 分析.
 */
export function MapPanel({ tab, onTab, range, canManage, treeVersion, selection, edit, locate, analysis, fit, closeSheet }: MapPanelProps) {
  const { t } = useTranslation();
  const describe = useDescribeError();
  const { selectedId, selected, detail, select, setAnalysisPin } = selection;
  const { target, selectedForAnalysis } = analysis;

  const pickFromPanel = useCallback(
    (id: number) => {
      select(id, true);
      closeSheet();
    },
    [select, closeSheet],
  );

  if (edit.session) {
    return (
      <EditPanel
        session={edit.session}
        onSession={edit.setSession}
        preview={edit.preview}
        siblings={selection.siblings}
        mergeIds={selection.mergeIds}
        range={range}
        previewPending={edit.previewPending}
        commitPending={edit.commitPending}
        draftPending={edit.draftPending}
        onDraft={edit.runDraft}
        error={edit.error}
        onPreview={edit.runPreview}
        onFinishDrawing={edit.finishDrawing}
        onUndoPoint={edit.undoPoint}
        onDeleteVertex={edit.deleteVertex}
        onUndoEdit={edit.undoEdit}
        onConfirm={edit.confirm}
        onBack={edit.backToSession}
        onCancel={edit.cancelSession}
        onRenamePiece={edit.renamePiece}
        onRefreshPreview={edit.refreshPreview}
      />
    );
  }

  return (
    <>
      {selected ? (
        <AreaCard
          area={selected}
          aboveScope={selection.aboveScope}
          range={range}
          canManage={canManage}
          mergeCount={selection.mergeIds.length}
          multiMode={selection.multiMode}
          onMultiMode={selection.setMultiMode}
          onSelect={pickFromPanel}
          onClose={() => select(undefined, false)}
          onTool={edit.startTool}
        />
      ) : selectedId !== undefined && detail.isError ? (
        <Alert type="error" showIcon title={describe(detail.error)} closable={{ onClose: () => select(undefined, false) }} style={{ marginBottom: 8 }} />
      ) : null}
      <Tabs
        activeKey={tab}
        onChange={(key) => onTab(isPanelTab(key) ? key : 'areas')}
        size="small"
        className="rg-map-tabs"
        items={[
          {
            key: 'areas',
            label: t('map.tabs.areas'),
            children: <AreaBrowser selectedId={selectedId} selected={selected} range={range} version={treeVersion} onSelect={pickFromPanel} />,
          },
          {
            key: 'locate',
            label: t('map.tabs.locate'),
            children: (
              <LocatePanel
                result={locate.result}
                asked={locate.asked}
                pending={locate.pending}
                error={locate.error}
                onLocate={locate.run}
                onSelect={pickFromPanel}
                device={locate.device}
                deviceProblem={locate.deviceProblem}
                devicePending={locate.devicePending}
                onLocateDevice={locate.locateDevice}
              />
            ),
          },
          {
            key: 'analysis',
            label: t('map.tabs.analysis'),
            children: (
              <AnalysisPanel
                target={target}
                targetUnbounded={analysis.targetUnbounded}
                noBoundaries={analysis.noBoundaries}
                startPending={analysis.startPending}
                kind={analysis.kind}
                onKind={analysis.setKind}
                coverage={analysis.coverage}
                balance={analysis.balance}
                names={selection.familyNames}
                range={range}
                pinned={selection.analysisPin !== undefined}
                selectedName={selectedForAnalysis && selectedForAnalysis.id !== target?.id ? selectedForAnalysis.name : undefined}
                onUnpin={() => setAnalysisPin(undefined)}
                onZoomTo={(box) => {
                  fit(box);
                  closeSheet();
                }}
                onSelect={(id) => {
                  if (target) setAnalysisPin(target);
                  select(id, true, true);
                  closeSheet();
                }}
              />
            ),
          },
        ]}
      />
    </>
  );
}
