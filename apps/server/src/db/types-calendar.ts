import type { ColumnType, Generated } from 'kysely';

type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string, string>;

/** The working-time calendar (migration 0015): reference data, owned by no area. */
export interface WorkCalendarYearsTable {
  year: number;
  /** [{ start: 'HH:MM', end: 'HH:MM' }, …] */
  periods: Json;
  source: string | null;
  revision: Generated<string>;
  updated_at: DefaultTimestamp;
  updated_by: number | null;
}

export interface WorkCalendarDaysTable {
  /** 'YYYY-MM-DD' (read as text: a date column has no time zone to get wrong). */
  day: ColumnType<string, string, string>;
  year: number;
  kind: 'holiday' | 'workday';
  name: string;
}

export interface CalendarTables {
  work_calendar_years: WorkCalendarYearsTable;
  work_calendar_days: WorkCalendarDaysTable;
}
