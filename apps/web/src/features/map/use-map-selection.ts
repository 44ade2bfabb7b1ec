import type { AreaBrief } from '@redgrid/contracts';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useArea, useAreaRoots } from '../areas/areas.api';
import { bboxOf, unionBbox, type Bbox } from './geometry';
import { useBoundaries } from './map.api';

/**
 * The selected area (kept in the address as `?id=`), what the map needs around it (its boundary,
 * its family of siblings or children, the user's scope) and the grids picked besides it for a merge.
 * `fit` moves the camera; `layoutKnown` says the screen size is known, so the first view can fit.
 */
export function useMapSelection({ fit, layoutKnown }: { fit: (bbox: Bbox) => void; layoutKnown: boolean }) {
  const [params, setParams] = useSearchParams();
  const idParam = Number(params.get('id'));
  const selectedId = Number.isSafeInteger(idParam) && idParam > 0 ? idParam : undefined;

  const [multiIds, setMultiIds] = useState<number[]>([]);
  const [multiMode, setMultiMode] = useState(false);
  const [zoomTo, setZoomTo] = useState<number | undefined>(selectedId);
  // A report keeps its area while the user walks through its findings (which select grids).
  const [analysisPin, setAnalysisPin] = useState<AreaBrief | undefined>();

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

  const scopeBbox = useMemo(() => unionBbox((scopeShapes.data ?? []).map((s) => bboxOf(s.geometry))), [scopeShapes.data]);

  /** Selects an area (or none); `keepAnalysis` leaves the report on the area it was pinned to. */
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

  const mergeIds = useMemo(() => (selected?.level === 'grid' ? [selected.id, ...multiIds] : []), [selected, multiIds]);

  return {
    selectedId,
    /** The selected area's detail, once it has arrived. */
    selected,
    detail,
    selectedGeometry,
    select,
    singleRoot,
    scopeShapes,
    scopeBbox,
    aboveScope,
    family,
    siblings,
    familyNames,
    /** Grids picked besides the selected one (merge). */
    multiIds,
    setMultiIds,
    multiMode,
    setMultiMode,
    /** The selected grid and the grids picked with it: what a merge joins. */
    mergeIds,
    analysisPin,
    setAnalysisPin,
  };
}

export type MapSelection = ReturnType<typeof useMapSelection>;
