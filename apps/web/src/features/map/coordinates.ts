import type { CrsName } from '@redgrid/contracts';

/**
 * Reading coordinates that people paste: "120.05,31.77" from 高德, "31.77 120.05" from a phone's
 * GPS app, "N31.77 E120.05", "纬度31.77 经度120.05", full-width digits and commas from Chinese IMEs.
 */
export interface ParsedPoint {
  lng: number;
  lat: number;
  /** The numbers came latitude first without labels, and were swapped: tell the user. */
  swapped: boolean;
}

export type ParseFailure = 'empty' | 'count' | 'range';

export type ParseResult = { ok: true; point: ParsedPoint } | { ok: false; reason: ParseFailure };

/** Mainland China, generously: the box the swapped-order check compares against. */
export const CHINA_BOUNDS = { west: 73.4, south: 3.8, east: 135.1, north: 53.6 } as const;

const inChinaLng = (v: number) => v >= CHINA_BOUNDS.west && v <= CHINA_BOUNDS.east;
const inChinaLat = (v: number) => v >= CHINA_BOUNDS.south && v <= CHINA_BOUNDS.north;

type Axis = 'lng' | 'lat';

const NUMBER = /[-+]?\d+(?:\.\d+)?/g;

/** The axis a label before or after the number names, and whether it flips the sign (S, W). */
function labelOf(before: string, after: string): { axis: Axis; negative: boolean } | null {
  const head = after.match(/^\s*°?\s*([NSEW])(?![a-z0-9.])/i);
  // A lone letter counts only as a word of its own: the "n" of "position=" is no north.
  const tail = before.match(/(纬度|经度|(?<![a-z])(?:lat(?:itude)?|lng|lon(?:gitude)?|[NSEW]))\s*[:：=]?\s*$/i);
  const word = (head?.[1] ?? tail?.[1] ?? '').toLowerCase();
  if (!word) return null;
  if (word === 'n' || word === 's' || word === '纬度' || word.startsWith('lat')) return { axis: 'lat', negative: word === 's' };
  return { axis: 'lng', negative: word === 'w' };
}

export function parseCoordinates(text: string): ParseResult {
  // NFKC turns full-width digits, dots and commas (１２０．０５，３１．７７) into ASCII.
  const normalized = text.normalize('NFKC').trim();
  if (!normalized) return { ok: false, reason: 'empty' };
  const found = [...normalized.matchAll(NUMBER)];
  if (found.length !== 2) return { ok: false, reason: 'count' };

  const values = found.map((m) => {
    const index = m.index ?? 0;
    const label = labelOf(normalized.slice(Math.max(0, index - 12), index), normalized.slice(index + m[0].length, index + m[0].length + 3));
    const value = Number(m[0]);
    return { value: label?.negative ? -Math.abs(value) : value, axis: label?.axis };
  });
  const [a, b] = values;
  if (!a || !b) return { ok: false, reason: 'count' };

  let lng: number;
  let lat: number;
  let swapped = false;
  const firstAxis: Axis | undefined = a.axis ?? (b.axis === 'lng' ? 'lat' : b.axis === 'lat' ? 'lng' : undefined);
  if (firstAxis && (b.axis === undefined || b.axis !== firstAxis)) {
    // Labelled (one label names the other number too): the order was stated, nothing to warn about.
    lng = firstAxis === 'lng' ? a.value : b.value;
    lat = firstAxis === 'lat' ? a.value : b.value;
  } else {
    // Unlabelled: Chinese web maps write longitude first. Latitude first is recognised when only
    // that reading falls inside China (or is a valid coordinate at all), and is flagged.
    lng = a.value;
    lat = b.value;
    const asGiven = inChinaLng(a.value) && inChinaLat(b.value);
    const reversed = inChinaLat(a.value) && inChinaLng(b.value);
    const impossible = Math.abs(b.value) > 90 && Math.abs(a.value) <= 90;
    if ((reversed && !asGiven) || impossible) {
      lng = b.value;
      lat = a.value;
      swapped = true;
    }
  }
  if (Math.abs(lng) > 180 || Math.abs(lat) > 90) return { ok: false, reason: 'range' };
  return { ok: true, point: { lng, lat, swapped } };
}

export function isInChina(lng: number, lat: number): boolean {
  return inChinaLng(lng) && inChinaLat(lat);
}

/** "120.050000, 31.770000": six decimals are about 10 cm. */
export function formatLngLat(lng: number, lat: number): string {
  return `${lng.toFixed(6)}, ${lat.toFixed(6)}`;
}

/** Coordinate systems in the order the locate form offers them; GCJ-02 first, as phones give it. */
export const CRS_CHOICES: readonly CrsName[] = ['gcj02', 'wgs84', 'bd09'];
