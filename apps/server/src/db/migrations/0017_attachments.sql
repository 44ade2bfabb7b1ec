-- Attachments (附件): photos and files on records of other modules (a case's on-the-spot photos, a
-- visit's evidence, a handling result). The bytes live outside the database (disk or an S3-compatible
-- bucket, under random keys); the row says whose they are and what they are. A row is owned by the
-- area of the record it is attached to, so scope follows the record. The id is a random UUID: it
-- appears in URLs and must not be guessable or countable. Forward-only; portable between
-- PostgreSQL 15 and PGlite (PostgreSQL 18).

CREATE TABLE attachments (
  id           uuid PRIMARY KEY,
  -- The record it belongs to: a type the owning module registered ('case', 'household_visit' …) and its id.
  owner_type   text NOT NULL CHECK (owner_type ~ '^[a-z][a-z0-9_]{1,39}$'),
  owner_id     bigint NOT NULL CHECK (owner_id > 0),
  area_id      bigint NOT NULL REFERENCES areas (id),
  purpose      text NOT NULL CHECK (purpose IN ('photo', 'document')),
  uploaded_by  bigint NOT NULL REFERENCES users (id),
  -- The phone's key for this upload: a retry of the same upload finds the row instead of adding one.
  client_key   text NOT NULL CHECK (client_key ~ '^[A-Za-z0-9_-]{8,64}$'),
  -- The name the file had on the device, cleaned (no folders, no control characters); never a path here.
  file_name    text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  -- Recognised from the bytes, not from the name or the declared type.
  mime         text NOT NULL,
  size_bytes   bigint NOT NULL CHECK (size_bytes > 0),
  sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  width        integer CHECK (width > 0),
  height       integer CHECK (height > 0),
  storage_key  text NOT NULL,
  -- Images only: a small WebP, and a copy without any metadata (no EXIF, no GPS) for showing publicly.
  thumb_key    text,
  public_key   text,
  created_at   timestamptz NOT NULL,
  deleted_at   timestamptz,
  deleted_by   bigint REFERENCES users (id),
  UNIQUE (uploaded_by, client_key)
);
CREATE INDEX attachments_owner_idx ON attachments (owner_type, owner_id, created_at) WHERE deleted_at IS NULL;
CREATE INDEX attachments_area_idx ON attachments (area_id);
