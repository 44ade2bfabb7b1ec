import type { ColumnType, Generated } from 'kysely';

/** The 12345 hotline's tables (0026_hotline.sql). Callers appear only masked here; sealed values sit on the case. */

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface HotlineCategoryMapTable {
  id: Generated<number>;
  area_id: number;
  category_path: string;
  item_code: string;
  updated_by: number | null;
  updated_at: Timestamp;
}

export interface HotlineOrdersTable {
  case_id: number;
  grid_id: number;
  category_path: string | null;
  caller_name_masked: string | null;
  caller_phone_masked: string | null;
  import_job_id: number | null;
  entered_by: number | null;
  created_at: Timestamp;
}

export interface HotlineRepliesTable {
  case_id: number;
  grid_id: number;
  content: string;
  result: 'resolved' | 'unresolved' | 'partly_resolved';
  replied_at: Timestamp;
  replied_by: number | null;
  replied_by_name: string;
  updated_at: Timestamp;
}

export interface HotlineTables {
  hotline_category_map: HotlineCategoryMapTable;
  hotline_orders: HotlineOrdersTable;
  hotline_replies: HotlineRepliesTable;
}
