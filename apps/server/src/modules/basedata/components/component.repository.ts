import { sql } from 'kysely';
import type { Scope } from '../../../platform/context.ts';
import { ownedInsert, scopedFrom, scopedUpdate, type Db } from '../../../platform/data-access.ts';

const pointOf = (p: { lng: number; lat: number }) => sql<string>`ST_SetSRID(ST_MakePoint(${p.lng}::float8, ${p.lat}::float8), 4326)`;

export interface ComponentFilter {
  areaPath?: string | undefined;
  classCode?: string | undefined;
  subclassCode?: string | undefined;
  state?: string | undefined;
  q?: string | undefined;
  after?: number | undefined;
  limit: number;
}

/** City components (城市部件, CJ/T 214-2007) in scope. */
export function componentRepository(db: Db, scope: Scope) {
  const select = () =>
    scopedFrom(db, scope, 'city_components as c').select([
      'c.id',
      'c.area_id as areaId',
      'c.identifier',
      'c.class_code as classCode',
      'c.subclass_code as subclassCode',
      'c.name',
      'c.state',
      'c.owner_dept as ownerDept',
      'c.maintainer_dept as maintainerDept',
      sql<number>`ST_X(c.location)`.as('lng'),
      sql<number>`ST_Y(c.location)`.as('lat'),
      sql<string | null>`c.first_recorded_on::text`.as('firstRecordedOn'),
      sql<string | null>`c.changed_on::text`.as('changedOn'),
      'c.source',
      'c.provenance',
      'c.verified_by as verifiedBy',
      'c.verified_at as verifiedAt',
      'c.updated_at as updatedAt',
    ]);

  return {
    area(id: number) {
      return scopedFrom(db, scope, 'areas as a').select(['a.id', 'a.code', 'a.path', 'a.level', 'a.status', 'a.name']).where('a.id', '=', id).executeTakeFirst();
    },

    /** The deepest active grid in scope whose current boundary holds the point. */
    gridAt(lng: number, lat: number) {
      return scopedFrom(db, scope, 'areas as a')
        .innerJoin('area_boundaries as b', 'b.area_id', 'a.id')
        .select(['a.id', 'a.code', 'a.path', 'a.level', 'a.status', 'a.name'])
        .where('a.level', '=', 'grid')
        .where('a.status', '=', 'active')
        .where('b.valid_to', 'is', null)
        .where(sql<boolean>`ST_Covers(b.geom, ${pointOf({ lng, lat })})`)
        // A dedicated grid (专属网格) overlaps the comprehensive grid it lies in: file under the latter.
        .orderBy(sql`CASE WHEN a.grid_type = 'dedicated' THEN 1 ELSE 0 END`)
        .orderBy('a.depth', 'desc')
        .orderBy('a.id')
        .limit(1)
        .executeTakeFirst();
    },

    /** Inside the grid's current boundary (null: the grid has none). */
    async covers(gridId: number, lng: number, lat: number): Promise<boolean | null> {
      const row = await scopedFrom(db, scope, 'area_boundaries as b')
        .select(sql<boolean>`ST_Covers(b.geom, ${pointOf({ lng, lat })})`.as('inside'))
        .where('b.area_id', '=', gridId)
        .where('b.valid_to', 'is', null)
        .executeTakeFirst();
      return row ? row.inside : null;
    },

    /**
     * The next serial under a county + class + sub-class prefix. The counter table is no area's (it
     * holds only numbers), so the serial is unique across scopes without reading other scopes' rows.
     */
    async nextSerial(prefix: string): Promise<number> {
      const { rows } = await sql<{ last: number }>`
        INSERT INTO component_serials (prefix, last) VALUES (${prefix}, 1)
        ON CONFLICT (prefix) DO UPDATE SET last = component_serials.last + 1
        RETURNING last`.execute(db);
      return rows[0]!.last;
    },

    async insert(row: { areaId: number; identifier: string; classCode: string; subclassCode: string; name: string; state: string; ownerDept: string | null; maintainerDept: string | null; location: { lng: number; lat: number }; firstRecordedOn: string | null; source: string | null; provenance?: 'entered' | 'claimed' | 'verified' }): Promise<number> {
      const { id } = await ownedInsert(db, scope, 'city_components')
        .values({
          area_id: row.areaId,
          identifier: row.identifier,
          class_code: row.classCode,
          subclass_code: row.subclassCode,
          name: row.name,
          state: row.state,
          owner_dept: row.ownerDept,
          maintainer_dept: row.maintainerDept,
          location: pointOf(row.location),
          first_recorded_on: row.firstRecordedOn,
          source: row.source,
          ...(row.provenance ? { provenance: row.provenance } : {}),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return id;
    },

    async update(id: number, row: { areaId?: number; name?: string; state?: string; ownerDept?: string | null; maintainerDept?: string | null; location?: { lng: number; lat: number }; changedOn?: string | null; source?: string | null }, at: Date): Promise<void> {
      await scopedUpdate(db, scope, 'city_components')
        .set({
          ...(row.areaId !== undefined ? { area_id: row.areaId } : {}),
          ...(row.name !== undefined ? { name: row.name } : {}),
          ...(row.state !== undefined ? { state: row.state } : {}),
          ...(row.ownerDept !== undefined ? { owner_dept: row.ownerDept } : {}),
          ...(row.maintainerDept !== undefined ? { maintainer_dept: row.maintainerDept } : {}),
          ...(row.location !== undefined ? { location: pointOf(row.location) } : {}),
          ...(row.changedOn !== undefined ? { changed_on: row.changedOn } : {}),
          ...(row.source !== undefined ? { source: row.source } : {}),
          updated_at: at,
        })
        .where('id', '=', id)
        .execute();
    },

    find(id: number, forUpdate = false) {
      const q = select().where('c.id', '=', id);
      return (forUpdate ? q.forUpdate() : q).executeTakeFirst();
    },

    /** 已核实: who checked the component on the spot, and when. */
    async verify(id: number, by: number, at: Date): Promise<void> {
      await scopedUpdate(db, scope, 'city_components').set({ provenance: 'verified', verified_by: by, verified_at: at, updated_at: at }).where('id', '=', id).execute();
    },

    list(f: ComponentFilter) {
      let q = select();
      if (f.areaPath) {
        const path = f.areaPath;
        q = q.where('c.area_id', 'in', () => scopedFrom(db, scope, 'areas as sa').select('sa.id').where('sa.path', 'like', `${path}%`));
      }
      if (f.classCode) q = q.where('c.class_code', '=', f.classCode);
      if (f.subclassCode) q = q.where('c.subclass_code', '=', f.subclassCode);
      if (f.state) q = q.where('c.state', '=', f.state);
      if (f.q) {
        const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        const term = f.q;
        q = q.where((eb) => eb.or([eb('c.name', 'like', like), eb('c.identifier', '=', term)]));
      }
      if (f.after !== undefined) q = q.where('c.id', '>', f.after);
      return q.orderBy('c.id').limit(f.limit).execute();
    },
  };
}
