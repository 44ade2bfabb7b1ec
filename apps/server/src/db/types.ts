import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { AreaLevel, Role } from '@redgrid/contracts';
import type { AffairsTables } from './types-affairs.ts';
import type { BasedataTables } from './types-basedata.ts';
import type { CalendarTables } from './types-calendar.ts';
import type { CaseTables } from './types-case.ts';
import type { HotlineTables } from './types-hotline.ts';
import type { JobTables } from './types-jobs.ts';
import type { Open311Tables } from './types-open311.ts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp column with a database default. */
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string | null, string | null>;

export interface AreasTable {
  id: Generated<number>;
  code: string;
  name: string;
  level: AreaLevel;
  parent_id: number | null;
  /** Materialised path of ids, '/1/5/23/', set by a trigger; scope checks are prefix matches on it. */
  path: Generated<string>;
  depth: Generated<number>;
  sort_order: Generated<number>;
  grid_type: 'comprehensive' | 'dedicated' | null;
  grid_subtype: GridSubtype | null;
  households: number | null;
  status: Generated<'active' | 'retired'>;
  retired_at: Date | null;
  /** PostGIS Point; read it with ST_AsGeoJSON, write it with ST_GeomFromGeoJSON. */
  location: Geometry | null;
  /** A / B / C: which of a catalogue item's per-grade time limits apply here (0033). */
  grade: 'A' | 'B' | 'C' | null;
  balance_min: number | null;
  balance_max: number | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export type GridSubtype = 'park' | 'enterprise' | 'school' | 'market' | 'hospital' | 'office' | 'other';

/** Geometry columns hold PostGIS values: never selected raw, always through ST_AsGeoJSON / ST_AsMVT. */
type Geometry = ColumnType<string, string | RawBuilderLike, string | RawBuilderLike>;
interface RawBuilderLike {
  readonly isRawBuilder: true;
}

export interface AreaChangesTable {
  id: Generated<number>;
  kind: 'create' | 'redraw' | 'split' | 'merge' | 'retire' | 'import' | 'seed' | 'proposal';
  at: Timestamp;
  actor_id: number | null;
  area_id: number;
  summary: Json;
}

export interface AreaBoundariesTable {
  id: Generated<number>;
  area_id: number;
  /** Copied from areas.level by a trigger. */
  area_level: Generated<string>;
  geom: Geometry;
  valid_from: Timestamp;
  valid_to: Timestamp | null;
  change_id: number | null;
}

export interface UsersTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  password_hash: string;
  phone_enc: string | null;
  phone_bidx: string | null;
  phone_masked: string | null;
  home_area_id: number;
  disabled: Generated<boolean>;
  must_change_password: Generated<boolean>;
  failed_logins: Generated<number>;
  locked_until: Date | null;
  last_login_at: Date | null;
  password_changed_at: DefaultTimestamp;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface RoleAssignmentsTable {
  id: Generated<number>;
  user_id: number;
  role: Role;
  area_id: number;
  /** The department of a dept_staff assignment (migration 0018); null for every other role. */
  department_id: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: DefaultTimestamp;
}

export interface SessionsTable {
  id: string;
  user_id: number;
  csrf_token: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface AuditLogTable {
  id: number;
  at: Timestamp;
  actor_id: number | null;
  actor_name: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  area_id: number | null;
  ip: string | null;
  request_id: string | null;
  before: Json;
  after: Json;
  prev_hash: string;
  hash: string;
  hash_alg: string;
}

/** The audit chain's anchor (one row): last id, last hash, row count, keyed MAC; see 0006_audit_anchor.sql. */
export interface AuditHeadTable {
  id: Generated<boolean>;
  last_id: number;
  last_hash: string;
  row_count: number;
  mac_alg: string | null;
  mac: string | null;
  updated_at: DefaultTimestamp;
}

export interface DivisionEditionsTable {
  id: Generated<number>;
  name: string;
  source: Generated<string>;
  code_length: number;
  row_count: number;
  counts_by_level: Json;
  max_level: number;
  sha256: string;
  imported_at: DefaultTimestamp;
  imported_by: number | null;
}

/** Partitioned by edition; partitions are created by the import (division-library.repository.ts). */
export interface DivisionsTable {
  edition_id: number;
  /** The division code as a number (bigint; 12 or 6 digits, never a leading zero). */
  code: number;
  name: string;
  level: number;
  parent_code: number | null;
}

export interface SchemaMigrationsTable {
  version: string;
  name: string;
  checksum: string;
  applied_at: DefaultTimestamp;
}

/** Earlier password hashes of an account (argon2id), newest last; see REDGRID_PASSWORD_HISTORY. */
export interface PasswordHistoryTable {
  id: Generated<number>;
  user_id: number;
  password_hash: string;
  created_at: DefaultTimestamp;
}

/** The security admin's password and lockout policy (one row or none); see 0008_security_policy.sql. */
export interface SecurityPolicyTable {
  id: Generated<number>;
  password_min_length: number;
  password_min_classes: number;
  lockout_attempts: number;
  lockout_minutes: number;
  updated_at: DefaultTimestamp;
  updated_by: number | null;
}

export interface DB extends BasedataTables, JobTables, AffairsTables, CaseTables, CalendarTables, HotlineTables, Open311Tables {
  areas: AreasTable;
  users: UsersTable;
  role_assignments: RoleAssignmentsTable;
  sessions: SessionsTable;
  password_history: PasswordHistoryTable;
  security_policy: SecurityPolicyTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  schema_migrations: SchemaMigrationsTable;
  area_changes: AreaChangesTable;
  area_boundaries: AreaBoundariesTable;
  division_editions: DivisionEditionsTable;
  divisions: DivisionsTable;
}

export type AreaRow = Selectable<AreasTable>;
export type NewArea = Insertable<AreasTable>;
export type UserRow = Selectable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type AuditRow = Selectable<AuditLogTable>;
