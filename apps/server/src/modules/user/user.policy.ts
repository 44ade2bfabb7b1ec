import { assignableRolesOf, type Role } from '@redgrid/contracts';
import type { Actor, Scope } from '../../platform/context.ts';
import { pathInScope } from '../../platform/scope.ts';

export interface UserTarget {
  id: number;
  homeAreaPath: string;
  roles: readonly { role: Role; areaPath: string }[];
}

/**
 * Who may change an account: someone with user.manage whose scope holds the account's home area
 * and who could have granted every role the account holds — so an area admin can never reset the
 * password of an account that outranks them.
 */
export function canManageUser(actor: Actor, scope: Scope, target: UserTarget): boolean {
  if (!actor.permissions.has('user.manage') || !pathInScope(scope, target.homeAreaPath)) return false;
  const assignable = new Set(assignableRolesOf(actor.roles.map((r) => r.role)));
  return target.roles.every((r) => assignable.has(r.role) && pathInScope(scope, r.areaPath));
}

export function canAssignRole(actor: Actor, scope: Scope, role: Role, areaPath: string): boolean {
  return actor.permissions.has('user.manage') && assignableRolesOf(actor.roles.map((r) => r.role)).includes(role) && pathInScope(scope, areaPath);
}

export function canRevealPhone(actor: Actor, scope: Scope, target: Pick<UserTarget, 'homeAreaPath'>): boolean {
  return actor.permissions.has('user.reveal_phone') && pathInScope(scope, target.homeAreaPath);
}

export function abilitiesFor(actor: Actor, scope: Scope, target: UserTarget) {
  const manage = canManageUser(actor, scope, target);
  return { update: manage, assignRoles: manage, resetPassword: manage && actor.id !== target.id, revealPhone: canRevealPhone(actor, scope, target) };
}
