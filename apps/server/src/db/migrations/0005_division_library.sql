-- The division code library (区划代码库): editions of the statistical division file and of GB/T 2260,
-- kept as reference data beside the live area tree. Each edition is one partition of `divisions`,
-- built by the import as a table of its own (COPY, checked beside the COPY, one unique index) and
-- attached only when every row passed: the national file of 663,128 rows loads at about half the speed
-- of a bare COPY, and replacing an edition is detach + attach inside one transaction.
CREATE TABLE division_editions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 40),
  source text NOT NULL DEFAULT '',
  code_length smallint NOT NULL CHECK (code_length IN (6, 12)),
  row_count integer NOT NULL CHECK (row_count > 0),
  counts_by_level jsonb NOT NULL,
  max_level smallint NOT NULL CHECK (max_level BETWEEN 1 AND 5),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  imported_at timestamptz NOT NULL DEFAULT now(),
  imported_by bigint REFERENCES users (id)
);

-- Codes are numbers here (12-digit division codes start at 11, so no leading zeros are lost): the
-- unique index is built over 8-byte keys. The API shows them as digit strings. Columns are nullable:
-- the import's checks, not COPY, reject empty fields, so that every bad row gets reported, not only
-- the first. A partition carries its edition id as a default and a CHECK, so attaching it needs no scan.
CREATE TABLE divisions (
  edition_id bigint NOT NULL,
  code bigint,
  name text,
  level smallint,
  parent_code bigint
) PARTITION BY LIST (edition_id);
