import { sql } from 'kysely';
import type { Scope } from '../../../platform/context.ts';
import { ownedInsert, scopedFrom, scopedUpdate, type Db } from '../../../platform/data-access.ts';

/** Households (户) in scope, with what lists and the household view need. */
export function householdRepository(db: Db, scope: Scope) {
  return {
    async update(id: number, patch: { registration_address?: string | null; home_phone_enc?: string | null; home_phone_masked?: string | null; updated_at: Date }): Promise<void> {
      await scopedUpdate(db, scope, 'households').set(patch).where('id', '=', id).execute();
    },

    async verify(id: number, by: number, at: Date): Promise<void> {
      await scopedUpdate(db, scope, 'households').set({ provenance: 'verified', verified_by: by, verified_at: at, updated_at: at }).where('id', '=', id).execute();
    },

    async setHead(householdId: number, personId: number): Promise<void> {
      await scopedUpdate(db, scope, 'households').set({ head_person_id: personId }).where('id', '=', householdId).execute();
    },

    house(id: number) {
      return scopedFrom(db, scope, 'houses as ho').select(['ho.id', 'ho.area_id as areaId', 'ho.address']).where('ho.id', '=', id).executeTakeFirst();
    },

    async insert(row: { areaId: number; houseId: number | null; householdNo: string | null; kind: 'family' | 'collective'; registrationAddress: string | null; homePhoneEnc: string | null; homePhoneMasked: string | null; provenance?: 'entered' | 'claimed' | 'verified' }): Promise<number> {
      const { id } = await ownedInsert(db, scope, 'households')
        .values({
          area_id: row.areaId,
          house_id: row.houseId,
          household_no: row.householdNo,
          kind: row.kind,
          registration_address: row.registrationAddress,
          home_phone_enc: row.homePhoneEnc,
          home_phone_masked: row.homePhoneMasked,
          ...(row.provenance ? { provenance: row.provenance } : {}),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return id;
    },

    find(id: number) {
      return scopedFrom(db, scope, 'households as h')
        .leftJoin('houses as ho', 'ho.id', 'h.house_id')
        .leftJoin('persons as hp', 'hp.id', 'h.head_person_id')
        .select([
          'h.id',
          'h.household_no as householdNo',
          'h.kind',
          'h.house_id as houseId',
          'ho.address',
          'h.registration_address as registrationAddress',
          'h.home_phone_masked as homePhoneMasked',
          'hp.name as headName',
          'h.area_id as areaId',
          'h.provenance',
        ])
        .where('h.id', '=', id)
        .executeTakeFirst();
    },

    /** Households under an area (keyset by id), optionally only those not visited since a date. */
    list(f: { areaPath?: string | undefined; q?: string | undefined; notVisitedSince?: string | undefined; after?: number | undefined; limit: number }) {
      let q = scopedFrom(db, scope, 'households as h')
        .leftJoin('houses as ho', 'ho.id', 'h.house_id')
        .leftJoin('persons as hp', 'hp.id', 'h.head_person_id')
        .select([
          'h.id',
          'h.household_no as householdNo',
          'ho.address',
          'hp.name as headName',
          'h.area_id as areaId',
          () =>
            scopedFrom(db, scope, 'persons as m')
              .select(sql<number>`count(*)::int`.as('n'))
              .where('m.household_id', '=', sql.ref<number>('h.id'))
              .where('m.merged_into', 'is', null)
              .where('m.deceased', '=', false)
              .as('members'),
          () => scopedFrom(db, scope, 'household_visits as v').select(sql<string | null>`max(v.visited_on)::text`.as('d')).where('v.household_id', '=', sql.ref<number>('h.id')).as('lastVisitOn'),
        ]);
      if (f.areaPath) {
        const path = f.areaPath;
        q = q.where('h.area_id', 'in', () => scopedFrom(db, scope, 'areas as sa').select('sa.id').where('sa.path', 'like', `${path}%`));
      }
      if (f.q) {
        const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        q = q.where((eb) => eb.or([eb('ho.address', 'like', like), eb('h.household_no', '=', f.q!), eb('hp.name', 'like', like)]));
      }
      if (f.notVisitedSince) {
        const since = f.notVisitedSince;
        q = q.where(({ not, exists }) => not(exists(scopedFrom(db, scope, 'household_visits as v').select(sql`1`.as('one')).where('v.household_id', '=', sql.ref<number>('h.id')).where('v.visited_on', '>=', since))));
      }
      if (f.after !== undefined) q = q.where('h.id', '>', f.after);
      return q.orderBy('h.id').limit(f.limit).execute();
    },

    memberIds(householdId: number) {
      return scopedFrom(db, scope, 'persons as p').select('p.id').where('p.household_id', '=', householdId).where('p.merged_into', 'is', null).orderBy(sql`CASE WHEN p.relation_to_head = 'head' THEN 0 ELSE 1 END`).orderBy('p.birth_date').orderBy('p.id').execute();
    },

    visitStats(householdId: number) {
      return scopedFrom(db, scope, 'household_visits as v')
        .select(['v.visited_on as visitedOn', 'v.kind', 'v.worker_id as workerId', sql<number>`count(*) OVER ()::int`.as('total')])
        .where('v.household_id', '=', householdId)
        .orderBy('v.visited_on', 'desc')
        .orderBy('v.id', 'desc')
        .limit(1)
        .executeTakeFirst();
    },
  };
}
