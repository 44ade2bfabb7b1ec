import { Marker, setWorkerUrl, type Map as MapLibreMap } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMeta } from '../auth/auth.api';
import { bboxOf, type LngLat } from './geometry';
import { useBoundaries } from './map.api';
import { setData } from './map-features';
import { areaTileUrl, buildMapStyle, SOURCES, type HouseholdRange } from './map-style';
import { createPickerMap } from './picker-map';

setWorkerUrl(workerUrl);

/**
 * A small map to pick one point inside an area (a new building's position): the area's boundary
 * drawn over the grid tiles, a click or tap sets the point (WGS84, as the map draws).
 */
export function PointPicker({ areaId, range, value, onPick }: { areaId: number; range: HouseholdRange; value: LngLat | null; onPick: (at: LngLat) => void }) {
  const { t } = useTranslation();
  const containerRef = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const [fitted, setFitted] = useState(false);
  const meta = useMeta();
  const boundary = useBoundaries({ ids: [areaId] });
  const onPickRef = useRef(onPick);
  useEffect(() => {
    onPickRef.current = onPick;
  });

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const instance = createPickerMap(
      container,
      { style: buildMapStyle({ tileUrl: areaTileUrl(window.location.origin, 0), baseMapUrl: meta.data?.baseMapUrl ?? null, range }), center: [119.97, 31.78], zoom: 12 },
      (at) => onPickRef.current(at),
      setMap,
    );
    if (!instance) return;
    return () => {
      setMap(null);
      instance.remove();
    };
    // The style is built once; the range only colours grids here.
  }, []);

  const shape = boundary.data?.[0];
  useEffect(() => {
    if (!map || !shape) return;
    setData(map, SOURCES.selection, [{ type: 'Feature', geometry: shape.geometry, properties: {} }]);
    const box = bboxOf(shape.geometry);
    if (box) map.fitBounds([[box[0], box[1]], [box[2], box[3]]], { padding: 24, duration: 0, maxZoom: 17 });
    setFitted(true);
  }, [map, shape]);

  useEffect(() => {
    if (!map || !value) return;
    const marker = new Marker({ color: '#c8161d' }).setLngLat(value).addTo(map);
    return () => {
      marker.remove();
    };
  }, [map, value]);

  return (
    <div>
      <div ref={containerRef} className="rg-point-picker" data-testid="point-picker" data-ready={map && fitted ? 'true' : 'false'} style={{ height: 280, borderRadius: 6, overflow: 'hidden', border: '1px solid #f0f0f0' }} />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('areas.place.pickHint')}
      </Typography.Text>
    </div>
  );
}
