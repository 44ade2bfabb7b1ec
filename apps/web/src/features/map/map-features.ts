import type { AreaGeometry } from '@redgrid/contracts';
import type { GeoJSONSource, Map as MapLibreMap, MapGeoJSONFeature } from 'maplibre-gl';
import { fromOpenPolygons, midpointList, vertexList, type LngLat, type OpenPolygons, type VertexRef } from './geometry';
import { LEVEL_DEPTH } from './map-style';
import type { MapMode, MapOverlay, PickedArea } from './map.types';

// The GeoJSON the map's own sources show (overlays, drawing, vertex editing), and what the map's
// rendered features say back (the area under the pointer, the vertex pressed).

interface Feature {
  type: 'Feature';
  id?: number;
  geometry:
    | AreaGeometry
    | { type: 'LineString'; coordinates: LngLat[] }
    | { type: 'Point'; coordinates: LngLat };
  properties: Record<string, string | number | boolean>;
}

function collection(features: Feature[]) {
  return { type: 'FeatureCollection' as const, features };
}

export function overlayFeatures(overlays: readonly MapOverlay[]) {
  return collection(overlays.map((o) => ({ type: 'Feature', geometry: o.geometry, properties: { color: o.color, key: o.key } })));
}

export function drawFeatures(points: readonly LngLat[], mode: MapMode, pointer: LngLat | null): Feature[] {
  const features: Feature[] = points.map((p, i) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: p }, properties: { index: i } }));
  if (mode === 'draw-polygon' && points.length >= 3) {
    const first = points[0];
    if (first) features.unshift({ type: 'Feature', geometry: { type: 'Polygon', coordinates: [[...points, first]] }, properties: { role: 'shape' } });
  }
  if (points.length >= 2) features.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: [...points] }, properties: { role: 'line' } });
  const last = points[points.length - 1];
  const first = points[0];
  if (pointer && last) {
    const rubber: LngLat[] = mode === 'draw-polygon' && first && points.length >= 2 ? [last, pointer, first] : [last, pointer];
    features.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: rubber }, properties: { role: 'rubber' } });
  }
  return features;
}

function sameRef(a: VertexRef | null, b: VertexRef | null): boolean {
  return !!a && !!b && a.polygon === b.polygon && a.ring === b.ring && a.vertex === b.vertex;
}

export function editFeatures(polygons: OpenPolygons, selected: VertexRef | null, withMidpoints: boolean): Feature[] {
  const shape: Feature = { type: 'Feature', geometry: fromOpenPolygons(polygons), properties: { role: 'shape' } };
  const vertices: Feature[] = vertexList(polygons).map(({ ref, position }) => ({
    type: 'Feature',
    geometry: { type: 'Point', coordinates: position },
    properties: { role: 'vertex', p: ref.polygon, r: ref.ring, v: ref.vertex, selected: sameRef(ref, selected) },
  }));
  const midpoints: Feature[] = withMidpoints
    ? midpointList(polygons).map(({ ref, position }) => ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: position },
        properties: { role: 'midpoint', p: ref.polygon, r: ref.ring, v: ref.vertex },
      }))
    : [];
  return [shape, ...midpoints, ...vertices];
}

export function refOf(feature: MapGeoJSONFeature | undefined): VertexRef | null {
  const p = Number(feature?.properties['p']);
  const r = Number(feature?.properties['r']);
  const v = Number(feature?.properties['v']);
  return Number.isInteger(p) && Number.isInteger(r) && Number.isInteger(v) ? { polygon: p, ring: r, vertex: v } : null;
}

function toPicked(feature: MapGeoJSONFeature): PickedArea | null {
  const props = feature.properties;
  const id = Number(props['id'] ?? feature.id);
  if (!Number.isSafeInteger(id)) return null;
  return {
    id,
    code: String(props['code'] ?? ''),
    name: String(props['name'] ?? ''),
    level: String(props['level'] ?? ''),
    households: Number(props['households'] ?? 0),
    gridType: String(props['gridType'] ?? ''),
  };
}

/** The deepest (smallest) area among the features under a point. */
export function smallest(features: readonly MapGeoJSONFeature[]): PickedArea | null {
  let best: PickedArea | null = null;
  for (const feature of features) {
    const area = toPicked(feature);
    if (area && (!best || (LEVEL_DEPTH[area.level] ?? 0) > (LEVEL_DEPTH[best.level] ?? 0))) best = area;
  }
  return best;
}

export function lngLatOf(e: { lngLat: { lng: number; lat: number } }): LngLat {
  return [e.lngLat.lng, e.lngLat.lat];
}

export function setData(map: MapLibreMap, source: string, features: Feature[]) {
  map.getSource<GeoJSONSource>(source)?.setData(collection(features));
}
