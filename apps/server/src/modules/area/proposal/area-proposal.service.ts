import { multiPolygonSchema, type AcceptGridProposal, type AdjustmentResult, type AreaBrief, type GridProposal, type GridProposalRequest } from '@redgrid/contracts';
import type { MultiPolygon } from 'geojson';
import type { RequestContext } from '../../../platform/context.ts';
import { householdRangeSetting } from '../../../platform/cross-scope.repository.ts';
import { AppError, notFound, validationFailed } from '../../../platform/errors.ts';
import { read, type Unit } from '../../../platform/unit-of-work.ts';
import { proposeGrids, shortAreaName, type HouseholdRange } from '../../geo/index.ts';
import { fromGeoJson, type AreaAdjustRepository, type GeometryCheck, type LockedArea, type MovableChild } from '../adjustment/area-adjust.repository.ts';
import { adjust, finish, movedSummary, nextCodes, toWgs } from '../adjustment/area-adjust.service.ts';
import { areaRepository } from '../tree/area.repository.ts';
import { areaProposalRepository, type AreaProposalRepository, type BuildingsToDivide } from './area-proposal.repository.ts';

/**
 * 网格划分方案. Drafting needs area.manage, like every adjustment, although it writes nothing: it is a
 * planning tool whose only use is to be accepted (by someone who may), it shows every building's
 * households across the community at once, and it costs up to about a second of CPU.
 */

/** Slivers below a square metre are rounding, not overlaps or gaps (as in the coverage report). */
const MIN_REPORTED_M2 = 1;
/** Kept grids named in a warning; the rest are counted. */
const NAMES_IN_WARNING = 5;

/**
 * 专属网格 (a school, a park, a market …) are managed by their unit and stay when a community's comprehensive
 * grids are redrawn: the proposal divides the rest of the community, and accepting it retires only the
 * comprehensive grids (grid_type 'comprehensive' or not set).
 */
function isDedicated(grid: { gridType: 'comprehensive' | 'dedicated' | null }): boolean {
  return grid.gridType === 'dedicated';
}

function namesOf(grids: readonly { name: string }[]): string {
  const shown = grids.slice(0, NAMES_IN_WARNING).map((g) => g.name).join('、');
  return grids.length > NAMES_IN_WARNING ? `${shown} 等` : shown;
}

function brief(a: Pick<AreaBrief, 'id' | 'code' | 'name' | 'level'>): AreaBrief {
  return { id: a.id, code: a.code, name: a.name, level: a.level };
}

function requireCommunity(area: { name: string; level: string; status: string }): void {
  if (area.level !== 'community') throw new AppError('validation_failed', `${area.name}不是社区/村：网格划分方案只为社区/村生成`, { fields: { id: ['须是社区/村'] } });
  if (area.status !== 'active') throw new AppError('conflict', `${area.name}已撤销`);
}

/** The range in force for grids of this community: the request's, else the nearest area setting, else the system's. */
async function rangeFor(ctx: RequestContext, unit: Pick<Unit, 'use'>, path: string, asked: { min?: number | undefined; max?: number | undefined }) {
  const setting = await unit.use((db) => householdRangeSetting(db, path));
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

/**
 * A draft partition of the community's buildings into grids; nothing is written. The ground of the
 * community's dedicated grids and the buildings in them are left out: accepting keeps those grids.
 */
export function draftGridProposal(ctx: RequestContext, communityId: number, input: GridProposalRequest): Promise<GridProposal> {
  return read(ctx, 'area.manage', (unit) => draft(ctx, unit, communityId, input));
}

async function draft(ctx: RequestContext, unit: Unit, communityId: number, input: GridProposalRequest): Promise<GridProposal> {
  const repo = unit.use(areaProposalRepository);
  const community = await unit.use(areaRepository).find(communityId);
  if (!community) throw notFound('社区/村');
  requireCommunity(community);
  const grids = await repo.activeGridsOf(community.id);
  const kept = grids.filter(isDedicated);
  const outline = multiPolygonSchema.safeParse(await repo.boundaryGeoJsonOf(community.id));
  if (!outline.success) throw new AppError('validation_failed', `${community.name}还没有边界，无法生成划分方案`, { fields: { id: ['该社区/村没有边界'] } });
  const ground = kept.some((k) => k.hasBoundary) ? multiPolygonSchema.safeParse(await repo.groundGeoJsonOf(community.id, kept.map((k) => k.id), MIN_REPORTED_M2)) : outline;
  if (!ground.success) {
    throw new AppError('validation_failed', `${community.name}已全部由专属网格覆盖（${namesOf(kept)}），没有需要划分的范围`, { fields: { id: ['社区/村已全部由专属网格覆盖'] } });
  }
  const boundary: MultiPolygon = ground.data;
  const range = await rangeFor(ctx, unit, community.path, input);
  const buildings = await repo.buildingsUnder(community.path, kept.map((k) => k.id));
  const { located, unlocated } = buildings;

  const householdRange: HouseholdRange = { min: range.min, max: range.max };
  const proposal = proposeGrids({ boundary, buildings: located, range: householdRange, gridCount: input.gridCount });
  const warnings = [...keptWarnings(kept, buildings), ...proposal.issues.filter((i) => i.grid === null).map((i) => i.message)];
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
    currentGrids: grids.length - kept.length,
    keptDedicated: kept.map(({ id, code, name }) => ({ id, code, name })),
  };
}

