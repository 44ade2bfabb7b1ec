import { CompressOutlined, DownOutlined, ReloadOutlined, UpOutlined } from '@ant-design/icons';
import type { AreaBrief } from '@redgrid/contracts';
import { Alert, App, Button, Grid, Result, Spin, Tabs, Tooltip } from 'antd';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { areaLevelLabel } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { useArea, useAreaRoots } from '../areas/areas.api';
import { useMe, useMeta } from '../auth/auth.api';
import { createRequest, gridProposalBody, mergeRequest, proposalRequest, redrawRequest, retireRequest, splitRequest, type AdjustmentRequest } from './adjustment';
import { AnalysisPanel, ISSUE_COLORS, type AnalysisKind } from './analysis-panel';
import { AreaBrowser } from './area-browser';
import { AreaCard, type EditTool } from './area-card';
import { EditPanel, type EditSession, type PreviewState } from './edit-panel';
import { bboxOf, labelPoint, removeVertex, toOpenPolygons, unionBbox, type Bbox, type LngLat, type OpenPolygons, type VertexRef } from './geometry';
import { LocatePanel } from './locate-panel';
import { asAreaGeometry, fetchBoundaries, useBalance, useBoundaries, useCommitAdjustment, useCoverage, useGridProposal, useLocate, usePreviewAdjustment, type LocateInput } from './map.api';
import { MapLegend } from './map-legend';
import { previewColor, type HouseholdRange } from './map-style';
import { MapView, type CameraRequest, type MapLabel, type MapMode, type MapOverlay, type MapPadding, type PickedArea } from './map-view';
import './map-page.css';

type PanelTab = 'areas' | 'locate' | 'analysis';

/** More names than this on screen is clutter, not help. */
const MAX_LABELS = 80;

/**
 * The page fills the window below the header, whatever the header holds on this screen. `layout`
 * names what changes the header (the phone layout adds the area filter row): measure again then.
 */
function useFillHeight(ref: RefObject<HTMLElement | null>, layout: string): number | undefined {
  const [height, setHeight] = useState<number>();
  useLayoutEffect(() => {
    const update = () => {
      const top = (ref.current?.getBoundingClientRect().top ?? 0) + window.scrollY;
      setHeight(Math.max(320, window.innerHeight - Math.max(0, top)));
    };
    update();
    window.addEventListener('resize', update);
    return () => window.removeEventListener('resize', update);
  }, [ref, layout]);
  return height;
}

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

