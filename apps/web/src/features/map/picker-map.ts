import { Map as MapLibreMap, NavigationControl, type MapMouseEvent, type StyleSpecification } from 'maplibre-gl';
import type { LngLat } from './geometry';

/**
 * A small map to tap one point on (a building's position, a resident's report): no rotation or pitch, zoom
 * buttons, a crosshair; a tap gives the point in WGS84, as the map draws. `onLoad` runs once the style is in.
 * Null when the map cannot start (no WebGL): the form around it still works by typing or locating.
 */
export function createPickerMap(
  container: HTMLElement,
  view: { style: StyleSpecification; center: LngLat; zoom: number },
  onPick: (at: LngLat) => void,
  onLoad: (map: MapLibreMap) => void,
): MapLibreMap | null {
  let map: MapLibreMap;
  try {
    map = new MapLibreMap({ container, ...view, maxZoom: 19, attributionControl: false, dragRotate: false, pitchWithRotate: false, touchPitch: false });
  } catch (error) {
    console.error('The map cannot start (WebGL unavailable?)', error);
    return null;
  }
  map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
  map.getCanvas().style.cursor = 'crosshair';
  map.on('click', (e: MapMouseEvent) => onPick([e.lngLat.lng, e.lngLat.lat]));
  map.on('load', () => onLoad(map));
  return map;
}
