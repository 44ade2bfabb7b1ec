import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/harness.ts';
import type { Database } from './engine.ts';
import { loadMigrations, migrate } from './migrate.ts';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database?.close());

describe('migrations', () => {
  it('are already applied to the template and re-running applies nothing', async () => {
    expect(await migrate(database)).toEqual([]);
    const rows = await database.db.selectFrom('schema_migrations').select('name').orderBy('version').execute();
    expect(rows.map((r) => r.name)).toEqual(loadMigrations().map((m) => m.name));
  });

  it('refuses to start when an applied migration was edited', async () => {
    const first = loadMigrations()[0];
    if (!first) throw new Error('no migrations');
    await database.db.updateTable('schema_migrations').set({ checksum: 'edited' }).where('version', '=', first.version).execute();
    await expect(migrate(database)).rejects.toThrow(/was changed after it was applied/);
    await database.db.updateTable('schema_migrations').set({ checksum: first.checksum }).where('version', '=', first.version).execute();
  });

  it('has PostGIS with SRID 4326 geometry available', async () => {
    const { rows } = await sql<{ geojson: string; srid: number }>`SELECT ST_AsGeoJSON(g) AS geojson, ST_SRID(g) AS srid FROM (SELECT ST_SetSRID(ST_MakePoint(120.05, 31.75), 4326) AS g) x`.execute(database.db);
    expect(rows[0]).toEqual({ geojson: '{"type":"Point","coordinates":[120.05,31.75]}', srid: 4326 });
  });

  it('derives materialised paths, carries a subtree along when an area moves, and refuses cycles', async () => {
    const ins = (code: string, level: 'province' | 'city' | 'district', parent: number | null) =>
      database.db.insertInto('areas').values({ code, name: code, level, parent_id: parent }).returning(['id', 'path', 'depth']).executeTakeFirstOrThrow();
    const root = await ins('990000000000', 'province', null);
    const a = await ins('990100000000', 'city', root.id);
    const b = await ins('990200000000', 'city', root.id);
    const leaf = await ins('990101000000', 'district', a.id);
    expect(a.path).toBe(`/${root.id}/${a.id}/`);
    expect(leaf).toMatchObject({ path: `/${root.id}/${a.id}/${leaf.id}/`, depth: 2 });

    await database.db.updateTable('areas').set({ parent_id: b.id }).where('id', '=', a.id).execute();
    const moved = await database.db.selectFrom('areas').select(['id', 'path', 'depth']).where('id', 'in', [a.id, leaf.id]).orderBy('id').execute();
    expect(moved).toEqual([
      { id: a.id, path: `/${root.id}/${b.id}/${a.id}/`, depth: 2 },
      { id: leaf.id, path: `/${root.id}/${b.id}/${a.id}/${leaf.id}/`, depth: 3 },
    ]);

    await expect(database.db.updateTable('areas').set({ parent_id: leaf.id }).where('id', '=', a.id).execute()).rejects.toThrow(/own descendant/);
    await database.db.updateTable('areas').set({ path: '/forged/' }).where('id', '=', leaf.id).execute();
    expect((await database.db.selectFrom('areas').select('path').where('id', '=', leaf.id).executeTakeFirstOrThrow()).path).toBe(`/${root.id}/${b.id}/${a.id}/${leaf.id}/`);
  });
});

describe('one transaction per use case', () => {
  it('rolls back everything when the work fails half-way, and never interleaves two transactions', async () => {
    await expect(
      database.db.transaction().execute(async (tx) => {
        await tx.insertInto('areas').values({ code: '980000000000', name: '回滚', level: 'province', parent_id: null }).execute();
        throw new Error('crash mid-request');
      }),
    ).rejects.toThrow('crash mid-request');
    expect(await database.db.selectFrom('areas').select('id').where('code', '=', '980000000000').executeTakeFirst()).toBeUndefined();

    // Two concurrent read-modify-write transactions on one counter: both increments survive.
    const area = await database.db.insertInto('areas').values({ code: '970000000000', name: '计数', level: 'province', parent_id: null, sort_order: 0 }).returning('id').executeTakeFirstOrThrow();
    const bump = () =>
      database.db.transaction().execute(async (tx) => {
        const row = await tx.selectFrom('areas').select('sort_order').where('id', '=', area.id).forUpdate().executeTakeFirstOrThrow();
        await new Promise((r) => setTimeout(r, 20));
        await tx.updateTable('areas').set({ sort_order: row.sort_order + 1 }).where('id', '=', area.id).execute();
      });
    await Promise.all([bump(), bump(), bump()]);
    const after = await database.db.selectFrom('areas').select('sort_order').where('id', '=', area.id).executeTakeFirstOrThrow();
    expect(after.sort_order).toBe(3);
  });
});
