import type { ColumnType, Generated } from 'kysely';

/** Base-data tables (0011_basedata.sql). Protected values appear only as *_enc / *_bidx / *_masked. */

type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A date column: read as 'YYYY-MM-DD' (the pg type parser is set so), written as the same. */
type DateColumn = ColumnType<string, string, string>;
type Json = ColumnType<unknown, string, string>;
/** numeric comes back as a string from both engines. */
type Numeric = ColumnType<string, number | string, number | string>;
type Geometry = ColumnType<string, string | RawBuilderLike, string | RawBuilderLike>;
interface RawBuilderLike {
  readonly isRawBuilder: true;
}
type Provenance = 'entered' | 'claimed' | 'verified';

interface ProvenanceColumns {
  provenance: Generated<Provenance>;
  verified_by: number | null;
  verified_at: Date | null;
}

/** Migration 0019: who claimed a record into their grid (认领), and when. */
interface ClaimColumns {
  claimed_by: number | null;
  claimed_at: Date | null;
}

export interface BuildingProfilesTable extends ProvenanceColumns {
  area_id: number;
  use: string | null;
  floors_above: number | null;
  floors_below: number | null;
  units_count: number | null;
  built_year: number | null;
  structure: string | null;
  property_manager: string | null;
  property_phone_enc: string | null;
  property_phone_masked: string | null;
  head_name: string | null;
  head_phone_enc: string | null;
  head_phone_masked: string | null;
  hazard: Generated<boolean>;
  hazard_note: string | null;
  updated_at: DefaultTimestamp;
}

