import type { DepartmentKind, DepartmentView } from '@redgrid/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { asSystem, systemContext } from '../../platform/unit-of-work.ts';
import { areaIdByCode, loginAs, useTestApp, type Session } from '../../../test/harness.ts';
import { departmentFor } from './index.ts';

const ctx = useTestApp();

const QSY = '320412001000'; // 戚墅堰街道
const ZB = '320412001001'; // 站北社区, in 戚墅堰街道
const WD = '320412001003'; // 圩墩社区, in 戚墅堰街道
const LSH = '320412002002'; // 蓝山湖社区, in 丁堰街道

let qsy: Session;
let jk: Session;
let pcs: Session;
let cg: Session;
let area: Record<'qsy' | 'zb' | 'wd' | 'lsh' | 'district', number>;

beforeAll(async () => {
  const { t } = ctx;
  [qsy, jk, pcs, cg] = await Promise.all([loginAs(t.app, 'qsy_admin'), loginAs(t.app, 'jk_admin'), loginAs(t.app, 'pcs_staff'), loginAs(t.app, 'cg_staff')]);
  area = {
    qsy: await areaIdByCode(t.database, QSY),
    zb: await areaIdByCode(t.database, ZB),
    wd: await areaIdByCode(t.database, WD),
    lsh: await areaIdByCode(t.database, LSH),
    district: await areaIdByCode(t.database, '320412000000'),
  };
});

