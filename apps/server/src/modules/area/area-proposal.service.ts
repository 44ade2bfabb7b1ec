import { multiPolygonSchema, type AcceptGridProposal, type AdjustmentResult, type AreaBrief, type GridProposal, type GridProposalRequest } from '@redgrid/contracts';
import type { MultiPolygon } from 'geojson';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { RequestContext } from '../../platform/context.ts';
import { AppError, notFound, validationFailed } from '../../platform/errors.ts';
import { requirePermission, requireScope } from '../../platform/scope.ts';
import type { Tx } from '../../platform/transaction.ts';
import { proposeGrids, type HouseholdRange } from '../geo/grid-proposal.ts';
import {
  applyMoves,
  boundaryGeoJson,
  checkGeometry,
  closeBoundary,
  fromGeoJson,
  householdsOf,
  insertGrid,
  lockAreas,
  openBoundary,
  planMoves,
  recountHouseholds,
  retireArea,
  roleAssignmentsOn,
  type GeometryCheck,
  type LockedArea,
} from './area-adjust.repository.ts';
import { adjust, finish, movedSummary, nextCodes, toWgs } from './area-adjust.service.ts';
import {
  activeGridsOf,
  balanceSettingFor,
  boundaryGeoJsonOf,
  buildingsOutsideTheirGrid,
  buildingsUnder,
  linkBoundariesToChange,
  proposalGeometryReport,
} from './area-proposal.repository.ts';
import { shortAreaName } from './area-name.ts';
import { findArea } from './area.repository.ts';

/**
 * 网格划分方案. Drafting needs area.manage, like every adjustment, although it writes nothing: it is a
 * planning tool whose only use is to be accepted (by someone who may), it shows every building's
 * households across the community at once, and it costs up to about a second of CPU.
 */

/** Slivers below a square metre are rounding, not overlaps or gaps (as in the coverage report). */
const MIN_REPORTED_M2 = 1;

function brief(a: Pick<AreaBrief, 'id' | 'code' | 'name' | 'level'>): AreaBrief {
  return { id: a.id, code: a.code, name: a.name, level: a.level };
}

function requireCommunity(area: { name: string; level: string; status: string }): void {
  if (area.level !== 'community') throw new AppError('validation_failed', `${area.name}不是社区/村：网格划分方案只为社区/村生成`, { fields: { id: ['须是社区/村'] } });
  if (area.status !== 'active') throw new AppError('conflict', `${area.name}已撤销`);
}

/** The range in force for grids of this community: the request's, else the nearest area setting, else the system's. */
async function rangeFor(ctx: RequestContext, db: Kysely<DB>, path: string, asked: { min?: number | undefined; max?: number | undefined }) {
  const setting = await balanceSettingFor(db, path);
  const defaults = ctx.config.gridHouseholds;
  const min = asked.min ?? setting?.min ?? defaults.min;
  const max = asked.max ?? setting?.max ?? defaults.max;
  if (min > max) throw validationFailed({ max: [`上限 ${max} 小于下限 ${min}`] }, `户数范围无效：${min}–${max}`);
  const source: 'request' | 'area' | 'config' = asked.min !== undefined || asked.max !== undefined ? 'request' : setting ? 'area' : 'config';
  return { min, max, source };
}

/** The contract types positions as [lng, lat] pairs; GeoJSON's Position is any length. */
function asLngLatTuples(geometry: MultiPolygon): { type: 'MultiPolygon'; coordinates: [number, number][][][] } {
  return { type: 'MultiPolygon', coordinates: geometry.coordinates.map((polygon) => polygon.map((ring) => ring.map(([lng = 0, lat = 0]): [number, number] => [lng, lat]))) };
}

/** 站北社区第1网格: the community's everyday name (no committee suffix), as the demo's grids are named. */
function gridName(communityName: string, index: number): string {
  return `${shortAreaName(communityName)}第${index}网格`;
}

