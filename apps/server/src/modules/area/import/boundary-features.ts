import type { MultiPolygon, Polygon, Position } from 'geojson';
import { CRS_VALUES, type BoundaryImportRequest, type CrsName, type ImportIssue } from '@redgrid/contracts';
import { z } from 'zod';
import { convertGeometry, detectSwappedLatLng, isInChinaBounds, type ConvertibleGeometry } from '../../geo/index.ts';
import type { IssueList } from '../../../platform/import-report.ts';

/**
 * The checks a boundary feature needs before the database sees it: a code to match, a polygonal
 * geometry with closed rings, coordinates inside China in [lng, lat] order. Pure, so each bad input
 * is a row in a table test; validity (self-intersection) is PostGIS's call, made in the repository.
 */

/** A feature ready for the database: its area code and its geometry already in WGS84. */
export interface BoundaryCandidate {
  feature: number;
  code: string;
  name: string | null;
  geometry: Polygon | MultiPolygon;
  /** The geometry as the file gave it, in the declared crs: to try other readings of the same numbers. */
  declared: Polygon | MultiPolygon;
}

const AREA_CODE = /^[0-9A-Za-z]{1,32}$/;

const position = z.array(z.number().finite()).min(2).max(3);
const ring = z.array(position);
const geometrySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Polygon'), coordinates: z.array(ring).min(1) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(ring).min(1)).min(1) }),
]);

function typeOf(geometry: unknown): string | null {
  if (typeof geometry !== 'object' || geometry === null || !('type' in geometry)) return null;
  return typeof geometry.type === 'string' ? geometry.type : null;
}

function codeOf(value: unknown): string | null {
  if (typeof value === 'string') return value.trim();
  // Shapefile attribute tables often hold the 12-digit code as a number; it is exact in a double.
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  return null;
}

function fmt(p: Position): string {
  return `[${p.slice(0, 2).join(', ')}]`;
}

/** Ring problems, or null: each ring closed (first = last) and at least 4 positions long. */
function ringIssue(polygons: Position[][][]): { code: 'unclosed_ring' | 'invalid_geometry'; message: string } | null {
  for (const [p, polygon] of polygons.entries()) {
    for (const [r, positions] of polygon.entries()) {
      const where = `${polygons.length > 1 ? `第 ${p + 1} 个多边形的` : ''}第 ${r + 1} 个环`;
      const first = positions[0];
      const last = positions.at(-1);
      if (!first || !last || first[0] !== last[0] || first[1] !== last[1]) {
        return { code: 'unclosed_ring', message: `${where}未闭合：首点 ${first ? fmt(first) : '（无）'} 与末点 ${last ? fmt(last) : '（无）'} 不同` };
      }
      if (positions.length < 4) return { code: 'invalid_geometry', message: `${where}只有 ${positions.length} 个点，闭合的环至少需要 4 个` };
    }
  }
  return null;
}

/**
 * Whether coordinates are in China, in [lng, lat] order; the message names the first offender. The one
 * placement check for every geometry that enters — boundary import, create, redraw, split, proposals —
 * run on the coordinates as sent, before any crs conversion: a longitude of 500, EPSG:3857 metres
 * (13,363,000) or a point in the Pamirs where GCJ-02 has no inverse all stop here.
 */
export function placementIssue(positions: Iterable<Position>): { code: 'swapped_lat_lng' | 'outside_china'; message: string } | null {
  let outside: Position | null = null;
  let allSwapped = true;
  for (const p of positions) {
    const [lng = NaN, lat = NaN] = p;
    if (isInChinaBounds(lng, lat)) continue;
    outside ??= p;
    if (!detectSwappedLatLng(lng, lat)) allSwapped = false;
  }
  if (!outside) return null;
  if (allSwapped) {
    return { code: 'swapped_lat_lng', message: `经纬度顺序颠倒：GeoJSON 要求 [经度, 纬度]，坐标 ${fmt(outside)} 像是 [纬度, 经度]` };
  }
  const projected = outside.slice(0, 2).some((v) => typeof v === 'number' && Math.abs(v) > 180);
  return {
    code: 'outside_china',
    message: projected
      ? `坐标 ${fmt(outside)} 不是经纬度：像是投影坐标（如 EPSG:3857 的米），请转换为经纬度后再提交`
      : `坐标 ${fmt(outside)} 不在中国境内（GeoJSON 为 [经度, 纬度]）`,
  };
}

