import { sql } from 'kysely';
import type { Scope } from '../../../platform/context.ts';
import { ownedInsert, scopedFrom, scopedUpdate, type Db } from '../../../platform/data-access.ts';
import type { PersonsTable } from '../../../db/types-basedata.ts';
import type { Insertable, Updateable } from 'kysely';
import { escapeLike, type AddressTerms, type Cursor } from './person-search-terms.ts';

export type NewPersonRow = Insertable<PersonsTable>;
export type PersonPatch = Updateable<PersonsTable>;

export interface PersonFilter {
  /** Exact blind-index matches (ID number or phone). */
  idBidx?: readonly string[];
  phoneBidx?: readonly string[];
  namePrefix?: string;
  /** Lower-case latin: full pinyin or initials prefix. */
  pinyinPrefix?: string;
  /** Pieces of an address, all of which the person's address text must hold. */
  address?: AddressTerms;
  areaPath?: string;
  householdId?: number;
  populationType?: string;
  residenceStatus?: string;
  groupId?: number;
  /** Tags ending by today + their group's reminder days, among these groups. */
  expiring?: { today: string; groupIds: readonly number[] };
  /** 'name': pages in the order of the name index, (name, id), the cursor carrying both; else by id. */
  order?: 'id' | 'name';
  after?: Cursor;
  limit: number;
}

const SUMMARY = [
  'p.id',
  'p.name',
  'p.sex',
  'p.birth_date as birthDate',
  'p.id_type as idType',
  'p.id_masked as idMasked',
  'p.phone_masked as phoneMasked',
  'p.population_type as populationType',
  'p.residence_status as residenceStatus',
  'p.relation_to_head as relationToHead',
  'p.household_id as householdId',
  'p.current_address as currentAddress',
  'p.area_id as areaId',
  'p.provenance',
  'p.deceased',
] as const;

