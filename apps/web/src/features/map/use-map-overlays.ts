import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { EditSession, PreviewState } from './edit-panel';
import { bboxOf, labelPoint } from './geometry';
import { asAreaGeometry } from './map.api';
import { previewColor } from './map-style';
import type { MapLabel, MapOverlay } from './map.types';
import type { MapSelection } from './use-map-selection';

/** More names than this on screen is clutter, not help. */
const MAX_LABELS = 80;

/**
 * What the map draws over the boundaries besides the coverage issues: the selected area, the grids
 * marked gold, a preview's pieces or a draft's grids, and the names (a draft's or a preview's
 * while they are shown, else the family's).
 */
export function useMapOverlays({ selection, session, preview }: { selection: MapSelection; session: EditSession | null; preview: PreviewState | null }) {
  const { t } = useTranslation();
  const { selectedId, selectedGeometry, multiIds, family, scopeShapes } = selection;

  const selectionShapes = useMemo(() => (selectedGeometry ? [selectedGeometry] : []), [selectedGeometry]);
  // Gold marks the grids joining a merge, or the grid that takes over a retiring one.
  const retireTarget = session?.kind === 'retire' ? session.transferToId : undefined;
  const highlightIds = useMemo(() => (session?.kind === 'retire' ? (retireTarget === undefined ? [] : [retireTarget]) : multiIds), [session?.kind, retireTarget, multiIds]);

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

  return {
    /** The selected area's boundary. */
    selectionShapes,
    /** Grids marked gold: those joining a merge, or the one taking over a retiring grid. */
    highlightIds,
    previewShapes,
    draftShapes,
    labels,
  };
}
