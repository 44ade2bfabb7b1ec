import { COVERAGE_MIN_AREA_M2, type AdjustmentResult, type AreaBrief, type CreateGrid, type MergeGrids, type RedrawBoundary, type RetireGrid, type SplitGrid } from '@redgrid/contracts';
import type { RequestContext } from '../../../platform/context.ts';
import { householdRangeSetting } from '../../../platform/cross-scope.repository.ts';
import { AppError, notFound, pgErrorCode } from '../../../platform/errors.ts';
import { write, type WriteUnit } from '../../../platform/unit-of-work.ts';
import { convertGeometry, type ConvertibleGeometry } from '../../geo/index.ts';
import { nextChildCode, orderNorthToSouth } from '../tree/area-code.ts';
import { areaRepository } from '../tree/area.repository.ts';
import { areaImportRepository } from '../import/area-import.repository.ts';
import { otherReadings, placementIssue, positionsOf, suspectCrs } from '../import/boundary-features.ts';
import { areaAdjustRepository, fromGeoJson, fromWkb, type AreaAdjustRepository, type LockedArea, type MovableChild, type Piece } from './area-adjust.repository.ts';

/** Carries a preview's result out of the unit of work that is rolled back. */
class PreviewRollback extends Error {
  constructor(readonly result: AdjustmentResult) {
    super('preview');
  }
}

/** What an adjustment works with: its unit of work and the adjustment repository on it. */
export interface Adjusting {
  unit: WriteUnit;
  repo: AreaAdjustRepository;
}

/**
 * Every adjustment runs its real code path in one unit of work; a preview rolls that unit back (by
 * throwing its result out of it) and answers with what would have happened, so preview and commit
 * cannot disagree.
 */
export async function adjust(ctx: RequestContext, preview: boolean, work: (adjusting: Adjusting) => Promise<AdjustmentResult>): Promise<AdjustmentResult> {
  try {
    return await write(ctx, 'area.manage', async (unit) => {
      const result = await work({ unit, repo: unit.use(areaAdjustRepository) });
      if (preview) throw new PreviewRollback({ ...result, applied: false, changeId: null });
      return result;
    });
  } catch (err) {
    if (err instanceof PreviewRollback) return err.result;
    throw geometryFailure(ctx, err) ?? err;
  }
}

/**
 * PostGIS (GEOS, liblwgeom, the GeoJSON reader) raises plain errors with its own English text and
 * coordinates; a geometry it cannot handle is the caller's input, so it is a 400 in our words, with the
 * detail in the log only (SQLSTATE and PostGIS's message: coordinates, never the request body).
 */
const POSTGIS_MESSAGE = /GEOS|Topology|lwgeom|geometr|GeoJSON|ring|polygon|coordinate|geography|Self-intersection|side location conflict/i;

export function geometryFailure(ctx: Pick<RequestContext, 'log'>, err: unknown): AppError | null {
  const sqlState = pgErrorCode(err);
  if (sqlState === undefined || !['XX000', '22023', '22000', '22P02'].includes(sqlState)) return null;
  const text = err instanceof Error ? err.message : '';
  if (!POSTGIS_MESSAGE.test(text)) return null;
  ctx.log.warn({ sqlState, postgis: text.slice(0, 300) }, 'geometry refused by PostGIS');
  const message = '边界无法处理：请检查是否有重复的点、极窄的尖角或自相交，修改后重试';
  return new AppError('validation_failed', message, { fields: { geometry: [message] } });
}

function brief(a: Pick<LockedArea, 'id' | 'code' | 'name' | 'level'>): AreaBrief {
  return { id: a.id, code: a.code, name: a.name, level: a.level };
}

async function lockGrid(repo: AreaAdjustRepository, id: number, field = 'id'): Promise<LockedArea> {
  const [grid] = await repo.lockAreas([id]);
  if (!grid) throw notFound('网格');
  if (grid.level !== 'grid') throw new AppError('validation_failed', `${grid.name}不是网格`, { fields: { [field]: ['只能调整网格'] } });
  if (grid.status !== 'active') throw new AppError('conflict', `${grid.name}已撤销`, { fields: { [field]: ['网格已撤销'] } });
  return grid;
}

