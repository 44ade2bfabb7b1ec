import { useCallback, useState } from 'react';
import { bboxOf, circlePolygon, unionBbox, type Bbox, type LngLat } from './geometry';
import { currentDevicePosition, type DevicePosition, type DeviceProblem } from '../../shared/device/device-position';
import { fetchBoundaries, useLocate, type LocateInput } from './map.api';

export type { DevicePosition, DeviceProblem } from '../../shared/device/device-position';

export type LocateAsk = LocateInput & { swapped: boolean };

/** Beyond this radius (m) the camera fits the whole accuracy circle instead of zooming to the point. */
const WIDE_ACCURACY_M = 150;

/**
 * 定位: asks the server which grid holds a point, then selects that grid and centres the point;
 * a point outside every grid is shown together with the nearest grid, if there is one.
 */
export function useLocateFlow({ select, fit, centerOn }: { select: (id: number | undefined, zoomToIt: boolean) => void; fit: (bbox: Bbox) => void; centerOn: (center: LngLat, minZoom: number) => void }) {
  const [asked, setAsked] = useState<LocateAsk | undefined>();
  const [device, setDevice] = useState<DevicePosition | null>(null);
  const [deviceProblem, setDeviceProblem] = useState<DeviceProblem | null>(null);
  const [devicePending, setDevicePending] = useState(false);
  const locate = useLocate();

  const ask = useCallback(
    (input: LocateAsk, around?: Bbox) => {
      setAsked(input);
      locate.mutate(input, {
        onSuccess: (result) => {
          if (result.area) {
            // A wide accuracy circle is shown whole; otherwise the point, close up.
            if (around) fit(around);
            else centerOn(result.wgs84, 15);
            select(result.area.id, false);
            return;
          }
          // Outside every grid: show the point together with the nearest grid, if there is one.
          select(undefined, false);
          centerOn(result.wgs84, 14);
          const nearest = result.nearest;
          if (nearest) {
            void fetchBoundaries({ ids: [nearest.area.id] })
              .then((shapes) => {
                const box = unionBbox([...shapes.map((s) => bboxOf(s.geometry)), [result.wgs84[0], result.wgs84[1], result.wgs84[0], result.wgs84[1]]]);
                if (box) fit(box);
              })
              .catch(() => undefined);
          }
        },
      });
    },
    [locate, centerOn, select, fit],
  );

  /** A point typed, clicked or held on the map: any accuracy circle from the device goes. */
  const run = useCallback(
    (input: LocateAsk) => {
      setDevice(null);
      setDeviceProblem(null);
      ask(input);
    },
    [ask],
  );

  /** 使用我的位置: the browser's position is WGS84 whatever map the phone shows, sent as such. */
  const locateDevice = useCallback(() => {
    setDevicePending(true);
    setDeviceProblem(null);
    currentDevicePosition()
      .then((position) => {
        setDevice(position);
        const around = position.accuracy > WIDE_ACCURACY_M ? bboxOf(circlePolygon(position.center, position.accuracy)) : null;
        ask({ lng: position.center[0], lat: position.center[1], crs: 'wgs84', swapped: false }, around ?? undefined);
      })
      .catch((problem: DeviceProblem) => {
        setDevice(null);
        setDeviceProblem(problem);
      })
      .finally(() => setDevicePending(false));
  }, [ask]);

  return {
    /** What was asked last, to show its crs and a swapped-order note beside the answer. */
    asked,
    result: locate.data,
    pending: locate.isPending,
    error: locate.error,
    run,
    /** The device's own position and its accuracy, when the last locate came from it. */
    device,
    deviceProblem,
    devicePending,
    locateDevice,
  };
}

export type LocateFlow = ReturnType<typeof useLocateFlow>;
