import { sql } from 'kysely';
import type { Scope } from '../../../platform/context.ts';
import { ownedBy, ownedInsert, scopedDelete, scopedFrom, scopedUpdate, type Db } from '../../../platform/data-access.ts';

export interface OrganisationRow {
  areaId: number;
  name: string;
  creditCode: string | null;
  kind: string;
  address: string | null;
  legalRepName: string | null;
  legalRepPhoneEnc: string | null;
  legalRepPhoneMasked: string | null;
  keyUnit: boolean;
  fireSafetyLevel: string | null;
  securityChief: string | null;
  employeesCount: number | null;
  industry: string | null;
  dedicatedGridId: number | null;
  location: { lng: number; lat: number } | null;
}

const pointOf = (p: { lng: number; lat: number } | null) => (p ? sql<string>`ST_SetSRID(ST_MakePoint(${p.lng}::float8, ${p.lat}::float8), 4326)` : null);

function columns(row: Partial<OrganisationRow>) {
  const out: Record<string, unknown> = {};
  const map: Record<string, string> = {
    areaId: 'area_id',
    name: 'name',
    creditCode: 'credit_code',
    kind: 'kind',
    address: 'address',
    legalRepName: 'legal_rep_name',
    legalRepPhoneEnc: 'legal_rep_phone_enc',
    legalRepPhoneMasked: 'legal_rep_phone_masked',
    keyUnit: 'key_unit',
    fireSafetyLevel: 'fire_safety_level',
    securityChief: 'security_chief',
    employeesCount: 'employees',
    industry: 'industry',
    dedicatedGridId: 'dedicated_grid_id',
  };
  for (const [key, column] of Object.entries(map)) if (key in row) out[column] = row[key as keyof OrganisationRow];
  if ('location' in row) out.location = pointOf(row.location ?? null);
  return out;
}

/** Organisations (实有单位) in scope and the persons they employ. */
export function organisationRepository(db: Db, scope: Scope) {
  return {
    area(id: number) {
      return scopedFrom(db, scope, 'areas as a').select(['a.id', 'a.path', 'a.level', 'a.status', 'a.name', 'a.grid_type as gridType']).where('a.id', '=', id).executeTakeFirst();
    },

    async insert(row: OrganisationRow): Promise<number> {
      const { id } = await ownedInsert(db, scope, 'organisations')
        .values(columns(row) as never)
        .returning('id')
        .executeTakeFirstOrThrow();
      return id;
    },

    async update(id: number, row: Partial<OrganisationRow>, at: Date): Promise<void> {
      await scopedUpdate(db, scope, 'organisations')
        .set({ ...columns(row), updated_at: at } as never)
        .where('id', '=', id)
        .execute();
    },

    find(id: number) {
      return scopedFrom(db, scope, 'organisations as o')
        .select([
          'o.id',
          'o.area_id as areaId',
          'o.name',
          'o.credit_code as creditCode',
          'o.kind',
          'o.address',
          'o.legal_rep_name as legalRepName',
          'o.legal_rep_phone_masked as legalRepPhoneMasked',
          'o.key_unit as keyUnit',
          'o.fire_safety_level as fireSafetyLevel',
          'o.security_chief as securityChief',
          'o.employees as employeesCount',
          'o.industry',
          'o.dedicated_grid_id as dedicatedGridId',
          sql<number | null>`ST_X(o.location)`.as('lng'),
          sql<number | null>`ST_Y(o.location)`.as('lat'),
          'o.provenance',
          'o.verified_by as verifiedBy',
          'o.verified_at as verifiedAt',
          'o.claimed_by as claimedBy',
          'o.claimed_at as claimedAt',
          'o.updated_at as updatedAt',
        ])
        .where('o.id', '=', id)
        .executeTakeFirst();
    },

    /** 已核实: who checked the organisation on the spot, and when. */
    async verify(id: number, by: number, at: Date): Promise<void> {
      await scopedUpdate(db, scope, 'organisations').set({ provenance: 'verified', verified_by: by, verified_at: at, updated_at: at }).where('id', '=', id).execute();
    },

    /** Organisations under an area (keyset by id), by name or credit code, key units only if asked. */
    list(f: { areaPath?: string | undefined; keyUnit?: boolean | undefined; q?: string | undefined; after?: number | undefined; limit: number }) {
      let q = scopedFrom(db, scope, 'organisations as o').select([
        'o.id',
        'o.name',
        'o.credit_code as creditCode',
        'o.kind',
        'o.key_unit as keyUnit',
        'o.legal_rep_name as legalRepName',
        'o.employees as employeesCount',
        'o.area_id as areaId',
      ]);
      if (f.areaPath) {
        const path = f.areaPath;
        q = q.where('o.area_id', 'in', () => scopedFrom(db, scope, 'areas as sa').select('sa.id').where('sa.path', 'like', `${path}%`));
      }
      if (f.keyUnit !== undefined) q = q.where('o.key_unit', '=', f.keyUnit);
      if (f.q) {
        const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        const code = f.q.toUpperCase();
        q = q.where((eb) => eb.or([eb('o.name', 'like', like), eb('o.credit_code', '=', code)]));
      }
      if (f.after !== undefined) q = q.where('o.id', '>', f.after);
      return q.orderBy('o.id').limit(f.limit).execute();
    },

    employees(organisationId: number) {
      return scopedFrom(db, scope, 'organisation_employees as e')
        .innerJoin('persons as p', 'p.id', 'e.person_id')
        .select(['e.person_id as personId', 'p.name', 'e.position', sql<string | null>`e.since::text`.as('since')])
        .where('e.organisation_id', '=', organisationId)
        .where(ownedBy(scope, 'persons as p'))
        .orderBy('e.since')
        .orderBy('p.name')
        .execute();
    },

    person(id: number) {
      return scopedFrom(db, scope, 'persons as p').select(['p.id', 'p.name', 'p.area_id as areaId', 'p.merged_into as mergedInto']).where('p.id', '=', id).executeTakeFirst();
    },

    /** Adds or updates the employment; true when the person was not employed there before. */
    async upsertEmployee(row: { organisationId: number; personId: number; areaId: number; position: string | null; since: string | null }): Promise<boolean> {
      const existing = await scopedFrom(db, scope, 'organisation_employees as e').select('e.person_id').where('e.organisation_id', '=', row.organisationId).where('e.person_id', '=', row.personId).executeTakeFirst();
      if (existing) {
        await scopedUpdate(db, scope, 'organisation_employees').set({ position: row.position, since: row.since }).where('organisation_id', '=', row.organisationId).where('person_id', '=', row.personId).execute();
        return false;
      }
      await ownedInsert(db, scope, 'organisation_employees').values({ organisation_id: row.organisationId, person_id: row.personId, area_id: row.areaId, position: row.position, since: row.since }).execute();
      return true;
    },

    async removeEmployee(organisationId: number, personId: number): Promise<boolean> {
      const r = await scopedDelete(db, scope, 'organisation_employees').where('organisation_id', '=', organisationId).where('person_id', '=', personId).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
  };
}