/** A draft partition of the community's buildings into grids; nothing is written. */
export async function draftGridProposal(ctx: RequestContext, communityId: number, input: GridProposalRequest): Promise<GridProposal> {
  requirePermission(ctx, 'area.manage');
  const scope = requireScope(ctx);
  const db = ctx.database.db;
  const community = await findArea(db, scope, communityId);
  if (!community) throw notFound('社区/村');
  requireCommunity(community);
  const parsed = multiPolygonSchema.safeParse(await boundaryGeoJsonOf(db, community.id));
  if (!parsed.success) throw new AppError('validation_failed', `${community.name}还没有边界，无法生成划分方案`, { fields: { id: ['该社区/村没有边界'] } });
  const boundary: MultiPolygon = parsed.data;
  const range = await rangeFor(ctx, db, community.path, input);
  const { located, unlocated } = await buildingsUnder(db, scope, community.path);
  const currentGrids = (await activeGridsOf(db, scope, community.id)).length;

  const householdRange: HouseholdRange = { min: range.min, max: range.max };
  const proposal = proposeGrids({ boundary, buildings: located, range: householdRange, gridCount: input.gridCount });
  const warnings = proposal.issues.filter((i) => i.grid === null).map((i) => i.message);
  if (unlocated.length > 0) warnings.push(`${unlocated.length} 栋楼没有位置，未参与划分；接受方案后它们仍挂在原网格上，请补充位置`);
  return {
    community: brief(community),
    range,
    totalHouseholds: proposal.totalHouseholds,
    buildings: located.length,
    feasibleGridCounts: proposal.feasibleCounts,
    grids: proposal.grids.map((grid, i) => ({
      index: i + 1,
      name: gridName(community.name, i + 1),
      households: grid.households,
      buildingIds: grid.buildingIds,
      geometry: asLngLatTuples(grid.geometry),
      areaM2: grid.areaM2,
      compactness: grid.compactness,
      status: grid.status,
      warnings: proposal.issues.filter((issue) => issue.grid === i).map((issue) => issue.message),
    })),
    warnings,
    currentGrids,
  };
}

/**
 * Accepts a (possibly edited) proposal in one transaction: the community's active grids retire and their
 * boundaries close; new grids get fresh codes (never a retired one) and open boundaries; every building
 * and sub-grid moves to the new grid containing it; one area_changes row and one audit row record it.
 * Role assignments on the retired grids are left for someone to reassign, as after a split.
 */
export function acceptGridProposal(ctx: RequestContext, communityId: number, input: AcceptGridProposal): Promise<AdjustmentResult> {
  return adjust(ctx, input.preview, async (tx, scope) => {
    const [community] = await lockAreas(tx, scope, [communityId]);
    if (!community) throw notFound('社区/村');
    requireCommunity(community);
    requireDistinctNames(input.grids.map((g) => g.name));
    const checks = await checkGeometries(tx, input);
    const warnings = await placementWarnings(tx, community, checks);

    const oldIds = await activeGridsOf(tx, scope, community.id);
    const old = await lockAreas(tx, scope, oldIds);
    const at = ctx.clock();
    const codes = await nextCodes(tx, ctx, community, input.grids.length);
    const created: { id: number; code: string; name: string; wkb: string }[] = [];
    for (const [i, grid] of input.grids.entries()) {
      const code = codes[i] ?? '';
      const id = await insertGrid(tx, { code, name: grid.name, parentId: community.id, gridType: grid.gridType, households: 0 });
      created.push({ id, code, name: grid.name, wkb: checks[i]?.wkb ?? '' });
    }
    for (const grid of old) {
      await closeBoundary(tx, grid.id, at);
      await retireArea(tx, grid.id, at);
    }
    for (const c of created) await openBoundary(tx, c.id, c.wkb, at, null);

    const newIds = created.map((c) => c.id);
    // Buildings and sub-grids of the old grids, and any building filed directly under the community.
    const moves = [...(await planMoves(tx, oldIds, newIds)), ...(await planMoves(tx, [community.id], newIds)).filter((m) => m.level === 'building')];
    await applyMoves(tx, moves, at);
    await recountHouseholds(tx, newIds);
    const households = await householdsOf(tx, newIds);
    const stranded = moves.filter((m) => m.fromId === m.toId && oldIds.includes(m.fromId));
    const elsewhere = await buildingsOutsideTheirGrid(tx, newIds);
    if (elsewhere > 0) warnings.push(`${elsewhere} 栋楼不在任何新网格内，已归入最近的网格`);
    const range = await rangeFor(ctx, tx, community.path, {});
    created.forEach((c, i) => {
      const h = households.get(c.id) ?? 0;
      if (h < range.min || h > range.max) warnings.push(`第 ${i + 1} 个网格（${c.name}）${h} 户，不在每格 ${range.min}–${range.max} 户范围内`);
    });

    const roles = await roleAssignmentsOn(tx, oldIds);
    const nameOf = new Map(old.map((g) => [g.id, g.name]));
    const changeId = await finish(
      tx,
      ctx,
      'proposal',
      community.id,
      { retired: old.map((g) => g.code), created: created.map((c) => c.code), movedBuildings: moves.filter((m) => m.fromId !== m.toId).length },
      at,
    );
    await linkBoundariesToChange(tx, [...oldIds, ...newIds], at, changeId);
    return {
      applied: true,
      changeId,
      kind: 'proposal',
      created: await Promise.all(
        created.map(async (c) => ({ id: c.id, code: c.code, name: c.name, level: 'grid' as const, households: households.get(c.id) ?? 0, geometry: await boundaryGeoJson(tx, c.wkb) })),
      ),
      retired: old.map(brief),
      changed: [],
      moved: movedSummary(moves, 0),
      toReview: [
        ...roles.map((r) => ({ kind: 'role_assignment', id: r.id, label: `${r.username}（${r.role}）仍挂在已撤销的${nameOf.get(r.areaId) ?? '网格'}上，请重新分配` })),
        ...stranded.map((m) => ({ kind: m.level, id: m.id, label: `${m.name}（${m.code}）没有位置，仍挂在已撤销的${nameOf.get(m.fromId) ?? '网格'}上，请补充位置后调整` })),
      ],
      warnings,
    };
  });
}