export interface HousesTable extends ProvenanceColumns {
  id: Generated<number>;
  area_id: number;
  address_key: string;
  address: string;
  floor: number | null;
  room: string | null;
  floor_area: Numeric | null;
  use: Generated<string>;
  occupancy: Generated<string>;
  owner_name: string | null;
  owner_type: string | null;
  owner_id_enc: string | null;
  owner_id_bidx: string | null;
  owner_id_masked: string | null;
  owner_phone_enc: string | null;
  owner_phone_masked: string | null;
  property_cert_no: string | null;
  land_cert_no: string | null;
  built_year: number | null;
  dangerous: Generated<boolean>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface RentalsTable extends ProvenanceColumns {
  id: Generated<number>;
  house_id: number;
  area_id: number;
  lessor_name: string;
  lessor_id_enc: string | null;
  lessor_id_bidx: string | null;
  lessor_id_masked: string | null;
  lessor_phone_enc: string | null;
  lessor_phone_masked: string | null;
  filing_no: string | null;
  filed_on: DateColumn | null;
  lease_from: DateColumn | null;
  lease_to: DateColumn | null;
  rooms_let: number | null;
  monthly_rent: Numeric | null;
  use: Generated<string>;
  kind: string | null;
  occupant_limit: number | null;
  occupants: Generated<number>;
  fire_exits: boolean | null;
  safety_pledge: Generated<boolean>;
  hazard_level: Generated<'serious' | 'general' | 'safe'>;
  status: Generated<'active' | 'ended'>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface RentalInspectionsTable {
  id: Generated<number>;
  rental_id: number;
  area_id: number;
  inspected_on: DateColumn;
  inspector_id: number;
  hazard_level: 'serious' | 'general' | 'safe';
  findings: string | null;
  created_at: DefaultTimestamp;
}

export interface HouseholdsTable extends ProvenanceColumns {
  id: Generated<number>;
  area_id: number;
  house_id: number | null;
  household_no: string | null;
  kind: Generated<'family' | 'collective'>;
  head_person_id: number | null;
  registration_address: string | null;
  home_phone_enc: string | null;
  home_phone_masked: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface PersonsTable extends ProvenanceColumns, ClaimColumns {
  id: Generated<number>;
  area_id: number;
  household_id: number | null;
  name: string;
  name_pinyin: Generated<string>;
  name_initials: Generated<string>;
  former_name: string | null;
  id_type: Generated<string>;
  id_enc: string | null;
  id_bidx: string | null;
  id_masked: string | null;
  birth_date: DateColumn | null;
  sex: 'male' | 'female' | null;
  ethnicity: string | null;
  political_status: string | null;
  education: string | null;
  occupation: string | null;
  work_unit: string | null;
  marital_status: string | null;
  phone_enc: string | null;
  phone_bidx: string | null;
  phone_masked: string | null;
  population_type: Generated<string>;
  residence_status: Generated<string>;
  relation_to_head: string | null;
  registration_region: string | null;
  registration_address: string | null;
  current_address: string | null;
  /** Migration 0023: the normalised address text that address search matches; kept by triggers, never written here. */
  address_text: ColumnType<string, never, never>;
  details: ColumnType<unknown, string | undefined, string>;
  deceased: Generated<boolean>;
  moved_out_on: DateColumn | null;
  merged_into: number | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface PersonGroupsTable {
  id: Generated<number>;
  code: string;
  name: string;
  kind: 'care' | 'key';
  sensitive: Generated<boolean>;
  visible_roles: string[];
  with_danger_level: Generated<boolean>;
  remind_days: Generated<number>;
  sort_order: Generated<number>;
  active: Generated<boolean>;
}

export interface PersonTagsTable {
  id: Generated<number>;
  person_id: number;
  area_id: number;
  group_id: number;
  attention: Generated<boolean>;
  reason: string | null;
  since: DateColumn;
  valid_until: DateColumn | null;
  danger_level: 'high' | 'medium' | 'low' | null;
  guardian_name: string | null;
  guardian_phone_enc: string | null;
  guardian_phone_masked: string | null;
  created_by: number | null;
  created_at: DefaultTimestamp;
  ended_at: Date | null;
  /** The expiry date the "expires in N days" reminder was sent for (tag-expiry.job.ts). */
  reminded_for: DateColumn | null;
  /** The expiry date the "has expired" notice was sent for. */
  expiry_noticed_for: DateColumn | null;
}

export interface OrganisationsTable extends ProvenanceColumns, ClaimColumns {
  id: Generated<number>;
  area_id: number;
  name: string;
  credit_code: string | null;
  kind: Generated<string>;
  address: string | null;
  legal_rep_name: string | null;
  legal_rep_phone_enc: string | null;
  legal_rep_phone_masked: string | null;
  key_unit: Generated<boolean>;
  fire_safety_level: string | null;
  security_chief: string | null;
  employees: number | null;
  industry: string | null;
  dedicated_grid_id: number | null;
  location: Geometry | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface OrganisationEmployeesTable {
  organisation_id: number;
  person_id: number;
  area_id: number;
  position: string | null;
  since: DateColumn | null;
}

export interface CityComponentsTable extends ProvenanceColumns {
  id: Generated<number>;
  area_id: number;
  identifier: string;
  class_code: string;
  subclass_code: string;
  name: string;
  state: Generated<string>;
  owner_dept: string | null;
  maintainer_dept: string | null;
  location: Geometry;
  first_recorded_on: DateColumn | null;
  changed_on: DateColumn | null;
  source: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export type RecordType = 'building' | 'house' | 'rental' | 'household' | 'person' | 'organisation' | 'component';

export interface RecordHistoryTable {
  id: Generated<number>;
  record_type: RecordType;
  record_id: number;
  area_id: number;
  action: 'create' | 'update' | 'move' | 'verify' | 'merge' | 'merged_into' | 'tag' | 'untag' | 'import' | 'visit' | 'claim';
  source: Generated<'form' | 'import' | 'visit' | 'merge' | 'seed' | 'system'>;
  actor_id: number | null;
  at: Timestamp;
  changes: Json;
}

export interface PersonDuplicatesTable {
  id: Generated<number>;
  person_id: number;
  other_id: number;
  area_id: number;
  reason: 'same_id' | 'same_name_birth_address';
  status: Generated<'open' | 'merged' | 'dismissed'>;
  decided_by: number | null;
  decided_at: Date | null;
  note: string | null;
  created_at: DefaultTimestamp;
}

export interface HouseholdVisitsTable {
  id: Generated<number>;
  household_id: number;
  area_id: number;
  grid_id: number;
  visited_on: DateColumn;
  worker_id: number;
  kind: 'routine' | 'info_check' | 'hazard_check' | 'hardship' | 'dispute';
  findings: string | null;
  follow_up: string | null;
  location: Geometry | null;
  location_check: Generated<'inside' | 'outside' | 'none'>;
  distance_m: number | null;
  client_key: string | null;
  created_at: DefaultTimestamp;
}

export interface RecordProposalsTable {
  id: Generated<number>;
  visit_id: number | null;
  area_id: number;
  record_type: 'household' | 'person' | 'house';
  record_id: number | null;
  changes: Json;
  note: string | null;
  status: Generated<'pending' | 'confirmed' | 'rejected'>;
  proposed_by: number;
  proposed_at: Timestamp;
  decided_by: number | null;
  decided_at: Date | null;
  decision_note: string | null;
}

export interface BasedataTables {
  building_profiles: BuildingProfilesTable;
  houses: HousesTable;
  rentals: RentalsTable;
  rental_inspections: RentalInspectionsTable;
  households: HouseholdsTable;
  persons: PersonsTable;
  person_groups: PersonGroupsTable;
  person_tags: PersonTagsTable;
  organisations: OrganisationsTable;
  organisation_employees: OrganisationEmployeesTable;
  city_components: CityComponentsTable;
  record_history: RecordHistoryTable;
  person_duplicates: PersonDuplicatesTable;
  household_visits: HouseholdVisitsTable;
  record_proposals: RecordProposalsTable;
}
