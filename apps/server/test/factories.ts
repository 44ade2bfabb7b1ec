import { sql } from 'kysely';
import type { AreaLevel, DepartmentKind, Role } from '@redgrid/contracts';
import type { Database } from '../src/db/engine.ts';
import { hashPassword } from '../src/platform/password.ts';
import { loginAs, type Session } from './harness.ts';
import type { App } from '../src/platform/http.ts';

/**
 * Test data builders: module tests make the areas, grids and accounts they need instead of leaning
 * on demo codes. They write straight to the database (tests may; the product may not).
 */

export const TEST_PASSWORD = 'Fixture#Pass2026';

export interface BuiltArea {
  id: number;
  code: string;
  name: string;
  path: string;
  level: AreaLevel;
}

let counter = 0;
/** A 12-digit code no seeded division uses (the 99 prefix is no province). */
function freshCode(): string {
  counter += 1;
  return `99${String(Date.now() % 1e6).padStart(6, '0')}${String(counter).padStart(4, '0')}`;
}

export async function buildArea(
  database: Database,
  input: { level: AreaLevel; name?: string; code?: string; parentId?: number | null; households?: number | null },
): Promise<BuiltArea> {
  const code = input.code ?? freshCode();
  const row = await database.db
    .insertInto('areas')
    .values({
      code,
      name: input.name ?? `测试${input.level}${code.slice(-4)}`,
      level: input.level,
      parent_id: input.parentId ?? null,
      grid_type: input.level === 'grid' ? 'comprehensive' : null,
      households: input.households ?? null,
    })
    .returning(['id', 'code', 'name', 'path', 'level'])
    .executeTakeFirstOrThrow();
  return row;
}

/** A square boundary of `sizeDeg` degrees with its south-west corner at (lng, lat), WGS84. */
export function square(lng: number, lat: number, sizeDeg = 0.01) {
  return {
    type: 'MultiPolygon' as const,
    coordinates: [[[[lng, lat], [lng + sizeDeg, lat], [lng + sizeDeg, lat + sizeDeg], [lng, lat + sizeDeg], [lng, lat]]]],
  };
}

export async function setBoundary(database: Database, areaId: number, geometry: ReturnType<typeof square>): Promise<void> {
  await sql`INSERT INTO area_boundaries (area_id, geom, valid_from)
            VALUES (${areaId}, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(geometry)}), 4326)), now() - interval '1 day')`.execute(database.db);
}

/** A comprehensive grid with its boundary under a community. */
export async function buildGrid(database: Database, input: { communityId: number; at: [number, number]; households?: number; name?: string }): Promise<BuiltArea> {
  const grid = await buildArea(database, { level: 'grid', parentId: input.communityId, households: input.households ?? 400, ...(input.name ? { name: input.name } : {}) });
  await setBoundary(database, grid.id, square(input.at[0], input.at[1]));
  return grid;
}

export interface BuiltUser {
  id: number;
  username: string;
}

/** A dept_staff role needs `departmentId` (migration 0018); no other role takes it. */
export async function buildUser(database: Database, input: { username: string; homeAreaId: number; roles: Role[]; displayName?: string; departmentId?: number }): Promise<BuiltUser> {
  const row = await database.db
    .insertInto('users')
    .values({ username: input.username, display_name: input.displayName ?? input.username, password_hash: await hashPassword(TEST_PASSWORD), home_area_id: input.homeAreaId })
    .returning(['id', 'username'])
    .executeTakeFirstOrThrow();
  if (input.roles.length > 0) {
    await database.db
      .insertInto('role_assignments')
      .values(input.roles.map((role) => ({ user_id: row.id, role, area_id: input.homeAreaId, department_id: role === 'dept_staff' ? (input.departmentId ?? null) : null })))
      .execute();
  }
  return row;
}

/** A fresh account holding `role` on `areaId`, signed in. */
export async function loginAsRole(app: App, database: Database, role: Role, areaId: number): Promise<Session & { user: BuiltUser }> {
  counter += 1;
  const user = await buildUser(database, { username: `t_${role}_${counter}`, homeAreaId: areaId, roles: [role] });
  return { ...(await loginAs(app, user.username, TEST_PASSWORD)), user };
}

export interface OutsideDistrict {
  province: BuiltArea;
  district: BuiltArea;
  street: BuiltArea;
  community: BuiltArea;
  grid: BuiltArea;
  building: BuiltArea;
  user: BuiltUser;
  /** A police station of the outside street serving its community (外省探针派出所). */
  department: number;
  /** Base data of the outside grid: a house with a rental, a household, a resident with a tag, a pending proposal. */
  records: { house: number; rental: number; household: number; person: number; tag: number; proposal: number; organisation: number; component: number };
  /** A point inside the grid (WGS84). */
  point: [number, number];
  /** Strings that no response to anyone outside this district may contain. */
  canaries: string[];
}

/**
 * A whole chain from province to building in 浙江 (杭州), outside every demo account's scope: the
 * record a scope test probes for.
 */
