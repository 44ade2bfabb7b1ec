import {
  DEPARTMENT_KIND_LABELS,
  DEPARTMENT_OWNER_LEVEL,
  DEPARTMENT_SERVED_LEVELS,
  type CreateDepartment,
  type DepartmentKind,
  type DepartmentListQuery,
  type DepartmentView,
  type UpdateDepartment,
} from '@redgrid/contracts';
import { subtreeRoots, type Actor, type RequestContext, type Scope } from '../../platform/context.ts';
import { activeDepartmentsServing } from '../../platform/cross-scope.repository.ts';
import { AppError, notFound, pgErrorCode, validationFailed } from '../../platform/errors.ts';
import { pathInScope } from '../../platform/scope.ts';
import { read, write, type Unit, type WriteUnit } from '../../platform/unit-of-work.ts';
import { departmentRepository, type DepartmentRow } from './department.repository.ts';

/*
 * Departments (职能部门) for "社区吹哨、部门报到". Who sees one: the admins and grid leaders of the area
 * that set it up (area axis), and its own staff (department axis). A dept_staff role also sits on an
 * area (a police station reads the population of the areas it serves), but that area does not show
 * them the other departments set up there: department staff see their own department, not every
 * department of the street. Who changes one: department.manage on the owning area.
 */

/** Areas from the caller's roles other than dept_staff (inside their scope), plus their departments. */
function readingScope(actor: Actor, scope: Scope): Scope {
  const areas = subtreeRoots(actor.roles.filter((r) => r.role !== 'dept_staff').map((r) => r.areaPath)).filter((p) => pathInScope(scope, p));
  return { areas, departments: scope.departments, partyOrgs: [] };
}

/** Changes go through the owning area only: a department's own staff do not re-shape it. */
function managingScope(actor: Actor, scope: Scope): Scope {
  return { ...readingScope(actor, scope), departments: [] };
}

function canManage(actor: Actor, scope: Scope, d: Pick<DepartmentRow, 'areaPath'>): boolean {
  return actor.permissions.has('department.manage') && pathInScope(managingScope(actor, scope), d.areaPath);
}

const isEmpty = (s: Scope) => s.areas.length === 0 && s.departments.length === 0;

function departments(unit: Unit, scope: Scope) {
  return unit.use((db) => departmentRepository(db, scope));
}

async function present(unit: Unit, rows: DepartmentRow[]): Promise<DepartmentView[]> {
  const repo = departments(unit, readingScope(unit.actor, unit.scope));
  const ids = rows.map((r) => r.id);
  const [served, staff] = await Promise.all([repo.servedAreas(ids), unit.scope.areas.length > 0 ? unit.use(departmentRepository).staff(ids) : Promise.resolve([])]);
  return rows.map((d) => ({
    id: d.id,
    name: d.name,
    kind: d.kind,
    level: d.level,
    area: { id: d.areaId, name: d.areaName, code: d.areaCode, level: d.areaLevel },
    phone: d.phone,
    active: d.active,
    servedAreas: served.filter((s) => s.departmentId === d.id).map(({ id, name, code, level }) => ({ id, name, code, level })),
    staff: staff.filter((s) => s.departmentId === d.id).map(({ userId, username, displayName, areaName, disabled }) => ({ userId, username, displayName, areaName, disabled })),
    abilities: { manage: canManage(unit.actor, unit.scope, d) },
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  }));
}

export async function listDepartments(ctx: RequestContext, query: DepartmentListQuery) {
  return read(ctx, 'department.read', async (unit) => {
    const scope = readingScope(unit.actor, unit.scope);
    const empty = { items: [], total: 0, page: query.page, pageSize: query.pageSize };
    let areaPath: string | undefined;
    if (query.areaId !== undefined) {
      const [area] = await unit.use(departmentRepository).areas([query.areaId]);
      if (!area) throw notFound('区域');
      areaPath = area.path;
    }
    // A dept_staff assignment made before departments existed names none: such an account sees no department.
    if (isEmpty(scope)) return empty;
    const filter = { kind: query.kind, areaPath, q: query.q, active: query.active === undefined ? undefined : query.active === 'true' };
    const { items, total } = await departments(unit, scope).list(filter, query.page, query.pageSize);
    return { items: await present(unit, items), total, page: query.page, pageSize: query.pageSize };
  });
}

