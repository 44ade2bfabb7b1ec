import type { CreateUser, RoleAssignmentInput, UpdateUser, UserListQuery, UserView } from '@redgrid/contracts';
import { cnMobileSchema } from '@redgrid/contracts';
import type { Actor, RequestContext, Scope } from '../../platform/context.ts';
import { listRolesOfUsers, usernameTaken, type RoleOfUser } from '../../platform/cross-scope.repository.ts';
import { maskPhone, type FieldCipher } from '../../platform/crypto.ts';
import { AppError, forbidden, notFound, pgErrorCode } from '../../platform/errors.ts';
import { assertPasswordPolicy, hashPassword } from '../../platform/password.ts';
import { securityPolicyRepository } from '../../platform/security-policy.ts';
import { read, write, type Unit } from '../../platform/unit-of-work.ts';
import { departmentsForAssignment } from '../department/index.ts';
import { abilitiesFor, canAssignRole, canManageUser, canRevealPhone } from './user.policy.ts';
import { userRepository, type UserRecord } from './user.repository.ts';

type UserRoleRecord = RoleOfUser;

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
    roles: mine.map(({ role, areaId, areaCode, areaName, areaLevel, departmentId, departmentName }) => ({ role, areaId, areaCode, areaName, areaLevel, departmentId: departmentId ?? null, departmentName: departmentName ?? null })),
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
    roles: roles.filter((r) => r.userId === user.id).map((r) => `${r.role}@${r.areaCode}${r.departmentName ? `（${r.departmentName}）` : ''}`),
  };
}

export async function listUsers(ctx: RequestContext, query: UserListQuery) {
  return read(ctx, 'user.read', async ({ actor, scope, use }) => {
    const users = use(userRepository);
    let areaPath: string | undefined;
    if (query.areaId !== undefined) {
      const [area] = await users.areaPaths([query.areaId]);
      if (!area) throw notFound('区域');
      areaPath = area.path;
    }
    // Every index the phone may carry: rows not yet moved by a key rotation are still found.
    const phone = query.q && cnMobileSchema.safeParse(query.q).success ? ctx.cipher.blindIndexCandidates(query.q) : undefined;
    const { items, total } = await users.list({ q: query.q, phoneIndexes: phone, areaPath, role: query.role }, query.page, query.pageSize);
    const roles = await use((db) => listRolesOfUsers(db, items.map((u) => u.id)));
    return { items: items.map((u) => present(actor, scope, u, roles, ctx.clock())), total, page: query.page, pageSize: query.pageSize };
  });
}

export async function getUser(ctx: RequestContext, id: number): Promise<UserView> {
  return read(ctx, 'user.read', (unit) => loadView(ctx, unit, id));
}

async function loadView(ctx: RequestContext, { actor, scope, use }: Unit, id: number): Promise<UserView> {
  const user = await use(userRepository).find(id);
  if (!user) throw notFound('用户');
  return present(actor, scope, user, await use((db) => listRolesOfUsers(db, [id])), ctx.clock());
}

/** An assignment as stored: a dept_staff one names its department, no other role does. */
interface Assignment {
  role: RoleAssignmentInput['role'];
  areaId: number;
  departmentId: number | null;
}

const assignmentKey = (r: { role: string; areaId: number; departmentId?: number | null | undefined }) => `${r.role}@${r.areaId}#${r.departmentId ?? ''}`;

/**
 * Checks every requested assignment against the caller's scope and rank; field errors name the row.
 * A dept_staff assignment names an active department whose owning area the caller's scope reaches, and
 * sits on that area or an area inside it (部门报到: staff of 戚墅堰派出所 work in 戚墅堰街道).
 */