export async function buildOutsideDistrict(database: Database): Promise<OutsideDistrict> {
  const province = await buildArea(database, { level: 'province', code: '330000000000', name: '浙江省' });
  const city = await buildArea(database, { level: 'city', code: '330100000000', name: '杭州市', parentId: province.id });
  const district = await buildArea(database, { level: 'district', code: '330102000000', name: '上城区', parentId: city.id });
  const street = await buildArea(database, { level: 'street', code: '330102001000', name: '清波街道', parentId: district.id });
  const community = await buildArea(database, { level: 'community', code: '330102001001', name: '外省探针社区', parentId: street.id });
  const at: [number, number] = [120.16, 30.24];
  for (const a of [district, street, community]) await setBoundary(database, a.id, square(at[0] - 0.01, at[1] - 0.01, 0.05));
  const grid = await buildGrid(database, { communityId: community.id, at, name: '外省探针网格' });
  const building = await buildArea(database, { level: 'building', parentId: grid.id, households: 40, name: '外省探针楼' });
  await sql`UPDATE areas SET location = ST_SetSRID(ST_MakePoint(${at[0] + 0.005}::float8, ${at[1] + 0.005}::float8), 4326) WHERE id = ${building.id}`.execute(database.db);
  const user = await buildUser(database, { username: 'outsider_probe', homeAreaId: community.id, roles: ['grid_worker'], displayName: '外省探针' });
  const records = await buildOutsideRecords(database, building.id, grid.id, user.id);
  const department = await buildDepartment(database, { name: '外省探针派出所', kind: 'public_security', level: 'town', areaId: street.id, servedAreaIds: [community.id] });
  return {
    records,
    department,
    province,
    district,
    street,
    community,
    grid,
    building,
    user,
    point: [at[0] + 0.005, at[1] + 0.005],
    canaries: ['外省探针', '330102001001', 'outsider_probe'],
  };
}

/** A department (职能部门) owned by an area, serving the given areas. */
export async function buildDepartment(
  database: Database,
  input: { name: string; kind: DepartmentKind; level: 'district' | 'town'; areaId: number; servedAreaIds: number[]; active?: boolean },
): Promise<number> {
  const row = await database.db
    .insertInto('departments')
    .values({ name: input.name, kind: input.kind, level: input.level, area_id: input.areaId, active: input.active ?? true })
    .returning('id')
    .executeTakeFirstOrThrow();
  await database.db.insertInto('department_areas').values(input.servedAreaIds.map((areaId) => ({ department_id: row.id, area_id: areaId }))).execute();
  return row.id;
}

/** A valid 统一社会信用代码 (check character included) of the outside district's organisation. */
export const OUTSIDE_CREDIT_CODE = '91330102MA2H00001L';

/** Base-data rows of the outside district, written straight to the tables (the canaries are in their names). */
async function buildOutsideRecords(database: Database, buildingId: number, gridId: number, userId: number) {
  const db = database.db;
  const house = await db.insertInto('houses').values({ area_id: buildingId, address_key: `outside|${buildingId}|101`, address: '外省探针楼 101室', floor: 1, room: '101', occupancy: 'rented' }).returning('id').executeTakeFirstOrThrow();
  const rental = await db.insertInto('rentals').values({ house_id: house.id, area_id: buildingId, lessor_name: '外省探针房东', occupants: 2 }).returning('id').executeTakeFirstOrThrow();
  const household = await db.insertInto('households').values({ area_id: buildingId, house_id: house.id, household_no: '330102999999' }).returning('id').executeTakeFirstOrThrow();
  const person = await db
    .insertInto('persons')
    .values({ area_id: buildingId, household_id: household.id, name: '外省探针居民', name_pinyin: 'waishengtanzhenjumin', name_initials: 'wstzjm', id_bidx: 'outside-probe-bidx', id_masked: '3301**********0011', phone_bidx: 'outside-probe-phone', phone_masked: '170****0011', relation_to_head: 'head' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.updateTable('households').set({ head_person_id: person.id }).where('id', '=', household.id).execute();
  const group = await db.selectFrom('person_groups').select('id').where('code', '=', 'elderly_alone').executeTakeFirstOrThrow();
  const tag = await db.insertInto('person_tags').values({ person_id: person.id, area_id: buildingId, group_id: group.id, since: '2026-01-01', reason: '外省探针' }).returning('id').executeTakeFirstOrThrow();
  const visit = await db.insertInto('household_visits').values({ household_id: household.id, area_id: buildingId, grid_id: gridId, visited_on: '2026-11-01', worker_id: userId, kind: 'routine', findings: '外省探针' }).returning('id').executeTakeFirstOrThrow();
  const proposal = await db
    .insertInto('record_proposals')
    .values({ visit_id: visit.id, area_id: buildingId, record_type: 'person', record_id: person.id, changes: JSON.stringify({ occupation: '外省探针' }), proposed_by: userId, proposed_at: new Date('2026-11-01T02:00:00Z') })
    .returning('id')
    .executeTakeFirstOrThrow();
  const organisation = await db
    .insertInto('organisations')
    .values({ area_id: gridId, name: '外省探针有限公司', credit_code: OUTSIDE_CREDIT_CODE, legal_rep_name: '外省探针法人', key_unit: true })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('organisation_employees').values({ organisation_id: organisation.id, person_id: person.id, area_id: gridId, position: '外省探针岗位' }).execute();
  const component = await db
    .insertInto('city_components')
    .values({ area_id: gridId, identifier: '3301020101000001', class_code: '01', subclass_code: '01', name: '外省探针井盖', location: sql<string>`ST_SetSRID(ST_MakePoint(120.165, 30.245), 4326)` })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { house: house.id, rental: rental.id, household: household.id, person: person.id, tag: tag.id, proposal: proposal.id, organisation: organisation.id, component: component.id };
}
