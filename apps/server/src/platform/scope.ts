import { sql, type RawBuilder } from 'kysely';
import type { Actor, RequestContext, Scope } from './context.ts';
import { EmptyScopeError } from './data-access.ts';
import { AppError } from './errors.ts';

/*
 * Scope predicates for raw SQL on area-owned rows (the area axis). Query builders use
 * scopedFrom / ownedBy from data-access.ts; these are the same predicate for `sql` templates.
 */

/** The signed-in actor of a route declared `signed_in` (its own account only). */
export function requireActor(ctx: RequestContext): Actor {
  if (!ctx.actor) throw new AppError('unauthenticated', '请先登录');
  return ctx.actor;
}

function prefixes(scope: Scope): string[] {
  if (scope.areas.length === 0) throw new EmptyScopeError('areas');
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
