import { Marker, setWorkerUrl, type Map as MapLibreMap } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef, useState } from 'react';
import { useMeta } from '../auth/auth.api';
import { buildMapStyle, publicAreaTileUrl } from '../map/map-style';
import { createPickerMap } from '../map/picker-map';

setWorkerUrl(workerUrl);

/**
 * The place of a resident's report: a tap sets the point (WGS84, as the map draws). The style is the
 * console's own, built in code with no external resources: the public outlines of the divisions and
 * grids with their names (no account needed), the configured base map (REDGRID_BASEMAP_URL) under them;
 * "use my location" fills the point too.
 */
export function PublicMap({ value, onPick }: { value: { lng: number; lat: number } | null; onPick: (at: { lng: number; lat: number }) => void }) {
  const containerRef = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const meta = useMeta();
  const onPickRef = useRef(onPick);
  useEffect(() => {
    onPickRef.current = onPick;
  });

  useEffect(() => {
    const container = containerRef.current;
    if (!container || meta.isLoading) return;
    const instance = createPickerMap(
      container,
      {
        style: buildMapStyle({ tileUrl: publicAreaTileUrl(window.location.origin), baseMapUrl: meta.data?.baseMapUrl ?? null, range: { min: 300, max: 500 }, audience: 'public' }),
        center: value ? [value.lng, value.lat] : [119.99, 31.76],
        zoom: value ? 16 : 13,
      },
      ([lng, lat]) => onPickRef.current({ lng, lat }),
      setMap,
    );
    if (!instance) return;
    return () => {
      setMap(null);
      instance.remove();
    };
    // Built once the meta (base map) is known; the point moves the marker, not the map.
  }, [meta.isLoading]);

  useEffect(() => {
    if (!map || !value) return;
    const marker = new Marker({ color: '#c8161d' }).setLngLat([value.lng, value.lat]).addTo(map);
    if (!map.getBounds().contains([value.lng, value.lat])) map.jumpTo({ center: [value.lng, value.lat], zoom: Math.max(map.getZoom(), 16) });
    return () => {
      marker.remove();
    };
  }, [map, value]);

  return <div ref={containerRef} data-testid="public-map" data-ready={map ? 'true' : 'false'} style={{ height: 240, borderRadius: 8, overflow: 'hidden', border: '1px solid #f0f0f0', background: '#eef2f5' }} />;
}