/** Every position of a GeoJSON geometry (any nesting of `coordinates`), in order. */
export function* positionsOf(geometry: unknown): Generator<Position> {
  const coordinates = typeof geometry === 'object' && geometry !== null && 'coordinates' in geometry ? geometry.coordinates : undefined;
  yield* walk(coordinates);
}

function* walk(value: unknown): Generator<Position> {
  if (!Array.isArray(value)) return;
  if (value.length > 0 && value.every((v) => typeof v === 'number')) {
    yield value as Position;
    return;
  }
  for (const v of value) yield* walk(v);
}

const VALIDITY_REASONS: Record<string, string> = {
  'Self-intersection': '自相交',
  'Ring Self-intersection': '环自相交',
  'Hole lies outside shell': '内环在外环之外',
  'Nested holes': '内环相互嵌套',
  'Interior is disconnected': '内部不连通',
  'Nested shells': '多边形相互嵌套',
  'Too few points': '点数太少',
  'Invalid Coordinate': '坐标无效',
  'Ring is not closed': '环未闭合',
  'Duplicate Rings': '重复的环',
};

/**
 * PostGIS's ST_IsValidReason in our words: "Self-intersection[120.1 31.7]" → "自相交（位置 120.1 31.7）".
 * A reason we do not know is not echoed (PostGIS text is not the product's language): "几何无效".
 */