async function loadView(unit: Unit, id: number): Promise<DepartmentView> {
  const scope = readingScope(unit.actor, unit.scope);
  const found = isEmpty(scope) ? undefined : await departments(unit, scope).find(id);
  if (!found) throw notFound('部门');
  const [view] = await present(unit, [found]);
  if (!view) throw notFound('部门');
  return view;
}

export async function getDepartment(ctx: RequestContext, id: number): Promise<DepartmentView> {
  return read(ctx, 'department.read', (unit) => loadView(unit, id));
}

/**
 * Checks the served areas: each inside the owning area's subtree (the owner itself included), in the
 * caller's scope, an area a department can serve (not a building or unit) and not retired. Field
 * errors name the offending entry.
 */
async function checkServedAreas(unit: WriteUnit, owner: { areaPath: string }, areaIds: readonly number[], field: string): Promise<number[]> {
  const unique = [...new Set(areaIds)];
  const found = new Map((await departments(unit, managingScope(unit.actor, unit.scope)).areas(unique)).map((a) => [a.id, a]));
  const fields: Record<string, string[]> = {};
  areaIds.forEach((id, i) => {
    const a = found.get(id);
    if (!a) fields[`${field}.${i}`] = ['区域不存在或不在您的管辖范围内'];
    else if (!a.path.startsWith(owner.areaPath)) fields[`${field}.${i}`] = [`${a.name}不在本部门所属区域的范围内`];
    else if (!(DEPARTMENT_SERVED_LEVELS as readonly string[]).includes(a.level)) fields[`${field}.${i}`] = ['部门服务的是区域（区、街道、社区、网格），不是楼栋或单元'];
    else if (a.status !== 'active') fields[`${field}.${i}`] = [`${a.name}已撤销`];
  });
  if (Object.keys(fields).length > 0) throw validationFailed(fields, '服务区域有误');
  return unique;
}

/** One active department of a kind per served area, whoever set it up: routing must find one, not two. */
async function checkNoOtherServes(unit: WriteUnit, kind: DepartmentKind, areaIds: readonly number[], self: number | null, field: string): Promise<void> {
  await departments(unit, managingScope(unit.actor, unit.scope)).lockKind(kind);
  const others = (await unit.use((db) => activeDepartmentsServing(db, kind, areaIds))).filter((d) => d.id !== self);
  const first = others[0];
  if (first) {
    const label = DEPARTMENT_KIND_LABELS[kind]['zh-CN'];
    throw new AppError('conflict', `${first.servedAreaName}已由${first.name}负责${label}事务，一个区域同类部门只能有一个`, {
      fields: { [field]: [`${first.servedAreaName}已有同类部门：${first.name}`] },
    });
  }
}

const duplicateName = () => new AppError('conflict', '同一区域下已有同名部门', { fields: { name: ['同一区域下已有同名部门'] } });

function auditShape(d: DepartmentRow, served: readonly number[]) {
  return { name: d.name, kind: d.kind, level: d.level, areaId: d.areaId, phone: d.phone, active: d.active, servedAreaIds: [...served] };
}

async function servedIds(unit: Unit, id: number): Promise<number[]> {
  return (await departments(unit, readingScope(unit.actor, unit.scope)).servedAreas([id])).map((a) => a.id);
}

/** Loads a department the caller may change, locked for the rest of the transaction. */
async function loadManageable(unit: WriteUnit, id: number): Promise<DepartmentRow> {
  const scope = readingScope(unit.actor, unit.scope);
  const found = isEmpty(scope) ? undefined : await departments(unit, scope).findForUpdate(id);
  if (!found) throw notFound('部门');
  if (!canManage(unit.actor, unit.scope, found)) throw new AppError('forbidden', '您不能修改这个部门');
  return found;
}

