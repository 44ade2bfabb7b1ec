import type { AreaGeometry } from '@redgrid/contracts';
import {
  Map as MapLibreMap,
  Marker,
  NavigationControl,
  ScaleControl,
  setWorkerUrl,
  type FilterSpecification,
  type GeoJSONSource,
  type MapGeoJSONFeature,
  type MapLayerMouseEvent,
  type MapLayerTouchEvent,
  type MapMouseEvent,
  type MapTouchEvent,
  type VectorTileSource,
} from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
// MapLibre 6 resolves its worker next to its own module, which a bundle moves: point it at the
// worker file Vite emits (stack-notes trap 3).
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { circlePolygon, insertVertex, moveVertex, type LngLat, type OpenPolygons, type VertexRef } from './geometry';
import { visibleLabels, type LabelBox } from './labels';
import { drawFeatures, editFeatures, lngLatOf, overlayFeatures, refOf, setData, smallest } from './map-features';
import { areaTileUrl, balanceFillExpression, buildMapStyle, GRID_FILL_OPACITY, LAYERS, PICK_LAYERS, SOURCES, type HouseholdRange } from './map-style';
import type { CameraRequest, MapLabel, MapMode, MapOverlay, MapPadding, PickedArea } from './map.types';

setWorkerUrl(workerUrl);

/** How long a touch must stay down, and how far it may wander (px), to count as tap-and-hold. */
const HOLD_MS = 600;
const HOLD_SLOP_PX = 10;

export interface MapViewProps {
  baseMapUrl: string | null;
  range: HouseholdRange;
  tileVersion: number;
  camera: CameraRequest | null;
  /** Space the panels cover on the map (the phone's bottom sheet), kept clear when fitting. */
  padding: MapPadding;
  selection: readonly AreaGeometry[];
  multiIds: readonly number[];
  issues: readonly MapOverlay[];
  preview: readonly MapOverlay[];
  /** A grid-division draft, outlined apart from previews. */
  draft: readonly MapOverlay[];
  labels: readonly MapLabel[];
  located: LngLat | null;
  /** The device position's accuracy, drawn as a circle around it ("use my location"). */
  accuracy: { center: LngLat; meters: number } | null;
  muted: boolean;
  mode: MapMode;
  drawPoints: readonly LngLat[];
  edit: OpenPolygons | null;
  selectedVertex: VertexRef | null;
  describeArea: (area: PickedArea) => string;
  onPick: (area: PickedArea | null, at: LngLat, additive: boolean) => void;
  onLocate: (at: LngLat) => void;
  /** A touch held still on the map (phones) while browsing or locating: locate that point. */
  onHold: (at: LngLat) => void;
  onDrawPoint: (at: LngLat) => void;
  onDrawFinish: () => void;
  onEditChange: (polygons: OpenPolygons, selected: VertexRef | null) => void;
  onVertexSelect: (ref: VertexRef | null) => void;
  onZoom: (zoom: number) => void;
  onTileError: () => void;
  /** Shown instead of the map when WebGL is unavailable. */
  fallback: ReactNode;
}

function labelElement(label: MapLabel): HTMLElement {
  const element = document.createElement('div');
  element.className = `rg-map-label rg-map-label-${label.tone ?? 'area'}`;
  const text = document.createElement('span');
  text.textContent = label.text;
  element.append(text);
  if (label.sub) {
    const sub = document.createElement('small');
    sub.textContent = label.sub;
    element.append(sub);
  }
  return element;
}

/**
 * Browser tests drag vertices and click drawn shapes, which needs screen positions only the map
 * can compute: with `localStorage['redgrid.e2e'] = '1'` the instance is left on `window`.
 */
function exposeForBrowserTests(map: MapLibreMap) {
  try {
    if (globalThis.localStorage?.getItem('redgrid.e2e') === '1') Object.assign(window, { __redgridMap: map });
  } catch {
    // Storage unavailable: no test hook.
  }
}

/**
 * The MapLibre map. React owns the state; this component mirrors it into sources, layers and
 * markers, and reports clicks, drawing and vertex drags through the callbacks.
 */
