import type { AreaGeometry } from '@redgrid/contracts';
import type { Bbox, LngLat } from './geometry';

// What the page tells the map (MapView) and what the map reports back.

export type MapMode = 'browse' | 'locate' | 'draw-line' | 'draw-polygon' | 'edit';

/** An area under the pointer, as the vector tile describes it. */
export interface PickedArea {
  id: number;
  code: string;
  name: string;
  level: string;
  households: number;
  gridType: string;
}

/** A name pinned on the map (an HTML marker: there are no map fonts offline). */
export interface MapLabel {
  key: string;
  position: LngLat;
  text: string;
  sub?: string;
  tone?: 'area' | 'preview' | 'selected';
  /** The labelled area's extent: the name hides when the area is drawn narrower than it. */
  bbox?: Bbox;
}

/** A coloured shape drawn over the boundaries (coverage issue, preview piece). */
export interface MapOverlay {
  key: string;
  geometry: AreaGeometry;
  color: string;
}

export interface MapPadding {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** Ask the camera to move; a new `key` repeats the same move. */
export interface CameraRequest {
  key: number;
  bbox?: Bbox;
  center?: LngLat;
  minZoom?: number;
}
