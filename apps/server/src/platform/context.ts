import { permissionsOf, type Permission, type Role, type AreaLevel } from '@redgrid/contracts';
import type { FastifyBaseLogger } from 'fastify';
import type { AppConfig } from '../config.ts';
import type { Database } from '../db/engine.ts';
import type { FieldCipher } from './crypto.ts';

export interface ActorRole {
  role: Role;
  areaId: number;
  areaCode: string;
  areaName: string;
  areaLevel: AreaLevel;
  areaPath: string;
  /** The department a dept_staff assignment names (scope's department axis); null for other roles. */
  departmentId?: number | null;
  departmentName?: string | null;
}

export interface Actor {
  id: number;
  username: string;
  displayName: string;
  roles: ActorRole[];
  permissions: ReadonlySet<Permission>;
  mustChangePassword: boolean;
  sessionId: string | null;
}

/**
 * What an actor may see, along every axis a record can be owned by. A record is visible when any
 * axis it is owned by matches (see OWNERS in data-access.ts): a case filed in a community and
 * dispatched to a police station is seen by the community's grid worker (area axis) and by the
 * station's staff (department axis), through the same scoped query.
 */
export interface Scope {
  /** Area subtrees: materialised paths of the subtree roots, none a prefix of another. */
  readonly areas: readonly string[];
  /** Departments (派出所, 城管 …) whose dispatched records the actor handles. */
  readonly departments: readonly number[];
  /** Party organisation subtrees (materialised paths), for branch secretaries and above. */
  readonly partyOrgs: readonly string[];
}

export const EMPTY_SCOPE: Scope = { areas: [], departments: [], partyOrgs: [] };

/** True when no axis holds anything: such a scope reaches no owned table. */
export function isEmptyScope(scope: Scope): boolean {
  return scope.areas.length === 0 && scope.departments.length === 0 && scope.partyOrgs.length === 0;
}

/** Everything a use case needs; the first argument of every service function. */
export interface RequestContext {
  readonly actor: Actor | null;
  readonly scope: Scope | null;
  readonly config: AppConfig;
  readonly cipher: FieldCipher;
  readonly clock: () => Date;
  readonly log: FastifyBaseLogger;
  readonly requestId: string | null;
  readonly ip: string | null;
}

/** Shared, long-lived dependencies from which each request's context is made. */
export interface AppDeps {
  config: AppConfig;
  database: Database;
  cipher: FieldCipher;
  clock: () => Date;
}

/** An actor as a session carries it: what they may do follows from the roles they hold. */
export function actorFromRoles(
  user: { id: number; username: string; displayName: string },
  roles: ActorRole[],
  session: { mustChangePassword: boolean; sessionId: string | null },
): Actor {
  return { ...user, roles, permissions: new Set(permissionsOf(roles.map((r) => r.role))), ...session };
}

/** Subtree roots of a set of materialised paths: a path under another adds nothing. */
export function subtreeRoots(paths: Iterable<string>): string[] {
  const sorted = [...new Set(paths)].sort((a, b) => a.length - b.length);
  const roots: string[] = [];
  for (const p of sorted) if (!roots.some((r) => p.startsWith(r))) roots.push(p);
  return roots;
}

/**
 * The scope of an actor from the roles they hold: every role reaches the subtree of its area; a
 * dept_staff assignment also reaches its department (records dispatched to it, wherever they lie).
 * Party-organisation roles will add to their axis when that module lands.
 */
export function scopeFromRoles(roles: readonly (Pick<ActorRole, 'areaPath'> & Partial<Pick<ActorRole, 'role' | 'departmentId'>>)[]): Scope {
  const departments = [...new Set(roles.flatMap((r) => (r.role === 'dept_staff' && r.departmentId != null ? [r.departmentId] : [])))].sort((a, b) => a - b);
  return { areas: subtreeRoots(roles.map((r) => r.areaPath)), departments, partyOrgs: [] };
}