/**
 * A geometry from a client, checked where it lies and brought to WGS84. The placement check runs on the
 * numbers as sent, before any conversion (the same check as the boundary import): coordinates outside
 * China, swapped axes or projected metres are a 400 naming the first offending position.
 */
export function toWgs(geometry: unknown, crs: SplitGrid['crs'], field = 'geometry'): unknown {
  const problem = placementIssue(positionsOf(geometry));
  if (problem) throw new AppError('validation_failed', problem.message, { fields: { [field]: [problem.message] } });
  return crs === 'wgs84' ? geometry : convertGeometry(geometry as ConvertibleGeometry, crs, 'wgs84');
}

/** Whole square metres, one decimal under 10 (a 1 m² gap must not read as "约 1 平方米" of rounding). */
function squareMetres(m2: number): string {
  return m2 < 10 ? m2.toFixed(1) : String(Math.round(m2));
}

function invalid(field: string, reason: string): AppError {
  return new AppError('validation_failed', `边界无效：${reason}`, { fields: { [field]: [`边界无效：${reason}`] } });
}

export function movedSummary(moves: MovableChild[], roleAssignments: number) {
  const real = moves.filter((m) => m.fromId !== m.toId && m.level === 'building');
  return {
    buildings: real.map(({ id, code, name, households, fromId, toId }) => ({ id, code, name, households, fromId, toId })),
    households: real.reduce((sum, m) => sum + m.households, 0),
    roleAssignments,
  };
}

export async function nextCodes(repo: AreaAdjustRepository, ctx: RequestContext, parent: { code: string; level: string }, count: number): Promise<string[]> {
  const digits = parent.level === 'grid' ? ctx.config.gridCodeDigits.subgrid : ctx.config.gridCodeDigits.grid;
  const issued = await repo.issuedCodes(parent.code, parent.code.length + digits);
  const codes: string[] = [];
  for (let i = 0; i < count; i += 1) codes.push(nextChildCode(parent.code, [...issued, ...codes], digits));
  return codes;
}

/** The households-per-grid range in force at a path: the nearest area's setting (own or above), else the system's. */
export async function rangeInForce(ctx: RequestContext, unit: Pick<WriteUnit, 'use'>, path: string): Promise<{ min: number; max: number }> {
  const setting = await unit.use((db) => householdRangeSetting(db, path));
  return { min: setting?.min ?? ctx.config.gridHouseholds.min, max: setting?.max ?? ctx.config.gridHouseholds.max };
}

/** One warning per grid whose households fall outside the range, as the balance report would flag it after the change. */
export function rangeWarnings(grids: { name: string; households: number }[], range: { min: number; max: number }): string[] {
  return grids.flatMap((g) =>
    g.households < range.min
      ? [`${g.name}约 ${g.households} 户，少于每格 ${range.min} 户的下限（每格 ${range.min}–${range.max} 户）`]
      : g.households > range.max
        ? [`${g.name}约 ${g.households} 户，超过每格 ${range.max} 户的上限（每格 ${range.min}–${range.max} 户）`]
        : [],
  );
}

/**
 * Names the user gives new or merged grids: distinct among themselves and from the other active grids
 * of the same community (the grids this change retires may pass their name on).
 */
export async function checkGridNames(repo: AreaAdjustRepository, parentId: number, names: { field: string; name: string }[], leaving: number[]): Promise<void> {
  const seen = new Map<string, string>();
  for (const { field, name } of names) {
    const earlier = seen.get(name);
    if (earlier !== undefined) throw new AppError('validation_failed', `名称“${name}”重复`, { fields: { [field]: [`与 ${earlier} 重名`] } });
    seen.set(name, field);
  }
  const taken = await repo.activeGridNames(parentId, leaving);
  for (const { field, name } of names) {
    if (taken.has(name)) throw new AppError('validation_failed', `本社区/村已有名为“${name}”的网格`, { fields: { [field]: ['已有同名网格'] } });
  }
}

