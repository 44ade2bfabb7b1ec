import { useCallback, useRef, useState } from 'react';
import type { Bbox, LngLat } from './geometry';
import type { CameraRequest } from './map.types';

export interface MapCamera {
  /** The last move asked of the map. */
  camera: CameraRequest | null;
  /** Shows the whole box. */
  fit: (bbox: Bbox) => void;
  /** Centres the point, zooming in to at least `minZoom`. */
  centerOn: (center: LngLat, minZoom: number) => void;
}

/** Camera moves asked of the map; each carries a new key, so asking the same move again repeats it. */
export function useMapCamera(): MapCamera {
  const [camera, setCamera] = useState<CameraRequest | null>(null);
  const cameraKey = useRef(0);
  const fit = useCallback((bbox: Bbox) => {
    cameraKey.current += 1;
    setCamera({ key: cameraKey.current, bbox });
  }, []);
  const centerOn = useCallback((center: LngLat, minZoom: number) => {
    cameraKey.current += 1;
    setCamera({ key: cameraKey.current, center, minZoom });
  }, []);
  return { camera, fit, centerOn };
}
