import { Map as MapLibreMap, NavigationControl } from 'maplibre-gl';
import { areaTileUrl, buildMapStyle, GRID_FILL_OPACITY, LAYERS } from './map-style';

/** Grid sizes do not matter on a case map: the fills are faint and only the outlines are read. */
const ANY_RANGE = { min: 300, max: 500 };

/**
 * A flat map for cases on our own area tiles (no external tiles; a raster base only when configured), zoom
 * buttons, no rotation; the grids faint once the style is loaded. Null where the browser has no WebGL.
 */
export function createCaseBaseMap(options: { container: HTMLElement; baseMapUrl: string | null; center: [number, number]; zoom: number; cooperativeGestures?: boolean }): MapLibreMap | null {
  let instance: MapLibreMap;
  try {
    instance = new MapLibreMap({
      container: options.container,
      style: buildMapStyle({ tileUrl: areaTileUrl(window.location.origin, 0), baseMapUrl: options.baseMapUrl, range: ANY_RANGE }),
      center: options.center,
      zoom: options.zoom,
      maxZoom: 19,
      attributionControl: false,
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
      cooperativeGestures: options.cooperativeGestures ?? false,
    });
  } catch (error) {
    console.error('The case map cannot start (WebGL unavailable?)', error);
    return null;
  }
  instance.addControl(new NavigationControl({ showCompass: false }), 'top-right');
  // Grids only as faint shapes: the cases are what these maps are about.
  instance.on('load', () => instance.setPaintProperty(LAYERS.gridFill, 'fill-opacity', GRID_FILL_OPACITY.muted));
  return instance;
}