export function MapView(props: MapViewProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const tooltipRef = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState(false);
  // Handlers are bound once; they read the current props through this ref.
  const latest = useRef(props);
  useEffect(() => {
    latest.current = props;
  });
  const pointer = useRef<LngLat | null>(null);
  const drag = useRef<{ ref: VertexRef; polygons: OpenPolygons; moved: boolean } | null>(null);
  const dragEndedAt = useRef(0);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const initial = latest.current;
    let map: MapLibreMap;
    try {
      map = new MapLibreMap({
        container,
        style: buildMapStyle({ tileUrl: areaTileUrl(window.location.origin, initial.tileVersion), baseMapUrl: initial.baseMapUrl, range: initial.range }),
        center: [120.1, 31.77],
        zoom: 9,
        maxZoom: 19,
        attributionControl: false,
        dragRotate: false,
        // Shift-click adds a grid to a merge; box zoom would take the shift-drag for itself.
        boxZoom: false,
        pitchWithRotate: false,
        touchPitch: false,
        // Boundary editing needs the keyboard for Delete; arrow keys still pan.
        keyboard: true,
      });
    } catch (error) {
      console.error('The map cannot start (WebGL unavailable?)', error);
      setFailed(true);
      return;
    }
    mapRef.current = map;
    exposeForBrowserTests(map);
    map.touchZoomRotate.disableRotation();
    map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
    map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');

    const noHover = window.matchMedia?.('(hover: none)').matches ?? false;
    let hovered: number | null = null;
    const setHover = (id: number | null) => {
      if (hovered === id) return;
      if (hovered !== null) map.setFeatureState({ source: SOURCES.areas, sourceLayer: 'areas', id: hovered }, { hover: false });
      hovered = id;
      if (id !== null) map.setFeatureState({ source: SOURCES.areas, sourceLayer: 'areas', id }, { hover: true });
    };
    const hideTooltip = () => {
      if (tooltipRef.current) tooltipRef.current.style.display = 'none';
    };
    const pickAt = (point: { x: number; y: number }) => smallest(map.queryRenderedFeatures([point.x, point.y], { layers: PICK_LAYERS }));

    const redrawDrawing = () => {
      const { drawPoints, mode } = latest.current;
      if (mode === 'draw-line' || mode === 'draw-polygon') setData(map, SOURCES.draw, drawFeatures(drawPoints, mode, pointer.current));
    };

    map.on('load', () => setReady(true));
    map.on('zoomend', () => latest.current.onZoom(map.getZoom()));
    map.on('error', (event) => {
      if ('sourceId' in event && event.sourceId === SOURCES.areas) latest.current.onTileError();
      else console.error('Map error', event.error);
    });

    // Tap-and-hold: a phone has no right click and a tap already picks; holding still locates.
    let hold: { timer: number; x: number; y: number } | null = null;
    let heldAt = 0;
    const cancelHold = () => {
      if (hold) window.clearTimeout(hold.timer);
      hold = null;
    };
    map.on('touchstart', (e: MapTouchEvent) => {
      cancelHold();
      const { mode } = latest.current;
      if (e.points.length !== 1 || (mode !== 'browse' && mode !== 'locate')) return;
      const at = lngLatOf(e);
      hold = {
        x: e.point.x,
        y: e.point.y,
        timer: window.setTimeout(() => {
          hold = null;
          heldAt = performance.now();
          latest.current.onHold(at);
        }, HOLD_MS),
      };
    });
    map.on('touchmove', (e: MapTouchEvent) => {
      if (hold && (e.points.length !== 1 || Math.hypot(e.point.x - hold.x, e.point.y - hold.y) > HOLD_SLOP_PX)) cancelHold();
    });
    map.on('touchend', cancelHold);
    map.on('touchcancel', cancelHold);
    map.on('movestart', cancelHold);
    // A held touch opens the browser's context menu on some phones.
    map.getCanvasContainer().addEventListener('contextmenu', (e) => {
      if (performance.now() - heldAt < 1500) e.preventDefault();
    });

    map.on('click', (e: MapMouseEvent) => {
      const current = latest.current;
      if (drag.current || performance.now() - dragEndedAt.current < 300) return;
      // The touch that was held has already located its point.
      if (performance.now() - heldAt < 800) return;
      switch (current.mode) {
        case 'browse':
          current.onPick(pickAt(e.point), lngLatOf(e), e.originalEvent.shiftKey || e.originalEvent.ctrlKey || e.originalEvent.metaKey);
          return;
        case 'locate':
          current.onLocate(lngLatOf(e));
          return;
        case 'draw-line':
        case 'draw-polygon': {
          // The second click of a double-click lands where the first did: it finishes, not adds.
          const last = current.drawPoints[current.drawPoints.length - 1];
          if (last) {
            const p = map.project(last);
            if (Math.hypot(p.x - e.point.x, p.y - e.point.y) < 4) return;
          }
          current.onDrawPoint(lngLatOf(e));
          return;
        }
        case 'edit':
          // A click off the vertices lets go of the selected one.
          if (map.queryRenderedFeatures([e.point.x, e.point.y], { layers: [LAYERS.editVertices, LAYERS.editMidpoints] }).length === 0) current.onVertexSelect(null);
          return;
      }
    });
    map.on('dblclick', (e: MapMouseEvent) => {
      const { mode } = latest.current;
      if (mode === 'draw-line' || mode === 'draw-polygon') {
        e.preventDefault();
        latest.current.onDrawFinish();
      }
    });

    map.on('mousemove', (e: MapMouseEvent) => {
      const { mode, describeArea } = latest.current;
      const canvas = map.getCanvas();
      if (drag.current) return;
      if (mode === 'draw-line' || mode === 'draw-polygon') {
        pointer.current = lngLatOf(e);
        redrawDrawing();
        return;
      }
      if (mode === 'edit') {
        const over = map.queryRenderedFeatures([e.point.x, e.point.y], { layers: [LAYERS.editVertices, LAYERS.editMidpoints] });
        canvas.style.cursor = over.length > 0 ? 'move' : '';
        return;
      }
      // Touch screens replay taps as mouse moves: no hover there, or the tooltip would stick.
      if (noHover) return;
      const area = pickAt(e.point);
      setHover(area?.id ?? null);
      canvas.style.cursor = mode === 'locate' ? 'crosshair' : area ? 'pointer' : '';
      const tooltip = tooltipRef.current;
      if (!tooltip) return;
      if (!area) {
        hideTooltip();
        return;
      }
      tooltip.textContent = describeArea(area);
      tooltip.style.display = 'block';
      tooltip.style.transform = `translate(${e.point.x + 14}px, ${e.point.y + 14}px)`;
    });
    map.getCanvasContainer().addEventListener('mouseleave', () => {
      setHover(null);
      hideTooltip();
      pointer.current = null;
      redrawDrawing();
    });

    // Vertex editing: press on a vertex (or an edge's midpoint, which inserts one) and drag. The
    // move and release are followed on the window, so letting go over a panel still ends the drag.
    const canvasPoint = (clientX: number, clientY: number): LngLat => {
      const rect = map.getCanvasContainer().getBoundingClientRect();
      const at = map.unproject([clientX - rect.left, clientY - rect.top]);
      return [at.lng, at.lat];
    };
    const moveDrag = (at: LngLat) => {
      const current = drag.current;
      if (!current) return;
      current.polygons = moveVertex(current.polygons, current.ref, at);
      current.moved = true;
      setData(map, SOURCES.edit, editFeatures(current.polygons, current.ref, false));
    };
    const onWindowMouseMove = (e: MouseEvent) => moveDrag(canvasPoint(e.clientX, e.clientY));
    const onWindowTouchMove = (e: TouchEvent) => {
      const touch = e.touches[0];
      if (touch && e.touches.length === 1) moveDrag(canvasPoint(touch.clientX, touch.clientY));
    };
    const endDrag = () => {
      const current = drag.current;
      window.removeEventListener('mousemove', onWindowMouseMove);
      window.removeEventListener('touchmove', onWindowTouchMove);
      window.removeEventListener('mouseup', endDrag);
      window.removeEventListener('touchend', endDrag);
      if (!current) return;
      drag.current = null;
      // The click that follows the release must not count as a click on the map.
      dragEndedAt.current = performance.now();
      map.dragPan.enable();
      if (current.moved) latest.current.onEditChange(current.polygons, current.ref);
      else latest.current.onVertexSelect(current.ref);
    };
    const startDrag = (feature: MapGeoJSONFeature | undefined, midpoint: boolean, at: LngLat) => {
      const { edit } = latest.current;
      const ref = refOf(feature);
      if (!edit || !ref || drag.current) return false;
      drag.current = midpoint
        ? { ref: { ...ref, vertex: ref.vertex + 1 }, polygons: insertVertex(edit, ref, at), moved: true }
        : { ref, polygons: edit, moved: false };
      map.dragPan.disable();
      hideTooltip();
      window.addEventListener('mousemove', onWindowMouseMove);
      window.addEventListener('touchmove', onWindowTouchMove, { passive: true });
      window.addEventListener('mouseup', endDrag);
      window.addEventListener('touchend', endDrag);
      return true;
    };
    const onLayerDown = (midpoint: boolean) => (e: MapLayerMouseEvent | MapLayerTouchEvent) => {
      if (latest.current.mode !== 'edit') return;
      if ('points' in e && e.points.length !== 1) return;
      if (startDrag(e.features?.[0], midpoint, lngLatOf(e))) e.preventDefault();
    };
    map.on('mousedown', LAYERS.editVertices, onLayerDown(false));
    map.on('touchstart', LAYERS.editVertices, onLayerDown(false));
    map.on('mousedown', LAYERS.editMidpoints, onLayerDown(true));
    map.on('touchstart', LAYERS.editMidpoints, onLayerDown(true));

    const resize = new ResizeObserver(() => map.resize());
    resize.observe(container);
    return () => {
      cancelHold();
      endDrag();
      resize.disconnect();
      mapRef.current = null;
      setReady(false);
      map.remove();
    };
  }, []);

  const map = ready ? mapRef.current : null;
  const { tileVersion, range, camera, padding, selection, multiIds, issues, preview, draft, labels, located, accuracy, muted, mode, drawPoints, edit, selectedVertex } = props;

  useEffect(() => {
    if (!map || tileVersion === 0) return;
    map.getSource<VectorTileSource>(SOURCES.areas)?.setTiles([areaTileUrl(window.location.origin, tileVersion)]);
  }, [map, tileVersion]);

  useEffect(() => {
    if (!map) return;
    map.setPaintProperty(LAYERS.gridFill, 'fill-opacity', muted ? GRID_FILL_OPACITY.muted : GRID_FILL_OPACITY.normal);
  }, [map, muted]);

  useEffect(() => {
    map?.setPaintProperty(LAYERS.gridFill, 'fill-color', balanceFillExpression(range));
  }, [map, range]);

  useEffect(() => {
    if (!map) return;
    setData(map, SOURCES.selection, selection.map((geometry) => ({ type: 'Feature', geometry, properties: {} })));
  }, [map, selection]);

  useEffect(() => {
    if (!map) return;
    const filter: FilterSpecification = ['in', ['get', 'id'], ['literal', [...multiIds]]];
    map.setFilter(LAYERS.multiFill, filter);
  }, [map, multiIds]);

  useEffect(() => {
    map?.getSource<GeoJSONSource>(SOURCES.issues)?.setData(overlayFeatures(issues));
  }, [map, issues]);

  useEffect(() => {
    map?.getSource<GeoJSONSource>(SOURCES.preview)?.setData(overlayFeatures(preview));
  }, [map, preview]);

  useEffect(() => {
    map?.getSource<GeoJSONSource>(SOURCES.draft)?.setData(overlayFeatures(draft));
  }, [map, draft]);

  useEffect(() => {
    if (!map) return;
    const drawing = mode === 'draw-line' || mode === 'draw-polygon';
    setData(map, SOURCES.draw, drawing ? drawFeatures(drawPoints, mode, pointer.current) : []);
  }, [map, mode, drawPoints]);

  useEffect(() => {
    if (!map || drag.current) return;
    setData(map, SOURCES.edit, edit && mode === 'edit' ? editFeatures(edit, selectedVertex, true) : []);
  }, [map, mode, edit, selectedVertex]);

  useEffect(() => {
    if (!map) return;
    const drawing = mode === 'draw-line' || mode === 'draw-polygon' || mode === 'edit';
    // Double-click finishes a drawing instead of zooming.
    if (drawing) map.doubleClickZoom.disable();
    else map.doubleClickZoom.enable();
    map.getCanvas().style.cursor = mode === 'browse' ? '' : mode === 'edit' ? '' : 'crosshair';
    if (mode !== 'browse' && mode !== 'locate' && tooltipRef.current) tooltipRef.current.style.display = 'none';
    if (mode !== 'draw-line' && mode !== 'draw-polygon') pointer.current = null;
  }, [map, mode]);

  useEffect(() => {
    if (!map || !camera) return;
    if (camera.bbox) {
      const [w, s, e, n] = camera.bbox;
      map.fitBounds(
        [
          [w, s],
          [e, n],
        ],
        // A margin around the area keeps its neighbours in view.
        { padding: { top: padding.top + 48, bottom: padding.bottom + 48, left: padding.left + 48, right: padding.right + 48 }, maxZoom: 15.5, duration: 700 },
      );
    } else if (camera.center) {
      // An offset, not `padding`: padding given to easeTo stays on the map and skews later fits.
      map.easeTo({
        center: camera.center,
        zoom: Math.max(map.getZoom(), camera.minZoom ?? 0),
        offset: [(padding.left - padding.right) / 2, (padding.top - padding.bottom) / 2],
        duration: 700,
      });
    }
    // Only a new request moves the camera, not a change of padding.
  }, [map, camera]);

  useEffect(() => {
    if (!map) return;
    const placed = labels.map((label) => {
      const element = labelElement(label);
      const marker = new Marker({ element, anchor: 'center' }).setLngLat(label.position).addTo(map);
      return { label, element, marker, width: element.offsetWidth, height: element.offsetHeight };
    });
    const declutter = () => {
      const boxes: LabelBox[] = placed.map(({ label, width, height }) => {
        const at = map.project(label.position);
        const box: LabelBox = { x: at.x, y: at.y, width, height, priority: label.tone === 'area' || !label.tone ? 0 : 1 };
        if (label.bbox && label.tone !== 'selected') {
          const [w, s, e, n] = label.bbox;
          box.roomWidth = Math.abs(map.project([e, (s + n) / 2]).x - map.project([w, (s + n) / 2]).x);
        }
        return box;
      });
      visibleLabels(boxes).forEach((show, i) => {
        const element = placed[i]?.element;
        if (element) element.style.visibility = show ? 'visible' : 'hidden';
      });
    };
    declutter();
    // Only zooming changes the distances between labels (rotation is off).
    let frame = 0;
    const onZoom = () => {
      if (!frame) {
        frame = requestAnimationFrame(() => {
          frame = 0;
          declutter();
        });
      }
    };
    map.on('zoom', onZoom);
    return () => {
      map.off('zoom', onZoom);
      cancelAnimationFrame(frame);
      placed.forEach((p) => p.marker.remove());
    };
  }, [map, labels]);

  useEffect(() => {
    if (!map || !located) return;
    const marker = new Marker({ color: '#c8161d', className: 'rg-map-pin' }).setLngLat(located).addTo(map);
    return () => {
      marker.remove();
    };
  }, [map, located]);

  useEffect(() => {
    if (!map) return;
    setData(map, SOURCES.accuracy, accuracy ? [{ type: 'Feature', geometry: circlePolygon(accuracy.center, accuracy.meters), properties: {} }] : []);
  }, [map, accuracy]);

  if (failed) return <>{props.fallback}</>;
  return (
    <div className="rg-map-canvas-wrap">
      <div ref={containerRef} className="rg-map-canvas" data-testid="map-canvas" data-ready={ready ? 'true' : 'false'} />
      <div ref={tooltipRef} className="rg-map-tooltip" />
    </div>
  );
}
