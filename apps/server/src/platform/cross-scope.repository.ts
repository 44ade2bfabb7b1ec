import { sql, type RawBuilder } from 'kysely';
import type { AreaLevel, DepartmentKind } from '@redgrid/contracts';
import type { ActorRole } from './context.ts';
import { unrestricted, type Db } from './data-access.ts';

/**
 * The queries that must cross scope, in one place, each with its reason. Everything else reaches an
 * owned table through scopedFrom / scopedUpdate / scopedDelete / ownedInsert (data-access.ts).
 * Adding a function here is a review event: say who calls it and why no scope can apply.
 */

/** Usernames are unique across the whole system, so the check must see accounts outside the caller's scope. */
export async function usernameTaken(db: Db, username: string): Promise<boolean> {
  const row = await unrestricted(db).selectFrom('users').select('id').where(sql`lower(username)`, '=', username.toLowerCase()).executeTakeFirst();
  return row !== undefined;
}

/** A role with the account that holds it. */
export type RoleOfUser = ActorRole & { userId: number };

/** Role assignments with their areas (and a dept_staff's department), in rank order (the area's depth, then the role). */
function rolesOf(db: Db, userIds: readonly number[]): Promise<RoleOfUser[]> {
  return unrestricted(db)
    .selectFrom('role_assignments as r')
    .innerJoin('areas as a', 'a.id', 'r.area_id')
    .leftJoin('departments as d', 'd.id', 'r.department_id')
    .select([
      'r.user_id as userId',
      'r.role',
      'a.id as areaId',
      'a.code as areaCode',
      'a.name as areaName',
      'a.level as areaLevel',
      'a.path as areaPath',
      'r.department_id as departmentId',
      'd.name as departmentName',
    ])
    .where('r.user_id', 'in', [...userIds])
    .orderBy('a.depth')
    .orderBy('r.role')
    .execute();
}

/**
 * All roles of the given users, including assignments outside the caller's scope: the caller sees
 * which roles an account holds (names of public divisions only), and policy needs them all to
 * decide whether the caller outranks the account. The users themselves were loaded through a scope.
 */
export async function listRolesOfUsers(db: Db, userIds: readonly number[]): Promise<RoleOfUser[]> {
  return userIds.length === 0 ? [] : rolesOf(db, userIds);
}

/** The caller's own roles, read while their session is resolved: no scope exists before it. */
export async function listOwnRoles(db: Db, userId: number): Promise<ActorRole[]> {
  return (await rolesOf(db, [userId])).map(({ userId: _userId, ...role }) => role);
}

/**
 * The active departments of a kind that serve any of the given areas, deepest served area first.
 * Routing (the department module's `departmentFor`) and the rule "one active department of a kind per
 * served area" must see every department whoever set it up: a case in 站北社区 goes to the district's
 * 城管局, which belongs to the district, above the grid worker's scope. Only a department's id, name,
 * level and owning area id, and the served area, go back. Called by the department module
 * (department.service.ts) with area ids it loaded through a scope.
 */
export function activeDepartmentsServing(db: Db, kind: DepartmentKind, areaIds: readonly number[]) {
  if (areaIds.length === 0) return Promise.resolve([]);
  return unrestricted(db)
    .selectFrom('department_areas as da')
    .innerJoin('departments as d', 'd.id', 'da.department_id')
    .innerJoin('areas as a', 'a.id', 'da.area_id')
    .select(['d.id', 'd.name', 'd.level', 'd.area_id as areaId', 'da.area_id as servedAreaId', 'a.name as servedAreaName', 'a.depth as servedDepth'])
    .where('d.kind', '=', kind)
    .where('d.active', '=', true)
    .where('da.area_id', 'in', [...areaIds])
    .orderBy('a.depth', 'desc')
    .orderBy('d.id')
    .execute();
}

/**
 * Ancestors of an area for its breadcrumb. Division names and codes above the caller's scope are
 * public statistical data, not governed records; the area itself was loaded through a scope.
 */
export function listAncestorNames(db: Db, path: string) {
  const ids = path.split('/').filter(Boolean).map(Number).slice(0, -1);
  if (ids.length === 0) return Promise.resolve([]);
  return unrestricted(db).selectFrom('areas').select(['id', 'code', 'name', 'level', 'grade']).where('id', 'in', ids).orderBy('depth').execute();
}

/**
 * An area and every area above it, top-down (the area itself last), in one statement: the ids on its
 * stored path. Empty when there is no such area.
 */
export function areaChainOf(db: Db, id: number) {
  return unrestricted(db)
    .selectFrom('areas')
    .select(['id', 'code', 'name', 'level', 'grade', 'path'])
    .where(sql<boolean>`id = ANY(string_to_array(btrim((SELECT p.path FROM areas p WHERE p.id = ${id}), '/'), '/')::bigint[])`)
    .orderBy('depth')
    .execute();
}

