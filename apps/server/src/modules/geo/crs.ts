import type { CrsName } from '@redgrid/contracts';
import gcoordModule from 'gcoord';
import type { LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon, Position } from 'geojson';

/**
 * Coordinate reference systems a client may send. The database stores WGS84 (SRID 4326) only;
 * phones and Chinese web maps (AMap, Tencent: GCJ-02; Baidu: BD-09) report shifted coordinates,
 * 500–640 m off in the demo cities — enough to match a point to the wrong grid.
 */
export type Crs = CrsName;

/** GeoJSON axis order: longitude first. */
export type LngLat = [lng: number, lat: number];

export type ConvertibleGeometry = Point | MultiPoint | LineString | MultiLineString | Polygon | MultiPolygon;

// gcoord is CommonJS (`module.exports = {...}`) but its .d.ts declares `export default`, so under
// NodeNext TypeScript types the default import as the module record, while at run time Node hands us
// `module.exports` itself. The cast states what Node actually does.
const gcoord = gcoordModule as unknown as typeof gcoordModule.default;

/**
 * Where GCJ-02 applies. The rule every GCJ-02 implementation shares (gcoord, eviltransform,
 * coordtransform): outside this rough box GCJ-02 coordinates ARE WGS84. gcoord 1.0.7 uses the same box
 * internally; we check it ourselves so the rule cannot change under us with a library upgrade.
 * Deliberately wider than `isInChinaBounds` (it includes the South China Sea islands): it must agree
 * with what the encoder on the phone did, not with our data-validation box.
 */
const GCJ02_BOX = { minLng: 72.004, maxLng: 137.8347, minLat: 0.8293, maxLat: 55.8271 } as const;

/** Rough mainland-China box, for validating input and spotting swapped axes. */
const CHINA_BOX = { minLng: 73.4, maxLng: 135.1, minLat: 18.1, maxLat: 53.6 } as const;

const EARTH_MEAN_RADIUS_M = 6_371_008.8;

/** Finite longitude in [-180, 180] and latitude in [-90, 90]: a position on the earth in degrees. */
export function isValidLngLat(lng: number, lat: number): boolean {
  return Number.isFinite(lng) && Number.isFinite(lat) && Math.abs(lng) <= 180 && Math.abs(lat) <= 90;
}

export function isInChinaBounds(lng: number, lat: number): boolean {
  return lng >= CHINA_BOX.minLng && lng <= CHINA_BOX.maxLng && lat >= CHINA_BOX.minLat && lat <= CHINA_BOX.maxLat;
}

/**
 * True when the point is outside China but would be inside with its axes exchanged: the user (or a
 * spreadsheet) put latitude first. Callers tell the user "经纬度填反了" instead of silently storing a
 * point in the Indian Ocean.
 */
export function detectSwappedLatLng(lng: number, lat: number): boolean {
  return !isInChinaBounds(lng, lat) && isInChinaBounds(lat, lng);
}

/** Whether a GCJ-02 offset is applied at this point; elsewhere GCJ-02 equals WGS84. */
export function isGcj02Applied(lng: number, lat: number): boolean {
  return lng >= GCJ02_BOX.minLng && lng <= GCJ02_BOX.maxLng && lat >= GCJ02_BOX.minLat && lat <= GCJ02_BOX.maxLat;
}