async function resolveAssignments(unit: Unit, roles: RoleAssignmentInput[], held: ReadonlySet<string> = new Set()): Promise<Assignment[]> {
  const { actor, scope, use } = unit;
  const paths = new Map((await use(userRepository).areaPaths([...new Set(roles.map((r) => r.areaId))])).map((a) => [a.id, a.path]));
  const wanted = roles.flatMap((r) => (r.departmentId != null ? [r.departmentId] : []));
  const depts = new Map((await departmentsForAssignment(unit, wanted)).map((d) => [d.id, d]));
  const fields: Record<string, string[]> = {};
  roles.forEach((r, i) => {
    const path = paths.get(r.areaId);
    if (!path) fields[`roles.${i}.areaId`] = ['区域不存在或不在您的管辖范围内'];
    else if (!canAssignRole(actor, scope, r.role, path)) fields[`roles.${i}.role`] = ['您不能分配这个角色'];
    else if (r.role !== 'dept_staff' && r.departmentId != null) fields[`roles.${i}.departmentId`] = ['只有部门人员角色选择所属部门'];
    else if (r.role === 'dept_staff') {
      const d = r.departmentId != null ? depts.get(r.departmentId) : undefined;
      if (r.departmentId == null) fields[`roles.${i}.departmentId`] = ['部门人员须选择所属部门'];
      else if (!d) fields[`roles.${i}.departmentId`] = ['部门不存在或不在您的管辖范围内'];
      // An assignment the account already holds stays assignable when its department has been deactivated since.
      else if (!d.active && !held.has(assignmentKey(r))) fields[`roles.${i}.departmentId`] = [`${d.name}已停用`];
      else if (!path.startsWith(d.areaPath)) fields[`roles.${i}.areaId`] = [`部门人员的区域须在${d.name}所属区域之内`];
    }
  });
  if (Object.keys(fields).length > 0) throw new AppError('validation_failed', '角色分配有误', { fields });
  const unique = new Map(roles.map((r) => [`${r.role}@${r.areaId}`, { role: r.role, areaId: r.areaId, departmentId: r.role === 'dept_staff' ? (r.departmentId ?? null) : null }]));
  return [...unique.values()];
}

function sealedPhone(cipher: FieldCipher, phone: string | null) {
  return phone ? { enc: cipher.encrypt(phone), bidx: cipher.blindIndex(phone), masked: maskPhone(phone) } : null;
}

const usernameInUse = () => new AppError('conflict', '用户名已被使用', { fields: { username: ['用户名已被使用'] } });
const homeOutOfScope = () => new AppError('validation_failed', '所属区域不在您的管辖范围内', { fields: { homeAreaId: ['区域不存在或不在您的管辖范围内'] } });

export async function createUser(ctx: RequestContext, input: CreateUser): Promise<UserView> {
  const { passwordPolicy } = await read(ctx, 'user.manage', (unit) => unit.use(securityPolicyRepository).inForce(ctx.config));
  assertPasswordPolicy(input.password, passwordPolicy, input.username);
  const passwordHash = await hashPassword(input.password);
  return write(ctx, 'user.manage', async (unit) => {
    const users = unit.use(userRepository);
    const [home] = await users.areaPaths([input.homeAreaId]);
    if (!home) throw homeOutOfScope();
    const roles = await resolveAssignments(unit, input.roles);
    if (await unit.use((db) => usernameTaken(db, input.username))) throw usernameInUse();
    const id = await users
      .insert({
        username: input.username,
        displayName: input.displayName,
        passwordHash,
        phone: sealedPhone(ctx.cipher, input.phone ?? null),
        homeAreaId: input.homeAreaId,
        // An account made by someone else starts with a password that person knows.
        mustChangePassword: ctx.config.mode === 'production',
      })
      .catch((err: unknown) => {
        if (pgErrorCode(err) === '23505') throw usernameInUse();
        throw err;
      });
    await users.addRoles(id, roles);
    const created = await users.find(id);
    if (!created) throw new Error('created user vanished');
    await unit.audit({ action: 'create', entity: 'user', entityId: id, areaId: input.homeAreaId, after: auditShape(created, await unit.use((db) => listRolesOfUsers(db, [id]))) });
    return loadView(ctx, unit, id);
  });
}

/** The account, locked for this transaction, if the caller may change it. */
async function loadManageable({ actor, scope, use }: Unit, id: number) {
  const user = await use(userRepository).findForUpdate(id);
  if (!user) throw notFound('用户');
  const roles = await use((db) => listRolesOfUsers(db, [id]));
  if (!canManageUser(actor, scope, { id, homeAreaPath: user.homeAreaPath, roles })) throw forbidden('您不能修改这个账号');
  return { user, roles };
}

