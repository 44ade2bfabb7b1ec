import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** One named scheduled job: its schedule, lease and last run (migration 0016). */
export interface ScheduledJobsTable {
  name: string;
  interval_seconds: number;
  next_run_at: Timestamp;
  lease_holder: string | null;
  lease_expires_at: Timestamp | null;
  last_started_at: Timestamp | null;
  last_finished_at: Timestamp | null;
  last_status: 'ok' | 'more' | 'error' | null;
  last_error: string | null;
  last_processed: number | null;
  run_count: Generated<number>;
  error_count: Generated<number>;
}

/** An in-app notification to one account; owned by the area of the record it is about. */
export interface NotificationsTable {
  id: Generated<number>;
  recipient_id: number;
  area_id: number;
  kind: string;
  title: string;
  body: Generated<string>;
  link: string | null;
  about_type: string | null;
  about_id: number | null;
  once_key: string | null;
  created_at: Timestamp;
  read_at: Timestamp | null;
}

/** The outbox of external channels (SMS). */
export interface NotificationDeliveriesTable {
  id: Generated<number>;
  notification_id: number;
  area_id: number;
  channel: 'sms';
  status: Generated<'pending' | 'sent' | 'failed' | 'skipped'>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  last_error: string | null;
  sent_at: Timestamp | null;
  created_at: Timestamp;
}

export interface JobTables {
  scheduled_jobs: ScheduledJobsTable;
  notifications: NotificationsTable;
  notification_deliveries: NotificationDeliveriesTable;
}
