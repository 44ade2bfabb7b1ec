import type { ColumnType, Generated } from 'kysely';

/** The catalogue of grid affairs (0021_affairs_catalogue.sql); merged into `DB`. */

type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** jsonb: parsed on the way out, written as JSON text. */
type Json = ColumnType<unknown, string | undefined, string>;

export interface AffairCategoriesTable {
  id: Generated<number>;
  area_id: number;
  code: string;
  parent_id: number | null;
  name: string;
  sort: Generated<number>;
  active: Generated<boolean>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface AffairItemsTable {
  id: Generated<number>;
  area_id: number;
  category_id: number;
  code: string;
  name: string;
  handling_level: string;
  department_kind: string | null;
  filing_conditions: Generated<string>;
  closing_conditions: Generated<string>;
  accept_yellow: number;
  accept_red: number;
  accept_unit: string;
  handle_yellow: number;
  handle_red: number;
  handle_unit: string;
  grade_limits: Json;
  custom_fields: Json;
  resident_reportable: Generated<boolean>;
  may_skip_level: Generated<boolean>;
  copy_to: Json;
  urgency_default: Generated<string>;
  cjt_code: string | null;
  active: Generated<boolean>;
  version: Generated<number>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  updated_by: number | null;
}

export interface AffairsTables {
  affair_categories: AffairCategoriesTable;
  affair_items: AffairItemsTable;
}
