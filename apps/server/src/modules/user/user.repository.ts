import { sql, type Kysely } from 'kysely';
import type { AreaLevel, Role } from '@redgrid/contracts';
import type { DB } from '../../db/types.ts';
import type { Scope } from '../../platform/context.ts';
import { areaPathInScope } from '../../platform/scope.ts';

type Q = Kysely<DB>;

export interface UserRecord {
  id: number;
  username: string;
  displayName: string;
  phoneEnc: string | null;
  phoneMasked: string | null;
  homeAreaId: number;
  homeAreaName: string;
  homeAreaPath: string;
  disabled: boolean;
  lockedUntil: Date | null;
  lastLoginAt: Date | null;
  createdAt: Date;
}

export interface UserRoleRecord {
  userId: number;
  role: Role;
  areaId: number;
  areaCode: string;
  areaName: string;
  areaLevel: AreaLevel;
  areaPath: string;
}

function userSelect(db: Q, scope: Scope) {
  return db
    .selectFrom('users as u')
    .innerJoin('areas as h', 'h.id', 'u.home_area_id')
    .select([
      'u.id',
      'u.username',
      'u.display_name as displayName',
      'u.phone_enc as phoneEnc',
      'u.phone_masked as phoneMasked',
      'u.home_area_id as homeAreaId',
      'h.name as homeAreaName',
      'h.path as homeAreaPath',
      'u.disabled',
      'u.locked_until as lockedUntil',
      'u.last_login_at as lastLoginAt',
      'u.created_at as createdAt',
    ])
    .where(areaPathInScope(scope, 'h.path'));
}

export interface UserFilter {
  q?: string | undefined;
  phoneIndex?: string | undefined;
  areaPath?: string | undefined;
  role?: Role | undefined;
}

function filtered(db: Q, scope: Scope, f: UserFilter) {
  let query = userSelect(db, scope);
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => {
      const ors = [eb('u.username', 'ilike', like), eb('u.display_name', 'like', like)];
      if (f.phoneIndex) ors.push(eb('u.phone_bidx', '=', f.phoneIndex));
      return eb.or(ors);
    });
  }
  if (f.areaPath) query = query.where('h.path', 'like', `${f.areaPath}%`);
  if (f.role) {
    const role = f.role;
    query = query.where((eb) => eb.exists(eb.selectFrom('role_assignments as r').select('r.id').whereRef('r.user_id', '=', 'u.id').where('r.role', '=', role)));
  }
  return query;
}

export async function listUsers(db: Q, scope: Scope, f: UserFilter, page: number, pageSize: number): Promise<{ items: UserRecord[]; total: number }> {
  const base = filtered(db, scope, f);
  const [items, count] = await Promise.all([
    base.orderBy('h.path').orderBy('u.username').limit(pageSize).offset((page - 1) * pageSize).execute(),
    base.clearSelect().select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: count.n };
}

export function findUser(db: Q, scope: Scope, id: number): Promise<UserRecord | undefined> {
  return userSelect(db, scope).where('u.id', '=', id).executeTakeFirst();
}

/** Locks the row for the rest of the transaction, so concurrent edits of one account queue. */
export function findUserForUpdate(db: Q, scope: Scope, id: number): Promise<UserRecord | undefined> {
  return userSelect(db, scope).where('u.id', '=', id).forUpdate('u').executeTakeFirst();
}

/**
 * All roles of the given users, including assignments outside the caller's scope: the caller sees
 * which roles an account holds (names of public divisions only), and policy needs them all to
 * decide whether the caller outranks the account.
 */
export async function listRolesOfUsers(db: Q, userIds: number[]): Promise<UserRoleRecord[]> {
  if (userIds.length === 0) return [];
  return db
    .selectFrom('role_assignments as r')
    .innerJoin('areas as a', 'a.id', 'r.area_id')
    .select(['r.user_id as userId', 'r.role', 'a.id as areaId', 'a.code as areaCode', 'a.name as areaName', 'a.level as areaLevel', 'a.path as areaPath'])
    .where('r.user_id', 'in', userIds)
    .orderBy('a.depth')
    .orderBy('r.role')
    .execute();
}

export function findAreaPaths(db: Q, scope: Scope, areaIds: number[]) {
  if (areaIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('areas').select(['id', 'path']).where('id', 'in', areaIds).where(areaPathInScope(scope, 'areas.path')).execute();
}

export function usernameTaken(db: Q, username: string) {
  return db.selectFrom('users').select('id').where(sql`lower(username)`, '=', username.toLowerCase()).executeTakeFirst();
}