/** Persons (实有人口) in the caller's scope: scoped reads, writes and the search. */
export function personRepository(db: Db, scope: Scope) {
  return {
    area(id: number) {
      return scopedFrom(db, scope, 'areas as a').select(['a.id', 'a.path', 'a.level', 'a.status', 'a.name']).where('a.id', '=', id).executeTakeFirst();
    },

    household(id: number) {
      return scopedFrom(db, scope, 'households as h')
        .leftJoin('houses as ho', 'ho.id', 'h.house_id')
        .select(['h.id', 'h.area_id as areaId', 'h.house_id as houseId', 'h.head_person_id as headPersonId', 'ho.address'])
        .where('h.id', '=', id)
        .executeTakeFirst();
    },

    async insert(row: NewPersonRow): Promise<number> {
      const { id } = await ownedInsert(db, scope, 'persons').values(row).returning('id').executeTakeFirstOrThrow();
      return id;
    },

    async update(id: number, patch: PersonPatch): Promise<void> {
      await scopedUpdate(db, scope, 'persons').set(patch).where('id', '=', id).execute();
    },

    find(id: number, forUpdate = false) {
      const q = scopedFrom(db, scope, 'persons as p').selectAll('p').where('p.id', '=', id);
      return (forUpdate ? q.forUpdate() : q).executeTakeFirst();
    },

    search(f: PersonFilter) {
      let q = scopedFrom(db, scope, 'persons as p')
        .leftJoin('households as h', 'h.id', 'p.household_id')
        .leftJoin('houses as ho', 'ho.id', 'h.house_id')
        .select([...SUMMARY, 'ho.address as houseAddress'])
        .where('p.merged_into', 'is', null);
      if (f.idBidx) q = q.where('p.id_bidx', 'in', [...f.idBidx]);
      if (f.phoneBidx) q = q.where('p.phone_bidx', 'in', [...f.phoneBidx]);
      // COLLATE "C": the predicate and the order of persons_name_c_idx (migration 0023).
      if (f.namePrefix) q = q.where(sql`p.name COLLATE "C"`, 'like', `${escapeLike(f.namePrefix)}%`);
      if (f.pinyinPrefix) {
        const like = `${escapeLike(f.pinyinPrefix)}%`;
        q = q.where((eb) => eb.or([eb('p.name_pinyin', 'like', like), eb('p.name_initials', 'like', like)]));
      }
      if (f.address) {
        for (const piece of f.address.contains) q = q.where('p.address_text', 'like', `%${piece}%`);
        // The numbers through their exact index (migration 0023); the LIKE before it is a cheap filter that spares
        // the function call on rows that cannot match when the plan walks rows in id order.
        for (const n of f.address.numbers) q = q.where('p.address_text', 'like', `%${n}%`);
        if (f.address.numbers.length > 0) q = q.where(sql<boolean>`address_numbers(p.address_text) @> ${[...f.address.numbers]}::text[]`);
      }
      if (f.areaPath) {
        const path = f.areaPath;
        q = q.where('p.area_id', 'in', () => scopedFrom(db, scope, 'areas as sa').select('sa.id').where('sa.path', 'like', `${path}%`));
      }
      if (f.householdId !== undefined) q = q.where('p.household_id', '=', f.householdId);
      if (f.populationType) q = q.where('p.population_type', '=', f.populationType);
      if (f.residenceStatus) q = q.where('p.residence_status', '=', f.residenceStatus);
      if (f.groupId !== undefined) {
        const groupId = f.groupId;
        q = q.where(({ exists }) =>
          exists(scopedFrom(db, scope, 'person_tags as t').select(sql`1`.as('one')).where('t.person_id', '=', sql.ref<number>('p.id')).where('t.group_id', '=', groupId).where('t.ended_at', 'is', null)),
        );
      }
      if (f.expiring) {
        const { today, groupIds } = f.expiring;
        q = q.where(({ exists }) =>
          exists(
            scopedFrom(db, scope, 'person_tags as te')
              .innerJoin('person_groups as ge', 'ge.id', 'te.group_id')
              .select(sql`1`.as('one'))
              .where('te.person_id', '=', sql.ref<number>('p.id'))
              .where('te.ended_at', 'is', null)
              .where('te.group_id', 'in', groupIds.length ? [...groupIds] : [0])
              .where(sql<boolean>`te.valid_until <= ${today}::date + ge.remind_days`),
          ),
        );
      }
      if (f.order === 'name') {
        const after = f.after;
        if (after) q = q.where(sql<boolean>`(p.name COLLATE "C", p.id) > (${after.name ?? ''} COLLATE "C", ${after.id})`);
        return q.orderBy(sql`p.name COLLATE "C"`).orderBy('p.id').limit(f.limit).execute();
      }
      if (f.after !== undefined) q = q.where('p.id', '>', f.after.id);
      return q.orderBy('p.id').limit(f.limit).execute();
    },

    summaries(ids: readonly number[]) {
      if (ids.length === 0) return Promise.resolve([]);
      return scopedFrom(db, scope, 'persons as p')
        .leftJoin('households as h', 'h.id', 'p.household_id')
        .leftJoin('houses as ho', 'ho.id', 'h.house_id')
        .select([...SUMMARY, 'ho.address as houseAddress'])
        .where('p.id', 'in', [...ids])
        .orderBy('p.id')
        .execute();
    },

    /** Current tags of these persons in the groups given (the ones the caller may see). */
    tags(personIds: readonly number[], groupIds: readonly number[]) {
      if (personIds.length === 0 || groupIds.length === 0) return Promise.resolve([]);
      return scopedFrom(db, scope, 'person_tags as t')
        .select(['t.id', 't.person_id as personId', 't.group_id as groupId', 't.attention', 't.reason', 't.since', 't.valid_until as validUntil', 't.danger_level as dangerLevel', 't.guardian_name as guardianName'])
        .where('t.person_id', 'in', [...personIds])
        .where('t.group_id', 'in', [...groupIds])
        .where('t.ended_at', 'is', null)
        .orderBy('t.since')
        .execute();
    },

    async addTag(row: { personId: number; areaId: number; groupId: number; attention: boolean; reason: string | null; since: string; validUntil: string | null; dangerLevel: 'high' | 'medium' | 'low' | null; guardianName: string | null; guardianPhoneEnc: string | null; guardianPhoneMasked: string | null; createdBy: number }) {
      const { id } = await ownedInsert(db, scope, 'person_tags')
        .values({
          person_id: row.personId,
          area_id: row.areaId,
          group_id: row.groupId,
          attention: row.attention,
          reason: row.reason,
          since: row.since,
          valid_until: row.validUntil,
          danger_level: row.dangerLevel,
          guardian_name: row.guardianName,
          guardian_phone_enc: row.guardianPhoneEnc,
          guardian_phone_masked: row.guardianPhoneMasked,
          created_by: row.createdBy,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return id;
    },

    async endTag(personId: number, tagId: number, at: Date) {
      const r = await scopedUpdate(db, scope, 'person_tags').set({ ended_at: at }).where('id', '=', tagId).where('person_id', '=', personId).where('ended_at', 'is', null).returning(['group_id as groupId']).executeTakeFirst();
      return r ?? null;
    },

    /** Tags (and history) follow the person to another area. */
    async followTags(personId: number, areaId: number): Promise<void> {
      await scopedUpdate(db, scope, 'person_tags').set({ area_id: areaId }).where('person_id', '=', personId).execute();
    },

    openDuplicates(personId: number) {
      return scopedFrom(db, scope, 'person_duplicates as d')
        .select(['d.id', 'd.person_id as personId', 'd.other_id as otherId', 'd.reason'])
        .where((eb) => eb.or([eb('d.person_id', '=', personId), eb('d.other_id', '=', personId)]))
        .where('d.status', '=', 'open')
        .execute();
    },

    async flagDuplicates(rows: readonly { a: number; b: number; areaId: number; reason: 'same_id' | 'same_name_birth_address' }[]): Promise<void> {
      if (rows.length === 0) return;
      await ownedInsert(db, scope, 'person_duplicates')
        .values(rows.map((r) => ({ person_id: Math.min(r.a, r.b), other_id: Math.max(r.a, r.b), area_id: r.areaId, reason: r.reason })))
        .onConflict((oc) => oc.columns(['person_id', 'other_id']).doNothing())
        .execute();
    },

    async closeDuplicate(a: number, b: number, status: 'merged' | 'dismissed', by: number, at: Date, note: string | null) {
      await scopedUpdate(db, scope, 'person_duplicates')
        .set({ status, decided_by: by, decided_at: at, note })
        .where('person_id', '=', Math.min(a, b))
        .where('other_id', '=', Math.max(a, b))
        .execute();
    },

    /** Same name, birth date and address among persons in scope (the second duplicate rule). */
    sameNameBirthAddress(name: string, birthDate: string, address: string, exceptId: number) {
      return scopedFrom(db, scope, 'persons as p')
        .select(['p.id'])
        .where('p.name', '=', name)
        .where('p.birth_date', '=', birthDate)
        .where('p.current_address', '=', address)
        .where('p.merged_into', 'is', null)
        .where('p.id', '<>', exceptId)
        .limit(10)
        .execute();
    },

    /** Members of a merged record move to the survivor. */
    async repointMerged(fromId: number, toId: number): Promise<void> {
      await scopedUpdate(db, scope, 'households').set({ head_person_id: toId }).where('head_person_id', '=', fromId).execute();
      await scopedUpdate(db, scope, 'person_tags').set({ person_id: toId }).where('person_id', '=', fromId).where('ended_at', 'is not', null).execute();
    },
  };
}