/** The change row and the audit row of an adjustment, in its unit of work. */
export async function finish({ unit, repo }: Adjusting, kind: AdjustmentResult['kind'], ownerId: number, summary: Record<string, unknown>, at: Date): Promise<number> {
  const changeId = await repo.recordChange({ kind, at, actorId: unit.actor.id, areaId: ownerId, summary });
  await unit.audit({ action: kind, entity: 'area', entityId: ownerId, areaId: ownerId, after: { changeId, ...summary } });
  return changeId;
}

/** 拆分网格: by a line across it or by drawn polygons; the old grid retires, new grids take its buildings by location. */
export function splitGrid(ctx: RequestContext, gridId: number, input: SplitGrid): Promise<AdjustmentResult> {
  return adjust(ctx, input.preview, async ({ unit, repo }) => {
    const grid = await lockGrid(repo, gridId);
    const original = await repo.currentBoundary(grid.id);
    if (!original) throw new AppError('validation_failed', `${grid.name}没有边界，无法拆分`);
    let pieces: Piece[];
    if (input.by.kind === 'line') {
      pieces = (await repo.splitByLine(grid.id, toWgs(input.by.line, input.crs, 'by.line'))).filter((p) => p.areaM2 >= 1);
      if (pieces.length <= original.parts) throw new AppError('validation_failed', '分割线没有把网格分成两块以上：分割线须完整穿过网格', { fields: { 'by.line': ['分割线须完整穿过网格'] } });
    } else {
      const clipped = await repo.clipPieces(grid.id, input.by.polygons.map((p, i) => toWgs(p, input.crs, `by.polygons.${i}`)));
      const tolerance = Math.max(1, original.areaM2 * 0.001);
      const empty = clipped.pieces.findIndex((p) => p.areaM2 < 1);
      if (empty >= 0) throw new AppError('validation_failed', `第 ${empty + 1} 块与网格不相交`, { fields: { [`by.polygons.${empty}`]: ['与网格不相交'] } });
      if (clipped.uncoveredM2 > tolerance) throw new AppError('validation_failed', `拆分后的各块没有覆盖整个网格（遗漏约 ${Math.round(clipped.uncoveredM2)} 平方米）`, { fields: { 'by.polygons': ['没有覆盖整个网格'] } });
      if (clipped.overlapM2 > tolerance) throw new AppError('validation_failed', `拆分后的各块互相重叠（约 ${Math.round(clipped.overlapM2)} 平方米）`, { fields: { 'by.polygons': ['各块互相重叠'] } });
      pieces = clipped.pieces;
    }
    if (input.names && input.names.length !== pieces.length) {
      throw new AppError('validation_failed', `拆分成 ${pieces.length} 块，但给了 ${input.names.length} 个名称`, { fields: { names: [`需要 ${pieces.length} 个名称`] } });
    }
    if (input.names && grid.parentId !== null) {
      await checkGridNames(repo, grid.parentId, input.names.map((name, i) => ({ field: `names.${i}`, name })), [grid.id]);
    }
    // Pieces of a line split are numbered like grids (north to south, west to east), names included;
    // drawn polygons keep the order the user drew them in.
    const ordered = input.by.kind === 'line' ? orderNorthToSouth(pieces, 0.002) : pieces;
    const parentId = grid.parentId;
    if (parentId === null) throw new Error('grid without parent');
    const [parent] = await repo.lockAreas([parentId]);
    if (!parent) throw notFound('上级区域');
    const at = ctx.clock();
    const codes = await nextCodes(repo, ctx, parent, ordered.length);
    const hasBuildings = (await repo.planMoves([grid.id], [grid.id])).some((m) => m.level === 'building');
    const created: { id: number; wkb: string; piece: Piece; code: string; name: string }[] = [];
    for (const [i, piece] of ordered.entries()) {
      const name = input.names?.[i] ?? `${grid.name}-${i + 1}`;
      const households = hasBuildings ? null : Math.round(((grid.households ?? 0) * piece.areaM2) / original.areaM2);
      const code = codes[i] ?? '';
      const id = await repo.insertGrid({ code, name, parentId, gridType: grid.gridType ?? 'comprehensive', households });
      created.push({ id, wkb: piece.wkb, piece, code, name });
    }
    await repo.closeBoundary(grid.id, at);
    await repo.retireArea(grid.id, at);
    for (const c of created) await repo.openBoundary(c.id, c.wkb, at, null);
    const moves = await repo.planMoves([grid.id], created.map((c) => c.id));
    await repo.applyMoves(moves, at);
    await repo.recountHouseholds(created.map((c) => c.id));
    const counts = await repo.householdsOf(created.map((c) => c.id));
    const roles = await repo.roleAssignmentsOn([grid.id]);
    const range = await rangeInForce(ctx, unit, parent.path);
    const warnings = rangeWarnings(created.map((c) => ({ name: c.name, households: counts.get(c.id) ?? 0 })), range);
    const changeId = await finish({ unit, repo }, 'split', parentId, { from: grid.code, to: created.map((c) => c.code), movedBuildings: moves.length }, at);
    await repo.linkBoundariesToChange([grid.id, ...created.map((c) => c.id)], at, changeId);
    return {
      applied: true,
      changeId,
      kind: 'split',
      created: await Promise.all(created.map(async (c) => ({ id: c.id, code: c.code, name: c.name, level: 'grid' as const, households: counts.get(c.id) ?? 0, geometry: await repo.boundaryGeoJson(c.wkb) }))),
      retired: [brief(grid)],
      changed: [],
      moved: movedSummary(moves, 0),
      toReview: roles.map((r) => ({ kind: 'role_assignment', id: r.id, label: `${r.username}（${r.role}）仍挂在已撤销的${grid.name}上，请重新分配` })),
      warnings,
    };
  });
}

