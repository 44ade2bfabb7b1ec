import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** Open311 API keys (migration 0025): the deployment's reference data, owned by no area. */
export interface Open311KeysTable {
  id: Generated<number>;
  name: string;
  owner: string;
  /** SM3 of the key, hex; the key itself is never stored. */
  key_hash: string;
  key_prefix: string;
  rate_per_minute: number;
  active: Generated<boolean>;
  created_by: number | null;
  created_at: Timestamp;
  revoked_by: number | null;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
}

export interface Open311Tables {
  open311_keys: Open311KeysTable;
}
