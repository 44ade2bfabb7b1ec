-- The audit chain anchored outside its own table (issue 7, fault 3).
--
-- Rows written from now on carry a keyed hash: HMAC-SM3 (or HMAC-SHA256) under REDGRID_AUDIT_KEY, which the
-- database never holds, so whoever can write the database cannot recompute a valid chain. Rows written before
-- keep their unkeyed SM3/SHA-256 hash ('sm3'/'sha256') and verify with it; the first keyed row's hash covers the
-- last unkeyed row's hash, so they are protected from then on.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_hash_alg_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_hash_alg_check CHECK (hash_alg IN ('sm3','sha256','hmac-sm3','hmac-sha256'));

-- The head: where the chain ends and how many rows it has, with a keyed MAC over both. Advanced in the same
-- transaction as every append (under the append lock), so deleting the newest rows, or all of them, leaves a
-- head that the table contradicts. One row. `mac` is NULL only until the application first writes it with the
-- key: on an empty log (fresh install) at the first append, on an existing log by the process that applied
-- this migration (platform/audit.ts, anchorAuditChainAfterMigration).
CREATE TABLE audit_head (
  id          boolean PRIMARY KEY DEFAULT true CHECK (id),
  last_id     bigint NOT NULL CHECK (last_id >= 0),
  last_hash   text NOT NULL,
  row_count   bigint NOT NULL CHECK (row_count >= 0),
  mac_alg     text CHECK (mac_alg IN ('hmac-sm3','hmac-sha256')),
  mac         text,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT audit_head_mac_pair CHECK ((mac IS NULL) = (mac_alg IS NULL))
);
INSERT INTO audit_head (last_id, last_hash, row_count)
SELECT coalesce(max(id), 0),
       coalesce((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), repeat('0', 64)),
       count(*)
  FROM audit_log;

-- The head only moves forward by exactly the row just appended (or gets its first MAC in place). A database
-- superuser can disable these triggers; then the MAC is what catches a forged head. These guards stop
-- mistakes and the application's own role.
CREATE FUNCTION audit_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.id = OLD.id THEN
    IF OLD.mac IS NULL AND NEW.mac IS NOT NULL
       AND NEW.last_id = OLD.last_id AND NEW.last_hash = OLD.last_hash AND NEW.row_count = OLD.row_count THEN
      RETURN NEW;
    END IF;
    IF NEW.mac IS NOT NULL AND NEW.last_id = OLD.last_id + 1 AND NEW.row_count = OLD.row_count + 1
       AND EXISTS (SELECT 1 FROM audit_log a WHERE a.id = NEW.last_id AND a.hash = NEW.last_hash AND a.prev_hash = OLD.last_hash) THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'audit_head only advances with an appended audit row' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_head_advance_only BEFORE UPDATE OR DELETE ON audit_head FOR EACH ROW EXECUTE FUNCTION audit_head_guard();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head FOR EACH STATEMENT EXECUTE FUNCTION audit_head_guard();

-- An audit row inserted without advancing the head in the same transaction is refused at commit, so no
-- writer (a future bulk import included) can append past the anchor.
CREATE FUNCTION audit_log_requires_head() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM audit_head WHERE last_id >= NEW.id) THEN
    RAISE EXCEPTION 'audit_log row % was appended without advancing audit_head', NEW.id USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER audit_log_head_advanced AFTER INSERT ON audit_log
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_log_requires_head();