/** 合并网格: the kept grid takes the union of the boundaries, the others' buildings and role assignments. */
export function mergeGrids(ctx: RequestContext, input: MergeGrids): Promise<AdjustmentResult> {
  return adjust(ctx, input.preview, async ({ unit, repo }) => {
    const ids = [...new Set(input.gridIds)];
    if (ids.length < 2) throw new AppError('validation_failed', '至少选择两个不同的网格', { fields: { gridIds: ['至少两个不同的网格'] } });
    const grids: LockedArea[] = [];
    for (const [i, id] of ids.entries()) grids.push(await lockGrid(repo, id, `gridIds.${i}`));
    const parentIds = new Set(grids.map((g) => g.parentId));
    if (parentIds.size > 1) throw new AppError('validation_failed', '只能合并同一社区/村内的网格', { fields: { gridIds: ['网格不属于同一社区/村'] } });
    const keepId = input.keepId ?? ids[0];
    const keep = grids.find((g) => g.id === keepId);
    if (!keep) throw new AppError('validation_failed', '保留的网格须在合并列表中', { fields: { keepId: ['须在 gridIds 中'] } });
    const others = grids.filter((g) => g.id !== keep.id);
    if (input.name && input.name !== keep.name && keep.parentId !== null) await checkGridNames(repo, keep.parentId, [{ field: 'name', name: input.name }], ids);
    const union = await repo.unionOf(ids);
    if (union.parts > 1 && union.parts >= union.inputParts) {
      throw new AppError('validation_failed', '这些网格互不相邻，合并后不连续', { fields: { gridIds: ['网格须相邻'] } });
    }
    const at = ctx.clock();
    const moves = await repo.planMoves(others.map((g) => g.id), [keep.id]);
    for (const g of others) {
      await repo.closeBoundary(g.id, at);
      await repo.retireArea(g.id, at);
    }
    await repo.applyMoves(moves, at);
    const movedRoles = await repo.moveRoleAssignments(others.map((g) => g.id), keep.id);
    const ownBuildings = (await repo.planMoves([keep.id], [keep.id])).some((m) => m.level === 'building');
    if (!ownBuildings) {
      const sum = grids.reduce((s, g) => s + (g.households ?? 0), 0);
      await repo.setHouseholds(keep.id, sum);
    }
    await repo.recountHouseholds([keep.id]);
    if (input.name) await repo.rename(keep.id, input.name, at);
    await repo.closeBoundary(keep.id, at);
    const changeId = await finish({ unit, repo }, 'merge', keep.parentId ?? keep.id, { into: keep.code, from: others.map((g) => g.code) }, at);
    await repo.openBoundary(keep.id, union.wkb, at, changeId);
    const households = (await repo.householdsOf([keep.id])).get(keep.id) ?? 0;
    const range = await rangeInForce(ctx, unit, keep.path);
    return {
      applied: true,
      changeId,
      kind: 'merge',
      created: [],
      retired: others.map(brief),
      changed: [{ ...brief({ ...keep, name: input.name ?? keep.name }), geometry: await repo.boundaryGeoJson(union.wkb) }],
      moved: movedSummary(moves, movedRoles),
      toReview: [],
      warnings: rangeWarnings([{ name: `合并后的${input.name ?? keep.name}`, households }], range),
    };
  });
}

