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

/** The area subtrees an actor may see: the union of the areas their roles sit on. */
export interface Scope {
  /** Materialised paths of the subtree roots, none a prefix of another. */
  readonly paths: readonly string[];
}

/** Everything a use case needs; the first argument of every service function. */
export interface RequestContext {
  readonly actor: Actor | null;
  readonly scope: Scope | null;
  readonly database: Database;
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

export function scopeFromRoles(roles: readonly Pick<ActorRole, 'areaPath'>[]): Scope {
  const sorted = [...new Set(roles.map((r) => r.areaPath))].sort((a, b) => a.length - b.length);
  const roots: string[] = [];
  for (const p of sorted) if (!roots.some((r) => p.startsWith(r))) roots.push(p);
  return { paths: roots };
}
