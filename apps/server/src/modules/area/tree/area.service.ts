import type { AreaDetail, AreaListQuery, AreaView } from '@redgrid/contracts';
import type { RequestContext } from '../../../platform/context.ts';
import { householdRangeSetting, listAncestorNames } from '../../../platform/cross-scope.repository.ts';
import { notFound } from '../../../platform/errors.ts';
import { read, type Unit } from '../../../platform/unit-of-work.ts';
import { areaRepository } from './area.repository.ts';

export async function listMyRootAreas(ctx: RequestContext): Promise<AreaView[]> {
  return read(ctx, 'area.read', async ({ use }) => use(areaRepository).listScopeRoots());
}

export async function listAreas(ctx: RequestContext, query: AreaListQuery): Promise<AreaView[]> {
  return read(ctx, 'area.read', async ({ use }) => {
    const areas = use(areaRepository);
    if (query.q) return areas.search(query.q, query.level, query.limit, query.includeRetired);
    // Children of a parent above the scope are still filtered to the scope, never leaked.
    if (query.parentId !== undefined) return areas.listChildren(query.parentId, query.limit, query.includeRetired);
    return areas.listScopeRoots();
  });
}

export async function getArea(ctx: RequestContext, id: number): Promise<AreaDetail> {
  return read(ctx, 'area.read', (unit) => loadAreaDetail(ctx, unit, id));
}

/** The area with its households and breadcrumb, inside a unit that is already open (a read, or a write after its change). */
export async function loadAreaDetail(ctx: RequestContext, { use }: Pick<Unit, 'use'>, id: number): Promise<AreaDetail> {
  const areas = use(areaRepository);
  const area = await areas.find(id);
  const settings = await areas.settings(id);
  if (!area || !settings) throw notFound('区域');
  const households = area.households ?? (await areas.sumHouseholds(area.path, area.level));
  const range = await use((db) => householdRangeSetting(db, area.path));
  const { lng, lat, ...own } = settings;
  return {
    ...area,
    households,
    ancestors: await use((db) => listAncestorNames(db, area.path)),
    ...own,
    householdRange: { min: range?.min ?? ctx.config.gridHouseholds.min, max: range?.max ?? ctx.config.gridHouseholds.max },
    location: lng !== null && lat !== null ? { lng, lat } : null,
  };
}
