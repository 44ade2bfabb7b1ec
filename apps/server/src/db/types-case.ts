import type { ColumnType, Generated } from 'kysely';

/** Case tables (0022_cases.sql). The reporter's name and phone appear only sealed (*_enc / *_bidx / *_masked). */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json = ColumnType<unknown, string, string>;
interface RawBuilderLike {
  readonly isRawBuilder: true;
}
type Geometry = ColumnType<string | null, string | RawBuilderLike | null, string | RawBuilderLike | null>;

export interface CasesTable {
  id: Generated<number>;
  case_no: string;
  tracking_token: string;
  channel: string;
  item_code: string;
  item_name: string;
  title: string;
  description: string;
  address: string | null;
  location: Geometry;
  location_source: string;
  grid_id: number;
  state: string;
  holder_level: string;
  holder_area_id: number | null;
  holder_department_id: number | null;
  department_id: number | null;
  snapshot: Json;
  version: Generated<number>;
  urgency: Generated<string>;
  supervision: string | null;
  expedited: Generated<boolean>;
  reporter_user_id: number | null;
  reporter_name_enc: string | null;
  reporter_phone_enc: string | null;
  reporter_phone_bidx: string | null;
  reporter_phone_masked: string | null;
  anonymous: Generated<boolean>;
  external_source: string | null;
  external_no: string | null;
  confidential: Generated<boolean>;
  reply_required: Generated<boolean>;
  external_due_at: Timestamp | null;
  custom_fields: Json;
  client_key: string | null;
  reported_at: Timestamp;
  accepted_at: Timestamp | null;
  handled_at: Timestamp | null;
  closed_at: Timestamp | null;
  step_started_at: Timestamp;
  step_kind: Generated<string>;
  due_yellow_at: Timestamp | null;
  due_red_at: Timestamp | null;
  alarm: Generated<string>;
  self_handled: Generated<boolean>;
  closed_level: string | null;
  rating: string | null;
  merged_into: number | null;
  updated_at: Timestamp;
}

export interface CaseEventsTable {
  id: Generated<number>;
  case_id: number;
  seq: number;
  action: string;
  actor_id: number | null;
  actor_name: string;
  actor_level: string | null;
  from_state: string | null;
  to_state: string;
  holder_level: string;
  holder_area_id: number | null;
  holder_department_id: number | null;
  payload: Json;
  attachment_ids: ColumnType<string[], string[] | undefined, never>;
  client_key: string | null;
  grid_id: number;
  department_id: number | null;
  created_at: Timestamp;
}

/** 0027_case_routing.sql: how near and how recent a duplicate is, per area (defaults 50 m, 72 h). */
export interface CaseDuplicateRulesTable {
  area_id: number;
  radius_m: Generated<number>;
  window_hours: Generated<number>;
  updated_at: Generated<Timestamp>;
}

/** 0027_case_routing.sql: who is told of a case's updates. */
export interface CaseFollowersTable {
  case_id: number;
  user_id: number;
  source: 'reporter' | 'merged' | 'self';
  grid_id: number;
  department_id: number | null;
  created_at: Timestamp;
}

export interface CaseTables {
  cases: CasesTable;
  case_events: CaseEventsTable;
  case_duplicate_rules: CaseDuplicateRulesTable;
  case_followers: CaseFollowersTable;
}