/** 调整边界: a new version of the boundary; buildings follow the boundary within the community. */
export function redrawBoundary(ctx: RequestContext, areaId: number, input: RedrawBoundary): Promise<AdjustmentResult> {
  return adjust(ctx, input.preview, async ({ unit, repo }) => {
    const [area] = await repo.lockAreas([areaId]);
    if (!area) throw notFound('区域');
    if (area.status !== 'active') throw new AppError('conflict', `${area.name}已撤销`);
    const check = await repo.checkGeometry(fromGeoJson(toWgs(input.geometry, input.crs)));
    if (!check.valid) throw invalid('geometry', check.reason);
    const at = ctx.clock();
    const warnings: string[] = [];
    let moves: MovableChild[] = [];
    if (area.parentId !== null) {
      const outside = await repo.outsideParentM2(area.parentId, fromWkb(check.wkb));
      if (outside !== null && outside >= 1) warnings.push(`新边界有约 ${Math.round(outside)} 平方米超出上级区域`);
      for (const o of await repo.overlappingSiblings(area.parentId, [area.id], fromWkb(check.wkb))) warnings.push(`与${o.name}重叠约 ${Math.round(o.overlapM2)} 平方米`);
      const gap = await repo.gapOpenedM2(area.id, area.parentId, fromWkb(check.wkb));
      if (gap >= COVERAGE_MIN_AREA_M2) warnings.push(`新边界让出的约 ${squareMetres(gap)} 平方米不属于任何相邻区域，将成为缝隙`);
    }
    const readings = otherReadings(input.geometry, input.crs).map((r) => ({ feature: 0, areaId: area.id, crs: r.crs, geojson: JSON.stringify(r.geometry) }));
    const suspect = suspectCrs(input.crs, await unit.use(areaImportRepository).crsFits(readings));
    if (suspect) warnings.push(`${suspect.message}，请确认 crs`);
    await repo.closeBoundary(area.id, at);
    await repo.openBoundary(area.id, check.wkb, at, null);
    if (area.level === 'grid' && area.parentId !== null) {
      const siblings = (await unit.use(areaRepository).listChildren(area.parentId, 10_000)).filter((s) => s.level === 'grid' && s.id !== area.id).map((s) => s.id);
      const leaving = (await repo.planMoves([area.id], [area.id, ...siblings])).filter((m) => m.level === 'building');
      const arriving = await repo.buildingsNowInside(area.id, siblings);
      moves = [...leaving, ...arriving];
      await repo.applyMoves(moves, at);
      await repo.recountHouseholds([area.id, ...siblings]);
    }
    const changeId = await finish({ unit, repo }, 'redraw', area.parentId ?? area.id, { area: area.code, movedBuildings: moves.filter((m) => m.fromId !== m.toId).length }, at);
    await repo.linkBoundariesToChange([area.id], at, changeId);
    return {
      applied: true,
      changeId,
      kind: 'redraw',
      created: [],
      retired: [],
      changed: [{ ...brief(area), geometry: await repo.boundaryGeoJson(check.wkb) }],
      moved: movedSummary(moves, 0),
      toReview: [],
      warnings,
    };
  });
}

