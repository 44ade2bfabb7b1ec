import type { CreateUser, RoleAssignmentInput, UpdateUser, UserListQuery, UserView } from '@redgrid/contracts';
import { cnMobileSchema } from '@redgrid/contracts';
import type { Actor, RequestContext, Scope } from '../../platform/context.ts';
import { appendAudit } from '../../platform/audit.ts';
import { maskPhone } from '../../platform/crypto.ts';
import { AppError, forbidden, notFound, pgErrorCode } from '../../platform/errors.ts';
import { assertPasswordPolicy, hashPassword } from '../../platform/password.ts';
import { requirePermission, requireScope } from '../../platform/scope.ts';
import { inTransaction, type Tx } from '../../platform/transaction.ts';
import { abilitiesFor, canAssignRole, canManageUser, canRevealPhone } from './user.policy.ts';
import {
  findAreaPaths,
  findUser,
  findUserForUpdate,
  listRolesOfUsers,
  listUsers as listUserRecords,
  usernameTaken,
  type UserRecord,
  type UserRoleRecord,
} from './user.repository.ts';

function present(actor: Actor, scope: Scope, user: UserRecord, roles: UserRoleRecord[], now: Date): UserView {
  const mine = roles.filter((r) => r.userId === user.id);
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    phoneMasked: user.phoneMasked,
    homeAreaId: user.homeAreaId,
    homeAreaName: user.homeAreaName,
    disabled: user.disabled,
    lockedUntil: user.lockedUntil && user.lockedUntil > now ? user.lockedUntil.toISOString() : null,
    lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
    createdAt: user.createdAt.toISOString(),
    roles: mine.map(({ role, areaId, areaCode, areaName, areaLevel }) => ({ role, areaId, areaCode, areaName, areaLevel })),
    abilities: abilitiesFor(actor, scope, { id: user.id, homeAreaPath: user.homeAreaPath, roles: mine }),
  };
}

/** The account as the audit trail records it: never the password hash, never the full phone. */
function auditShape(user: UserRecord, roles: UserRoleRecord[]) {
  return {
    username: user.username,
    displayName: user.displayName,
    phone: user.phoneMasked,
    homeAreaId: user.homeAreaId,
    disabled: user.disabled,
    roles: roles.filter((r) => r.userId === user.id).map((r) => `${r.role}@${r.areaCode}`),
  };
}

export async function listUsers(ctx: RequestContext, query: UserListQuery) {
  const actor = requirePermission(ctx, 'user.read');
  const scope = requireScope(ctx);
  const db = ctx.database.db;
  let areaPath: string | undefined;
  if (query.areaId !== undefined) {
    const [area] = await findAreaPaths(db, scope, [query.areaId]);
    if (!area) throw notFound('区域');
    areaPath = area.path;
  }
  const phone = query.q && cnMobileSchema.safeParse(query.q).success ? ctx.cipher.blindIndex(query.q) : undefined;
  const { items, total } = await listUserRecords(db, scope, { q: query.q, phoneIndex: phone, areaPath, role: query.role }, query.page, query.pageSize);
  const roles = await listRolesOfUsers(db, items.map((u) => u.id));
  return { items: items.map((u) => present(actor, scope, u, roles, ctx.clock())), total, page: query.page, pageSize: query.pageSize };
}

export async function getUser(ctx: RequestContext, id: number): Promise<UserView> {
  const actor = requirePermission(ctx, 'user.read');
  const scope = requireScope(ctx);
  const user = await findUser(ctx.database.db, scope, id);
  if (!user) throw notFound('用户');
  return present(actor, scope, user, await listRolesOfUsers(ctx.database.db, [id]), ctx.clock());
}

/** Checks every requested assignment against the caller's scope and rank; field errors name the row. */
async function resolveAssignments(tx: Tx, actor: Actor, scope: Scope, roles: RoleAssignmentInput[]) {
  const paths = new Map((await findAreaPaths(tx, scope, [...new Set(roles.map((r) => r.areaId))])).map((a) => [a.id, a.path]));
  const fields: Record<string, string[]> = {};
  roles.forEach((r, i) => {
    const path = paths.get(r.areaId);
    if (!path) fields[`roles.${i}.areaId`] = ['区域不存在或不在您的管辖范围内'];
    else if (!canAssignRole(actor, scope, r.role, path)) fields[`roles.${i}.role`] = ['您不能分配这个角色'];
  });
  if (Object.keys(fields).length > 0) throw new AppError('validation_failed', '角色分配有误', { fields });
  const unique = new Map(roles.map((r) => [`${r.role}@${r.areaId}`, r]));
  return [...unique.values()];
}

