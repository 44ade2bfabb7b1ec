/** Where the device says it is: WGS84 (what browsers answer, whatever map the phone shows), with the radius (metres) it is sure of. */
export interface DevicePosition {
  center: [number, number];
  accuracy: number;
}

/** Why there is no position, in our terms (each has a message under `device.*`). */
export type DeviceProblem = 'unsupported' | 'denied' | 'unavailable' | 'timeout';

/**
 * The browser's position, asked once (high accuracy, 15 s, a fix up to 30 s old); the promise fails with
 * the reason as a DeviceProblem — never the browser's own English message.
 */
export function currentDevicePosition(geolocation: Geolocation | undefined = globalThis.navigator?.geolocation): Promise<DevicePosition> {
  return new Promise((resolve, reject: (problem: DeviceProblem) => void) => {
    if (!geolocation) {
      reject('unsupported');
      return;
    }
    geolocation.getCurrentPosition(
      (p) => resolve({ center: [p.coords.longitude, p.coords.latitude], accuracy: p.coords.accuracy }),
      (e) => reject(e.code === e.PERMISSION_DENIED ? 'denied' : e.code === e.TIMEOUT ? 'timeout' : 'unavailable'),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 30_000 },
    );
  });
}
