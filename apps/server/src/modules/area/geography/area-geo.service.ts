import { COVERAGE_MIN_AREA_M2, type AnalysisStart, type AreaBrief, type BalanceReport, type CoverageReport, type CrsName, type LocateResult } from '@redgrid/contracts';
import type { RequestContext } from '../../../platform/context.ts';
import { AppError, notFound } from '../../../platform/errors.ts';
import { listAncestorNames } from '../../../platform/cross-scope.repository.ts';
import { lookUpBeforeSignIn, read } from '../../../platform/unit-of-work.ts';
import { convertGeometry, detectSwappedLatLng, isInChinaBounds, toWgs84, type ConvertibleGeometry } from '../../geo/index.ts';
import { areaRepository } from '../tree/area.repository.ts';
import { areaGeoRepository } from './area-geo.repository.ts';
import { areaReportRepository } from './area-report.repository.ts';
import { areaTileRepository, publicAreaTile } from './area-tiles.repository.ts';

/** A point from a client, checked and brought to WGS84; swapped axes are named, not guessed. */
export function pointToWgs84(lng: number, lat: number, crs: CrsName, field = 'lng'): [number, number] {
  if (detectSwappedLatLng(lng, lat)) {
    throw new AppError('validation_failed', '经纬度可能填反了：经度在前、纬度在后', { fields: { [field]: [`(${lng}, ${lat}) 在中国境外，而 (${lat}, ${lng}) 在境内：经纬度可能颠倒`] } });
  }
  return toWgs84(lng, lat, crs);
}

function brief(a: AreaBrief): AreaBrief {
  return { id: a.id, code: a.code, name: a.name, level: a.level };
}

export async function locatePoint(ctx: RequestContext, input: { lng: number; lat: number; crs: CrsName; at?: string | undefined }): Promise<LocateResult> {
  return read(ctx, 'area.read', async ({ use }) => {
    const [lng, lat] = pointToWgs84(input.lng, input.lat, input.crs);
    const at = input.at ? new Date(input.at) : undefined;
    const wgs84: [number, number] = [round7(lng), round7(lat)];
    const geo = use(areaGeoRepository);
    const found = await geo.findDeepestContaining(lng, lat, at);
    if (found) {
      const ancestors = await use((db) => listAncestorNames(db, found.path));
      return { wgs84, area: brief(found), path: [...ancestors.map(brief), brief(found)], nearest: null, message: null };
    }
    const nearest = at ? undefined : await geo.findNearestGrid(lng, lat);
    const outsideChina = !isInChinaBounds(lng, lat);
    return {
      wgs84,
      area: null,
      path: [],
      nearest: nearest ? { area: brief(nearest), distanceMeters: Math.round(nearest.distanceMeters * 10) / 10 } : null,
      message: outsideChina
        ? '该点不在中国境内，请检查坐标'
        : nearest
          ? `该点不在您管辖的任何网格内，最近的网格是${nearest.name}（约 ${Math.round(nearest.distanceMeters)} 米）`
          : '该点不在您管辖的任何区域内',
    };
  });
}

export async function locatePoints(ctx: RequestContext, input: { points: [number, number][]; crs: CrsName; at?: string | undefined }) {
  return read(ctx, 'area.read', async ({ use }) => {
    const lngs: number[] = [];
    const lats: number[] = [];
    input.points.forEach(([lng, lat], i) => {
      const [x, y] = pointToWgs84(lng, lat, input.crs, `points.${i}`);
      lngs.push(x);
      lats.push(y);
    });
    const geo = use(areaGeoRepository);
    const areaIds = await geo.locateMany(lngs, lats, input.at ? new Date(input.at) : undefined);
    const distinct = [...new Set(areaIds.filter((id): id is number => id !== null))];
    return { areaIds, areas: await geo.listBriefs(distinct), outside: areaIds.filter((id) => id === null).length };
  });
}

export async function boundariesAsGeoJson(ctx: RequestContext, query: { parentId?: number | undefined; ids?: string | undefined; crs: CrsName; at?: string | undefined }) {
  return read(ctx, 'area.read', async ({ use }) => {
    if (query.parentId === undefined && query.ids === undefined) {
      throw new AppError('validation_failed', '请指定 parentId 或 ids', { fields: { parentId: ['请指定 parentId 或 ids'] } });
    }
    const ids = query.ids?.split(',').map(Number);
    const rows = await use(areaGeoRepository).listBoundaries({ ...(query.parentId !== undefined ? { parentId: query.parentId } : {}), ...(ids ? { ids } : {}) }, query.at ? new Date(query.at) : undefined);
    return {
      type: 'FeatureCollection' as const,
      features: rows.map(({ geometry, ...props }) => ({
        type: 'Feature' as const,
        geometry: query.crs === 'wgs84' ? geometry : roundGeometry(convertGeometry(geometry as ConvertibleGeometry, 'wgs84', query.crs)),
        properties: props,
      })),
    };
  });
}

