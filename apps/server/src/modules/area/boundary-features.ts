import type { MultiPolygon, Polygon, Position } from 'geojson';
import type { BoundaryImportRequest, ImportIssue } from '@redgrid/contracts';
import { z } from 'zod';
import { convertGeometry, detectSwappedLatLng, isInChinaBounds } from '../geo/crs.ts';
import type { IssueList } from './area-import-report.ts';

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

/** Whether coordinates are in China, in [lng, lat] order; the message names the first offender. */
function placementIssue(polygons: Position[][][]): { code: 'swapped_lat_lng' | 'outside_china'; message: string } | null {
  let outside: Position | null = null;
  let allSwapped = true;
  for (const polygon of polygons) {
    for (const positions of polygon) {
      for (const p of positions) {
        const [lng = NaN, lat = NaN] = p;
        if (isInChinaBounds(lng, lat)) continue;
        outside ??= p;
        if (!detectSwappedLatLng(lng, lat)) allSwapped = false;
      }
    }
  }
  if (!outside) return null;
  if (allSwapped) {
    return { code: 'swapped_lat_lng', message: `经纬度顺序颠倒：GeoJSON 要求 [经度, 纬度]，坐标 ${fmt(outside)} 像是 [纬度, 经度]` };
  }
  return { code: 'outside_china', message: `坐标 ${fmt(outside)} 不在中国境内（GeoJSON 为 [经度, 纬度]）` };
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
    const problem = ringIssue(polygons) ?? placementIssue(polygons);
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
    });
  }
  return candidates;
}