/** 撤销网格: its boundary closes; buildings and role assignments go to the grid named to take them. */
export function retireGrid(ctx: RequestContext, gridId: number, input: RetireGrid): Promise<AdjustmentResult> {
  return adjust(ctx, input.preview, async ({ unit, repo }) => {
    const grid = await lockGrid(repo, gridId);
    const children = await repo.planMoves([grid.id], [grid.id]);
    let target: LockedArea | undefined;
    if (input.transferToId !== undefined) {
      target = await lockGrid(repo, input.transferToId, 'transferToId');
      if (target.parentId !== grid.parentId || target.id === grid.id) throw new AppError('validation_failed', '接收网格须是同一社区/村的另一个网格', { fields: { transferToId: ['须是同一社区/村的另一个网格'] } });
    } else if (children.length > 0) {
      throw new AppError('validation_failed', `${grid.name}下还有 ${children.length} 个楼栋/子网格，请指定接收网格`, { fields: { transferToId: ['请指定接收网格'] } });
    }
    const at = ctx.clock();
    const moves = target ? children.map((c) => ({ ...c, toId: target.id })) : [];
    await repo.applyMoves(moves, at);
    const movedRoles = target ? await repo.moveRoleAssignments([grid.id], target.id) : 0;
    if (target) await repo.recountHouseholds([target.id]);
    await repo.closeBoundary(grid.id, at);
    await repo.retireArea(grid.id, at);
    const roles = target ? [] : await repo.roleAssignmentsOn([grid.id]);
    const changeId = await finish({ unit, repo }, 'retire', grid.parentId ?? grid.id, { retired: grid.code, transferTo: target?.code ?? null }, at);
    return {
      applied: true,
      changeId,
      kind: 'retire',
      created: [],
      retired: [brief(grid)],
      changed: [],
      moved: movedSummary(moves, movedRoles),
      toReview: roles.map((r) => ({ kind: 'role_assignment', id: r.id, label: `${r.username}（${r.role}）仍挂在已撤销的${grid.name}上，请重新分配` })),
      warnings: [],
    };
  });
}

/** 新建网格 (or sub-grid) with its boundary; buildings of sibling grids inside it move to it. */
export function createGrid(ctx: RequestContext, input: CreateGrid): Promise<AdjustmentResult> {
  return adjust(ctx, input.preview, async ({ unit, repo }) => {
    const [parent] = await repo.lockAreas([input.parentId]);
    if (!parent) throw new AppError('validation_failed', '上级区域不存在或不在您的管辖范围内', { fields: { parentId: ['上级区域不存在或不在管辖范围内'] } });
    if (parent.level !== 'community' && parent.level !== 'grid') throw new AppError('validation_failed', '网格只能建在社区/村或网格之下', { fields: { parentId: ['须是社区/村或网格'] } });
    if (parent.status !== 'active') throw new AppError('conflict', `${parent.name}已撤销`);
    const check = await repo.checkGeometry(fromGeoJson(toWgs(input.geometry, input.crs)));
    if (!check.valid) throw invalid('geometry', check.reason);
    const warnings: string[] = [];
    const outside = await repo.outsideParentM2(parent.id, fromWkb(check.wkb));
    if (outside !== null && outside >= 1) warnings.push(`有约 ${Math.round(outside)} 平方米超出${parent.name}`);
    for (const o of await repo.overlappingSiblings(parent.id, [], fromWkb(check.wkb))) warnings.push(`与${o.name}重叠约 ${Math.round(o.overlapM2)} 平方米`);
    const at = ctx.clock();
    const [code] = await nextCodes(repo, ctx, parent, 1);
    const id = await repo.insertGrid({ code: code ?? '', name: input.name, parentId: parent.id, gridType: input.gridType, gridSubtype: input.gridSubtype ?? null, households: input.households ?? null });
    const siblings = (await unit.use(areaRepository).listChildren(parent.id, 10_000)).filter((s) => s.level === 'grid' && s.id !== id).map((s) => s.id);
    const changeId = await finish({ unit, repo }, 'create', parent.id, { created: code }, at);
    await repo.openBoundary(id, check.wkb, at, changeId);
    const moves = await repo.buildingsNowInside(id, siblings);
    await repo.applyMoves(moves, at);
    await repo.recountHouseholds([id, ...siblings]);
    const households = (await repo.householdsOf([id])).get(id) ?? 0;
    return {
      applied: true,
      changeId,
      kind: 'create',
      created: [{ id, code: code ?? '', name: input.name, level: 'grid', households, geometry: await repo.boundaryGeoJson(check.wkb) }],
      retired: [],
      changed: [],
      moved: movedSummary(moves, 0),
      toReview: [],
      warnings,
    };
  });
}