function MapWorkspace({ baseMapUrl, range }: { baseMapUrl: string | null; range: HouseholdRange }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const describe = useDescribeError();
  const { message } = App.useApp();
  const me = useMe();
  const canManage = me.permissions.includes('area.manage');
  const screens = Grid.useBreakpoint();
  const mobile = screens.md === false;
  const pageRef = useRef<HTMLDivElement>(null);
  const pageHeight = useFillHeight(pageRef, mobile ? 'phone' : screens.md === undefined ? 'unknown' : 'desk');

  const [params, setParams] = useSearchParams();
  const idParam = Number(params.get('id'));
  const selectedId = Number.isSafeInteger(idParam) && idParam > 0 ? idParam : undefined;

  const [tab, setTab] = useState<PanelTab>('areas');
  const [analysisKind, setAnalysisKind] = useState<AnalysisKind>('coverage');
  const [multiIds, setMultiIds] = useState<number[]>([]);
  const [multiMode, setMultiMode] = useState(false);
  const [camera, setCamera] = useState<CameraRequest | null>(null);
  const cameraKey = useRef(0);
  const [zoomTo, setZoomTo] = useState<number | undefined>(selectedId);
  const [zoom, setZoom] = useState(9);
  // Cache-busting token of the tile URL: 0 for the plain URL, then the id of the last change. The
  // server lets browsers keep tiles for a minute; a counter restarting at each page load would
  // hit tiles cached before the change.
  const [tileVersion, setTileVersion] = useState(0);
  const [treeVersion, setTreeVersion] = useState(0);
  const [tileError, setTileError] = useState(false);
  const [session, setSession] = useState<EditSession | null>(null);
  const [preview, setPreview] = useState<PreviewState | null>(null);
  const [sheetOpen, setSheetOpen] = useState(false);
  const [locateAsked, setLocateAsked] = useState<(LocateInput & { swapped: boolean }) | undefined>();

  const roots = useAreaRoots();
  const rootList = useMemo(() => roots.data ?? [], [roots.data]);
  const singleRoot = rootList.length === 1 ? rootList[0] : undefined;
  const scopeShapes = useBoundaries(rootList.length > 0 ? { ids: rootList.map((r) => r.id) } : undefined);
  const detail = useArea(selectedId);
  const selected = detail.data && detail.data.id === selectedId ? detail.data : undefined;
  const selectedShapes = useBoundaries(selectedId !== undefined ? { ids: [selectedId] } : undefined);
  const selectedGeometry = selectedShapes.data?.find((s) => s.id === selectedId)?.geometry;
  // The family: a grid's siblings (merge, retire, names), else the selected area's children.
  const familyParentId = selected ? (selected.level === 'grid' ? (selected.parentId ?? undefined) : selected.id) : selectedId === undefined ? singleRoot?.id : undefined;
  const family = useBoundaries(familyParentId !== undefined ? { parentId: familyParentId } : undefined);
  const siblings = useMemo(() => (selected?.level === 'grid' ? (family.data ?? []) : []), [selected?.level, family.data]);
  const familyNames = useMemo(() => new Map((family.data ?? []).map((s) => [s.id, s.name])), [family.data]);

  const aboveScope = useMemo(() => {
    const ids = new Set<number>();
    const rootIds = new Set(rootList.map((r) => r.id));
    for (const root of rootList) for (const part of root.path.split('/')) if (part && !rootIds.has(Number(part))) ids.add(Number(part));
    return ids;
  }, [rootList]);

  // A report keeps its area while the user walks through its findings (which select grids).
  const [analysisPin, setAnalysisPin] = useState<AreaBrief | undefined>();
  // A grid's reports are its community's: coverage and balance compare siblings.
  const selectedForAnalysis: AreaBrief | undefined = selected?.level === 'grid' ? (selected.ancestors[selected.ancestors.length - 1] ?? selected) : selected;
  const target: AreaBrief | undefined = analysisPin ?? selectedForAnalysis ?? (selectedId === undefined ? singleRoot : undefined);
  const showCoverage = tab === 'analysis' && analysisKind === 'coverage' && !session && target !== undefined && target.level !== 'grid';
  const coverage = useCoverage(showCoverage ? target?.id : undefined);
  const balance = useBalance(tab === 'analysis' && analysisKind === 'balance' && !session ? target?.id : undefined);
  const locate = useLocate();
  const previewMutation = usePreviewAdjustment();
  const commit = useCommitAdjustment();
  const proposal = useGridProposal();

  const fit = useCallback((bbox: Bbox) => {
    cameraKey.current += 1;
    setCamera({ key: cameraKey.current, bbox });
  }, []);
  const centerOn = useCallback((center: LngLat, minZoom: number) => {
    cameraKey.current += 1;
    setCamera({ key: cameraKey.current, center, minZoom });
  }, []);
  const scopeBbox = useMemo(() => unionBbox((scopeShapes.data ?? []).map((s) => bboxOf(s.geometry))), [scopeShapes.data]);

  const select = useCallback(
    (id: number | undefined, zoomToIt: boolean, keepAnalysis = false) => {
      setParams(id === undefined ? {} : { id: String(id) }, { replace: true });
      setMultiIds([]);
      setZoomTo(zoomToIt ? id : undefined);
      if (!keepAnalysis) setAnalysisPin(undefined);
    },
    [setParams],
  );

  // The first view: the user's whole scope, unless the address names an area.
  const fittedScope = useRef(false);
  const layoutKnown = screens.md !== undefined;
  useEffect(() => {
    // Wait for the screen size: the phone layout changes the map's size and padding.
    if (fittedScope.current || !scopeBbox || !layoutKnown) return;
    fittedScope.current = true;
    if (selectedId === undefined) fit(scopeBbox);
  }, [scopeBbox, selectedId, fit, layoutKnown]);

  // Zoom to an area chosen in a panel once its boundary has arrived.
  useEffect(() => {
    if (zoomTo === undefined) return;
    if (selectedShapes.isError) {
      setZoomTo(undefined);
      return;
    }
    const shapes = selectedShapes.data;
    if (!shapes) return;
    const box = shapes.find((s) => s.id === zoomTo);
    if (box) {
      const bbox = bboxOf(box.geometry);
      if (bbox) fit(bbox);
    }
    setZoomTo(undefined);
  }, [zoomTo, selectedShapes.data, selectedShapes.isError, fit]);

  const pickFromPanel = useCallback(
    (id: number) => {
      select(id, true);
      if (mobile) setSheetOpen(false);
    },
    [select, mobile],
  );

  const mergeIds = useMemo(() => (selected?.level === 'grid' ? [selected.id, ...multiIds] : []), [selected, multiIds]);

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
    [preview, session, canManage, multiMode, selected, siblings, message, t, select],
  );

  const runLocate = useCallback(
    (input: LocateInput & { swapped: boolean }) => {
      setLocateAsked(input);
      locate.mutate(input, {
        onSuccess: (result) => {
          if (result.area) {
            centerOn(result.wgs84, 15);
            select(result.area.id, false);
            return;
          }
          // Outside every grid: show the point together with the nearest grid, if there is one.
          select(undefined, false);
          centerOn(result.wgs84, 14);
          const nearest = result.nearest;
          if (nearest) {
            void fetchBoundaries({ ids: [nearest.area.id] })
              .then((shapes) => {
                const box = unionBbox([...shapes.map((s) => bboxOf(s.geometry)), [result.wgs84[0], result.wgs84[1], result.wgs84[0], result.wgs84[1]]]);
                if (box) fit(box);
              })
              .catch(() => undefined);
          }
        },
      });
    },
    [locate, centerOn, select, fit],
  );

  const startTool = (tool: EditTool) => {
    if (!selected) return;
    if (tool !== 'merge') setMultiIds([]);
    previewMutation.reset();
    commit.reset();
    proposal.reset();
    setPreview(null);
    const geometry = selectedGeometry;
    switch (tool) {
      case 'redraw': {
        if (!geometry) return;
        const polygons = toOpenPolygons(geometry);
        setSession({ kind: 'redraw', gridId: selected.id, name: selected.name, original: polygons, polygons, undo: [], vertex: null });
        const box = bboxOf(geometry);
        if (box) fit(box);
        break;
      }
      case 'split': {
        if (!geometry) return;
        setSession({ kind: 'split', gridId: selected.id, name: selected.name, geometry, points: [] });
        const box = bboxOf(geometry);
        if (box) fit(box);
        break;
      }
      case 'create':
        setSession({ kind: 'create', parentId: selected.id, parentName: selected.name, points: [], finished: false, name: '', gridType: 'comprehensive' });
        break;
      case 'merge':
        setSession({ kind: 'merge', keepId: selected.id, name: '' });
        break;
      case 'retire':
        setSession({ kind: 'retire', gridId: selected.id, name: selected.name, childCount: selected.childCount, transferToId: undefined });
        break;
      case 'propose':
        // No range sent by default: the server applies the community's own range, else the district default.
        setSession({ kind: 'proposal', communityId: selected.id, name: selected.name, form: { min: null, max: null, gridCount: null }, draft: null, names: [] });
        break;
    }
    // On a phone the sheet gets out of the way of drawing.
    if (mobile) setSheetOpen(tool === 'merge' || tool === 'retire' || tool === 'propose');
  };

  const cancelSession = useCallback(() => {
    if (session?.kind === 'merge') setMultiIds([]);
    setSession(null);
    setPreview(null);
    previewMutation.reset();
    commit.reset();
    proposal.reset();
  }, [session?.kind, previewMutation, commit, proposal]);

  const runDraft = () => {
    if (session?.kind !== 'proposal') return;
    const { communityId } = session;
    previewMutation.reset();
    commit.reset();
    proposal.mutate(
      { communityId, body: gridProposalBody(session.form) },
      {
        onSuccess: (draft) => {
          // The user may have left the draft, or started another, while it was computed.
          setSession((current) => (current?.kind === 'proposal' && current.communityId === communityId ? { ...current, draft, names: draft.grids.map((g) => g.name) } : current));
          const box = unionBbox(draft.grids.map((g) => bboxOf(g.geometry)));
          if (box) fit(box);
        },
      },
    );
  };

  const requestFor = (s: EditSession): AdjustmentRequest | null => {
    switch (s.kind) {
      case 'split':
        return splitRequest(s.gridId, s.points, s.geometry);
      case 'redraw':
        return redrawRequest(s.gridId, s.polygons);
      case 'create':
        return s.name.trim() ? createRequest(s.parentId, s.points, { name: s.name, gridType: s.gridType }) : null;
      case 'merge':
        return mergeIds.length >= 2 ? mergeRequest(mergeIds, s.keepId, s.name) : null;
      case 'retire':
        return retireRequest(s.gridId, s.transferToId);
      case 'proposal':
        return s.draft ? proposalRequest(s.communityId, s.draft.grids, s.names) : null;
    }
  };

  const runPreview = (s: EditSession | null = session) => {
    if (!s) return;
    const request = requestFor(s);
    if (!request) {
      void message.warning(
        s.kind === 'split' ? t('map.edit.needLine') : s.kind === 'merge' ? t('map.edit.mergeNeedTwo') : s.kind === 'proposal' ? t('map.edit.proposal.needNames') : t('map.edit.needPolygon'),
      );
      return;
    }
    commit.reset();
    previewMutation.mutate(request, {
      onSuccess: (result) => {
        setPreview({ request, result });
        if (mobile) setSheetOpen(true);
        const box = unionBbox([...result.created, ...result.changed].map((p) => {
          const g = asAreaGeometry(p.geometry);
          return g ? bboxOf(g) : null;
        }));
        if (box) fit(box);
      },
      onError: () => {
        if (mobile) setSheetOpen(true);
      },
    });
  };

  const finishDrawing = () => {
    if (!session) return;
    if (session.kind === 'split') {
      if (session.points.length < 2) void message.warning(t('map.edit.needLine'));
      else runPreview(session);
    } else if (session.kind === 'create' && !session.finished) {
      if (session.points.length < 3) void message.warning(t('map.edit.needPolygon'));
      else {
        setSession({ ...session, finished: true });
        if (mobile) setSheetOpen(true);
      }
    }
  };

  const undoPoint = () => {
    if (session?.kind === 'split' || (session?.kind === 'create' && !session.finished)) setSession({ ...session, points: session.points.slice(0, -1) });
  };

  const editChange = (polygons: OpenPolygons, vertex: VertexRef | null) => {
    if (session?.kind === 'redraw') setSession({ ...session, polygons, vertex, undo: [...session.undo, session.polygons] });
  };

  const deleteVertex = () => {
    if (session?.kind !== 'redraw' || !session.vertex) return;
    const next = removeVertex(session.polygons, session.vertex);
    if (!next) {
      void message.warning(t('map.edit.vertexMin'));
      return;
    }
    setSession({ ...session, polygons: next, vertex: null, undo: [...session.undo, session.polygons] });
  };

  const undoEdit = () => {
    if (session?.kind !== 'redraw') return;
    const previous = session.undo[session.undo.length - 1];
    if (previous) setSession({ ...session, polygons: previous, vertex: null, undo: session.undo.slice(0, -1) });
  };

  const confirm = () => {
    if (!preview) return;
    const kind = preview.request.kind;
    const parentId = selected?.parentId ?? undefined;
    commit.mutate(preview.request, {
      onSuccess: (result) => {
        void message.success(kind === 'proposal' ? t('map.edit.proposal.applied') : t('map.edit.applied', { kind: t(`map.edit.kinds.${kind}`) }));
        setTileVersion(result.changeId ?? Date.now());
        setTreeVersion((v) => v + 1);
        setSession(null);
        setPreview(null);
        setMultiMode(false);
        previewMutation.reset();
        // A whole community redivided stays selected, with its new grids around it.
        const next = kind === 'proposal' ? selectedId : (result.created[0]?.id ?? result.changed[0]?.id ?? (kind === 'retire' ? parentId : selectedId));
        select(next, false);
      },
    });
  };

  // Keyboard: Delete removes the chosen vertex or the last point, Enter finishes, Escape steps back.
  const keys = useRef({ deleteVertex, undoPoint, finishDrawing, cancelSession, back: () => setPreview(null) });
  useEffect(() => {
    keys.current = { deleteVertex, undoPoint, finishDrawing, cancelSession, back: () => setPreview(null) };
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target;
      if (el instanceof HTMLElement && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName))) return;
      if (!session) return;
      if (e.key === 'Escape') {
        if (preview) keys.current.back();
        else keys.current.cancelSession();
      } else if (preview) {
        return;
      } else if (e.key === 'Delete' || e.key === 'Backspace') {
        if (session.kind === 'redraw') keys.current.deleteVertex();
        else keys.current.undoPoint();
      } else if (e.key === 'Enter') {
        keys.current.finishDrawing();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [session, preview]);

  const mode: MapMode = preview
    ? 'browse'
    : session?.kind === 'redraw'
      ? 'edit'
      : session?.kind === 'split'
        ? 'draw-line'
        : session?.kind === 'create' && !session.finished
          ? 'draw-polygon'
          : !session && tab === 'locate'
            ? 'locate'
            : 'browse';

  const selection = useMemo(() => (selectedGeometry ? [selectedGeometry] : []), [selectedGeometry]);
  // Gold marks the grids joining a merge, or the grid that takes over a retiring one.
  const retireTarget = session?.kind === 'retire' ? session.transferToId : undefined;
  const highlightIds = useMemo(() => (session?.kind === 'retire' ? (retireTarget === undefined ? [] : [retireTarget]) : multiIds), [session?.kind, retireTarget, multiIds]);
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

  const previewShapes = useMemo(() => {
    if (!preview) return [];
    const { result } = preview;
    return [...result.created.map((p) => ({ ...p, households: p.households as number | null })), ...result.changed.map((p) => ({ ...p, households: null }))].flatMap((p, index) => {
      const geometry = asAreaGeometry(p.geometry);
      return geometry ? [{ key: `preview-${p.id}`, geometry, color: previewColor(index), name: p.name, households: p.households }] : [];
    });
  }, [preview]);

  const draftGrids = session?.kind === 'proposal' && !preview ? session.draft?.grids : undefined;
  const draftNames = session?.kind === 'proposal' ? session.names : undefined;
  const draftShapes = useMemo<MapOverlay[]>(() => (draftGrids ?? []).map((g, index) => ({ key: `draft-${g.index}`, geometry: g.geometry, color: previewColor(index) })), [draftGrids]);

  const labels = useMemo<MapLabel[]>(() => {
    if (draftGrids && draftGrids.length > 0) {
      return draftGrids.flatMap((g, index) => {
        const position = labelPoint(g.geometry);
        const name = draftNames?.[index]?.trim() || g.name;
        return position ? [{ key: `draft-${g.index}`, position, text: name, sub: t('map.households', { count: g.households }), tone: 'preview' as const, bbox: bboxOf(g.geometry) ?? undefined }] : [];
      });
    }
    if (previewShapes.length > 0) {
      return previewShapes.flatMap((p) => {
        const position = labelPoint(p.geometry);
        return position ? [{ key: p.key, position, text: p.name, sub: p.households === null ? undefined : t('map.households', { count: p.households }), tone: 'preview' as const, bbox: bboxOf(p.geometry) ?? undefined }] : [];
      });
    }
    const shapes = family.data ?? (selectedId === undefined ? scopeShapes.data : undefined) ?? [];
    if (shapes.length > MAX_LABELS) return [];
    return shapes.flatMap((s) => {
      const position = labelPoint(s.geometry);
      if (!position) return [];
      const sub = s.level === 'grid' && s.households !== null ? t('map.households', { count: s.households }) : undefined;
      return [{ key: `area-${s.id}`, position, text: s.name, sub, tone: s.id === selectedId ? ('selected' as const) : ('area' as const), bbox: bboxOf(s.geometry) ?? undefined }];
    });
  }, [draftGrids, draftNames, previewShapes, family.data, scopeShapes.data, selectedId, t]);

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

  const error = commit.error ?? previewMutation.error ?? proposal.error;

  const panel = session ? (
    <EditPanel
      session={session}
      onSession={setSession}
      preview={preview}
      siblings={siblings}
      mergeIds={mergeIds}
      range={range}
      previewPending={previewMutation.isPending}
      commitPending={commit.isPending}
      draftPending={proposal.isPending}
      onDraft={runDraft}
      error={error}
      onPreview={() => runPreview()}
      onFinishDrawing={finishDrawing}
      onUndoPoint={undoPoint}
      onDeleteVertex={deleteVertex}
      onUndoEdit={undoEdit}
      onConfirm={confirm}
      onBack={() => {
        setPreview(null);
        commit.reset();
      }}
      onCancel={cancelSession}
    />
  ) : (
    <>
      {selected ? (
        <AreaCard
          area={selected}
          aboveScope={aboveScope}
          range={range}
          canManage={canManage}
          mergeCount={mergeIds.length}
          multiMode={multiMode}
          onMultiMode={setMultiMode}
          onSelect={pickFromPanel}
          onClose={() => select(undefined, false)}
          onTool={startTool}
        />
      ) : selectedId !== undefined && detail.isError ? (
        <Alert type="error" showIcon title={describe(detail.error)} closable={{ onClose: () => select(undefined, false) }} style={{ marginBottom: 8 }} />
      ) : null}
      <Tabs
        activeKey={tab}
        onChange={(key) => setTab(key === 'locate' || key === 'analysis' ? key : 'areas')}
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
                result={locate.data}
                asked={locateAsked}
                pending={locate.isPending}
                error={locate.error}
                onLocate={runLocate}
                onSelect={pickFromPanel}
              />
            ),
          },
          {
            key: 'analysis',
            label: t('map.tabs.analysis'),
            children: (
              <AnalysisPanel
                target={target}
                kind={analysisKind}
                onKind={setAnalysisKind}
                coverage={coverage}
                balance={balance}
                names={familyNames}
                range={range}
                pinned={analysisPin !== undefined}
                selectedName={selectedForAnalysis && selectedForAnalysis.id !== target?.id ? selectedForAnalysis.name : undefined}
                onUnpin={() => setAnalysisPin(undefined)}
                onZoomTo={(box) => {
                  fit(box);
                  if (mobile) setSheetOpen(false);
                }}
                onSelect={(id) => {
                  if (target) setAnalysisPin(target);
                  select(id, true, true);
                  if (mobile) setSheetOpen(false);
                }}
              />
            ),
          },
        ]}
      />
    </>
  );

  const drawing = !preview && (mode === 'draw-line' || mode === 'draw-polygon' || mode === 'edit');
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
          selection={selection}
          multiIds={highlightIds}
          issues={issues}
          preview={previewShapes}
          draft={draftShapes}
          labels={labels}
          located={locate.data && !locate.error && tab === 'locate' ? locate.data.wgs84 : null}
          muted={issues.length > 0 || session?.kind === 'proposal'}
          mode={mode}
          drawPoints={session?.kind === 'split' || session?.kind === 'create' ? session.points : []}
          edit={session?.kind === 'redraw' && !preview ? session.polygons : null}
          selectedVertex={session?.kind === 'redraw' ? session.vertex : null}
          describeArea={describeArea}
          onPick={onPick}
          onLocate={(at) => runLocate({ lng: at[0], lat: at[1], crs: 'wgs84', swapped: false })}
          onDrawPoint={(at) => {
            if (session?.kind === 'split' || (session?.kind === 'create' && !session.finished)) setSession({ ...session, points: [...session.points, at] });
          }}
          onDrawFinish={finishDrawing}
          onEditChange={editChange}
          onVertexSelect={(vertex) => {
            if (session?.kind === 'redraw') setSession({ ...session, vertex });
          }}
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
        {mobile && drawing && session ? (
          <div className="rg-map-drawbar" data-testid="map-drawbar">
            <span className="rg-map-drawbar-text">
              {session.kind === 'redraw' ? t('map.edit.drawbarEdit') : t('map.edit.points', { count: session.kind === 'split' || session.kind === 'create' ? session.points.length : 0 })}
            </span>
            {session.kind === 'redraw' ? (
              <>
                <Button size="small" disabled={session.undo.length === 0} onClick={undoEdit}>
                  {t('map.edit.undo')}
                </Button>
                <Button size="small" disabled={!session.vertex} onClick={deleteVertex}>
                  {t('map.edit.deleteVertex')}
                </Button>
                <Button size="small" type="primary" disabled={session.undo.length === 0} loading={previewMutation.isPending} onClick={() => runPreview()}>
                  {t('map.edit.preview')}
                </Button>
              </>
            ) : (
              <>
                <Button size="small" onClick={undoPoint}>
                  {t('map.edit.undoPoint')}
                </Button>
                <Button size="small" type="primary" loading={previewMutation.isPending} onClick={finishDrawing}>
                  {t('map.edit.finish')}
                </Button>
              </>
            )}
            <Button size="small" onClick={cancelSession}>
              {t('map.edit.cancel')}
            </Button>
          </div>
        ) : null}
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
