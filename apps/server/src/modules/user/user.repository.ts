import { sql } from 'kysely';
import type { Role } from '@redgrid/contracts';
import type { Scope } from '../../platform/context.ts';
import { ownedInsert, scopedDelete, scopedFrom, scopedUpdate, type Db } from '../../platform/data-access.ts';

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

export interface UserFilter {
  q?: string | undefined;
  /** Blind indexes of a searched phone (the current one and those of keys being rotated out). */
  phoneIndexes?: string[] | undefined;
  areaPath?: string | undefined;
  role?: Role | undefined;
}

export interface NewUser {
  username: string;
  displayName: string;
  passwordHash: string;
  phone: { enc: string; bidx: string; masked: string } | null;
  homeAreaId: number;
  mustChangePassword: boolean;
}

export interface UserChanges {
  displayName?: string;
  disabled?: boolean;
  homeAreaId?: number;
  unlock?: boolean;
  phone?: { enc: string; bidx: string; masked: string } | null;
  passwordHash?: string;
  mustChangePassword?: boolean;
  at: Date;
}

/** Accounts whose home area lies in the caller's scope, and the role rows on areas in it. */
export function userRepository(db: Db, scope: Scope) {
  const users = () =>
    scopedFrom(db, scope, 'users as u')
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
      ]);

  const filtered = (f: UserFilter) => {
    let query = users();
    if (f.q) {
      const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) => {
        const ors = [eb('u.username', 'ilike', like), eb('u.display_name', 'like', like)];
        if (f.phoneIndexes && f.phoneIndexes.length > 0) ors.push(eb('u.phone_bidx', 'in', f.phoneIndexes));
        return eb.or(ors);
      });
    }
    if (f.areaPath) query = query.where('h.path', 'like', `${f.areaPath}%`);
    if (f.role) {
      const role = f.role;
      query = query.where((eb) => eb.exists(eb.selectFrom('role_assignments as r').select('r.id').whereRef('r.user_id', '=', 'u.id').where('r.role', '=', role)));
    }
    return query;
  };

  return {
    async list(f: UserFilter, page: number, pageSize: number): Promise<{ items: UserRecord[]; total: number }> {
      const base = filtered(f);
      const [items, count] = await Promise.all([
        base.orderBy('h.path').orderBy('u.username').limit(pageSize).offset((page - 1) * pageSize).execute(),
        base.clearSelect().select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items, total: count.n };
    },

    find(id: number): Promise<UserRecord | undefined> {
      return users().where('u.id', '=', id).executeTakeFirst();
    },

    /** Locks the row for the rest of the transaction, so concurrent edits of one account queue. */
    findForUpdate(id: number): Promise<UserRecord | undefined> {
      return users().where('u.id', '=', id).forUpdate('u').executeTakeFirst();
    },

    /** Paths of the given areas that lie in scope (a missing id is out of scope or does not exist). */
    areaPaths(areaIds: number[]): Promise<{ id: number; path: string }[]> {
      if (areaIds.length === 0) return Promise.resolve([]);
      return scopedFrom(db, scope, 'areas as a').select(['a.id', 'a.path']).where('a.id', 'in', areaIds).execute();
    },

    async insert(u: NewUser): Promise<number> {
      const row = await ownedInsert(db, scope, 'users')
        .values({
          username: u.username,
          display_name: u.displayName,
          password_hash: u.passwordHash,
          phone_enc: u.phone?.enc ?? null,
          phone_bidx: u.phone?.bidx ?? null,
          phone_masked: u.phone?.masked ?? null,
          home_area_id: u.homeAreaId,
          must_change_password: u.mustChangePassword,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },

    async update(id: number, c: UserChanges): Promise<void> {
      await scopedUpdate(db, scope, 'users')
        .set({
          ...(c.displayName !== undefined ? { display_name: c.displayName } : {}),
          ...(c.disabled !== undefined ? { disabled: c.disabled } : {}),
          ...(c.homeAreaId !== undefined ? { home_area_id: c.homeAreaId } : {}),
          ...(c.unlock ? { failed_logins: 0, locked_until: null } : {}),
          ...(c.phone !== undefined ? { phone_enc: c.phone?.enc ?? null, phone_bidx: c.phone?.bidx ?? null, phone_masked: c.phone?.masked ?? null } : {}),
          ...(c.passwordHash !== undefined ? { password_hash: c.passwordHash, password_changed_at: c.at, failed_logins: 0, locked_until: null } : {}),
          ...(c.mustChangePassword !== undefined ? { must_change_password: c.mustChangePassword } : {}),
          updated_at: c.at,
        })
        .where('id', '=', id)
        .execute();
    },

    /**
     * Keeps the account's current password hash in its history before it is replaced (password
     * reset); only the newest `keep` stay.
     */
    async rememberPassword(userId: number, keep: number, at: Date): Promise<void> {
      if (keep > 0) {
        const current = scopedFrom(db, scope, 'users as u').select(['u.id', 'u.password_hash', sql<Date>`${at}::timestamptz`.as('created_at')]).where('u.id', '=', userId);
        await ownedInsert(db, scope, 'password_history').columns(['user_id', 'password_hash', 'created_at']).expression(current).execute();
      }
      const kept = scopedFrom(db, scope, 'password_history as k').select('k.id').where('k.user_id', '=', userId).orderBy('k.id', 'desc').limit(keep);
      await scopedDelete(db, scope, 'password_history').where('user_id', '=', userId).where('id', 'not in', kept).execute();
    },

    /** Signs the account out everywhere (disabled, password reset). */
    async endSessions(userId: number): Promise<void> {
      await scopedDelete(db, scope, 'sessions').where('user_id', '=', userId).execute();
    },

    async addRoles(userId: number, roles: { role: Role; areaId: number; departmentId?: number | null }[]): Promise<void> {
      if (roles.length === 0) return;
      await ownedInsert(db, scope, 'role_assignments')
        .values(roles.map((r) => ({ user_id: userId, role: r.role, area_id: r.areaId, department_id: r.departmentId ?? null })))
        .execute();
    },

    /** Removes one assignment; one on an area outside the scope is never touched. */
    async removeRole(userId: number, role: Role, areaId: number): Promise<void> {
      await scopedDelete(db, scope, 'role_assignments').where('user_id', '=', userId).where('role', '=', role).where('area_id', '=', areaId).execute();
    },
  };
}