/** The grade of the nearest of these ancestors (top-down, as listAncestorNames gives them) that has one. */
export function gradeInForce(ancestors: readonly { grade: 'A' | 'B' | 'C' | null }[]): 'A' | 'B' | 'C' | null {
  for (let i = ancestors.length - 1; i >= 0; i -= 1) if (ancestors[i]!.grade) return ancestors[i]!.grade;
  return null;
}

/**
 * Who loaded each edition of the division code library, by display name. The library is reference
 * data shared by every area, and its editions are loaded by system admins whose accounts usually lie
 * outside (above) the scope of the caller browsing the library; the editions are listed to anyone
 * with area.read. Only the display name of an edition's importer is given, nothing else of the account.
 * Called by the division module (division-library.service.ts).
 */
export async function divisionEditionImporters(db: Db, editionIds: readonly number[]): Promise<Map<number, string>> {
  if (editionIds.length === 0) return new Map();
  const rows = await unrestricted(db)
    .selectFrom('division_editions as e')
    .innerJoin('users as u', 'u.id', 'e.imported_by')
    .select(['e.id as editionId', 'u.display_name as displayName'])
    .where('e.id', 'in', [...editionIds])
    .execute();
  return new Map(rows.map((r) => [r.editionId, r.displayName]));
}

/**
 * The audit trail for the audit admin. Three-way admin separation (三权分立) gives the auditor every
 * row and nothing else (audit.read is the audit admin's only permission), so the trail is read whole,
 * not by area. Called by the audit module (audit.service.ts).
 */
