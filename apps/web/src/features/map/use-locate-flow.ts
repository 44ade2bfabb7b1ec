import { useCallback, useState } from 'react';
import { bboxOf, unionBbox, type Bbox, type LngLat } from './geometry';
import { fetchBoundaries, useLocate, type LocateInput } from './map.api';

export type LocateAsk = LocateInput & { swapped: boolean };

/**
 * 定位: asks the server which grid holds a point, then selects that grid and centres the point;
 * a point outside every grid is shown together with the nearest grid, if there is one.
 */
export function useLocateFlow({ select, fit, centerOn }: { select: (id: number | undefined, zoomToIt: boolean) => void; fit: (bbox: Bbox) => void; centerOn: (center: LngLat, minZoom: number) => void }) {
  const [asked, setAsked] = useState<LocateAsk | undefined>();
  const locate = useLocate();

  const run = useCallback(
    (input: LocateAsk) => {
      setAsked(input);
      locate.mutate(input, {
        onSuccess: (result) => {
          if (result.area) {
            centerOn(result.wgs84, 15);
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

  return {
    /** What was asked last, to show its crs and a swapped-order note beside the answer. */
    asked,
    result: locate.data,
    pending: locate.isPending,
    error: locate.error,
    run,
  };
}

export type LocateFlow = ReturnType<typeof useLocateFlow>;
