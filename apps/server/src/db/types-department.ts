import type { ColumnType, Generated } from 'kysely';
import type { DepartmentKind } from '@redgrid/contracts';

/** Rows of migration 0018 (departments); merged into `DB` below, so the tables are typed like the rest. */

type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type DepartmentLevel = 'district' | 'town';

export interface DepartmentsTable {
  id: Generated<number>;
  name: string;
  kind: DepartmentKind;
  level: DepartmentLevel;
  /** The area that set the department up and owns it (area axis of scope). */
  area_id: number;
  /** The department's office phone: public, not personal data, so stored plain. */
  phone: string | null;
  active: Generated<boolean>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

/** The areas a department serves (routing walks up from a case's area to the nearest one served). */
export interface DepartmentAreasTable {
  department_id: number;
  area_id: number;
}

declare module './types.ts' {
  interface DB {
    departments: DepartmentsTable;
    department_areas: DepartmentAreasTable;
  }
}
