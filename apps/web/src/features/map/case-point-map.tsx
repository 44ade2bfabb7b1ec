import { Marker, setWorkerUrl, type Map as MapLibreMap } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef, useState } from 'react';
import { useMeta } from '../auth/auth.api';
import { caseTone, CASE_TONE_COLORS } from './case-map-style';
import { bboxOf } from './geometry';
import { setData } from './map-features';
import { createCaseBaseMap } from './case-base-map';
import { SOURCES } from './map-style';
import { useBoundaries } from './map.api';
import type { CaseMapProperties } from '@redgrid/contracts';

setWorkerUrl(workerUrl);

/**
 * The case page's small map (lazy: MapLibre loads only when a case has a point): the case's point,
 * coloured as on the case map, over our own area tiles with its grid outlined. Nothing to pick; the
 * coordinates are printed beside it by the page.
 */
export function CasePointMap({ lng, lat, gridId, flags }: { lng: number; lat: number; gridId: number; flags: Pick<CaseMapProperties, 'alarm' | 'supervision' | 'urgency'> }) {
  const containerRef = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const [drawn, setDrawn] = useState(false);
  const meta = useMeta();
  // The grid's outline, when the reader may see the area (a department's staff may not: then only the point).
  const grid = useBoundaries({ ids: [gridId] });

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const instance = createCaseBaseMap({ container, baseMapUrl: meta.data?.baseMapUrl ?? null, center: [lng, lat], zoom: 16, cooperativeGestures: true });
    if (!instance) return;
    instance.on('load', () => setMap(instance));
    // Ready once the tiles in view are drawn (browser tests and screenshots wait for it).
    instance.on('idle', () => setDrawn(true));
    return () => {
      setMap(null);
      instance.remove();
    };
    // One map per case page; the point moves below.
  }, []);

  const shape = grid.data?.[0];
  useEffect(() => {
    if (!map || !shape) return;
    setData(map, SOURCES.selection, [{ type: 'Feature', geometry: shape.geometry, properties: {} }]);
    // The whole grid in view, the case's point inside it.
    const box = bboxOf(shape.geometry);
    if (box) map.fitBounds([[box[0], box[1]], [box[2], box[3]]], { padding: 16, duration: 0, maxZoom: 17 });
  }, [map, shape]);

  const tone = caseTone(flags);
  useEffect(() => {
    if (!map) return;
    const marker = new Marker({ color: CASE_TONE_COLORS[tone] }).setLngLat([lng, lat]).addTo(map);
    return () => {
      marker.remove();
    };
  }, [map, lng, lat, tone]);

  return <div ref={containerRef} data-testid="case-point-map" data-ready={map && drawn ? 'true' : 'false'} style={{ height: 220, borderRadius: 6, overflow: 'hidden', border: '1px solid #f0f0f0', marginTop: 8 }} />;
}
