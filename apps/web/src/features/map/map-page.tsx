import { CompressOutlined, DownOutlined, ReloadOutlined, UpOutlined } from '@ant-design/icons';
import { Alert, App, Button, Grid, Result, Spin, Tooltip } from 'antd';
import { useCallback, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { areaLevelLabel } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { useMe, useMeta } from '../auth/auth.api';
import type { LngLat } from './geometry';
import { MapDrawbar } from './map-drawbar';
import { MapLegend } from './map-legend';
import { isDrawingMode, mapModeOf, type PanelTab } from './map-mode';
import { MapPanel } from './map-panel';
import type { HouseholdRange } from './map-style';
import { MapView } from './map-view';
import type { MapPadding, PickedArea } from './map.types';
import { useEditFlow } from './use-edit-flow';
import { useFillHeight } from './use-fill-height';
import { useLocateFlow } from './use-locate-flow';
import { useMapAnalysis } from './use-map-analysis';
import { useMapCamera } from './use-map-camera';
import { useMapOverlays } from './use-map-overlays';
import { useMapSelection } from './use-map-selection';
import './map-page.css';

/** 地图: boundaries of the user's scope, the area tree, locating, coverage and balance reports, and boundary adjustments. */
export function MapPage() {
  const { t } = useTranslation();
  const describe = useDescribeError();
  const meta = useMeta();
  if (meta.isPending) {
    return (
      <div className="rg-full-page">
        <Spin size="large" description={t('map.loading')} />
      </div>
    );
  }
  if (meta.isError) {
    return (
      <Result
        status="warning"
        title={describe(meta.error)}
        extra={
          <Button type="primary" onClick={() => void meta.refetch()}>
            {t('common.retry')}
          </Button>
        }
      />
    );
  }
  return <MapWorkspace baseMapUrl={meta.data.baseMapUrl} range={meta.data.gridHouseholds} />;
}

/**
 * The page's layout: the side panel (a bottom sheet on a phone) beside the map with its tools,
 * alerts and legend. The state lives in the hooks: selection, camera, the edit flow, locating and
 * the analysis reports; this component wires them to the map and the panel.
 */
function MapWorkspace({ baseMapUrl, range }: { baseMapUrl: string | null; range: HouseholdRange }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const { message } = App.useApp();
  const me = useMe();
  const canManage = me.permissions.includes('area.manage');
  const screens = Grid.useBreakpoint();
  const mobile = screens.md === false;
  const pageRef = useRef<HTMLDivElement>(null);
  const pageHeight = useFillHeight(pageRef, mobile ? 'phone' : screens.md === undefined ? 'unknown' : 'desk');

  const [tab, setTab] = useState<PanelTab>('areas');
  const [zoom, setZoom] = useState(9);
  // Cache-busting token of the tile URL: 0 for the plain URL, then the id of the last change. The
  // server lets browsers keep tiles for a minute; a counter restarting at each page load would
  // hit tiles cached before the change.
  const [tileVersion, setTileVersion] = useState(0);
  const [treeVersion, setTreeVersion] = useState(0);
  const [tileError, setTileError] = useState(false);
  const [sheetOpen, setSheetOpen] = useState(false);
  const showSheet = useCallback(
    (open: boolean) => {
      if (mobile) setSheetOpen(open);
    },
    [mobile],
  );
  const closeSheet = useCallback(() => showSheet(false), [showSheet]);

  const { camera, fit, centerOn } = useMapCamera();
  const selection = useMapSelection({ fit, layoutKnown: screens.md !== undefined });
  const { selected, siblings, select, setMultiIds, multiMode, scopeBbox } = selection;
  const onApplied = useCallback((version: number) => {
    setTileVersion(version);
    setTreeVersion((v) => v + 1);
  }, []);
  const edit = useEditFlow({ selection, fit, showSheet, onApplied });
  const { session, preview } = edit;
  const analysis = useMapAnalysis({ shown: tab === 'analysis' && !session, selection });
  const locate = useLocateFlow({ select, fit, centerOn });
  const overlays = useMapOverlays({ selection, session, preview });

  const onPick = useCallback(
    (area: PickedArea | null, _at: LngLat, additive: boolean) => {
      if (preview || (session && session.kind !== 'merge')) return;
      const adding = canManage && (additive || multiMode || session?.kind === 'merge');
      if (adding && selected?.level === 'grid' && area?.level === 'grid') {
        if (area.id === selected.id) return;
        if (!siblings.some((s) => s.id === area.id)) {
          void message.warning(t('map.edit.notSibling'));
          return;
        }
        setMultiIds((prev) => (prev.includes(area.id) ? prev.filter((id) => id !== area.id) : [...prev, area.id]));
        return;
      }
      if (session) return;
      select(area?.id, false);
    },
    [preview, session, canManage, multiMode, selected, siblings, setMultiIds, message, t, select],
  );

  const describeArea = useCallback(
    (area: PickedArea) => {
      const level = area.level === 'district' || area.level === 'street' || area.level === 'community' || area.level === 'grid' ? areaLevelLabel(area.level, language) : area.level;
      return area.level === 'grid' ? `${area.name} · ${level} · ${t('map.households', { count: area.households })}` : `${area.name} · ${level}`;
    },
    [language, t],
  );

  const padding: MapPadding = useMemo(
    () => (mobile ? { top: 8, left: 8, right: 8, bottom: sheetOpen ? Math.round((pageHeight ?? 600) * 0.55) : 56 } : { top: 0, left: 0, right: 0, bottom: 0 }),
    [mobile, sheetOpen, pageHeight],
  );

  const mode = mapModeOf(session, preview, tab);
  const drawing = !preview && isDrawingMode(mode);
  const issues = analysis.issues;
  const panel = (
    <MapPanel
      tab={tab}
      onTab={setTab}
      range={range}
      canManage={canManage}
      treeVersion={treeVersion}
      selection={selection}
      edit={edit}
      locate={locate}
      analysis={analysis}
      fit={fit}
      closeSheet={closeSheet}
    />
  );
  const sheetSummary = session
    ? t(`map.edit.kinds.${session.kind}`)
    : selected
      ? `${selected.name} · ${areaLevelLabel(selected.level, language)}`
      : t('map.sheetHint');

  return (
    <div ref={pageRef} className={mobile ? 'rg-map-page rg-map-page-mobile' : 'rg-map-page'} style={pageHeight ? { height: pageHeight } : undefined} data-testid="map-page">
      {mobile ? null : <aside className="rg-map-panel">{panel}</aside>}
      <div className="rg-map-main">
        <MapView
          baseMapUrl={baseMapUrl}
          range={range}
          tileVersion={tileVersion}
          camera={camera}
          padding={padding}
          selection={overlays.selectionShapes}
          multiIds={overlays.highlightIds}
          issues={issues}
          preview={overlays.previewShapes}
          draft={overlays.draftShapes}
          labels={overlays.labels}
          located={locate.result && !locate.error && tab === 'locate' ? locate.result.wgs84 : null}
          accuracy={locate.device && tab === 'locate' ? { center: locate.device.center, meters: locate.device.accuracy } : null}
          muted={issues.length > 0 || session?.kind === 'proposal'}
          mode={mode}
          drawPoints={session?.kind === 'split' || session?.kind === 'create' ? session.points : []}
          edit={session?.kind === 'redraw' && !preview ? session.polygons : null}
          selectedVertex={session?.kind === 'redraw' ? session.vertex : null}
          describeArea={describeArea}
          onPick={onPick}
          onLocate={(at) => locate.run({ lng: at[0], lat: at[1], crs: 'wgs84', swapped: false })}
          onHold={(at) => {
            if (session || preview) return;
            setTab('locate');
            showSheet(true);
            locate.run({ lng: at[0], lat: at[1], crs: 'wgs84', swapped: false });
          }}
          onDrawPoint={edit.addPoint}
          onDrawFinish={edit.finishDrawing}
          onEditChange={edit.editChange}
          onVertexSelect={edit.selectVertex}
          onZoom={setZoom}
          onTileError={() => setTileError(true)}
          fallback={<Result status="warning" title={t('map.webglUnavailable')} className="rg-map-fallback" />}
        />
        <div className="rg-map-tools">
          {scopeBbox ? (
            <Tooltip title={t('map.fitScope')} placement="left">
              <Button icon={<CompressOutlined />} onClick={() => fit(scopeBbox)} aria-label={t('map.fitScope')} />
            </Tooltip>
          ) : null}
        </div>
        {tileError ? (
          <Alert
            className="rg-map-float-alert"
            type="warning"
            showIcon
            title={t('map.tileError')}
            action={
              <Button
                size="small"
                icon={<ReloadOutlined />}
                onClick={() => {
                  setTileError(false);
                  setTileVersion(Date.now());
                }}
              >
                {t('map.reloadTiles')}
              </Button>
            }
            closable={{ onClose: () => setTileError(false) }}
          />
        ) : null}
        {mobile && drawing && session ? <MapDrawbar session={session} edit={edit} /> : null}
        <MapLegend range={range} zoom={zoom} showIssues={issues.length > 0} compact={mobile} />
      </div>
      {mobile ? (
        <div className={sheetOpen ? 'rg-map-sheet rg-map-sheet-open' : 'rg-map-sheet'} data-testid="map-sheet">
          <button type="button" className="rg-map-sheet-handle" onClick={() => setSheetOpen((v) => !v)} aria-expanded={sheetOpen}>
            <span className="rg-map-sheet-grip" aria-hidden />
            <span className="rg-map-sheet-summary">{sheetSummary}</span>
            {sheetOpen ? <DownOutlined /> : <UpOutlined />}
          </button>
          <div className="rg-map-sheet-body">{panel}</div>
        </div>
      ) : null}
    </div>
  );
}
