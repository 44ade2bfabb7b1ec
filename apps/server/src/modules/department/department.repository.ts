import { sql } from 'kysely';
import type { AreaLevel, DepartmentKind, DepartmentLevel } from '@redgrid/contracts';
import type { Scope } from '../../platform/context.ts';
import { ownedInsert, scopedDelete, scopedFrom, scopedUpdate, type Db } from '../../platform/data-access.ts';

export interface DepartmentRow {
  id: number;
  name: string;
  kind: DepartmentKind;
  level: DepartmentLevel;
  areaId: number;
  areaName: string;
  areaCode: string;
  areaLevel: AreaLevel;
  areaPath: string;
  phone: string | null;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface DepartmentFilter {
  kind?: DepartmentKind | undefined;
  /** Materialised path of an area: departments owned by, or serving, an area in its subtree. */
  areaPath?: string | undefined;
  active?: boolean | undefined;
  q?: string | undefined;
}

export interface NewDepartment {
  name: string;
  kind: DepartmentKind;
  level: DepartmentLevel;
  areaId: number;
  phone: string | null;
}

export interface DepartmentChanges {
  name?: string;
  kind?: DepartmentKind;
  phone?: string | null;
  active?: boolean;
  at: Date;
}

/** Departments and their served areas in the caller's scope (see OWNERS: the owning area, or the department itself). */
export function departmentRepository(db: Db, scope: Scope) {
  const departments = () =>
    scopedFrom(db, scope, 'departments as d')
      .innerJoin('areas as o', 'o.id', 'd.area_id')
      .select([
        'd.id',
        'd.name',
        'd.kind',
        'd.level',
        'd.area_id as areaId',
        'o.name as areaName',
        'o.code as areaCode',
        'o.level as areaLevel',
        'o.path as areaPath',
        'd.phone',
        'd.active',
        'd.created_at as createdAt',
        'd.updated_at as updatedAt',
      ]);

  const filtered = (f: DepartmentFilter) => {
    let query = departments();
    if (f.kind) query = query.where('d.kind', '=', f.kind);
    if (f.active !== undefined) query = query.where('d.active', '=', f.active);
    if (f.q) query = query.where('d.name', 'like', `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    if (f.areaPath) {
      const prefix = `${f.areaPath}%`;
      query = query.where((eb) =>
        eb.or([
          eb('o.path', 'like', prefix),
          eb.exists(eb.selectFrom('department_areas as x').innerJoin('areas as y', 'y.id', 'x.area_id').select('x.area_id').whereRef('x.department_id', '=', 'd.id').where('y.path', 'like', prefix)),
        ]),
      );
    }
    return query;
  };

  return {
    async list(f: DepartmentFilter, page: number, pageSize: number): Promise<{ items: DepartmentRow[]; total: number }> {
      const base = filtered(f);
      const [items, count] = await Promise.all([
        base.orderBy('o.path').orderBy('d.level').orderBy('d.kind').orderBy('d.name').limit(pageSize).offset((page - 1) * pageSize).execute(),
        base.clearSelect().select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items, total: count.n };
    },

    find(id: number): Promise<DepartmentRow | undefined> {
      return departments().where('d.id', '=', id).executeTakeFirst();
    },

    /** Locks the row for the rest of the transaction, so concurrent edits of one department queue. */
    findForUpdate(id: number): Promise<DepartmentRow | undefined> {
      return departments().where('d.id', '=', id).forUpdate('d').executeTakeFirst();
    },

    /** The areas the given departments serve (those rows the scope reaches). */
    servedAreas(departmentIds: readonly number[]) {
      if (departmentIds.length === 0) return Promise.resolve([]);
      return scopedFrom(db, scope, 'department_areas as da')
        .innerJoin('areas as a', 'a.id', 'da.area_id')
        .select(['da.department_id as departmentId', 'a.id', 'a.name', 'a.code', 'a.level'])
        .where('da.department_id', 'in', [...departmentIds])
        .orderBy('a.path')
        .execute();
    },

    /** Accounts whose dept_staff assignment names one of the departments, where the assignment is in scope. */
    staff(departmentIds: readonly number[]) {
      if (departmentIds.length === 0) return Promise.resolve([]);
      return scopedFrom(db, scope, 'role_assignments as r')
        .innerJoin('users as u', 'u.id', 'r.user_id')
        .innerJoin('areas as a', 'a.id', 'r.area_id')
        .select(['r.department_id as departmentId', 'u.id as userId', 'u.username', 'u.display_name as displayName', 'a.name as areaName', 'u.disabled'])
        .where('r.role', '=', 'dept_staff')
        .where('r.department_id', 'in', [...departmentIds])
        .orderBy('u.username')
        .execute();
    },

    /** Areas by id that the scope reaches (a missing id is out of scope or does not exist). */
    areas(areaIds: readonly number[]) {
      if (areaIds.length === 0) return Promise.resolve([]);
      return scopedFrom(db, scope, 'areas as a').select(['a.id', 'a.name', 'a.code', 'a.level', 'a.path', 'a.status']).where('a.id', 'in', [...areaIds]).execute();
    },

    /**
     * Serialises changes that touch the departments of one kind (create, served areas, kind, activation)
     * until the transaction ends, so two of them cannot both pass the "one department of a kind per
     * served area" check.
     */
    async lockKind(kind: DepartmentKind): Promise<void> {
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`redgrid:departments:${kind}`}))`.execute(db);
    },

    async insert(d: NewDepartment, at: Date): Promise<number> {
      const row = await ownedInsert(db, scope, 'departments')
        .values({ name: d.name, kind: d.kind, level: d.level, area_id: d.areaId, phone: d.phone, created_at: at, updated_at: at })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },

    async update(id: number, c: DepartmentChanges): Promise<void> {
      await scopedUpdate(db, scope, 'departments')
        .set({
          ...(c.name !== undefined ? { name: c.name } : {}),
          ...(c.kind !== undefined ? { kind: c.kind } : {}),
          ...(c.phone !== undefined ? { phone: c.phone } : {}),
          ...(c.active !== undefined ? { active: c.active } : {}),
          updated_at: c.at,
        })
        .where('id', '=', id)
        .execute();
    },

    /** Replaces the department's served areas with these. */
    async replaceServedAreas(departmentId: number, areaIds: readonly number[]): Promise<void> {
      await scopedDelete(db, scope, 'department_areas').where('department_id', '=', departmentId).execute();
      if (areaIds.length === 0) return;
      await ownedInsert(db, scope, 'department_areas')
        .values(areaIds.map((areaId) => ({ department_id: departmentId, area_id: areaId })))
        .execute();
    },
  };
}
