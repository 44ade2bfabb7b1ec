import { sql, type Insertable } from 'kysely';
import type { Scope } from '../../../platform/context.ts';
import { ownedInsert, scopedFrom, scopedUpdate, type Db } from '../../../platform/data-access.ts';
import type { BuildingProfilesTable, HousesTable, RentalsTable } from '../../../db/types-basedata.ts';

/** Buildings' particulars, houses, rentals and inspections in scope: the 楼盘表 and its cells. */
export function buildingRepository(db: Db, scope: Scope) {
  return {
    building(id: number) {
      return scopedFrom(db, scope, 'areas as a')
        .leftJoin('building_profiles as bp', 'bp.area_id', 'a.id')
        .select([
          'a.id',
          'a.name',
          'a.code',
          'a.level',
          'a.path',
          'bp.use',
          'bp.floors_above as floorsAbove',
          'bp.floors_below as floorsBelow',
          'bp.units_count as unitsCount',
          'bp.built_year as builtYear',
          'bp.structure',
          'bp.property_manager as propertyManager',
          'bp.property_phone_masked as propertyPhoneMasked',
          'bp.head_name as headName',
          'bp.head_phone_masked as headPhoneMasked',
          'bp.hazard',
          'bp.hazard_note as hazardNote',
          'bp.provenance',
        ])
        .where('a.id', '=', id)
        .executeTakeFirst();
    },

    units(buildingId: number) {
      return scopedFrom(db, scope, 'areas as a').select(['a.id', 'a.name']).where('a.parent_id', '=', buildingId).where('a.level', '=', 'unit').where('a.status', '=', 'active').orderBy('a.code').execute();
    },

    async saveProfile(row: Insertable<BuildingProfilesTable>): Promise<void> {
      const { area_id: _id, ...rest } = row;
      await ownedInsert(db, scope, 'building_profiles')
        .values(row)
        .onConflict((oc) => oc.column('area_id').doUpdateSet(rest))
        .execute();
    },

    /** Houses of a building and its units, with their active rental. */
    houses(buildingId: number) {
      return scopedFrom(db, scope, 'houses as ho')
        .innerJoin('areas as a', 'a.id', 'ho.area_id')
        .leftJoin('rentals as r', (j) => j.onRef('r.house_id', '=', 'ho.id').on('r.status', '=', 'active'))
        .select([
          'ho.id',
          'ho.room',
          'ho.floor',
          sql<number | null>`CASE WHEN a.level = 'unit' THEN a.id END`.as('unitId'),
          'ho.use',
          'ho.occupancy',
          'ho.floor_area as floorArea',
          'ho.dangerous',
          'r.id as rentalId',
          'r.hazard_level as hazardLevel',
          'r.occupants',
          'r.occupant_limit as occupantLimit',
        ])
        .where((eb) => eb.or([eb('a.id', '=', buildingId), eb('a.parent_id', '=', buildingId)]))
        .orderBy('ho.floor', 'desc')
        .orderBy('ho.room')
        .execute();
    },

    /** Per house: households, residents and residents in the given groups (one grouped query each). */
    async occupancy(houseIds: readonly number[], groupIds: readonly number[]) {
      const out = new Map<number, { households: number; residents: number; attention: number }>();
      if (houseIds.length === 0) return out;
      const ids = [...houseIds];
      const [households, residents, attention] = await Promise.all([
        scopedFrom(db, scope, 'households as h').select(['h.house_id as houseId', sql<number>`count(*)::int`.as('n')]).where('h.house_id', 'in', ids).groupBy('h.house_id').execute(),
        scopedFrom(db, scope, 'persons as p')
          .innerJoin('households as h', 'h.id', 'p.household_id')
          .select(['h.house_id as houseId', sql<number>`count(*)::int`.as('n')])
          .where('h.house_id', 'in', ids)
          .where('p.merged_into', 'is', null)
          .where('p.deceased', '=', false)
          .groupBy('h.house_id')
          .execute(),
        groupIds.length === 0
          ? Promise.resolve([])
          : scopedFrom(db, scope, 'person_tags as t')
              .innerJoin('persons as p', 'p.id', 't.person_id')
              .innerJoin('households as h', 'h.id', 'p.household_id')
              .select(['h.house_id as houseId', sql<number>`count(DISTINCT t.person_id)::int`.as('n')])
              .where('h.house_id', 'in', ids)
              .where('t.ended_at', 'is', null)
              .where('t.group_id', 'in', [...groupIds])
              .groupBy('h.house_id')
              .execute(),
      ]);
      for (const id of ids) out.set(id, { households: 0, residents: 0, attention: 0 });
      for (const r of households) if (r.houseId !== null) out.get(r.houseId)!.households = r.n;
      for (const r of residents) if (r.houseId !== null) out.get(r.houseId)!.residents = r.n;
      for (const r of attention) if (r.houseId !== null) out.get(r.houseId)!.attention = r.n;
      return out;
    },

    house(id: number, forUpdate = false) {
      const q = scopedFrom(db, scope, 'houses as ho').selectAll('ho').where('ho.id', '=', id);
      return (forUpdate ? q.forUpdate() : q).executeTakeFirst();
    },

    async insertHouse(row: Insertable<HousesTable>): Promise<number> {
      const { id } = await ownedInsert(db, scope, 'houses').values(row).returning('id').executeTakeFirstOrThrow();
      return id;
    },

    householdsOfHouse(houseId: number) {
      return scopedFrom(db, scope, 'households as h').select('h.id').where('h.house_id', '=', houseId).orderBy('h.id').execute();
    },

    rentalOfHouse(houseId: number) {
      return scopedFrom(db, scope, 'rentals as r').selectAll('r').where('r.house_id', '=', houseId).where('r.status', '=', 'active').executeTakeFirst();
    },

    rental(id: number) {
      return scopedFrom(db, scope, 'rentals as r').selectAll('r').where('r.id', '=', id).forUpdate().executeTakeFirst();
    },

    async saveRental(existingId: number | null, row: Insertable<RentalsTable>): Promise<number> {
      if (existingId !== null) {
        await scopedUpdate(db, scope, 'rentals').set(row).where('id', '=', existingId).execute();
        return existingId;
      }
      const { id } = await ownedInsert(db, scope, 'rentals').values(row).returning('id').executeTakeFirstOrThrow();
      return id;
    },

    async verifyRental(id: number, by: number, at: Date): Promise<void> {
      await scopedUpdate(db, scope, 'rentals').set({ provenance: 'verified', verified_by: by, verified_at: at, updated_at: at }).where('id', '=', id).execute();
    },

    async verifyHouse(id: number, by: number, at: Date): Promise<void> {
      await scopedUpdate(db, scope, 'houses').set({ provenance: 'verified', verified_by: by, verified_at: at, updated_at: at }).where('id', '=', id).execute();
    },

    async setOccupancy(houseId: number, occupancy: string): Promise<void> {
      await scopedUpdate(db, scope, 'houses').set({ occupancy }).where('id', '=', houseId).execute();
    },

    inspections(rentalId: number) {
      return scopedFrom(db, scope, 'rental_inspections as i')
        .select(['i.id', 'i.inspected_on as inspectedOn', 'i.hazard_level as hazardLevel', 'i.findings', 'i.inspector_id as inspectorId'])
        .where('i.rental_id', '=', rentalId)
        .orderBy('i.inspected_on', 'desc')
        .limit(50)
        .execute();
    },

    async addInspection(row: { rentalId: number; areaId: number; inspectedOn: string; inspectorId: number; hazardLevel: 'serious' | 'general' | 'safe'; findings: string | null }): Promise<void> {
      await ownedInsert(db, scope, 'rental_inspections').values({ rental_id: row.rentalId, area_id: row.areaId, inspected_on: row.inspectedOn, inspector_id: row.inspectorId, hazard_level: row.hazardLevel, findings: row.findings }).execute();
      await scopedUpdate(db, scope, 'rentals').set({ hazard_level: row.hazardLevel, updated_at: new Date() }).where('id', '=', row.rentalId).execute();
    },
  };
}