async function list(session: Session, query = ''): Promise<DepartmentView[]> {
  const res = await ctx.t.app.inject({ url: `/api/departments?pageSize=200${query}`, headers: session.headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ items: DepartmentView[] }>().items;
}

async function idOf(name: string): Promise<number> {
  const row = await ctx.t.database.db.selectFrom('departments').select('id').where('name', '=', name).executeTakeFirstOrThrow();
  return row.id;
}

const route = (kind: DepartmentKind, areaId: number) =>
  asSystem(systemContext(ctx.t.deps, ctx.t.app.log), (unit) => departmentFor(unit, { kind, areaId }));

describe('who sees which department', () => {
  it('shows department staff their own department, not the others set up in the same street', async () => {
    const mine = await list(pcs);
    expect(mine.map((d) => d.name)).toEqual(['戚墅堰派出所']);
    expect(mine[0]).toMatchObject({ kind: 'public_security', level: 'town', active: true, area: { code: QSY }, abilities: { manage: false } });
    expect(mine[0]?.servedAreas.map((a) => a.code)).toEqual(expect.arrayContaining([ZB, WD]));
    expect(mine[0]?.staff.map((s) => s.username)).toEqual(['pcs_staff']);
    expect((await list(cg)).map((d) => d.name)).toEqual(['戚墅堰城管中队']);

    // The squad is set up by the same street that pcs_staff's role sits on, and still not theirs to see.
    const squad = await idOf('戚墅堰城管中队');
    expect((await ctx.t.app.inject({ url: `/api/departments/${squad}`, headers: pcs.headers })).statusCode).toBe(404);
    expect((await ctx.t.app.inject({ url: `/api/departments/${squad}`, headers: cg.headers })).statusCode).toBe(200);
  });

  it('puts the department on the session: the scope reaches it, the account shows it', async () => {
    expect(pcs.body.user.roles).toEqual([expect.objectContaining({ role: 'dept_staff', areaCode: QSY, departmentName: '戚墅堰派出所', departmentId: await idOf('戚墅堰派出所') })]);
  });

  it('shows an area admin the departments their area set up, and a district admin every one', async () => {
    const street = await list(qsy);
    expect(street.map((d) => d.name).sort()).toEqual(['戚墅堰城管中队', '戚墅堰市场监管所', '戚墅堰派出所'].sort());
    expect(street.every((d) => d.abilities.manage)).toBe(true);
    const district = await list(jk);
    expect(district.length).toBe(11 + 6 * 3);
    expect(district.filter((d) => d.level === 'district').map((d) => d.kind)).toEqual(expect.arrayContaining(['public_security', 'urban_management', 'ecology_environment', 'utilities']));
    // Filtered by kind and by an area they work in.
    expect((await list(jk, `&kind=public_security&areaId=${area.zb}`)).map((d) => d.name)).toEqual(['戚墅堰派出所']);
    expect((await list(jk, '&kind=public_security')).length).toBe(7);
  });

  it('refuses department staff and grid workers the manager’s operations', async () => {
    const station = await idOf('戚墅堰派出所');
    const patch = await ctx.t.app.inject({ method: 'PATCH', url: `/api/departments/${station}`, headers: pcs.headers, payload: { name: '改名' } });
    expect(patch.statusCode).toBe(403);
    const worker = await loginAs(ctx.t.app, 'zb_worker');
    expect((await ctx.t.app.inject({ url: '/api/departments', headers: worker.headers })).statusCode).toBe(403);
  });
});

describe('setting up a department', () => {
  const create = (payload: Record<string, unknown>, session = qsy) => ctx.t.app.inject({ method: 'POST', url: '/api/departments', headers: session.headers, payload });

  it('creates a town office serving communities of its street, and audits it', async () => {
    const res = await create({ name: '戚墅堰民政办', kind: 'civil_affairs', level: 'town', areaId: area.qsy, phone: '0519-88001234', servedAreaIds: [area.zb, area.wd] });
    expect(res.statusCode, res.body).toBe(201);
    const made = res.json<DepartmentView>();
    expect(made).toMatchObject({ name: '戚墅堰民政办', phone: '0519-88001234', active: true, area: { id: area.qsy }, abilities: { manage: true } });
    expect(made.servedAreas.map((a) => a.id).sort()).toEqual([area.zb, area.wd].sort());
    const audit = await ctx.t.database.db.selectFrom('audit_log').selectAll().where('entity', '=', 'department').where('entity_id', '=', String(made.id)).execute();
    expect(audit).toEqual([expect.objectContaining({ action: 'create', actor_name: 'qsy_admin', area_id: area.qsy })]);
  });

  it('refuses served areas outside the owning area’s subtree, and writes nothing', async () => {
    const before = await ctx.t.database.db.selectFrom('departments').select('id').execute();
    const res = await create({ name: '越界办', kind: 'justice', level: 'town', areaId: area.qsy, servedAreaIds: [area.zb, area.lsh] });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json().error.details.fields)).toEqual(['servedAreaIds.1']);
    // A district admin has 蓝山湖 in scope, and it is still outside the street that owns the office.
    const district = await create({ name: '越界办', kind: 'justice', level: 'town', areaId: area.qsy, servedAreaIds: [area.lsh] }, jk);
    expect(district.statusCode).toBe(400);
    expect(district.json().error.details.fields['servedAreaIds.0'][0]).toContain('不在本部门所属区域的范围内');
    // A street admin cannot set up a department on the district.
    const above = await create({ name: '越级局', kind: 'justice', level: 'district', areaId: area.district, servedAreaIds: [area.zb] });
    expect(above.statusCode).toBe(400);
    expect(above.json().error.details.fields).toHaveProperty('areaId');
    // A town station is set up in a street, not in a community.
    const level = await create({ name: '社区所', kind: 'justice', level: 'town', areaId: area.zb, servedAreaIds: [area.zb] });
    expect(level.statusCode).toBe(400);
    expect(await ctx.t.database.db.selectFrom('departments').select('id').execute()).toHaveLength(before.length);
  });

  it('keeps one active department of a kind per served area', async () => {
    const twin = await create({ name: '第二派出所', kind: 'public_security', level: 'town', areaId: area.qsy, servedAreaIds: [area.zb] });
    expect(twin.statusCode).toBe(409);
    expect(twin.json().error.message).toContain('戚墅堰派出所');
  });

  it('edits, sets served areas, deactivates and reactivates, each audited', async () => {
    const id = await idOf('戚墅堰民政办');
    const url = `/api/departments/${id}`;
    const edited = await ctx.t.app.inject({ method: 'PATCH', url, headers: qsy.headers, payload: { name: '戚墅堰街道民政办', phone: null } });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ name: '戚墅堰街道民政办', phone: null });
    const served = await ctx.t.app.inject({ method: 'PUT', url: `${url}/areas`, headers: qsy.headers, payload: { areaIds: [area.qsy] } });
    expect(served.json<DepartmentView>().servedAreas.map((a) => a.code)).toEqual([QSY]);
    const outside = await ctx.t.app.inject({ method: 'PUT', url: `${url}/areas`, headers: qsy.headers, payload: { areaIds: [area.lsh] } });
    expect(outside.statusCode).toBe(400);
    const off = await ctx.t.app.inject({ method: 'PUT', url: `${url}/active`, headers: qsy.headers, payload: { active: false } });
    expect(off.json()).toMatchObject({ active: false });
    expect((await list(qsy, '&active=true')).map((d) => d.id)).not.toContain(id);
    const on = await ctx.t.app.inject({ method: 'PUT', url: `${url}/active`, headers: qsy.headers, payload: { active: true } });
    expect(on.json()).toMatchObject({ active: true });
    const actions = await ctx.t.database.db.selectFrom('audit_log').select('action').where('entity', '=', 'department').where('entity_id', '=', String(id)).orderBy('id').execute();
    expect(actions.map((a) => a.action)).toEqual(['create', 'update', 'set_areas', 'deactivate', 'activate']);
  });

  it('answers 404 for a department of another street to its admin', async () => {
    const other = await idOf('丁堰派出所');
    expect((await ctx.t.app.inject({ url: `/api/departments/${other}`, headers: qsy.headers })).statusCode).toBe(404);
    const patch = await ctx.t.app.inject({ method: 'PATCH', url: `/api/departments/${other}`, headers: qsy.headers, payload: { name: '被改名' } });
    expect(patch.statusCode).toBe(404);
  });
});

