import { sql, type DeleteQueryBuilder, type DeleteResult, type Kysely, type RawBuilder, type SelectQueryBuilder, type Transaction, type UpdateQueryBuilder, type UpdateResult } from 'kysely';
import type { DB } from '../db/types.ts';
import type { Scope } from './context.ts';
import { AppError } from './errors.ts';

/**
 * Data scope, made structural. Tables whose rows belong to someone (an area, a department, a party
 * organisation) are "owned"; a repository's handle (`Db`) has no owned tables in its type, so
 * `db.selectFrom('users')` does not compile. The only way in is `scopedFrom` / `scopedUpdate` /
 * `scopedDelete` / `ownedInsert`, which add the caller's scope from OWNERS below. Reference tables
 * (the division library, migrations) stay reachable directly. The few queries that must cross scope
 * live in `cross-scope.repository.ts`, each with its reason.
 */

/** How a row of an owned table is tied to a scope axis. A row is visible when any of its axes matches. */
export type OwnerAxis =
  /** The column is the row's own area path (the areas table). */
  | { axis: 'area'; by: 'path'; column: string }
  /** The column holds an area id. */
  | { axis: 'area'; by: 'id'; column: string }
  /**
   * The column holds the id of the area that defines the row (a district's reference data: its
   * catalogue of grid affairs). Read as `by: 'id'` and also by anyone working below that area (whose
   * scope path passes through it); written only within the scope, like `by: 'id'`.
   */
  | { axis: 'area'; by: 'definedAbove'; column: string }
  /** The column holds a user id; the user's home area decides. */
  | { axis: 'area'; by: 'user'; column: string }
  /** The column holds a department id (派出所, 城管 …). */
  | { axis: 'department'; column: string }
  /** The column holds a party organisation id; its subtree path decides. */
  | { axis: 'partyOrg'; column: string };

/**
 * Every table with an owner, and what owns it. A module that adds such a table adds a line here
 * (and to `OwnedTable`): from then on its rows are reachable only through a scope.
 */
