import { App } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { createRequest, gridProposalBody, mergeRequest, proposalRequest, redrawRequest, retireRequest, splitRequest, withPieceNames, type AdjustmentRequest } from './adjustment';
import type { EditTool } from './area-card';
import type { EditSession, PreviewState } from './edit-panel';
import { bboxOf, removeVertex, toOpenPolygons, unionBbox, type Bbox, type LngLat, type OpenPolygons, type VertexRef } from './geometry';
import { asAreaGeometry, useCommitAdjustment, useGridProposal, usePreviewAdjustment } from './map.api';
import type { MapSelection } from './use-map-selection';

export interface EditFlowDeps {
  selection: MapSelection;
  fit: (bbox: Bbox) => void;
  /** Opens or closes the phone's bottom sheet (nothing on a desk). */
  showSheet: (open: boolean) => void;
  /** An adjustment was applied; `version` is its change id, to reload tiles past the cache. */
  onApplied: (version: number) => void;
}

/**
 * A boundary adjustment, from the tool chosen to the change applied: the session being drawn or
 * filled in, then a preview (the same request with `preview: true`, drawn on the map), then the
 * confirmation that sends it for real. Keyboard: Delete removes the chosen vertex or the last
 * point, Enter finishes, Escape steps back.
 */
export function useEditFlow({ selection, fit, showSheet, onApplied }: EditFlowDeps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { selected, selectedId, selectedGeometry, mergeIds, select, setMultiIds, setMultiMode } = selection;
  const [session, setSession] = useState<EditSession | null>(null);
  const [preview, setPreview] = useState<PreviewState | null>(null);
  const previewMutation = usePreviewAdjustment();
  const commit = useCommitAdjustment();
  const proposal = useGridProposal();

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
    showSheet(tool === 'merge' || tool === 'retire' || tool === 'propose');
  };

  const cancelSession = useCallback(() => {
    if (session?.kind === 'merge') setMultiIds([]);
    setSession(null);
    setPreview(null);
    previewMutation.reset();
    commit.reset();
    proposal.reset();
  }, [session?.kind, setMultiIds, previewMutation, commit, proposal]);

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

  const runPreview = (s: EditSession | null = session, explicit?: AdjustmentRequest) => {
    if (!s) return;
    const request = explicit ?? requestFor(s);
    if (!request) {
      void message.warning(
        s.kind === 'split' ? t('map.edit.needLine') : s.kind === 'merge' ? t('map.edit.mergeNeedTwo') : s.kind === 'proposal' ? t('map.edit.proposal.needNames') : t('map.edit.needPolygon'),
      );
      return;
    }
    commit.reset();
    previewMutation.mutate(request, {
      onSuccess: (result) => {
        setPreview({ request, result, names: request.kind === 'split' ? result.created.map((c) => c.name) : undefined });
        showSheet(true);
        const box = unionBbox([...result.created, ...result.changed].map((p) => {
          const g = asAreaGeometry(p.geometry);
          return g ? bboxOf(g) : null;
        }));
        if (box) fit(box);
      },
      onError: () => {
        showSheet(true);
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
        showSheet(true);
      }
    }
  };

  /** A point clicked on the map while a split line or a new grid is drawn. */
  const addPoint = (at: LngLat) => {
    if (session?.kind === 'split' || (session?.kind === 'create' && !session.finished)) setSession({ ...session, points: [...session.points, at] });
  };

  const undoPoint = () => {
    if (session?.kind === 'split' || (session?.kind === 'create' && !session.finished)) setSession({ ...session, points: session.points.slice(0, -1) });
  };

  const selectVertex = (vertex: VertexRef | null) => {
    if (session?.kind === 'redraw') setSession({ ...session, vertex });
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

  /** From the preview back to the session, to change it. */
  const backToSession = () => {
    setPreview(null);
    commit.reset();
  };

  /** The split's new grids renamed in the preview; the names go with the confirmation. */
  const renamePiece = (index: number, name: string) => {
    setPreview((current) => (current?.names ? { ...current, names: current.names.map((n, i) => (i === index ? name : n)) } : current));
  };

  /** The request as confirmed: a split carries the names given in its preview. */
  const confirmedRequest = (p: PreviewState): AdjustmentRequest => withPieceNames(p.request, p.names);

  /** Runs the preview again with the names typed, so the server checks them and its warnings use them. */
  const refreshPreview = () => {
    if (preview) runPreview(session, confirmedRequest(preview));
  };

  const confirm = () => {
    if (!preview) return;
    const kind = preview.request.kind;
    const parentId = selected?.parentId ?? undefined;
    commit.mutate(confirmedRequest(preview), {
      onSuccess: (result) => {
        void message.success(kind === 'proposal' ? t('map.edit.proposal.applied') : t('map.edit.applied', { kind: t(`map.edit.kinds.${kind}`) }));
        onApplied(result.changeId ?? Date.now());
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

  return {
    session,
    setSession,
    preview,
    previewPending: previewMutation.isPending,
    commitPending: commit.isPending,
    draftPending: proposal.isPending,
    /** The last failure of the draft, the preview or the confirmation. */
    error: commit.error ?? previewMutation.error ?? proposal.error,
    startTool,
    cancelSession,
    runDraft,
    runPreview: () => runPreview(),
    finishDrawing,
    addPoint,
    undoPoint,
    selectVertex,
    editChange,
    deleteVertex,
    undoEdit,
    backToSession,
    renamePiece,
    refreshPreview,
    confirm,
  };
}

export type EditFlow = ReturnType<typeof useEditFlow>;
