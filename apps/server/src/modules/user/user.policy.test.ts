import { permissionsOf, type Role } from '@redgrid/contracts';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../platform/context.ts';
import { abilitiesFor, canAssignRole, canManageUser } from './user.policy.ts';

function actor(role: Role, areaPath: string, id = 1): Actor {
  return {
    id,
    username: 'a',
    displayName: 'a',
    roles: [{ role, areaId: 1, areaCode: 'c', areaName: 'n', areaLevel: 'community', areaPath }],
    permissions: new Set(permissionsOf([role])),
    mustChangePassword: false,
    sessionId: null,
  };
}
const scope = { areas: ['/1/2/'], departments: [], partyOrgs: [] };

describe('user policy', () => {
  it.each([
    ['area admin, worker in scope', 'area_admin', { homeAreaPath: '/1/2/3/', roles: [{ role: 'grid_worker', areaPath: '/1/2/3/' }] }, true],
    ['area admin, worker out of scope', 'area_admin', { homeAreaPath: '/1/4/', roles: [] }, false],
    ['area admin, system admin in scope', 'area_admin', { homeAreaPath: '/1/2/3/', roles: [{ role: 'system_admin', areaPath: '/1/2/3/' }] }, false],
    ['area admin, worker with a role elsewhere', 'area_admin', { homeAreaPath: '/1/2/3/', roles: [{ role: 'grid_worker', areaPath: '/1/9/' }] }, false],
    ['grid leader', 'grid_leader', { homeAreaPath: '/1/2/3/', roles: [] }, false],
  ] as const)('%s → %s', (_name, role, target, expected) => {
    expect(canManageUser(actor(role, '/1/2/'), scope, { id: 9, ...target })).toBe(expected);
  });

  it('grants roles only within scope and rank', () => {
    const a = actor('area_admin', '/1/2/');
    expect(canAssignRole(a, scope, 'grid_worker', '/1/2/7/')).toBe(true);
    expect(canAssignRole(a, scope, 'grid_worker', '/1/3/')).toBe(false);
    expect(canAssignRole(a, scope, 'audit_admin', '/1/2/')).toBe(false);
  });

  it('does not offer a password reset of oneself', () => {
    const a = actor('area_admin', '/1/2/', 5);
    expect(abilitiesFor(a, scope, { id: 5, homeAreaPath: '/1/2/', roles: [{ role: 'area_admin', areaPath: '/1/2/' }] }).resetPassword).toBe(false);
  });
});