export async function createUser(ctx: RequestContext, input: CreateUser): Promise<UserView> {
  const actor = requirePermission(ctx, 'user.manage');
  const scope = requireScope(ctx);
  assertPasswordPolicy(input.password, ctx.config.passwordPolicy, input.username);
  const passwordHash = await hashPassword(input.password);
  const id = await inTransaction(ctx, async (tx) => {
    const [home] = await findAreaPaths(tx, scope, [input.homeAreaId]);
    if (!home) throw new AppError('validation_failed', '所属区域不在您的管辖范围内', { fields: { homeAreaId: ['区域不存在或不在您的管辖范围内'] } });
    const roles = await resolveAssignments(tx, actor, scope, input.roles);
    if (await usernameTaken(tx, input.username)) {
      throw new AppError('conflict', '用户名已被使用', { fields: { username: ['用户名已被使用'] } });
    }
    const phone = input.phone ?? null;
    const inserted = await tx
      .insertInto('users')
      .values({
        username: input.username,
        display_name: input.displayName,
        password_hash: passwordHash,
        phone_enc: phone ? ctx.cipher.encrypt(phone) : null,
        phone_bidx: phone ? ctx.cipher.blindIndex(phone) : null,
        phone_masked: phone ? maskPhone(phone) : null,
        home_area_id: input.homeAreaId,
        // An account made by someone else starts with a password that person knows.
        must_change_password: ctx.config.mode === 'production',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
      .catch((err: unknown) => {
        if (pgErrorCode(err) === '23505') throw new AppError('conflict', '用户名已被使用', { fields: { username: ['用户名已被使用'] } });
        throw err;
      });
    if (roles.length > 0) {
      await tx.insertInto('role_assignments').values(roles.map((r) => ({ user_id: inserted.id, role: r.role, area_id: r.areaId }))).execute();
    }
    const created = await findUser(tx, scope, inserted.id);
    if (!created) throw new Error('created user vanished');
    await appendAudit(tx, ctx, { action: 'create', entity: 'user', entityId: inserted.id, areaId: input.homeAreaId, after: auditShape(created, await listRolesOfUsers(tx, [inserted.id])) });
    return inserted.id;
  });
  return getUser(ctx, id);
}

async function loadManageable(tx: Tx, ctx: RequestContext, id: number) {
  const actor = requirePermission(ctx, 'user.manage');
  const scope = requireScope(ctx);
  const user = await findUserForUpdate(tx, scope, id);
  if (!user) throw notFound('用户');
  const roles = await listRolesOfUsers(tx, [id]);
  if (!canManageUser(actor, scope, { id, homeAreaPath: user.homeAreaPath, roles })) throw forbidden('您不能修改这个账号');
  return { actor, scope, user, roles };
}

export async function updateUser(ctx: RequestContext, id: number, input: UpdateUser): Promise<UserView> {
  await inTransaction(ctx, async (tx) => {
    const { actor, scope, user, roles } = await loadManageable(tx, ctx, id);
    if (input.disabled === true && actor.id === id) throw new AppError('validation_failed', '不能停用自己的账号', { fields: { disabled: ['不能停用自己的账号'] } });
    if (input.homeAreaId !== undefined) {
      const [home] = await findAreaPaths(tx, scope, [input.homeAreaId]);
      if (!home) throw new AppError('validation_failed', '所属区域不在您的管辖范围内', { fields: { homeAreaId: ['区域不存在或不在您的管辖范围内'] } });
    }
    const phone = input.phone;
    await tx
      .updateTable('users')
      .set({
        ...(input.displayName !== undefined ? { display_name: input.displayName } : {}),
        ...(input.disabled !== undefined ? { disabled: input.disabled } : {}),
        ...(input.homeAreaId !== undefined ? { home_area_id: input.homeAreaId } : {}),
        ...(input.unlock ? { failed_logins: 0, locked_until: null } : {}),
        ...(phone !== undefined
          ? { phone_enc: phone ? ctx.cipher.encrypt(phone) : null, phone_bidx: phone ? ctx.cipher.blindIndex(phone) : null, phone_masked: phone ? maskPhone(phone) : null }
          : {}),
        updated_at: ctx.clock(),
      })
      .where('id', '=', id)
      .execute();
    if (input.disabled === true) await tx.deleteFrom('sessions').where('user_id', '=', id).execute();
    const after = await findUser(tx, scope, id);
    if (!after) throw new Error('updated user vanished');
    await appendAudit(tx, ctx, {
      action: input.unlock ? 'unlock' : 'update',
      entity: 'user',
      entityId: id,
      areaId: after.homeAreaId,
      before: { ...auditShape(user, roles), lockedUntil: user.lockedUntil },
      after: { ...auditShape(after, roles), lockedUntil: after.lockedUntil },
    });
  });
  return getUser(ctx, id);
}

/**
 * Replaces the account's roles that the caller controls; assignments outside the caller's scope
 * or above their rank are kept as they are.
 */
export async function setUserRoles(ctx: RequestContext, id: number, requested: RoleAssignmentInput[]): Promise<UserView> {
  await inTransaction(ctx, async (tx) => {
    const { actor, scope, user, roles } = await loadManageable(tx, ctx, id);
    const wanted = await resolveAssignments(tx, actor, scope, requested);
    const controlled = roles.filter((r) => canAssignRole(actor, scope, r.role, r.areaPath));
    const wantedKeys = new Set(wanted.map((r) => `${r.role}@${r.areaId}`));
    const existingKeys = new Set(roles.map((r) => `${r.role}@${r.areaId}`));
    for (const r of controlled) {
      if (!wantedKeys.has(`${r.role}@${r.areaId}`)) {
        await tx.deleteFrom('role_assignments').where('user_id', '=', id).where('role', '=', r.role).where('area_id', '=', r.areaId).execute();
      }
    }
    const toAdd = wanted.filter((r) => !existingKeys.has(`${r.role}@${r.areaId}`));
    if (toAdd.length > 0) {
      await tx.insertInto('role_assignments').values(toAdd.map((r) => ({ user_id: id, role: r.role, area_id: r.areaId }))).execute();
    }
    const after = await listRolesOfUsers(tx, [id]);
    await appendAudit(tx, ctx, { action: 'assign_roles', entity: 'user', entityId: id, areaId: user.homeAreaId, before: auditShape(user, roles), after: auditShape(user, after) });
  });
  return getUser(ctx, id);
}

export async function resetUserPassword(ctx: RequestContext, id: number, newPassword: string): Promise<void> {
  const passwordHash = await hashPassword(newPassword);
  await inTransaction(ctx, async (tx) => {
    const { actor, user } = await loadManageable(tx, ctx, id);
    if (actor.id === id) throw new AppError('forbidden', '请在“修改密码”中修改自己的密码');
    assertPasswordPolicy(newPassword, ctx.config.passwordPolicy, user.username, 'newPassword');
    await tx
      .updateTable('users')
      .set({ password_hash: passwordHash, must_change_password: true, failed_logins: 0, locked_until: null, password_changed_at: ctx.clock(), updated_at: ctx.clock() })
      .where('id', '=', id)
      .execute();
    await tx.deleteFrom('sessions').where('user_id', '=', id).execute();
    await appendAudit(tx, ctx, { action: 'reset_password', entity: 'user', entityId: id, areaId: user.homeAreaId });
  });
}

/** The full phone number, for a caller allowed to see it; every reveal is an audit row. */
export async function revealUserPhone(ctx: RequestContext, id: number): Promise<{ phone: string | null }> {
  const actor = requirePermission(ctx, 'user.reveal_phone');
  const scope = requireScope(ctx);
  return inTransaction(ctx, async (tx) => {
    const user = await findUser(tx, scope, id);
    if (!user) throw notFound('用户');
    if (!canRevealPhone(actor, scope, user)) throw forbidden();
    await appendAudit(tx, ctx, { action: 'read_sensitive', entity: 'user', entityId: id, areaId: user.homeAreaId, after: { fields: ['phone'] } });
    return { phone: user.phoneEnc ? ctx.cipher.decrypt(user.phoneEnc) : null };
  });
}