export async function listAuditTrail(db: Db, f: { entity?: string | undefined; action?: string | undefined; actorId?: number | undefined; page: number; pageSize: number }) {
  let base = unrestricted(db).selectFrom('audit_log');
  if (f.entity) base = base.where('entity', '=', f.entity);
  if (f.action) base = base.where('action', '=', f.action);
  if (f.actorId) base = base.where('actor_id', '=', f.actorId);
  const [rows, count] = await Promise.all([
    base.selectAll().orderBy('id', 'desc').limit(f.pageSize).offset((f.page - 1) * f.pageSize).execute(),
    base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: count.n };
}

/**
 * Everyone who appears as the actor of a row of the trail, with how many rows, for the audit admin's actor
 * picker: the trail is the auditor's whole remit (三权分立), and it already names these actors on its rows.
 * Called by the audit module (audit.service.ts).
 */
export function listAuditTrailActors(db: Db) {
  return unrestricted(db)
    .selectFrom('audit_log')
    .select(['actor_id as id', sql<string>`max(actor_name)`.as('name'), sql<number>`count(*)::int`.as('rows')])
    .where('actor_id', 'is not', null)
    .groupBy('actor_id')
    .orderBy('name')
    .limit(1000)
    .execute();
}

/**
 * The names and codes of the accounts and areas that rows of the trail are about, for the audit admin
 * reading those rows. Without them the auditor reads internal ids; the auditor holds no area or account
 * permission, so only the display name and username of an account and the name and code of an area go
 * back, nothing else of either. Called by the audit module (audit.service.ts) with ids taken from the
 * rows of one page of the trail.
 */
export async function auditedObjectNames(db: Db, ids: { users: readonly number[]; areas: readonly number[] }) {
  const full = unrestricted(db);
  const [users, areas] = await Promise.all([
    ids.users.length === 0 ? [] : full.selectFrom('users').select(['id', 'username', 'display_name as displayName']).where('id', 'in', [...ids.users]).execute(),
    ids.areas.length === 0 ? [] : full.selectFrom('areas').select(['id', 'name', 'code']).where('id', 'in', [...ids.areas]).execute(),
  ]);
  return {
    users: new Map(users.map((u) => [Number(u.id), { name: u.displayName, code: u.username }])),
    areas: new Map(areas.map((a) => [Number(a.id), { name: a.name, code: a.code }])),
  };
}

export interface AreaByCode {
  id: number;
  code: string;
  name: string;
  level: AreaLevel;
  path: string;
  status: 'active' | 'retired';
  parentCode: string | null;
  parentLevel: AreaLevel | null;
}

/**
 * Codes per lookup statement. One statement per 10,000 codes made PostgreSQL scan the whole table
 * each time (a re-import of the national file took 13 s); one hash join over 250,000 takes a fraction.
 */
const AREA_CODE_LOOKUP_CHUNK = 250_000;

/**
 * Areas with these codes, wherever they are. A code is unique across the whole tree, so the division
 * import (division module, division-tree-import.service.ts) must check each row against areas outside
 * the caller's scope too, or the insert would fail on the unique key half-way. The import turns an
 * out-of-scope match into an `out_of_scope` row error naming the code only (12-digit division codes are
 * public statistical data) and shows none of the area's data. Only 12-digit division codes are asked for.
 */
export async function areasByDivisionCode(db: Db, codes: readonly string[]): Promise<Map<string, AreaByCode>> {
  const found = new Map<string, AreaByCode>();
  for (let i = 0; i < codes.length; i += AREA_CODE_LOOKUP_CHUNK) {
    const part = codes.slice(i, i + AREA_CODE_LOOKUP_CHUNK);
    const { rows } = await sql<AreaByCode>`
      SELECT a.id, a.code, a.name, a.level, a.path, a.status, p.code AS "parentCode", p.level AS "parentLevel"
        FROM areas a LEFT JOIN areas p ON p.id = a.parent_id
       WHERE a.code = ANY(${part}::text[])`.execute(unrestricted(db));
    for (const r of rows) found.set(r.code, r);
  }
  return found;
}

/**
 * The national root (level `country`), under which the division import places new provinces (division
 * module). Unscoped for the same reason as areasByDivisionCode: the import must know where a province
 * would go before it can tell the caller that their scope does not reach it.
 */
export async function countryRoots(db: Db): Promise<AreaByCode[]> {
  const { rows } = await sql<AreaByCode>`
    SELECT id, code, name, level, path, status, NULL AS "parentCode", NULL AS "parentLevel"
      FROM areas WHERE level = 'country' AND parent_id IS NULL ORDER BY id LIMIT 2`.execute(unrestricted(db));
  return rows;
}

/**
 * The household range set on an area itself or its nearest ancestor that sets one (the rule of the grid
 * balance report). Ancestors may lie above the caller's scope: a target size is configuration, not a
 * governed record. Called by the grid proposal (area module, area-proposal.service.ts) for a community
 * loaded through the caller's scope.
 */
export async function householdRangeSetting(db: Db, path: string): Promise<{ min: number | null; max: number | null } | undefined> {
  const { rows } = await sql<{ min: number | null; max: number | null }>`
    SELECT x.balance_min AS min, x.balance_max AS max FROM areas x
     WHERE starts_with(${path}, x.path) AND (x.balance_min IS NOT NULL OR x.balance_max IS NOT NULL)
     ORDER BY x.depth DESC LIMIT 1`.execute(unrestricted(db));
  return rows[0];
}

// ─── Sign-in (auth module): before a session is resolved there is no actor, hence no scope ───

/** An account as the login sees it. */
export interface LoginAccount {
  id: number;
  username: string;
  display_name: string;
  password_hash: string;
  disabled: boolean;
  must_change_password: boolean;
  locked_until: Date | null;
  home_area_id: number;
}

/**
 * The account a login names. Login runs before anyone is known, so no scope exists yet; the name is
 * matched globally (usernames are unique case-insensitively). Called by the auth module's login.
 */
export function findAccountForLogin(db: Db, username: string): Promise<LoginAccount | undefined> {
  return unrestricted(db)
    .selectFrom('users')
    .select(['id', 'username', 'display_name', 'password_hash', 'disabled', 'must_change_password', 'locked_until', 'home_area_id'])
    .where((eb) => eb(eb.fn('lower', ['username']), '=', username.toLowerCase()))
    .executeTakeFirst();
}

/**
 * Counts one failed login in a single statement: the row lock of the UPDATE serialises parallel
 * failures, each one sees the count the previous one wrote, and the one that reaches `attempts`
 * sets the lock (and starts the count over for after it). No row back = the account was already
 * locked when this failure arrived. Before sign-in: the account was found by findAccountForLogin.
 */
export async function recordLoginFailure(db: Db, userId: number, attempts: number, now: Date, lockUntil: Date) {
  const reaches = sql<boolean>`failed_logins + 1 >= ${attempts}`;
  const row = await unrestricted(db)
    .updateTable('users')
    .set({
      failed_logins: sql<number>`CASE WHEN ${reaches} THEN 0 ELSE failed_logins + 1 END`,
      locked_until: sql<Date | null>`CASE WHEN ${reaches} THEN ${lockUntil}::timestamptz ELSE NULL END`,
    })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .returning(['failed_logins', 'locked_until'])
    .executeTakeFirst();
  if (!row) return null;
  return { locked: row.locked_until !== null, failedAttempts: row.locked_until !== null ? attempts : row.failed_logins, lockedUntil: row.locked_until };
}

/**
 * A right password: clears the failure count in the same statement that decides on the lock, so a
 * password checked while parallel failures locked the account gets `false`. Before sign-in.
 */
export async function recordLoginSuccess(db: Db, userId: number, now: Date): Promise<boolean> {
  const row = await unrestricted(db)
    .updateTable('users')
    .set({ failed_logins: 0, locked_until: null, last_login_at: now })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** The lock end of an account a login is refused for (before sign-in: no scope yet). */
export async function loginLockedUntil(db: Db, userId: number): Promise<Date | null> {
  const row = await unrestricted(db).selectFrom('users').select('locked_until').where('id', '=', userId).executeTakeFirst();
  return row?.locked_until ?? null;
}

export interface NewSession {
  id: string;
  userId: number;
  csrfToken: string;
  now: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
}

/** The session a successful login opens, for the account it signed in (no scope before it exists). */
export async function startSession(db: Db, s: NewSession): Promise<void> {
  await unrestricted(db)
    .insertInto('sessions')
    .values({ id: s.id, user_id: s.userId, csrf_token: s.csrfToken, created_at: s.now, last_seen_at: s.now, expires_at: s.expiresAt, ip: s.ip, user_agent: s.userAgent })
    .execute();
}

/**
 * The session a cookie names, with its account. Resolving a session is what produces the actor and
 * the scope, so it cannot itself be scoped; the id is the hash of a secret token only its holder has.
 */
export function findSession(db: Db, id: string) {
  return unrestricted(db)
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['s.id', 's.user_id', 's.csrf_token', 's.last_seen_at', 's.expires_at', 'u.username', 'u.display_name', 'u.disabled', 'u.must_change_password'])
    .where('s.id', '=', id)
    .executeTakeFirst();
}

/** Marks a session as seen, while it is resolved (before any scope exists; see findSession). */
export async function touchSession(db: Db, id: string, now: Date): Promise<void> {
  await unrestricted(db).updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
}

/**
 * Ends one session by its id: an expired one while it is resolved (no scope yet), or the caller's
 * own at logout — a person may always sign themselves out, whatever their scope (even one whose
 * roles were all taken away holds no scope at all). The id comes from the session, never from input.
 */
export async function deleteSession(db: Db, id: string): Promise<void> {
  await unrestricted(db).deleteFrom('sessions').where('id', '=', id).execute();
}

/**
 * The caller's own account, for changing their own password (auth module). The account is the one
 * the session belongs to (`userId` is the actor's id, never input), and a person changes their own
 * password whatever their scope: their home area need not lie under the areas of their roles, and an
 * account whose roles were all taken away has no scope at all but must still be able to do it.
 */
export function ownAccount(db: Db, userId: number) {
  const full = unrestricted(db);
  return {
    /** The current password hash, the home area (for the audit row) and the newest `earlier` replaced hashes. */
    async passwordState(earlier: number): Promise<{ passwordHash: string; homeAreaId: number; earlierHashes: string[] }> {
      const user = await full.selectFrom('users').select(['password_hash', 'home_area_id']).where('id', '=', userId).executeTakeFirstOrThrow();
      const history = earlier <= 0 ? [] : await full.selectFrom('password_history').select('password_hash').where('user_id', '=', userId).orderBy('id', 'desc').limit(earlier).execute();
      return { passwordHash: user.password_hash, homeAreaId: user.home_area_id, earlierHashes: history.map((h) => h.password_hash) };
    },

    /** Sets the new password, keeps the replaced one (only the newest `keep` stay) and ends the other sessions. */
    async replacePassword(c: { passwordHash: string; replacedHash: string; keep: number; at: Date; keepSession: string | null }): Promise<void> {
      await full.updateTable('users').set({ password_hash: c.passwordHash, must_change_password: false, password_changed_at: c.at, updated_at: c.at }).where('id', '=', userId).execute();
      if (c.keep > 0) await full.insertInto('password_history').values({ user_id: userId, password_hash: c.replacedHash, created_at: c.at }).execute();
      const kept = full.selectFrom('password_history').select('id').where('user_id', '=', userId).orderBy('id', 'desc').limit(c.keep);
      await full.deleteFrom('password_history').where('user_id', '=', userId).where('id', 'not in', kept).execute();
      await full.deleteFrom('sessions').where('user_id', '=', userId).where('id', '!=', c.keepSession ?? '').execute();
    },
  };
}

/*
 * A boundary is checked against the ground of its neighbours and its parent wherever they lie: a
 * community secretary who redraws the community's own edge (their scope's root) must still hear that
 * it now leaves the street or overlaps the next community's grids. Only square metres and the
 * overlapping neighbour's name go back; the area being changed was loaded through the caller's scope.
 */

/** Sibling grids (same parent, active) whose current boundary overlaps the geometry by 1 m² or more. */
export async function overlappingSiblingGrids(db: Db, parentId: number, exceptIds: readonly number[], geometry: RawBuilder<unknown>) {
  const { rows } = await sql<{ id: number; name: string; overlapM2: number }>`
    SELECT a.id, a.name, ST_Area(ST_Intersection(b.geom, g.geom)::geography) AS "overlapM2"
      FROM areas a JOIN area_boundaries b ON b.area_id = a.id AND b.valid_to IS NULL, (SELECT ${geometry} AS geom) g
     WHERE a.parent_id = ${parentId} AND a.status = 'active' AND a.level = 'grid' AND a.id <> ALL(${[...exceptIds]}::bigint[])
       AND ST_Intersects(b.geom, g.geom) AND NOT ST_Touches(b.geom, g.geom)`.execute(unrestricted(db));
  return rows.filter((r) => r.overlapM2 >= 1);
}

/** Square metres of the geometry outside the parent's current boundary; null when the parent has none. */
export async function areaOutsideParentM2(db: Db, parentId: number, geometry: RawBuilder<unknown>): Promise<number | null> {
  const { rows } = await sql<{ m2: number }>`
    SELECT ST_Area(ST_Difference(g.geom, b.geom)::geography) AS m2
      FROM area_boundaries b, (SELECT ${geometry} AS geom) g
     WHERE b.area_id = ${parentId} AND b.valid_to IS NULL`.execute(unrestricted(db));
  return rows[0]?.m2 ?? null;
}

/**
 * The ground a redrawn area gives up that nothing else covers: its current boundary minus the new one,
 * minus its active siblings, within its parent (when it has a boundary); pieces thinner than
 * `sliverWidthM` are left out, as in the coverage report.
 */
export async function neighbourGapM2(db: Db, areaId: number, parentId: number, geometry: RawBuilder<unknown>, sliverWidthM: number): Promise<number> {
  const { rows } = await sql<{ m2: number | null }>`
    WITH given AS (
           SELECT ST_Difference(b.geom, g.geom) AS geom
             FROM area_boundaries b, (SELECT ${geometry} AS geom) g
            WHERE b.area_id = ${areaId} AND b.valid_to IS NULL),
         taken AS (
           SELECT ST_Union(b.geom) AS geom
             FROM areas a JOIN area_boundaries b ON b.area_id = a.id AND b.valid_to IS NULL, given
            WHERE a.parent_id = ${parentId} AND a.id <> ${areaId} AND a.status = 'active' AND ST_Intersects(b.geom, given.geom)),
         open AS (
           SELECT CASE WHEN taken.geom IS NULL THEN given.geom ELSE ST_Difference(given.geom, taken.geom) END AS geom FROM given, taken)
    SELECT sum(ST_Area(d.geom::geography)) AS m2
      FROM open LEFT JOIN area_boundaries p ON p.area_id = ${parentId} AND p.valid_to IS NULL,
           LATERAL ST_Dump(ST_CollectionExtract(COALESCE(ST_Intersection(open.geom, p.geom), open.geom), 3)) d
     WHERE 2 * ST_Area(d.geom::geography) >= ${sliverWidthM} * ST_Perimeter(d.geom::geography)`.execute(unrestricted(db));
  return rows[0]?.m2 ?? 0;
}

export interface RecordPlaceRow {
  areaId: number;
  gridId: number | null;
  gridName: string | null;
  communityName: string | null;
  /** Building and unit below the grid ('3幢 2单元'), when the record sits in one. */
  placeName: string | null;
  /** Path of the area itself, for scope-relative work by the caller. */
  path: string;
}

/**
 * Where base-data records sit, by name: for each area id (the caller loaded the records through its
 * scope), its grid, community and building/unit. The community of a grid worker's grid lies above
 * the worker's scope; like the breadcrumb (listAncestorNames) these are public division names.
 */
export async function recordPlaces(db: Db, areaIds: readonly number[]): Promise<Map<number, RecordPlaceRow>> {
  const ids = [...new Set(areaIds)];
  const out = new Map<number, RecordPlaceRow>();
  if (ids.length === 0) return out;
  const all = unrestricted(db);
  const own = await all.selectFrom('areas').select(['id', 'path']).where('id', 'in', ids).execute();
  const ancestorIds = new Set<number>();
  for (const a of own) for (const id of a.path.split('/').filter(Boolean)) ancestorIds.add(Number(id));
  const ancestors = await all
    .selectFrom('areas')
    .select(['id', 'name', 'level'])
    .where('id', 'in', [...ancestorIds])
    .where('level', 'in', ['community', 'grid', 'building', 'unit'])
    .execute();
  const byId = new Map(ancestors.map((a) => [a.id, a]));
  for (const a of own) {
    const chain = a.path.split('/').filter(Boolean).map((id) => byId.get(Number(id))).filter((x) => x !== undefined);
    const grid = [...chain].reverse().find((c) => c.level === 'grid') ?? null;
    const community = chain.find((c) => c.level === 'community') ?? null;
    const below = chain.filter((c) => c.level === 'building' || c.level === 'unit').map((c) => c.name);
    out.set(a.id, { areaId: a.id, gridId: grid?.id ?? null, gridName: grid?.name ?? null, communityName: community?.name ?? null, placeName: below.length ? below.join(' ') : null, path: a.path });
  }
  return out;
}

/**
 * Other records of the same person (the same identity-number blind index), wherever they are
 * registered: a resident entered in two grids or two communities must be found to be reviewed and
 * merged (一人一档). Only ids and areas leave here; the reviewer sees the other record only if it
 * lies in their own scope (a merge loads both records through the reviewer's scope).
 */
export function personsWithSameIdentity(db: Db, bidx: readonly string[], exceptId: number | null) {
  if (bidx.length === 0) return Promise.resolve([]);
  let q = unrestricted(db)
    .selectFrom('persons as p')
    .innerJoin('areas as a', 'a.id', 'p.area_id')
    .select(['p.id', 'p.area_id as areaId', 'a.path'])
    .where('p.id_bidx', 'in', [...bidx])
    .where('p.merged_into', 'is', null)
    .limit(20);
  if (exceptId !== null) q = q.where('p.id', '<>', exceptId);
  return q.execute();
}

/**
 * Display names of the people who changed or visited records in view (history, visits): they may
 * sit above the caller (a district admin correcting a record). Names only, nothing else of the account.
 */
export async function actorNames(db: Db, userIds: readonly number[]): Promise<Map<number, string>> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return new Map();
  const rows = await unrestricted(db).selectFrom('users').select(['id', 'display_name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

/**
 * Which unified social credit codes are already registered, anywhere: a code is unique nationally
 * (like a username here), so an import must not register a second organisation under it, nor
 * overwrite another area's record. Only the codes leave here, nothing else of the record.
 */
export async function organisationCodesTaken(db: Db, codes: readonly string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const rows = await unrestricted(db).selectFrom('organisations').select('credit_code').where('credit_code', 'in', [...codes]).execute();
  return new Set(rows.map((r) => r.credit_code).filter((c): c is string => c !== null));
}

// ---- 认领 claim (modules/basedata/claims) ----

/**
 * The communities whose waiting records (待认领) the caller may see and claim: the community above
 * each root of the caller's scope — a grid worker's scope is their grid, so the community holding it
 * lies outside the scope by construction — and the communities inside it (a community or street
 * admin). Division names only.
 */
export function claimCommunities(db: Db, scopeRoots: readonly string[]) {
  if (scopeRoots.length === 0) return Promise.resolve([]);
  const ancestorIds = [...new Set(scopeRoots.flatMap((p) => p.split('/').filter(Boolean).map(Number)))];
  const prefixes = scopeRoots.map((p) => `${p}%`);
  return unrestricted(db)
    .selectFrom('areas')
    .select(['id', 'name', 'code', 'path'])
    .where('level', '=', 'community')
    .where('status', '=', 'active')
    .where((eb) => eb.or([eb('id', 'in', ancestorIds), sql<boolean>`path LIKE ANY(${prefixes}::text[])`]))
    .orderBy('code')
    .execute();
}

export type ClaimKind = 'person' | 'organisation';

/**
 * Records waiting at those communities (their area is the community itself, no grid below it): the
 * caller may claim them into their grid, so they see enough to recognise one — name, masked number,
 * address. Nothing sealed leaves here. Keyset by id.
 */
export function waitingRecords(db: Db, kind: ClaimKind, communityIds: readonly number[], f: { q?: string | undefined; after?: number | undefined; limit: number }) {
  if (communityIds.length === 0) return Promise.resolve([]);
  const all = unrestricted(db);
  const like = f.q ? `${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  if (kind === 'person') {
    let q = all
      .selectFrom('persons as p')
      .leftJoin('households as h', 'h.id', 'p.household_id')
      .select(['p.id', 'p.name', 'p.area_id as areaId', 'p.id_masked as number', 'p.current_address as address', 'p.sex', 'p.birth_date as birthDate', 'p.population_type as category', 'h.household_no as householdNo', 'p.created_at as arrivedAt'])
      .where('p.area_id', 'in', [...communityIds])
      .where('p.merged_into', 'is', null);
    if (like) q = q.where((eb) => eb.or([eb('p.name', 'like', like), eb('p.name_pinyin', 'like', like.toLowerCase()), eb('p.name_initials', 'like', like.toLowerCase())]));
    if (f.after !== undefined) q = q.where('p.id', '>', f.after);
    return q.orderBy('p.id').limit(f.limit).execute();
  }
  let q = all
    .selectFrom('organisations as o')
    .select(['o.id', 'o.name', 'o.area_id as areaId', 'o.credit_code as number', 'o.address', sql<null>`NULL`.as('sex'), sql<null>`NULL`.as('birthDate'), 'o.kind as category', sql<null>`NULL`.as('householdNo'), 'o.created_at as arrivedAt'])
    .where('o.area_id', 'in', [...communityIds]);
  if (like) q = q.where((eb) => eb.or([eb('o.name', 'like', `%${like}`), eb('o.credit_code', '=', (f.q ?? '').toUpperCase())]));
  if (f.after !== undefined) q = q.where('o.id', '>', f.after);
  return q.orderBy('o.id').limit(f.limit).execute();
}

/** How many records wait at each of those communities, per kind (the list's tabs and the menu badge). */
export async function waitingCounts(db: Db, communityIds: readonly number[]) {
  const out = new Map<number, { persons: number; organisations: number }>();
  if (communityIds.length === 0) return out;
  const all = unrestricted(db);
  const persons = await all.selectFrom('persons').select(['area_id', sql<number>`count(*)::int`.as('n')]).where('area_id', 'in', [...communityIds]).where('merged_into', 'is', null).groupBy('area_id').execute();
  const orgs = await all.selectFrom('organisations').select(['area_id', sql<number>`count(*)::int`.as('n')]).where('area_id', 'in', [...communityIds]).groupBy('area_id').execute();
  for (const id of communityIds) out.set(id, { persons: 0, organisations: 0 });
  for (const r of persons) out.get(r.area_id)!.persons = r.n;
  for (const r of orgs) out.get(r.area_id)!.organisations = r.n;
  return out;
}

/**
 * A record's row locked for a claim, wherever it is now: two workers claiming it at once queue on
 * this lock, and the second reads the first one's claim. The caller answers from the record's area
 * (in a claim community: claim it; below one: say who has it; elsewhere: not found).
 */
export async function lockForClaim(db: Db, kind: ClaimKind, id: number) {
  const all = unrestricted(db);
  if (kind === 'person') {
    // A waiting household moves as one: its row is locked before any member's, so two workers claiming
    // two members of one household queue on it instead of deadlocking on each other's member.
    const peek = await all.selectFrom('persons').select('household_id').where('id', '=', id).executeTakeFirst();
    if (peek?.household_id != null) await all.selectFrom('households').select('id').where('id', '=', peek.household_id).forUpdate().execute();
  }
  const row =
    kind === 'person'
      ? await all.selectFrom('persons').select(['id', 'area_id as areaId', 'claimed_by as claimedBy', 'claimed_at as claimedAt', 'provenance', 'household_id as householdId', sql<boolean>`merged_into IS NOT NULL`.as('merged')]).where('id', '=', id).forUpdate().executeTakeFirst()
      : await all.selectFrom('organisations').select(['id', 'area_id as areaId', 'claimed_by as claimedBy', 'claimed_at as claimedAt', 'provenance', sql<null>`NULL`.as('householdId'), sql<boolean>`false`.as('merged')]).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) return undefined;
  const area = await all.selectFrom('areas').select(['path', 'level']).where('id', '=', row.areaId).executeTakeFirstOrThrow();
  return { ...row, areaPath: area.path, areaLevel: area.level };
}

/** The household a claimed person belongs to and its members, when the household waits too (it moves as one). */
export async function waitingHousehold(db: Db, householdId: number) {
  const all = unrestricted(db);
  const household = await all.selectFrom('households').select(['id', 'area_id as areaId']).where('id', '=', householdId).forUpdate().executeTakeFirst();
  if (!household) return undefined;
  const members = await all.selectFrom('persons').select(['id', 'area_id as areaId', 'provenance']).where('household_id', '=', householdId).where('merged_into', 'is', null).orderBy('id').forUpdate().execute();
  return { ...household, members };
}

/**
 * Moves claimed records out of their community into the place the claimer chose (the caller checked
 * that place through the claimer's scope): the records, with who claimed them and when, and what
 * follows a record's area — its history, tags, employments, its household. Afterwards the records
 * are in the claimer's scope, and read through it.
 */
export async function moveClaimed(db: Db, kind: ClaimKind, ids: readonly number[], householdIds: readonly number[], areaId: number, by: number, at: Date): Promise<void> {
  if (ids.length === 0) return;
  const all = unrestricted(db);
  if (kind === 'person') {
    await all.updateTable('persons').set({ area_id: areaId, provenance: 'claimed', claimed_by: by, claimed_at: at, updated_at: at }).where('id', 'in', [...ids]).execute();
    await all.updateTable('person_tags').set({ area_id: areaId }).where('person_id', 'in', [...ids]).execute();
    if (householdIds.length > 0) {
      await all.updateTable('households').set({ area_id: areaId, updated_at: at }).where('id', 'in', [...householdIds]).execute();
      await all.updateTable('record_history').set({ area_id: areaId }).where('record_type', '=', 'household').where('record_id', 'in', [...householdIds]).execute();
    }
  } else {
    await all.updateTable('organisations').set({ area_id: areaId, provenance: 'claimed', claimed_by: by, claimed_at: at, updated_at: at }).where('id', 'in', [...ids]).execute();
    await all.updateTable('organisation_employees').set({ area_id: areaId }).where('organisation_id', 'in', [...ids]).execute();
  }
  await all.updateTable('record_history').set({ area_id: areaId }).where('record_type', '=', kind).where('record_id', 'in', [...ids]).execute();
}

/**
 * The grid affairs a resident may report, for the public report page (no one is signed in): active,
 * resident-reportable items in active categories of a district's catalogue (of every district when
 * none is named). Only an item's code and name, its category's name and the district's public code and
 * name leave this function: no conditions, limits, departments or anything else internal. Called by
 * the affairs module (affairs.service.ts, listPublicAffairs).
 */
export function publicResidentAffairs(db: Db, districtCode: string | null) {
  let q = unrestricted(db)
    .selectFrom('affair_items as i')
    .innerJoin('affair_categories as c', 'c.id', 'i.category_id')
    .innerJoin('areas as a', 'a.id', 'i.area_id')
    .select(['i.code', 'i.name', 'c.name as category', 'a.code as districtCode', 'a.name as districtName'])
    .where('i.active', '=', true)
    .where('i.resident_reportable', '=', true)
    .where('c.active', '=', true);
  if (districtCode !== null) q = q.where('a.code', '=', districtCode);
  return q.orderBy('a.code').orderBy('c.code').orderBy('i.code').limit(2000).execute();
}

/**
 * Names of areas by id: the holder of a case (a community, a town office) and a case's grid are named on
 * the case to everyone who may read the case, though the holder may lie above or beside the reader's
 * scope (a department's staff, a grid worker reading the community's step). Division names are public.
 */
export async function areaNamesByIds(db: Db, ids: readonly number[]): Promise<Map<number, { name: string; path: string; level: string; grade: 'A' | 'B' | 'C' | null }>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await unrestricted(db).selectFrom('areas').select(['id', 'name', 'path', 'level', 'grade']).where('id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, { name: r.name, path: r.path, level: r.level, grade: r.grade }]));
}

/**
 * The current grid a point falls in, whoever asks: a resident's public report and an Open311 request
 * name a place before anyone is known, and the guest unit they then open (asGuest) is confined to this
 * grid. Only the grid's id, path and public name leave here.
 */
export async function gridAtPoint(db: Db, lng: number, lat: number): Promise<{ id: number; path: string; name: string } | undefined> {
  const { rows } = await sql<{ id: string | number; path: string; name: string }>`
    SELECT a.id, a.path, a.name
      FROM area_boundaries b JOIN areas a ON a.id = b.area_id
     WHERE b.valid_to IS NULL AND b.area_level = 'grid' AND a.status = 'active'
       AND ST_Intersects(b.geom, ST_SetSRID(ST_MakePoint(${lng}::float8, ${lat}::float8), 4326))
     ORDER BY a.id
     LIMIT 1`.execute(unrestricted(db));
  const r = rows[0];
  return r ? { id: Number(r.id), path: r.path, name: r.name } : undefined;
}

/**
 * A case by its number, for the resident who tracks it on the public page without an account: before anyone
 * is known, the number must lead to the case's grid (the guest unit then opened is confined to it) and its
 * tracking code, which the caller compares in constant time and answers a wrong one like a missing case.
 * Only the id, the grid's path and the code leave here.
 */
export async function caseForTracking(db: Db, caseNo: string): Promise<{ id: number; gridPath: string; trackingToken: string } | undefined> {
  const row = await unrestricted(db)
    .selectFrom('cases as c')
    .innerJoin('areas as a', 'a.id', 'c.grid_id')
    .select(['c.id', 'a.path', 'c.tracking_token'])
    .where('c.case_no', '=', caseNo)
    .executeTakeFirst();
  return row ? { id: Number(row.id), gridPath: row.path, trackingToken: row.tracking_token } : undefined;
}