/** What the draft leaves out for the dedicated grids it keeps. */
function keptWarnings(kept: readonly { name: string; hasBoundary: boolean }[], buildings: BuildingsToDivide): string[] {
  if (kept.length === 0) return [];
  const theirs = buildings.inKept > 0 ? `及其 ${buildings.inKept} 栋楼` : '';
  const warnings = [`保留 ${kept.length} 个专属网格（${namesOf(kept)}）${theirs}，不参与划分`];
  const unbounded = kept.filter((k) => !k.hasBoundary);
  if (unbounded.length > 0) warnings.push(`专属网格${namesOf(unbounded)}没有边界，其范围无法从划分中扣除，请补充边界`);
  if (buildings.lyingInKept > 0) warnings.push(`${buildings.lyingInKept} 栋楼位置在专属网格内、却不属于该网格，未参与划分；接受方案后将归入所在的专属网格`);
  return warnings;
}

/**
 * Accepts a (possibly edited) proposal in one transaction: the community's active comprehensive grids
 * retire and their boundaries close; its dedicated grids stay as they are, with their boundaries,
 * buildings and role assignments, and no new grid may overlap one. New grids get fresh codes (never a
 * retired one) and open boundaries; every building and sub-grid of the retired grids (and any building
 * filed directly under the community) moves to the new grid containing it — or, lying in a dedicated
 * grid, to that one. One area_changes row and one audit row record it. Role assignments on the retired
 * grids are left for someone to reassign, as after a split.
 */