export const OWNERS = {
  areas: [{ axis: 'area', by: 'path', column: 'path' }],
  area_boundaries: [{ axis: 'area', by: 'id', column: 'area_id' }],
  area_changes: [{ axis: 'area', by: 'id', column: 'area_id' }],
  users: [{ axis: 'area', by: 'id', column: 'home_area_id' }],
  role_assignments: [{ axis: 'area', by: 'id', column: 'area_id' }],
  sessions: [{ axis: 'area', by: 'user', column: 'user_id' }],
  audit_log: [{ axis: 'area', by: 'id', column: 'area_id' }],
  password_history: [{ axis: 'area', by: 'user', column: 'user_id' }],
  // Base data: each record sits in the deepest area it belongs to (unit, building or grid).
  building_profiles: [{ axis: 'area', by: 'id', column: 'area_id' }],
  houses: [{ axis: 'area', by: 'id', column: 'area_id' }],
  rentals: [{ axis: 'area', by: 'id', column: 'area_id' }],
  rental_inspections: [{ axis: 'area', by: 'id', column: 'area_id' }],
  households: [{ axis: 'area', by: 'id', column: 'area_id' }],
  persons: [{ axis: 'area', by: 'id', column: 'area_id' }],
  person_tags: [{ axis: 'area', by: 'id', column: 'area_id' }],
  organisations: [{ axis: 'area', by: 'id', column: 'area_id' }],
  organisation_employees: [{ axis: 'area', by: 'id', column: 'area_id' }],
  city_components: [{ axis: 'area', by: 'id', column: 'area_id' }],
  record_history: [{ axis: 'area', by: 'id', column: 'area_id' }],
  person_duplicates: [{ axis: 'area', by: 'id', column: 'area_id' }],
  household_visits: [{ axis: 'area', by: 'id', column: 'area_id' }],
  record_proposals: [{ axis: 'area', by: 'id', column: 'area_id' }],
  // Import jobs belong to the area they import into (modules/exchange).
  import_jobs: [{ axis: 'area', by: 'id', column: 'area_id' }],
  // Attachments belong to the area of the record they are attached to (modules/attachment).
  attachments: [{ axis: 'area', by: 'id', column: 'area_id' }],
  // The catalogue of grid affairs (modules/affairs): defined by a district, read by everyone working in it.
  affair_categories: [{ axis: 'area', by: 'definedAbove', column: 'area_id' }],
  affair_items: [{ axis: 'area', by: 'definedAbove', column: 'area_id' }],
  // Departments (modules/department): the area that set one up manages it; its own staff see it by id.
  departments: [{ axis: 'area', by: 'id', column: 'area_id' }, { axis: 'department', column: 'id' }],
  // A department's served areas: seen in the served area, and by the department's staff.
  department_areas: [{ axis: 'area', by: 'id', column: 'area_id' }, { axis: 'department', column: 'department_id' }],
  // Notifications and their outbox belong to the area of the record they are about (modules/notification).
  notifications: [{ axis: 'area', by: 'id', column: 'area_id' }],
  notification_deliveries: [{ axis: 'area', by: 'id', column: 'area_id' }],
  // Cases (modules/case) sit in their grid and in the department they were last dispatched to; the timeline
  // carries the same two owners.
  cases: [{ axis: 'area', by: 'id', column: 'grid_id' }, { axis: 'department', column: 'department_id' }],
  case_events: [{ axis: 'area', by: 'id', column: 'grid_id' }, { axis: 'department', column: 'department_id' }],
  // The 12345 hotline (modules/case/hotline): the category map is a district's reference data; an order's
  // 12345 side and its reply sit in the case's grid (read through the case's own scope).
  hotline_category_map: [{ axis: 'area', by: 'definedAbove', column: 'area_id' }],
  hotline_orders: [{ axis: 'area', by: 'id', column: 'grid_id' }],
  hotline_replies: [{ axis: 'area', by: 'id', column: 'grid_id' }],
  // Who follows a case: owned like the case (0027). Duplicate rules: defined by an area, read below it.
  case_followers: [{ axis: 'area', by: 'id', column: 'grid_id' }, { axis: 'department', column: 'department_id' }],
  case_duplicate_rules: [{ axis: 'area', by: 'definedAbove', column: 'area_id' }],
} as const satisfies Record<string, readonly OwnerAxis[]>;

export type OwnedTable = keyof typeof OWNERS;
type OwnedRef = OwnedTable | `${OwnedTable} as ${string}`;

/** The builder `selectFrom(ref)` gives, spelled out so it survives the generic (Kysely's own SelectFrom is internal). */
export type ScopedSelect<R extends OwnedRef> = R extends `${infer T extends OwnedTable} as ${infer A}`
  ? SelectQueryBuilder<DB & { [K in A]: DB[T] }, A, object>
  : R extends OwnedTable
    ? SelectQueryBuilder<DB, R, object>
    : never;

/** What a repository may query freely: the schema without its owned tables. */
export type ReferenceTables = Omit<DB, OwnedTable>;

/** A repository's database handle: a transaction of a unit of work, or the read connection. */
export type Db = Kysely<ReferenceTables>;

/** The full schema, for this file and the cross-scope repository only. */
export function unrestricted(db: Db): Kysely<DB> {
  return db as unknown as Kysely<DB>;
}

/** Platform code (migrations, units of work) hands the restricted type onward. */
export function restricted(db: Kysely<DB> | Transaction<DB>): Db {
  return db as unknown as Db;
}

export class EmptyScopeError extends AppError {
  constructor(table: string) {
    super('forbidden', '您没有这些数据的管辖范围', { table });
  }
}

function tableOf(ref: string): { table: OwnedTable; alias: string } {
  const [table, alias] = ref.split(/\s+as\s+/i) as [OwnedTable, string | undefined];
  if (!(table in OWNERS)) throw new Error(`${table} is not an owned table`);
  return { table, alias: alias ?? table };
}

/** Whether a predicate guards a read, or a write (update, delete, insert): some axes read wider than they write. */
type Access = 'read' | 'write';

/** The ids on the scope's area paths (`/1/5/23/` → 1, 5, 23): the scope's areas and everything above them. */
function idsOnPaths(paths: readonly string[]): number[] {
  return [...new Set(paths.flatMap((p) => p.split('/').filter(Boolean).map(Number)))].filter((n) => Number.isSafeInteger(n));
}

