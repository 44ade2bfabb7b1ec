import { sql, type RawBuilder } from 'kysely';
import type { Permission } from '@redgrid/contracts';
import { isEmptyScope, type Actor, type RequestContext, type Scope } from './context.ts';
import { AppError, forbidden } from './errors.ts';

/**
 * Data scope, in one place. Every repository function takes a Scope first and filters with one
 * of these helpers; a missing or empty scope throws rather than returning everything.
 */
export function requireActor(ctx: RequestContext): Actor {
  if (!ctx.actor) throw new AppError('unauthenticated', '请先登录');
  return ctx.actor;
}

export function requireScope(ctx: RequestContext): Scope {
  const scope = ctx.scope;
  if (!scope || isEmptyScope(scope)) throw forbidden('您没有分配任何区域，无法查看数据');
  return scope;
}

export function requirePermission(ctx: RequestContext, permission: Permission): Actor {
  const actor = requireActor(ctx);
  if (!actor.permissions.has(permission)) throw forbidden();
  return actor;
}

function prefixes(scope: Scope): string[] {
  if (scope.areas.length === 0) throw new Error('empty scope reached a query');
  return scope.areas.map((p) => `${p}%`);
}

/** `<pathColumn> LIKE ANY(scope prefixes)`: for the areas table itself. */
export function areaPathInScope(scope: Scope, pathColumn: string): RawBuilder<boolean> {
  return sql<boolean>`${sql.ref(pathColumn)} LIKE ANY(${prefixes(scope)}::text[])`;
}

/** `<areaIdColumn>` belongs to an area inside the scope: for every table that records its owning area. */
export function areaIdInScope(scope: Scope, areaIdColumn: string): RawBuilder<boolean> {
  return sql<boolean>`${sql.ref(areaIdColumn)} IN (SELECT s.id FROM areas s WHERE s.path LIKE ANY(${prefixes(scope)}::text[]))`;
}

/** In-memory check of an already-loaded area path. */
export function pathInScope(scope: Scope, path: string): boolean {
  return scope.areas.some((p) => path.startsWith(p));
}