export function describeValidity(reason: string | null): string {
  const match = /^([^[]+?)\s*(?:\[([-\d.eE+ ]*)\])?$/.exec(reason ?? '');
  const head = match?.[1];
  const known = head === undefined ? undefined : Object.keys(VALIDITY_REASONS).find((k) => head === k || head.startsWith(`${k} `));
  const what = known === undefined ? undefined : VALIDITY_REASONS[known];
  if (!what) return '几何无效';
  return match?.[2] ? `${what}（位置 ${match[2]}）` : what;
}

/**
 * Checks every feature and converts the good ones to WGS84. Errors go to `errors` by feature index;
 * a feature with any error is left out of the result.
 */
export function checkBoundaryFeatures(request: BoundaryImportRequest, errors: IssueList): BoundaryCandidate[] {
  const { mapping, crs } = request;
  const seen = new Map<string, number>();
  const candidates: BoundaryCandidate[] = [];
  for (const [feature, f] of request.featureCollection.features.entries()) {
    const properties = f.properties ?? {};
    const code = codeOf(properties[mapping.code]);
    const fail = (issue: Omit<ImportIssue, 'feature'>) => errors.add({ feature, ...issue, ...(code && AREA_CODE.test(code) ? { areaCode: code } : {}) });
    const codeField = `properties.${mapping.code}`;
    if (code === null || code === '') {
      fail({ field: codeField, code: 'bad_code', message: `第 ${feature + 1} 个要素缺少区域代码属性“${mapping.code}”` });
      continue;
    }
    if (!AREA_CODE.test(code)) {
      fail({ field: codeField, code: 'bad_code', message: `区域代码“${code}”无效` });
      continue;
    }
    const earlier = seen.get(code);
    if (earlier !== undefined) {
      fail({ field: codeField, code: 'duplicate_code', message: `区域 ${code} 的边界重复：第 ${earlier + 1} 个要素已有` });
      continue;
    }
    seen.set(code, feature);

    const type = typeOf(f.geometry);
    if (type === null) {
      fail({ field: 'geometry', code: 'invalid_geometry', message: '要素没有几何（geometry 为空）' });
      continue;
    }
    if (type !== 'Polygon' && type !== 'MultiPolygon') {
      fail({ field: 'geometry', code: 'unsupported_geometry', message: `只能导入 Polygon 或 MultiPolygon，收到 ${type}` });
      continue;
    }
    const parsed = geometrySchema.safeParse(f.geometry);
    if (!parsed.success) {
      fail({ field: 'geometry.coordinates', code: 'invalid_geometry', message: '坐标格式错误：每个点应为 [经度, 纬度] 两个数字' });
      continue;
    }
    const geometry: Polygon | MultiPolygon =
      parsed.data.type === 'Polygon' ? { type: 'Polygon', coordinates: parsed.data.coordinates } : { type: 'MultiPolygon', coordinates: parsed.data.coordinates };
    const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
    const problem = ringIssue(polygons) ?? placementIssue(polygons.flat(2));
    if (problem) {
      fail({ field: 'geometry.coordinates', ...problem });
      continue;
    }
    const nameValue = mapping.name === undefined ? undefined : properties[mapping.name];
    candidates.push({
      feature,
      code,
      name: typeof nameValue === 'string' ? nameValue.trim() : null,
      geometry: convertGeometry(geometry, crs, 'wgs84'),
      declared: geometry,
    });
  }
  return candidates;
}

const CRS_LABELS: Record<CrsName, string> = { wgs84: 'WGS84（GPS 原始坐标）', gcj02: 'GCJ-02（高德、腾讯地图、手机定位）', bd09: 'BD-09（百度地图）' };
/** A shift against the current boundary this large, in metres, is not a redraw but a crs mix-up … */
const CRS_SHIFT_MIN_M = 150;
/** … when another reading of the same numbers lands within this share of it (or 50 m). */
const CRS_OTHER_READING_MAX_SHARE = 0.2;

/** The same numbers read in every crs, the declared one first: what each reading puts on the ground (WGS84). */
export function otherReadings<G extends ConvertibleGeometry>(declared: G, crs: CrsName): { crs: CrsName; geometry: G }[] {
  return [crs, ...CRS_VALUES.filter((c) => c !== crs)].map((c) => ({ crs: c, geometry: convertGeometry(declared, c, 'wgs84') }));
}

/** How one reading sits on what the area already has (see `crsFits` in the import repository). */
export interface ReadingFit {
  crs: string;
  /** Metres between centroids of the reading and the current boundary; null without a current boundary. */
  offsetM: number | null;
  buildings: number;
  inside: number;
}

/**
 * Whether a boundary sits where it would if its coordinates were in another crs than the one declared —
 * GCJ-02 (a phone, AMap) declared as WGS84 is a systematic ~500 m shift in eastern China. Against the
 * current boundary: the declared reading is ≥ 150 m off while another is within a fifth of that (or
 * 50 m). Without a current boundary, against the buildings under the area: fewer than half inside as
 * declared, at least 90 % inside another reading. The answer names the likely crs.
 */
export function suspectCrs(declared: CrsName, fits: readonly ReadingFit[]): { crs: CrsName; message: string } | null {
  const asDeclared = fits.find((f) => f.crs === declared);
  if (!asDeclared) return null;
  const alternatives = fits.filter((f): f is ReadingFit & { crs: CrsName } => f.crs !== declared && (CRS_VALUES as readonly string[]).includes(f.crs));
  if (asDeclared.offsetM !== null) {
    const shift = asDeclared.offsetM;
    const best = alternatives.filter((f) => f.offsetM !== null).sort((a, b) => (a.offsetM ?? 0) - (b.offsetM ?? 0))[0];
    if (best?.offsetM == null || shift < CRS_SHIFT_MIN_M || best.offsetM > Math.max(50, shift * CRS_OTHER_READING_MAX_SHARE)) return null;
    return {
      crs: best.crs,
      message: `按声明的 ${declared} 读取，边界比现有边界整体偏移约 ${Math.round(shift)} 米；按 ${CRS_LABELS[best.crs]} 读取则只差约 ${Math.round(best.offsetM)} 米：坐标系很可能是 ${best.crs}`,
    };
  }
  if (asDeclared.buildings < 3 || asDeclared.inside / asDeclared.buildings >= 0.5) return null;
  const best = [...alternatives].sort((a, b) => b.inside - a.inside)[0];
  if (!best || best.inside / Math.max(1, best.buildings) < 0.9) return null;
  return {
    crs: best.crs,
    message: `按声明的 ${declared} 读取，该区域的 ${asDeclared.buildings} 个楼栋只有 ${asDeclared.inside} 个落在边界内；按 ${CRS_LABELS[best.crs]} 读取则有 ${best.inside} 个：坐标系很可能是 ${best.crs}`,
  };
}
