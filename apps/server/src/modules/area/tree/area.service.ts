import type { AreaDetail, AreaListQuery, AreaView } from '@redgrid/contracts';
import type { RequestContext } from '../../../platform/context.ts';
import { gradeInForce, householdRangeSetting, listAncestorNames } from '../../../platform/cross-scope.repository.ts';
import { notFound } from '../../../platform/errors.ts';
import { read, type Unit } from '../../../platform/unit-of-work.ts';
import { areaRepository } from './area.repository.ts';

/**
 * Household counts are statistics (area.report): a party member or volunteer reads the area tree to
 * find their place (area.read) but not how many households each area holds.
 */
function countsFor<T extends { households: number | null }>(actor: Unit['actor'], area: T): T {
  return actor.permissions.has('area.report') ? area : { ...area, households: null };
}

export async function listMyRootAreas(ctx: RequestContext): Promise<AreaView[]> {
  return read(ctx, 'area.read', async ({ use, actor }) => (await use(areaRepository).listScopeRoots()).map((a) => countsFor(actor, a)));
}

export async function listAreas(ctx: RequestContext, query: AreaListQuery): Promise<AreaView[]> {
  return read(ctx, 'area.read', async ({ use, actor }) => {
    const areas = use(areaRepository);
    let rows: AreaView[];
    if (query.q) rows = await areas.search(query.q, query.level, query.limit, query.includeRetired);
    // Children of a parent above the scope are still filtered to the scope, never leaked.
    else if (query.parentId !== undefined) rows = await areas.listChildren(query.parentId, query.limit, query.includeRetired);
    else rows = await areas.listScopeRoots();
    return rows.map((a) => countsFor(actor, a));
  });
}

export async function getArea(ctx: RequestContext, id: number): Promise<AreaDetail> {
  return read(ctx, 'area.read', (unit) => loadAreaDetail(ctx, unit, id));
}

/** The area with its households and breadcrumb, inside a unit that is already open (a read, or a write after its change). */
export async function loadAreaDetail(ctx: RequestContext, { use, actor }: Pick<Unit, 'use' | 'actor'>, id: number): Promise<AreaDetail> {
  const areas = use(areaRepository);
  const area = await areas.find(id);
  const settings = await areas.settings(id);
  if (!area || !settings) throw notFound('区域');
  const households = !actor.permissions.has('area.report') ? null : (area.households ?? (await areas.sumHouseholds(area.path, area.level)));
  const range = await use((db) => householdRangeSetting(db, area.path));
  const { lng, lat, ...own } = settings;
  const ancestors = await use((db) => listAncestorNames(db, area.path));
  return {
    ...area,
    households,
    ancestors: ancestors.map(({ grade: _g, ...a }) => a),
    gradeInForce: own.grade ?? gradeInForce(ancestors),
    ...own,
    householdRange: { min: range?.min ?? ctx.config.gridHouseholds.min, max: range?.max ?? ctx.config.gridHouseholds.max },
    location: lng !== null && lat !== null ? { lng, lat } : null,
  };
}