/** Great-circle distance on the mean-radius sphere; good to ~0.5 % — plenty for offsets and tolerances. */
export function distanceMeters(a: readonly [number, number], b: readonly [number, number]): number {
  const rad = Math.PI / 180;
  const dLat = (b[1] - a[1]) * rad;
  const dLng = (b[0] - a[0]) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_MEAN_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Converts one point. Every path pivots on GCJ-02 (WGS84 ⇄ GCJ-02 ⇄ BD-09), so BD-09 ⇄ GCJ-02 never
 * pays for an unnecessary WGS84 round trip.
 *
 * Precision (measured over a 0.37° × 0.29° lattice covering China, 20,374 points): our bounded
 * GCJ-02 → WGS84 inverse (`gcj02ToWgs84`, gcoord's forward inside) brings the round trip
 * WGS84 → GCJ-02 → WGS84 back within 1 µm everywhere; BD-09 round trips are within 0.25 m. Both are far
 * below the ~1 m a grid match needs. Every path is bounded: a position outside [-180, 180] × [-90, 90]
 * is a RangeError before any arithmetic, and no step loops on the input.
 *
 * BD-09 is Baidu's shift on top of GCJ-02 and, as in gcoord, is applied everywhere; only the GCJ-02 step
 * is limited to China.
 */
export function convertPoint(lng: number, lat: number, from: Crs, to: Crs): LngLat {
  if (!isValidLngLat(lng, lat)) {
    throw new RangeError(`coordinates must be finite longitude [-180, 180] and latitude [-90, 90], got (${lng}, ${lat})`);
  }
  if (from === to) return [lng, lat];
  const gcj = from === 'gcj02' ? pair(lng, lat) : from === 'wgs84' ? wgs84ToGcj02(lng, lat) : bd09ToGcj02(lng, lat);
  if (to === 'gcj02') return gcj;
  return to === 'wgs84' ? gcj02ToWgs84(gcj[0], gcj[1]) : gcj02ToBd09(gcj[0], gcj[1]);
}

/** Converts a client-supplied point to the WGS84 the database stores. */
export function toWgs84(lng: number, lat: number, crs: Crs): LngLat {
  return convertPoint(lng, lat, crs, 'wgs84');
}

/** Converts a stored WGS84 point to what a Chinese basemap expects. */
export function fromWgs84(lng: number, lat: number, crs: Crs): LngLat {
  return convertPoint(lng, lat, 'wgs84', crs);
}

/**
 * Converts every position of a geometry and returns a new geometry (the input is not touched, unlike
 * gcoord's own GeoJSON transform, which mutates). Altitudes pass through; `bbox` and foreign members are
 * not copied, since a bbox would still describe the old coordinates.
 */
export function convertGeometry<G extends ConvertibleGeometry>(geometry: G, from: Crs, to: Crs): G {
  const convert = (position: Position): Position => {
    const [lng, lat, ...rest] = position;
    if (lng === undefined || lat === undefined) throw new RangeError('a position needs longitude and latitude');
    return [...convertPoint(lng, lat, from, to), ...rest];
  };
  // mapPositions returns the same geometry type it was given, which TypeScript cannot follow through a switch.
  return mapPositions(geometry, convert) as G;
}

function mapPositions(geometry: ConvertibleGeometry, convert: (p: Position) => Position): ConvertibleGeometry {
  switch (geometry.type) {
    case 'Point':
      return { type: 'Point', coordinates: convert(geometry.coordinates) };
    case 'MultiPoint':
      return { type: 'MultiPoint', coordinates: geometry.coordinates.map(convert) };
    case 'LineString':
      return { type: 'LineString', coordinates: geometry.coordinates.map(convert) };
    case 'MultiLineString':
      return { type: 'MultiLineString', coordinates: geometry.coordinates.map((line) => line.map(convert)) };
    case 'Polygon':
      return { type: 'Polygon', coordinates: geometry.coordinates.map((ring) => ring.map(convert)) };
    case 'MultiPolygon':
      return {
        type: 'MultiPolygon',
        coordinates: geometry.coordinates.map((polygon) => polygon.map((ring) => ring.map(convert))),
      };
    default: {
      const unsupported: never = geometry;
      throw new TypeError(`unsupported geometry type ${(unsupported as { type: string }).type}`);
    }
  }
}

function wgs84ToGcj02(lng: number, lat: number): LngLat {
  if (!isGcj02Applied(lng, lat)) return [lng, lat];
  return viaGcoord(lng, lat, gcoord.WGS84, gcoord.GCJ02);
}

/**
 * The inverse of GCJ-02 by fixed-point iteration, with a hard cap — gcoord's own inverse loops
 * `while residual > 1e-6°` with no cap, and near the edge of its box (longitude 72.004–72.009,
 * latitude 0.829–0.831) the box test flips the offset on and off between steps, so it never ends
 * and one request holds the event loop for good.
 *
 * Here the offset is evaluated at the nearest point inside the box (`gcjOffsetAt`), which makes it a
 * continuous function that changes by well under 1e-4 of any step; the iteration
 * `wgs ← gcj − offset(wgs)` is then a contraction and reaches 1e-9° in 3–4 steps anywhere.
 * `GCJ02_INVERSE_MAX_STEPS` bounds it whatever the input.
 */
export const GCJ02_INVERSE_MAX_STEPS = 20;
const GCJ02_INVERSE_TOLERANCE_DEG = 1e-9;

export function gcj02ToWgs84(lng: number, lat: number): LngLat {
  if (!isGcj02Applied(lng, lat)) return [lng, lat];
  let x = lng;
  let y = lat;
  for (let step = 0; step < GCJ02_INVERSE_MAX_STEPS; step += 1) {
    const [dx, dy] = gcjOffsetAt(x, y);
    const nextX = lng - dx;
    const nextY = lat - dy;
    const moved = Math.max(Math.abs(nextX - x), Math.abs(nextY - y));
    x = nextX;
    y = nextY;
    if (moved < GCJ02_INVERSE_TOLERANCE_DEG) break;
  }
  return [x, y];
}

/** The GCJ-02 offset (degrees) at the point, or at the nearest point of the box when it lies outside. */
function gcjOffsetAt(lng: number, lat: number): LngLat {
  const x = Math.min(Math.max(lng, GCJ02_BOX.minLng), GCJ02_BOX.maxLng);
  const y = Math.min(Math.max(lat, GCJ02_BOX.minLat), GCJ02_BOX.maxLat);
  const [gx, gy] = viaGcoord(x, y, gcoord.WGS84, gcoord.GCJ02);
  return [gx - x, gy - y];
}

function gcj02ToBd09(lng: number, lat: number): LngLat {
  return viaGcoord(lng, lat, gcoord.GCJ02, gcoord.BD09);
}

function bd09ToGcj02(lng: number, lat: number): LngLat {
  return viaGcoord(lng, lat, gcoord.BD09, gcoord.GCJ02);
}

type GcoordCrs = Parameters<typeof gcoord.transform>[1];

function viaGcoord(lng: number, lat: number, from: GcoordCrs, to: GcoordCrs): LngLat {
  const [x, y] = gcoord.transform<[number, number]>([lng, lat], from, to);
  return [x, y];
}

function pair(lng: number, lat: number): LngLat {
  return [lng, lat];
}