function requireDistinctNames(names: string[]): void {
  const first = new Map<string, number>();
  const fields: Record<string, string[]> = {};
  names.forEach((name, i) => {
    const earlier = first.get(name);
    if (earlier === undefined) first.set(name, i);
    else fields[`grids.${i}.name`] = [`与第 ${earlier + 1} 个网格重名`];
  });
  if (Object.keys(fields).length > 0) throw validationFailed(fields, '网格名称不能重复');
}

/** Every geometry valid and not empty, brought to WGS84; the first problem stops the acceptance. */
async function checkGeometries(tx: Tx, input: AcceptGridProposal): Promise<GeometryCheck[]> {
  const checks: GeometryCheck[] = [];
  for (const [i, grid] of input.grids.entries()) {
    const field = `grids.${i}.geometry`;
    const check = await checkGeometry(tx, fromGeoJson(toWgs(grid.geometry, input.crs)));
    if (!check.valid) throw validationFailed({ [field]: [`边界无效：${check.reason}`] }, `第 ${i + 1} 个网格的边界无效：${check.reason}`);
    if (check.areaM2 < MIN_REPORTED_M2) throw validationFailed({ [field]: ['边界面积为零'] }, `第 ${i + 1} 个网格的边界面积为零`);
    checks.push(check);
  }
  return checks;
}

/** Overlaps between the new grids are refused; parts outside the community, gaps and multi-part grids are warned about. */
async function placementWarnings(tx: Tx, community: LockedArea, checks: GeometryCheck[]): Promise<string[]> {
  const report = await proposalGeometryReport(
    tx,
    community.id,
    checks.map((c) => c.wkb),
    MIN_REPORTED_M2,
  );
  if (report.overlaps.length > 0) {
    const fields: Record<string, string[]> = {};
    for (const o of report.overlaps) (fields[`grids.${o.b}.geometry`] ??= []).push(`与第 ${o.a + 1} 个网格重叠约 ${Math.round(o.m2)} 平方米`);
    const [first] = report.overlaps;
    throw validationFailed(fields, `网格之间不能重叠：第 ${(first?.a ?? 0) + 1} 与第 ${(first?.b ?? 0) + 1} 个网格重叠约 ${Math.round(first?.m2 ?? 0)} 平方米`);
  }
  const warnings: string[] = [];
  report.outsideM2.forEach((m2, i) => {
    if (m2 >= MIN_REPORTED_M2) warnings.push(`第 ${i + 1} 个网格有约 ${Math.round(m2)} 平方米超出${shortAreaName(community.name)}`);
  });
  if (report.uncoveredM2 >= MIN_REPORTED_M2) warnings.push(`新网格没有覆盖整个${shortAreaName(community.name)}，遗漏约 ${Math.round(report.uncoveredM2)} 平方米`);
  report.parts.forEach((parts, i) => {
    if (parts > 1) warnings.push(`第 ${i + 1} 个网格由 ${parts} 块组成，不连续`);
  });
  return warnings;
}
