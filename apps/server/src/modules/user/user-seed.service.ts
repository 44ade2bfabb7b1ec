import type { Role } from '@redgrid/contracts';
import type { SystemUnit } from '../../platform/unit-of-work.ts';
import { userRepository } from './user.repository.ts';
import { userSeedRepository } from './user-seed.repository.ts';

export interface SeedAccount {
  username: string;
  displayName: string;
  passwordHash: string;
  /** Already sealed by the caller's field cipher. */
  phone: { enc: string; bidx: string; masked: string } | null;
  homeAreaId: number;
  /** Roles on the home area. */
  roles: Role[];
  /** The department of a dept_staff role (部门报到). */
  departmentId?: number | null;
}

/** Accounts the system seeds (demo), with their roles, in the system's unit; answers their ids in order. */
export async function seedAccounts(unit: SystemUnit, accounts: readonly SeedAccount[]): Promise<number[]> {
  const users = unit.use(userRepository);
  const ids: number[] = [];
  for (const a of accounts) {
    const id = await users.insert({ username: a.username, displayName: a.displayName, passwordHash: a.passwordHash, phone: a.phone, homeAreaId: a.homeAreaId, mustChangePassword: false });
    await users.addRoles(id, a.roles.map((role) => ({ role, areaId: a.homeAreaId, departmentId: role === 'dept_staff' ? (a.departmentId ?? null) : null })));
    ids.push(id);
  }
  return ids;
}

/** How many accounts exist: none means the system has not been seeded. */
export function countAccounts(unit: SystemUnit): Promise<number> {
  return unit.use(userSeedRepository).countAccounts();
}

/** An account by its username, for the system's own work (acting as the demo's admin). */
export function findAccount(unit: SystemUnit, username: string) {
  return unit.use(userSeedRepository).findByUsername(username);
}