function axisFilter(scope: Scope, alias: string, owner: OwnerAxis, access: Access): RawBuilder<boolean> | null {
  const column = sql.ref(`${alias}.${owner.column}`);
  switch (owner.axis) {
    case 'area': {
      if (scope.areas.length === 0) return null;
      const prefixes = scope.areas.map((p) => `${p}%`);
      if (owner.by === 'path') return sql<boolean>`${column} LIKE ANY(${prefixes}::text[])`;
      if (owner.by === 'id' || (owner.by === 'definedAbove' && access === 'write')) return sql<boolean>`${column} IN (SELECT s.id FROM areas s WHERE s.path LIKE ANY(${prefixes}::text[]))`;
      if (owner.by === 'definedAbove') return sql<boolean>`(${column} = ANY(${idsOnPaths(scope.areas)}::bigint[]) OR ${column} IN (SELECT s.id FROM areas s WHERE s.path LIKE ANY(${prefixes}::text[])))`;
      return sql<boolean>`${column} IN (SELECT su.id FROM users su JOIN areas s ON s.id = su.home_area_id WHERE s.path LIKE ANY(${prefixes}::text[]))`;
    }
    case 'department':
      return scope.departments.length === 0 ? null : sql<boolean>`${column} = ANY(${[...scope.departments]}::int[])`;
    case 'partyOrg':
      // Party organisations arrive with their module; until then no scope holds this axis.
      if (scope.partyOrgs.length === 0) return null;
      throw new Error('party organisation scope needs the party_orgs table');
  }
}

/**
 * The scope predicate for one owned table under an alias: the OR of its axes that the scope holds.
 * A scope that holds none of them reaches nothing: that is an error, not an empty result, so a
 * forgotten scope can never read as "no data".
 */
export function ownedBy(scope: Scope, ref: OwnedRef, access: Access = 'read'): RawBuilder<boolean> {
  const { table, alias } = tableOf(ref);
  const filters = (OWNERS[table] as readonly OwnerAxis[]).map((o) => axisFilter(scope, alias, o, access)).filter((f) => f !== null);
  if (filters.length === 0) throw new EmptyScopeError(table);
  return filters.length === 1 ? filters[0]! : sql<boolean>`(${sql.join(filters, sql` OR `)})`;
}

/** `SELECT … FROM <owned table> WHERE <in the caller's scope>`; joins and further filters follow. */
export function scopedFrom<T extends OwnedRef>(db: Db, scope: Scope, ref: T): ScopedSelect<T> {
  const filter = ownedBy(scope, ref);
  return unrestricted(db).selectFrom(ref as OwnedTable).where(filter) as unknown as ScopedSelect<T>;
}

/** `UPDATE <owned table> … WHERE <in the caller's scope>`: rows outside the scope are never touched. */
export function scopedUpdate<T extends OwnedTable>(db: Db, scope: Scope, table: T): UpdateQueryBuilder<DB, T, T, UpdateResult> {
  const filter = ownedBy(scope, table, 'write');
  // `where` returns the builder's own type; TypeScript cannot follow it through the generic table.
  return (unrestricted(db).updateTable(table as OwnedTable).where(filter) as unknown as UpdateQueryBuilder<DB, T, T, UpdateResult>);
}

/** `DELETE FROM <owned table> WHERE <in the caller's scope>`. */
export function scopedDelete<T extends OwnedTable>(db: Db, scope: Scope, table: T): DeleteQueryBuilder<DB, T, DeleteResult> {
  const filter = ownedBy(scope, table, 'write');
  return unrestricted(db).deleteFrom(table as OwnedTable).where(filter) as unknown as DeleteQueryBuilder<DB, T, DeleteResult>;
}

/**
 * `INSERT INTO <owned table>`. The use case has already loaded the owning record through a scoped
 * read (the parent area, the user); the insert itself still refuses a scope that reaches nothing.
 */
export function ownedInsert<T extends OwnedTable>(db: Db, scope: Scope, table: T) {
  ownedBy(scope, table, 'write');
  return unrestricted(db).insertInto(table);
}