describe('departmentFor: routing to the nearest serving department', () => {
  it('picks the most specific department serving the area or an area above it', async () => {
    const grid = await ctx.t.database.db.selectFrom('areas').select('id').where('parent_id', '=', area.zb).where('level', '=', 'grid').orderBy('id').executeTakeFirstOrThrow();
    expect(await route('public_security', grid.id)).toMatchObject({ name: '戚墅堰派出所', servedAreaId: area.zb });
    expect(await route('urban_management', grid.id)).toMatchObject({ name: '戚墅堰城管中队', servedAreaId: area.qsy });
    expect(await route('ecology_environment', grid.id)).toMatchObject({ name: '经开区生态环境局', servedAreaId: area.district });
    expect(await route('public_security', area.lsh)).toMatchObject({ name: '丁堰派出所' });
    expect(await route('education', grid.id)).toBeNull();
  });

  it('skips a deactivated department and goes up to the next one', async () => {
    const station = await idOf('戚墅堰派出所');
    const url = `/api/departments/${station}/active`;
    expect((await ctx.t.app.inject({ method: 'PUT', url, headers: qsy.headers, payload: { active: false } })).statusCode).toBe(200);
    expect(await route('public_security', area.zb)).toMatchObject({ name: '经开区公安分局' });
    expect((await ctx.t.app.inject({ method: 'PUT', url, headers: qsy.headers, payload: { active: true } })).statusCode).toBe(200);
    expect(await route('public_security', area.zb)).toMatchObject({ name: '戚墅堰派出所' });
  });
});

describe('assigning department staff (user management)', () => {
  const create = (username: string, roles: unknown[]) =>
    ctx.t.app.inject({ method: 'POST', url: '/api/users', headers: qsy.headers, payload: { username, displayName: '新部门人员', password: 'Grid#2026abc', homeAreaId: area.qsy, roles } });

  it('refuses dept_staff without a department, a department on another role, and a department out of scope', async () => {
    const none = await create('dept_none', [{ role: 'dept_staff', areaId: area.qsy }]);
    expect(none.statusCode).toBe(400);
    expect(none.json().error.details.fields).toEqual({ 'roles.0.departmentId': ['部门人员须选择所属部门'] });
    const station = await idOf('戚墅堰派出所');
    const wrongRole = await create('dept_wrong', [{ role: 'grid_worker', areaId: area.zb, departmentId: station }]);
    expect(wrongRole.json().error.details.fields).toHaveProperty(['roles.0.departmentId']);
    const other = await create('dept_other', [{ role: 'dept_staff', areaId: area.qsy, departmentId: await idOf('丁堰派出所') }]);
    expect(other.statusCode).toBe(400);
    expect(other.json().error.details.fields).toHaveProperty(['roles.0.departmentId']);
    const users = await ctx.t.database.db.selectFrom('users').select('username').where('username', 'like', 'dept_%').execute();
    expect(users).toEqual([]);
  });

  it('assigns staff to a department: they sign in and see it', async () => {
    const station = await idOf('戚墅堰派出所');
    const res = await create('dept_new', [{ role: 'dept_staff', areaId: area.qsy, departmentId: station }]);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().roles).toEqual([expect.objectContaining({ role: 'dept_staff', departmentId: station, departmentName: '戚墅堰派出所' })]);
    const session = await loginAs(ctx.t.app, 'dept_new', 'Grid#2026abc');
    expect((await list(session)).map((d) => d.name)).toEqual(['戚墅堰派出所']);
    expect((await list(qsy)).find((d) => d.id === station)?.staff.map((s) => s.username).sort()).toEqual(['dept_new', 'pcs_staff']);

    // Moved to the squad: the same role on the same area, another department.
    const id = res.json<{ id: number }>().id;
    const squad = await idOf('戚墅堰城管中队');
    const moved = await ctx.t.app.inject({ method: 'PUT', url: `/api/users/${id}/roles`, headers: qsy.headers, payload: { roles: [{ role: 'dept_staff', areaId: area.qsy, departmentId: squad }] } });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().roles).toEqual([expect.objectContaining({ departmentName: '戚墅堰城管中队' })]);

    // The squad is deactivated: its staff keep their assignment through other edits of their roles,
    // and nobody new is assigned to it.
    expect((await ctx.t.app.inject({ method: 'PUT', url: `/api/departments/${squad}/active`, headers: qsy.headers, payload: { active: false } })).statusCode).toBe(200);
    const kept = await ctx.t.app.inject({
      method: 'PUT',
      url: `/api/users/${id}/roles`,
      headers: qsy.headers,
      payload: { roles: [{ role: 'dept_staff', areaId: area.qsy, departmentId: squad }, { role: 'volunteer', areaId: area.zb }] },
    });
    expect(kept.statusCode, kept.body).toBe(200);
    const refused = await create('dept_late', [{ role: 'dept_staff', areaId: area.qsy, departmentId: squad }]);
    expect(refused.json().error.details.fields).toEqual({ 'roles.0.departmentId': ['戚墅堰城管中队已停用'] });
    expect((await ctx.t.app.inject({ method: 'PUT', url: `/api/departments/${squad}/active`, headers: qsy.headers, payload: { active: true } })).statusCode).toBe(200);
  });
});