export async function updateUser(ctx: RequestContext, id: number, input: UpdateUser): Promise<UserView> {
  return write(ctx, 'user.manage', async (unit) => {
    const users = unit.use(userRepository);
    const { user, roles } = await loadManageable(unit, id);
    if (input.disabled === true && unit.actor.id === id) throw new AppError('validation_failed', '不能停用自己的账号', { fields: { disabled: ['不能停用自己的账号'] } });
    if (input.homeAreaId !== undefined) {
      const [home] = await users.areaPaths([input.homeAreaId]);
      if (!home) throw homeOutOfScope();
    }
    await users.update(id, {
      ...(input.displayName !== undefined ? { displayName: input.displayName } : {}),
      ...(input.disabled !== undefined ? { disabled: input.disabled } : {}),
      ...(input.homeAreaId !== undefined ? { homeAreaId: input.homeAreaId } : {}),
      ...(input.unlock ? { unlock: true } : {}),
      ...(input.phone !== undefined ? { phone: sealedPhone(ctx.cipher, input.phone) } : {}),
      at: ctx.clock(),
    });
    if (input.disabled === true) await users.endSessions(id);
    const after = await users.find(id);
    if (!after) throw new Error('updated user vanished');
    await unit.audit({
      action: input.unlock ? 'unlock' : 'update',
      entity: 'user',
      entityId: id,
      areaId: after.homeAreaId,
      before: { ...auditShape(user, roles), lockedUntil: user.lockedUntil },
      after: { ...auditShape(after, roles), lockedUntil: after.lockedUntil },
    });
    return loadView(ctx, unit, id);
  });
}

/**
 * Replaces the account's roles that the caller controls; assignments outside the caller's scope
 * or above their rank are kept as they are.
 */
export async function setUserRoles(ctx: RequestContext, id: number, requested: RoleAssignmentInput[]): Promise<UserView> {
  return write(ctx, 'user.manage', async (unit) => {
    const users = unit.use(userRepository);
    const { user, roles } = await loadManageable(unit, id);
    const wanted = await resolveAssignments(unit, requested, new Set(roles.map(assignmentKey)));
    const controlled = roles.filter((r) => canAssignRole(unit.actor, unit.scope, r.role, r.areaPath));
    // A dept_staff assignment moved to another department on the same area is removed, then added anew.
    const wantedKeys = new Set(wanted.map(assignmentKey));
    const removed = controlled.filter((r) => !wantedKeys.has(assignmentKey(r)));
    for (const r of removed) await users.removeRole(id, r.role, r.areaId);
    const kept = new Set(roles.filter((r) => !removed.includes(r)).map((r) => `${r.role}@${r.areaId}`));
    await users.addRoles(id, wanted.filter((r) => !kept.has(`${r.role}@${r.areaId}`)));
    const after = await unit.use((db) => listRolesOfUsers(db, [id]));
    await unit.audit({ action: 'assign_roles', entity: 'user', entityId: id, areaId: user.homeAreaId, before: auditShape(user, roles), after: auditShape(user, after) });
    return loadView(ctx, unit, id);
  });
}

export async function resetUserPassword(ctx: RequestContext, id: number, newPassword: string): Promise<void> {
  const passwordHash = await hashPassword(newPassword);
  await write(ctx, 'user.manage', async (unit) => {
    const users = unit.use(userRepository);
    const { user } = await loadManageable(unit, id);
    if (unit.actor.id === id) throw new AppError('forbidden', '请在“修改密码”中修改自己的密码');
    assertPasswordPolicy(newPassword, (await unit.use(securityPolicyRepository).inForce(ctx.config)).passwordPolicy, user.username, 'newPassword');
    // The replaced password joins the account's history: its owner may not bring it back.
    await users.rememberPassword(id, Math.max(ctx.config.passwordHistory, 1) - 1, ctx.clock());
    await users.update(id, { passwordHash, mustChangePassword: true, at: ctx.clock() });
    await users.endSessions(id);
    await unit.audit({ action: 'reset_password', entity: 'user', entityId: id, areaId: user.homeAreaId });
  });
}

/** The full phone number, for a caller allowed to see it; every reveal is an audit row. */
export async function revealUserPhone(ctx: RequestContext, id: number): Promise<{ phone: string | null }> {
  return write(ctx, 'user.reveal_phone', async (unit) => {
    const user = await unit.use(userRepository).find(id);
    if (!user) throw notFound('用户');
    if (!canRevealPhone(unit.actor, unit.scope, user)) throw forbidden();
    await unit.audit({ action: 'read_sensitive', entity: 'user', entityId: id, areaId: user.homeAreaId, after: { fields: ['phone'] } });
    return { phone: user.phoneEnc ? ctx.cipher.decrypt(user.phoneEnc) : null };
  });
}
