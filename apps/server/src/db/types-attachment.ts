import type { ColumnType } from 'kysely';

/** Rows of migration 0017 (attachments); merged into `DB` below, so the table is typed like the rest. */

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface AttachmentsTable {
  id: string;
  owner_type: string;
  owner_id: number;
  area_id: number;
  purpose: 'photo' | 'document';
  /** Null for a resident's upload on the public report (no account; migration 0024). */
  uploaded_by: number | null;
  client_key: string;
  file_name: string;
  mime: string;
  size_bytes: number;
  sha256: string;
  width: number | null;
  height: number | null;
  storage_key: string;
  thumb_key: string | null;
  public_key: string | null;
  created_at: Timestamp;
  deleted_at: Timestamp | null;
  deleted_by: number | null;
}

declare module './types.ts' {
  interface DB {
    attachments: AttachmentsTable;
  }
}