/** Where the map's analysis opens when nothing is chosen: the first area of the scope with a boundary, or none. */
export async function analysisStart(ctx: RequestContext): Promise<AnalysisStart> {
  return read(ctx, 'area.report', async ({ use }) => {
    const area = await use(areaGeoRepository).findFirstBounded();
    return { area: area ? brief(area) : null };
  });
}

export async function coverageReport(ctx: RequestContext, areaId: number, minAreaM2: number = COVERAGE_MIN_AREA_M2): Promise<CoverageReport> {
  return read(ctx, 'area.report', async ({ use }) => {
    const area = await use(areaRepository).find(areaId);
    if (!area) throw notFound('区域');
    if (!area.hasBoundary) throw new AppError('validation_failed', `${area.name}还没有边界，无法分析覆盖`, { fields: { id: ['该区域没有边界'] } });
    const { summary, issues, missing } = await use(areaReportRepository).coverageOf(areaId, minAreaM2);
    const parentAreaM2 = summary?.parentAreaM2 ?? 0;
    const pick = (kind: 'gap' | 'overlap' | 'outside') => issues.filter((i) => i.kind === kind).map((i) => ({ ...i, areaM2: Math.round(i.areaM2 * 10) / 10 }));
    return {
      parent: brief(area),
      parentAreaM2: Math.round(parentAreaM2),
      childCount: summary?.childCount ?? 0,
      coveredShare: parentAreaM2 > 0 ? Math.min(1, Math.round(((summary?.coveredM2 ?? 0) / parentAreaM2) * 1e6) / 1e6) : 0,
      gaps: pick('gap'),
      overlaps: pick('overlap'),
      outside: pick('outside'),
      missingBoundary: missing,
    };
  });
}

export async function balanceReport(ctx: RequestContext, areaId: number, override: { min?: number | undefined; max?: number | undefined }): Promise<BalanceReport> {
  return read(ctx, 'area.report', async ({ use }) => {
    const area = await use(areaRepository).find(areaId);
    if (!area) throw notFound('区域');
    const rows = await use(areaReportRepository).gridBalance(area.path);
    const defaults = ctx.config.gridHouseholds;
    const judged = rows.map((r) => {
      const min = override.min ?? r.min ?? defaults.min;
      const max = override.max ?? r.max ?? defaults.max;
      return { ...brief(r), households: r.households, min, max, status: r.households < min ? ('under' as const) : r.households > max ? ('over' as const) : null };
    });
    const counts = judged.map((r) => r.households).sort((a, b) => a - b);
    const mid = counts.length / 2;
    return {
      parent: brief(area),
      grids: judged.length,
      households: counts.reduce((a, b) => a + b, 0),
      buildings: rows.reduce((sum, r) => sum + r.buildings, 0),
      outside: judged.flatMap((r) => (r.status ? [{ ...r, status: r.status }] : [])),
      distribution: {
        min: counts[0] ?? 0,
        max: counts[counts.length - 1] ?? 0,
        median: counts.length === 0 ? 0 : counts.length % 2 ? (counts[Math.floor(mid)] ?? 0) : ((counts[mid - 1] ?? 0) + (counts[mid] ?? 0)) / 2,
        inRange: judged.filter((r) => r.status === null).length,
      },
    };
  });
}

export async function vectorTile(ctx: RequestContext, z: number, x: number, y: number): Promise<Uint8Array> {
  return read(ctx, 'area.read', async ({ use }) => {
    checkTile(z, x, y);
    return use(areaTileRepository).tile(z, x, y, ctx.config.gridHouseholds);
  });
}

function checkTile(z: number, x: number, y: number): void {
  const max = 2 ** z;
  if (x >= max || y >= max) throw new AppError('validation_failed', `缩放级别 ${z} 的瓦片坐标须小于 ${max}`, { fields: { x: [`须小于 ${max}`], y: [`须小于 ${max}`] } });
}

/** The lowest zoom the public map draws: a province's outlines at most, never the whole country per tile. */
export const PUBLIC_TILE_MIN_ZOOM = 6;

/**
 * A tile for the public map (a resident reporting without an account): every current outline with its
 * name, code and level — where the divisions and grids are, nothing about who lives in them.
 */
export async function publicVectorTile(ctx: RequestContext, z: number, x: number, y: number): Promise<Uint8Array> {
  checkTile(z, x, y);
  if (z < PUBLIC_TILE_MIN_ZOOM) throw new AppError('validation_failed', `公开地图的缩放级别不小于 ${PUBLIC_TILE_MIN_ZOOM}`, { fields: { z: [`不小于 ${PUBLIC_TILE_MIN_ZOOM}`] } });
  return lookUpBeforeSignIn(ctx, (db) => publicAreaTile(db, z, x, y));
}

/** 7 decimals (about 1 cm), as stored: converted coordinates need no more. */
function roundGeometry<G extends ConvertibleGeometry>(g: G): G {
  return JSON.parse(JSON.stringify(g, (_k, v: unknown) => (typeof v === 'number' ? round7(v) : v))) as G;
}

function round7(v: number): number {
  return Math.round(v * 1e7) / 1e7;
}
