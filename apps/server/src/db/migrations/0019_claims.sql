-- 认领 claim: a record that arrived without a grid worker's hand (imported at community level, or
-- pushed from another source) sits in its community until a grid worker claims it into a place of
-- their grid. Who claimed it and when stay on the record (provenance becomes 'claimed'); the move
-- is a 'claim' row in its history. Forward-only; portable between PostgreSQL 15 and PGlite.

ALTER TABLE persons ADD COLUMN claimed_by bigint REFERENCES users (id);
ALTER TABLE persons ADD COLUMN claimed_at timestamptz;
ALTER TABLE organisations ADD COLUMN claimed_by bigint REFERENCES users (id);
ALTER TABLE organisations ADD COLUMN claimed_at timestamptz;

ALTER TABLE record_history DROP CONSTRAINT record_history_action_check;
ALTER TABLE record_history ADD CONSTRAINT record_history_action_check
  CHECK (action IN ('create', 'update', 'move', 'verify', 'merge', 'merged_into', 'tag', 'untag', 'import', 'visit', 'claim'));
