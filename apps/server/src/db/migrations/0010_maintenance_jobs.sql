-- Long maintenance jobs that must survive a crash (re-encrypting personal data under a new key,
-- later backfills): one row a job, its cursor per target and its counts, updated in the same
-- transaction as each batch of work, so a restarted job continues after the last committed batch.
-- System state, no personal data and no owner: only operator tools and jobs (asSystem) write it.
CREATE TABLE maintenance_jobs (
  name        text PRIMARY KEY,
  -- Per target (a table): { "cursor": last id done or null, "scanned": n, "rewritten": n, "done": bool }.
  state       jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- What the run is for (for rekey: the current key id and an index-key fingerprint); a resume under
  -- other keys starts over.
  params      jsonb NOT NULL DEFAULT '{}'::jsonb,
  runs        integer NOT NULL DEFAULT 1,
  started_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