export async function createDepartment(ctx: RequestContext, input: CreateDepartment): Promise<DepartmentView> {
  return write(ctx, 'department.manage', async (unit) => {
    const scope = managingScope(unit.actor, unit.scope);
    if (isEmpty(scope)) throw new AppError('forbidden', '您没有可设立部门的区域');
    const repo = departments(unit, scope);
    const [owner] = await repo.areas([input.areaId]);
    if (!owner) throw validationFailed({ areaId: ['区域不存在或不在您的管辖范围内'] });
    const ownerLevel = DEPARTMENT_OWNER_LEVEL[input.level];
    if (owner.level !== ownerLevel) {
      throw validationFailed({ areaId: [input.level === 'district' ? '区（县）级部门须设在区（县）' : '街道（镇）站所须设在街道（镇）'] });
    }
    const served = await checkServedAreas(unit, { areaPath: owner.path }, input.servedAreaIds, 'servedAreaIds');
    await checkNoOtherServes(unit, input.kind, served, null, 'servedAreaIds');
    const id = await repo
      .insert({ name: input.name, kind: input.kind, level: input.level, areaId: owner.id, phone: input.phone ?? null }, ctx.clock())
      .catch((err: unknown) => {
        if (pgErrorCode(err) === '23505') throw duplicateName();
        throw err;
      });
    await repo.replaceServedAreas(id, served);
    const created = await repo.find(id);
    if (!created) throw new Error('created department vanished');
    await unit.audit({ action: 'create', entity: 'department', entityId: id, areaId: owner.id, after: auditShape(created, served) });
    return loadView(unit, id);
  });
}

export async function updateDepartment(ctx: RequestContext, id: number, input: UpdateDepartment): Promise<DepartmentView> {
  return write(ctx, 'department.manage', async (unit) => {
    const before = await loadManageable(unit, id);
    const served = await servedIds(unit, id);
    if (input.kind !== undefined && input.kind !== before.kind && before.active) await checkNoOtherServes(unit, input.kind, served, id, 'kind');
    const repo = departments(unit, managingScope(unit.actor, unit.scope));
    await repo
      .update(id, {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.kind !== undefined ? { kind: input.kind } : {}),
        ...(input.phone !== undefined ? { phone: input.phone } : {}),
        at: ctx.clock(),
      })
      .catch((err: unknown) => {
        if (pgErrorCode(err) === '23505') throw duplicateName();
        throw err;
      });
    const after = await repo.find(id);
    if (!after) throw new Error('updated department vanished');
    await unit.audit({ action: 'update', entity: 'department', entityId: id, areaId: before.areaId, before: auditShape(before, served), after: auditShape(after, served) });
    return loadView(unit, id);
  });
}

/**
 * Activates or deactivates a department. A deactivated one receives no more cases (routing skips it);
 * its staff keep their accounts and still see what was dispatched to it.
 */
export async function setDepartmentActive(ctx: RequestContext, id: number, active: boolean): Promise<DepartmentView> {
  return write(ctx, 'department.manage', async (unit) => {
    const before = await loadManageable(unit, id);
    if (before.active === active) return loadView(unit, id);
    const served = await servedIds(unit, id);
    if (active) await checkNoOtherServes(unit, before.kind, served, id, 'active');
    await departments(unit, managingScope(unit.actor, unit.scope)).update(id, { active, at: ctx.clock() });
    await unit.audit({ action: active ? 'activate' : 'deactivate', entity: 'department', entityId: id, areaId: before.areaId, before: { active: before.active }, after: { active } });
    return loadView(unit, id);
  });
}

/** Replaces the areas a department serves. */
export async function setDepartmentAreas(ctx: RequestContext, id: number, areaIds: readonly number[]): Promise<DepartmentView> {
  return write(ctx, 'department.manage', async (unit) => {
    const before = await loadManageable(unit, id);
    const was = await servedIds(unit, id);
    const served = await checkServedAreas(unit, before, areaIds, 'areaIds');
    if (before.active) await checkNoOtherServes(unit, before.kind, served, id, 'areaIds');
    await departments(unit, managingScope(unit.actor, unit.scope)).replaceServedAreas(id, served);
    await unit.audit({ action: 'set_areas', entity: 'department', entityId: id, areaId: before.areaId, before: { servedAreaIds: was }, after: { servedAreaIds: served } });
    return loadView(unit, id);
  });
}
