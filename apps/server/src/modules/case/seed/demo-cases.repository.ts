import { sql } from 'kysely';
import type { Scope } from '../../../platform/context.ts';
import { ownedInsert, scopedFrom, type Db } from '../../../platform/data-access.ts';

/**
 * What the demo quarter reads and writes in bulk (seeding only, inside the demo district's own
 * transaction as the system): the grids of a community with points inside them, the catalogue items and
 * accounts the script names, and the cases, timelines and evidence photos it produced — many rows per
 * statement, so a quarter costs a few statements, not a request per action.
 */
export function demoCaseRepository(db: Db, scope: Scope) {
  return {
    /** The grids under an area code, each with `perGrid` points spread inside it (deterministic). */
    async gridPoints(communityCode: string, perGrid: number): Promise<{ id: number; code: string; path: string; name: string; points: [number, number][] }[]> {
      const rows = await scopedFrom(db, scope, 'areas as a')
        .innerJoin('area_boundaries as b', (j) => j.onRef('b.area_id', '=', 'a.id').on('b.valid_to', 'is', null))
        .select(['a.id', 'a.code', 'a.path', 'a.name', sql<string>`ST_AsGeoJSON(ST_GeneratePoints(b.geom, ${perGrid}, 20261207))`.as('points')])
        .where('a.level', '=', 'grid')
        .where('a.code', 'like', `${communityCode}%`)
        .orderBy('a.code')
        .execute();
      return rows.map((r) => ({ id: Number(r.id), code: r.code, path: r.path, name: r.name, points: (JSON.parse(r.points) as { coordinates: [number, number][] }).coordinates }));
    },

    /** The area of a division code with its path. */
    area(code: string) {
      return scopedFrom(db, scope, 'areas as a').select(['a.id', 'a.path', 'a.name', 'a.level']).where('a.code', '=', code).executeTakeFirst();
    },

    /** Active catalogue items by name (the demo catalogue names each once). */
    items(names: readonly string[]) {
      return scopedFrom(db, scope, 'affair_items as i')
        .select(['i.id', 'i.code', 'i.name', 'i.department_kind as departmentKind', 'i.accept_yellow as acceptYellow', 'i.accept_red as acceptRed', 'i.accept_unit as acceptUnit', 'i.handle_yellow as handleYellow', 'i.handle_red as handleRed', 'i.handle_unit as handleUnit', 'i.grade_limits as gradeLimits', 'i.may_skip_level as maySkipLevel'])
        .where('i.name', 'in', [...names])
        .where('i.active', '=', true)
        .execute();
    },

    /** Accounts by username, with their names. */
    users(usernames: readonly string[]) {
      return scopedFrom(db, scope, 'users as u').select(['u.id', 'u.username', 'u.display_name as displayName']).where('u.username', 'in', [...usernames]).execute();
    },

    async nextCaseNumbers(n: number): Promise<number[]> {
      const r = await sql<{ n: string }>`SELECT nextval('case_no_seq') AS n FROM generate_series(1, ${n})`.execute(db);
      return r.rows.map((x) => Number(x.n));
    },

    /** Inserts case rows (`location` as [lng, lat] in WGS84); answers their ids by case number. */
    async insertCases(rows: readonly Record<string, unknown>[]): Promise<Map<string, number>> {
      const out = new Map<string, number>();
      const withPoints = rows.map((r) => {
        const [lng, lat] = r.location as [number, number];
        return { ...r, location: sql`ST_SetSRID(ST_MakePoint(${lng}::float8, ${lat}::float8), 4326)` };
      });
      for (let i = 0; i < withPoints.length; i += 200) {
        const done = await ownedInsert(db, scope, 'cases')
          .values(withPoints.slice(i, i + 200) as never)
          .returning(['id', 'case_no'])
          .execute();
        for (const r of done) out.set(r.case_no, Number(r.id));
      }
      return out;
    },

    async insertEvents(rows: readonly Record<string, unknown>[]): Promise<void> {
      for (let i = 0; i < rows.length; i += 500) await ownedInsert(db, scope, 'case_events').values(rows.slice(i, i + 500) as never).execute();
    },

    /** Evidence photos of on-the-spot closures: rows naming one stored photo (its blobs are never removed while a row names them). */
    async insertAttachments(rows: readonly Record<string, unknown>[]): Promise<void> {
      for (let i = 0; i < rows.length; i += 500) await ownedInsert(db, scope, 'attachments').values(rows.slice(i, i + 500) as never).execute();
    },
  };
}
