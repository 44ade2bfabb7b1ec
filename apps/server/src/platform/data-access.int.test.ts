import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { areaIdByCode, useTestApp } from '../../test/harness.ts';
import { actorFromRoles, EMPTY_SCOPE, type Scope } from './context.ts';
import { EmptyScopeError, ownedBy, ownedInsert, scopedDelete, scopedFrom, scopedUpdate } from './data-access.ts';
import { AppError } from './errors.ts';
import { asSystem, makeContext, read, write } from './unit-of-work.ts';

/**
 * The scope guarantee at its root: a repository built from (db, scope) cannot reach an owned table
 * without the scope, an empty scope is an error (never "everything", never silently "nothing"), and
 * a unit of work checks the permission before any work runs.
 */
const app = useTestApp();
let zbPath: string;
let lshPath: string;

const people = (scope: Scope) => (db: Parameters<typeof scopedFrom>[0]) =>
  scopedFrom(db, scope, 'users as u').select(['u.username']).orderBy('u.username').execute();

beforeAll(async () => {
  const path = async (code: string) =>
    (await app.t.database.db.selectFrom('areas').select('path').where('id', '=', await areaIdByCode(app.t.database, code)).executeTakeFirstOrThrow()).path;
  zbPath = await path('320412001001');
  lshPath = await path('320412002002');
});

function ctxWith(scope: Scope, permissions: string[] = ['user.read']) {
  const actor = { ...actorFromRoles({ id: 1, username: 'x', displayName: 'x' }, [], { mustChangePassword: false, sessionId: null }), permissions: new Set(permissions) } as ReturnType<typeof actorFromRoles>;
  return makeContext(app.t.deps, { actor, scope, log: app.t.app.log, requestId: 'test-request', ip: null });
}

describe('scoped repositories', () => {
  it('refuse an empty scope on every kind of statement', async () => {
    const db = app.t.database.db as unknown as Parameters<typeof scopedFrom>[0];
    expect(() => scopedFrom(db, EMPTY_SCOPE, 'users as u')).toThrow(EmptyScopeError);
    expect(() => scopedUpdate(db, EMPTY_SCOPE, 'users')).toThrow(EmptyScopeError);
    expect(() => scopedDelete(db, EMPTY_SCOPE, 'sessions')).toThrow(EmptyScopeError);
    expect(() => ownedInsert(db, EMPTY_SCOPE, 'areas')).toThrow(EmptyScopeError);
    // A department-only scope reaches no table that only areas own.
    expect(() => ownedBy({ ...EMPTY_SCOPE, departments: [7] }, 'areas as a')).toThrow(EmptyScopeError);
    const err = (() => {
      try {
        ownedBy(EMPTY_SCOPE, 'users');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('forbidden');
  });

  it('see only the rows owned inside the scope', async () => {
    const zb = await people({ ...EMPTY_SCOPE, areas: [zbPath] })(app.t.database.db as never);
    expect(zb.map((u) => u.username).sort()).toEqual(['dy_member', 'zb_admin', 'zb_g1_worker', 'zb_leader', 'zb_worker']);
    const both = await people({ ...EMPTY_SCOPE, areas: [zbPath, lshPath] })(app.t.database.db as never);
    expect(both.map((u) => u.username)).toContain('lsh_worker');
    expect(both.map((u) => u.username)).not.toContain('admin');
  });

  it('never update a row outside the scope, even by id', async () => {
    const admin = await app.t.database.db.selectFrom('users').select(['id', 'display_name']).where('username', '=', 'admin').executeTakeFirstOrThrow();
    const result = await scopedUpdate(app.t.database.db as never, { ...EMPTY_SCOPE, areas: [zbPath] }, 'users')
      .set({ display_name: '被改了' })
      .where('id', '=', admin.id)
      .executeTakeFirst();
    expect(Number(result.numUpdatedRows)).toBe(0);
    const after = await app.t.database.db.selectFrom('users').select('display_name').where('id', '=', admin.id).executeTakeFirstOrThrow();
    expect(after.display_name).toBe(admin.display_name);
  });

  it('follow a user-owned table (sessions) through the user\'s home area', async () => {
    const sql1 = scopedFrom(app.t.database.db as never, { ...EMPTY_SCOPE, areas: [zbPath] }, 'sessions as s').select('s.id').compile().sql;
    expect(sql1).toContain('home_area_id');
  });
});

describe('units of work', () => {
  it('check the permission before the work runs', async () => {
    let ran = false;
    const ctx = ctxWith({ ...EMPTY_SCOPE, areas: [zbPath] }, []);
    await expect(read(ctx, 'user.read', async () => (ran = true))).rejects.toMatchObject({ code: 'forbidden' });
    await expect(write(ctx, 'user.manage', async () => (ran = true))).rejects.toMatchObject({ code: 'forbidden' });
    expect(ran).toBe(false);
  });

  it('are the only way to data: a context holds no database handle', () => {
    const ctx = ctxWith({ ...EMPTY_SCOPE, areas: [zbPath] });
    expect(Object.values(ctx).some((v) => v === app.t.database || v === app.t.database.db)).toBe(false);
    expect(Object.keys(ctx)).not.toContain('database');
  });

  it('refuse a context without an actor', async () => {
    const anonymous = makeContext(app.t.deps, { actor: null, scope: null, log: app.t.app.log, requestId: 'r1', ip: null });
    await expect(read(anonymous, 'signed_in', async () => 1)).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it('hand repositories bound to the caller\'s scope', async () => {
    const rows = await read(ctxWith({ ...EMPTY_SCOPE, areas: [zbPath] }), 'user.read', (unit) => unit.use((db, scope) => people(scope)(db)));
    expect(rows.map((u) => u.username)).toContain('zb_worker');
    expect(rows.map((u) => u.username)).not.toContain('lsh_worker');
  });

  it('roll a write back whole, its audit row included', async () => {
    const count = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log`.execute(app.t.database.db)).rows[0]!.n;
    const before = await count();
    await expect(
      write(ctxWith({ ...EMPTY_SCOPE, areas: [zbPath] }, ['user.manage']), 'user.manage', async (unit) => {
        await unit.audit({ action: 'update', entity: 'user', entityId: 1 });
        throw new AppError('conflict', 'stop here');
      }),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect(await count()).toBe(before);
  });

  it('keep the system\'s own units away from request contexts', async () => {
    await expect(asSystem(ctxWith({ ...EMPTY_SCOPE, areas: [zbPath] }), async () => 1)).rejects.toThrow(/no person started/);
  });
});
