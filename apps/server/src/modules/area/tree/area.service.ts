import type { AreaDetail, AreaListQuery, AreaView } from '@redgrid/contracts';
import type { RequestContext } from '../../../platform/context.ts';
import { notFound } from '../../../platform/errors.ts';
import { requirePermission, requireScope } from '../../../platform/scope.ts';
import { findArea, listAncestors, listChildren, listScopeRoots, searchAreas, sumHouseholds } from './area.repository.ts';

export async function listMyRootAreas(ctx: RequestContext): Promise<AreaView[]> {
  requirePermission(ctx, 'area.read');
  return listScopeRoots(ctx.database.db, requireScope(ctx));
}

export async function listAreas(ctx: RequestContext, query: AreaListQuery): Promise<AreaView[]> {
  requirePermission(ctx, 'area.read');
  const scope = requireScope(ctx);
  const db = ctx.database.db;
  if (query.q) return searchAreas(db, scope, query.q, query.level, query.limit, query.includeRetired);
  if (query.parentId !== undefined) {
    // Children of a parent above the scope are still filtered to the scope, never leaked.
    return listChildren(db, scope, query.parentId, query.limit, query.includeRetired);
  }
  return listScopeRoots(db, scope);
}

export async function getArea(ctx: RequestContext, id: number): Promise<AreaDetail> {
  requirePermission(ctx, 'area.read');
  const area = await findArea(ctx.database.db, requireScope(ctx), id);
  if (!area) throw notFound('区域');
  const households = area.households ?? (await sumHouseholds(ctx.database.db, area.path, area.level));
  return { ...area, households, ancestors: await listAncestors(ctx.database.db, area.path) };
}