export function acceptGridProposal(ctx: RequestContext, communityId: number, input: AcceptGridProposal): Promise<AdjustmentResult> {
  return adjust(ctx, input.preview, async ({ unit, repo }) => {
    const proposals = unit.use(areaProposalRepository);
    const [community] = await repo.lockAreas([communityId]);
    if (!community) throw notFound('社区/村');
    requireCommunity(community);
    requireDistinctNames(input.grids.map((g) => g.name));
    const checks = await checkGeometries(repo, input);
    // The kept grids are locked too: the new grids are checked against their boundaries.
    const grids = (await repo.lockAreas((await proposals.activeGridsOf(community.id)).map((g) => g.id))).filter((g) => g.status === 'active');
    const old = grids.filter((g) => !isDedicated(g));
    const kept = grids.filter(isDedicated);
    const oldIds = old.map((g) => g.id);
    const warnings = await placementWarnings(proposals, community, checks, kept);

    const at = ctx.clock();
    const codes = await nextCodes(repo, ctx, community, input.grids.length);
    const created: { id: number; code: string; name: string; wkb: string }[] = [];
    for (const [i, grid] of input.grids.entries()) {
      const code = codes[i] ?? '';
      const id = await repo.insertGrid({ code, name: grid.name, parentId: community.id, gridType: grid.gridType, households: 0 });
      created.push({ id, code, name: grid.name, wkb: checks[i]?.wkb ?? '' });
    }
    for (const grid of old) {
      await repo.closeBoundary(grid.id, at);
      await repo.retireArea(grid.id, at);
    }
    for (const c of created) await repo.openBoundary(c.id, c.wkb, at, null);

    const newIds = created.map((c) => c.id);
    // Buildings that lie in a kept grid join it (the draft left them out); the rest of the old grids'
    // buildings and sub-grids, and any building filed directly under the community, go to the new grids.
    const joining = await buildingsJoiningKept(repo, kept, [...oldIds, community.id]);
    const joiningIds = new Set(joining.map((m) => m.id));
    const planned = [...(await repo.planMoves(oldIds, newIds)), ...(await repo.planMoves([community.id], newIds)).filter((m) => m.level === 'building')];
    const moves = [...joining, ...planned.filter((m) => !joiningIds.has(m.id))];
    await repo.applyMoves(moves, at);
    const receivingKept = kept.filter((k) => joining.some((m) => m.toId === k.id));
    await repo.recountHouseholds([...newIds, ...receivingKept.map((k) => k.id)]);
    const households = await repo.householdsOf(newIds);
    const stranded = moves.filter((m) => m.fromId === m.toId && oldIds.includes(m.fromId));
    if (joining.length > 0) warnings.push(`${joining.length} 栋楼位于专属网格内，已归入所在的专属网格（${namesOf(receivingKept)}）`);
    const elsewhere = await proposals.buildingsOutsideTheirGrid(newIds);
    if (elsewhere > 0) warnings.push(`${elsewhere} 栋楼不在任何新网格内，已归入最近的网格`);
    const range = await rangeFor(ctx, unit, community.path, {});
    created.forEach((c, i) => {
      const h = households.get(c.id) ?? 0;
      if (h < range.min || h > range.max) warnings.push(`第 ${i + 1} 个网格（${c.name}）${h} 户，不在每格 ${range.min}–${range.max} 户范围内`);
    });

    const roles = await repo.roleAssignmentsOn(oldIds);
    const nameOf = new Map(old.map((g) => [g.id, g.name]));
    const changeId = await finish(
      { unit, repo },
      'proposal',
      community.id,
      {
        retired: old.map((g) => g.code),
        kept: kept.map((g) => g.code),
        created: created.map((c) => c.code),
        movedBuildings: moves.filter((m) => m.fromId !== m.toId).length,
      },
      at,
    );
    await repo.linkBoundariesToChange([...oldIds, ...newIds], at, changeId);
    return {
      applied: true,
      changeId,
      kind: 'proposal',
      created: await Promise.all(
        created.map(async (c) => ({ id: c.id, code: c.code, name: c.name, level: 'grid' as const, households: households.get(c.id) ?? 0, geometry: await repo.boundaryGeoJson(c.wkb) })),
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

/** Buildings of `sourceIds` lying in a kept grid, each to the first (lowest id) kept grid containing it. */
async function buildingsJoiningKept(repo: AreaAdjustRepository, kept: readonly LockedArea[], sourceIds: number[]): Promise<MovableChild[]> {
  const joining = new Map<number, MovableChild>();
  for (const grid of kept) {
    for (const m of await repo.buildingsNowInside(grid.id, sourceIds)) if (!joining.has(m.id)) joining.set(m.id, m);
  }
  return [...joining.values()];
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
async function checkGeometries(repo: AreaAdjustRepository, input: AcceptGridProposal): Promise<GeometryCheck[]> {
  const checks: GeometryCheck[] = [];
  for (const [i, grid] of input.grids.entries()) {
    const field = `grids.${i}.geometry`;
    const check = await repo.checkGeometry(fromGeoJson(toWgs(grid.geometry, input.crs, field)));
    if (!check.valid) throw validationFailed({ [field]: [`边界无效：${check.reason}`] }, `第 ${i + 1} 个网格的边界无效：${check.reason}`);
    if (check.areaM2 < MIN_REPORTED_M2) throw validationFailed({ [field]: ['边界面积为零'] }, `第 ${i + 1} 个网格的边界面积为零`);
    checks.push(check);
  }
  return checks;
}

/**
 * Overlaps between the new grids, and between a new grid and a kept dedicated grid, are refused; parts
 * outside the community, gaps (ground neither the new grids nor the kept ones cover) and multi-part grids
 * are warned about.
 */
async function placementWarnings(proposals: AreaProposalRepository, community: LockedArea, checks: GeometryCheck[], kept: readonly LockedArea[]): Promise<string[]> {
  const report = await proposals.proposalGeometryReport(
    community.id,
    checks.map((c) => c.wkb),
    kept.map((k) => k.id),
    MIN_REPORTED_M2,
  );
  const fields: Record<string, string[]> = {};
  const problems: string[] = [];
  for (const o of report.overlaps) {
    (fields[`grids.${o.b}.geometry`] ??= []).push(`与第 ${o.a + 1} 个网格重叠约 ${Math.round(o.m2)} 平方米`);
    problems.push(`网格之间不能重叠：第 ${o.a + 1} 与第 ${o.b + 1} 个网格重叠约 ${Math.round(o.m2)} 平方米`);
  }
  const keptName = new Map(kept.map((k) => [k.id, k.name]));
  for (const o of report.keptOverlaps) {
    const name = keptName.get(o.keptId) ?? '专属网格';
    (fields[`grids.${o.index}.geometry`] ??= []).push(`与专属网格${name}重叠约 ${Math.round(o.m2)} 平方米`);
    problems.push(`专属网格保留不变，新网格不能与它重叠：第 ${o.index + 1} 个网格与${name}重叠约 ${Math.round(o.m2)} 平方米`);
  }
  const [first] = problems;
  if (first !== undefined) throw validationFailed(fields, first);

  const warnings: string[] = [];
  report.outsideM2.forEach((m2, i) => {
    if (m2 >= MIN_REPORTED_M2) warnings.push(`第 ${i + 1} 个网格有约 ${Math.round(m2)} 平方米超出${shortAreaName(community.name)}`);
  });
  if (report.uncoveredM2 >= MIN_REPORTED_M2) {
    const covering = kept.length > 0 ? '新网格和保留的专属网格' : '新网格';
    warnings.push(`${covering}没有覆盖整个${shortAreaName(community.name)}，遗漏约 ${Math.round(report.uncoveredM2)} 平方米`);
  }
  report.parts.forEach((parts, i) => {
    if (parts > 1) warnings.push(`第 ${i + 1} 个网格由 ${parts} 块组成，不连续`);
  });
  return warnings;
}
