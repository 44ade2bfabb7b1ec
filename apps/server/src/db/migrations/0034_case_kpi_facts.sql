-- KPI facts of cases (issue 10, "KPI pages p95 < 100 ms at 1M cases"). The KPI figures of a case read its
-- timeline (escalated to which level, dispatched, handled on time, closed late, reworked, extended, red
-- overdue, reported late) and, for 漏报, the patrol reports merged into it. Read per case as correlated EXISTS
-- on case_events, a district's quarter took 13.6 s at a million cases. Here those facts are projected onto the
-- case row in the same transaction as the event (a trigger on case_events), and the figures of every case are
-- summed per (grid, Beijing day of the report) in case_kpi_days (a trigger on cases), so a KPI page reads a
-- few thousand rows of sums instead of scanning a quarter's cases.
--
-- The figures read the timeline through the reader's scope (a department sees the rows of what was
-- dispatched to it). The projection is exact for a reader only when the case's timeline is uniform: all its
-- rows in the case's grid, at most one department among them, no patrol report merged into it. The sums hold
-- only such cases; the rest (a case rerouted to another grid, returned by one department and whistled to
-- another, with a merged patrol report) are few and are counted case by case with the timeline predicates
-- (case-kpi-figures.ts), through an index of their own.
-- Forward-only; portable between PostgreSQL 15 + PostGIS 3.3 and PGlite.

-- Fact bits of one timeline row (1 escalated to the community, 2 to the town, 4 to the district, 8 dispatched,
-- 16 handled or closed on the spot on time, 32 reworked, 64 extended, 128 red overdue alert, 256 reported late,
-- 512 closing step late — the last one is the latest closing row's, not an OR of all rows).
CREATE FUNCTION case_kpi_event_bits(action text, holder_level text, payload jsonb) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE action
      WHEN 'escalate' THEN CASE holder_level WHEN 'community' THEN 1 WHEN 'town' THEN 2 WHEN 'district' THEN 4 ELSE 0 END
      WHEN 'dispatch' THEN 8
      WHEN 'handle' THEN CASE WHEN coalesce(payload->>'late' = 'true', false) THEN 0 ELSE 16 END
      WHEN 'self_close' THEN CASE WHEN coalesce(payload->>'late' = 'true', false) THEN 0 ELSE 16 END
      WHEN 'verify_fail' THEN 32
      WHEN 'approve_extension' THEN 64
      WHEN 'overdue_alert' THEN CASE WHEN payload->>'level' = 'red' THEN 128 ELSE 0 END
      WHEN 'report' THEN CASE WHEN coalesce(payload->>'late' = 'true', false) THEN 256 ELSE 0 END
      ELSE 0 END
$$;

-- kpi_facts: the bits of all its timeline rows; kpi_dept_facts: of its rows held by a department (what a
-- department's staff read). kpi_event_grid / kpi_event_dept: the grid of its first row, the first department
-- among its rows; kpi_mixed: its rows span several grids or several departments. kpi_patrol_merged: a patrol
-- report (grid worker, household visit) was merged into it.
ALTER TABLE cases
  ADD COLUMN kpi_facts integer NOT NULL DEFAULT 0,
  ADD COLUMN kpi_dept_facts integer NOT NULL DEFAULT 0,
  ADD COLUMN kpi_event_grid bigint,
  ADD COLUMN kpi_event_dept bigint,
  ADD COLUMN kpi_mixed boolean NOT NULL DEFAULT false,
  ADD COLUMN kpi_patrol_merged boolean NOT NULL DEFAULT false;

-- The area figures of a case as bits, in the order of CASE_AREA_FIGURES (case-kpi-figures.ts names each bit):
-- the same definitions as the timeline predicates, with the timeline read from `facts`.
CREATE FUNCTION case_kpi_mask(state text, accepted_at timestamptz, handled_at timestamptz, self_handled boolean, closed_level text, supervision text, rating text, channel text, facts integer)
RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT 1
    | CASE WHEN accepted_at IS NOT NULL OR self_handled THEN 2 ELSE 0 END
    | CASE WHEN state = 'rejected' THEN 4 ELSE 0 END
    | CASE WHEN state = 'merged' THEN 8 ELSE 0 END
    | CASE WHEN state NOT IN ('rejected', 'merged') THEN 16 ELSE 0 END
    | CASE WHEN self_handled THEN 32 ELSE 0 END
    | CASE WHEN facts & 1 <> 0 THEN 64 ELSE 0 END
    | CASE WHEN facts & 2 <> 0 THEN 128 ELSE 0 END
    | CASE WHEN facts & 4 <> 0 THEN 256 ELSE 0 END
    | CASE WHEN facts & 8 <> 0 THEN 512 ELSE 0 END
    | CASE WHEN handled_at IS NOT NULL OR self_handled THEN 1024 ELSE 0 END
    | CASE WHEN facts & 16 <> 0 THEN 2048 ELSE 0 END
    | CASE WHEN state IN ('closed', 'closed_unfixed') THEN 4096 ELSE 0 END
    | CASE WHEN state = 'closed' THEN 8192 ELSE 0 END
    | CASE WHEN state = 'closed_unfixed' THEN 16384 ELSE 0 END
    | CASE WHEN state IN ('closed', 'closed_unfixed') AND facts & 512 = 0 THEN 32768 ELSE 0 END
    | CASE WHEN state = 'closed' AND closed_level = 'grid' THEN 65536 ELSE 0 END
    | CASE WHEN state = 'closed' AND closed_level IN ('grid', 'community') THEN 131072 ELSE 0 END
    | CASE WHEN facts & 32 <> 0 THEN 262144 ELSE 0 END
    | CASE WHEN facts & 64 <> 0 THEN 524288 ELSE 0 END
    | CASE WHEN facts & 128 <> 0 THEN 1048576 ELSE 0 END
    | CASE WHEN supervision = 'yellow' THEN 2097152 ELSE 0 END
    | CASE WHEN supervision = 'red' THEN 4194304 ELSE 0 END
    | CASE WHEN rating IS NOT NULL THEN 8388608 ELSE 0 END
    | CASE WHEN rating IN ('satisfied', 'basically_satisfied') THEN 16777216 ELSE 0 END
    | CASE WHEN state IN ('reported', 'accepted', 'dispatched', 'handling', 'handled', 'suspended') THEN 33554432 ELSE 0 END
    | CASE WHEN channel IN ('grid_worker', 'household_visit') THEN 67108864 ELSE 0 END
    | CASE WHEN channel IN ('grid_worker', 'household_visit') AND facts & 256 = 0 THEN 134217728 ELSE 0 END
    -- 漏报 without a merged patrol report (a case with one is never summed: see case_kpi_exact).
    | CASE WHEN channel IN ('resident', 'hotline_12345', 'open311', 'staff') AND state NOT IN ('rejected', 'merged') THEN 268435456 ELSE 0 END
$$;

-- Whether the projection is exact for a reader of the case's grid (see the head of this file).
CREATE FUNCTION case_kpi_exact(mixed boolean, event_grid bigint, grid bigint, patrol_merged boolean) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(NOT mixed AND event_grid = grid AND NOT patrol_merged, false)
$$;

-- The Beijing date of an instant (the KPI page's periods are Beijing dates).
CREATE FUNCTION case_kpi_day(t timestamptz) RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ((t AT TIME ZONE 'UTC') + interval '8 hours')::date
$$;

CREATE TABLE case_kpi_days (
  grid_id              bigint NOT NULL,
  day                  date NOT NULL,
  reported             integer NOT NULL DEFAULT 0,
  accepted             integer NOT NULL DEFAULT 0,
  rejected             integer NOT NULL DEFAULT 0,
  merged               integer NOT NULL DEFAULT 0,
  should_handle        integer NOT NULL DEFAULT 0,
  self_handled         integer NOT NULL DEFAULT 0,
  escalated_community  integer NOT NULL DEFAULT 0,
  escalated_town       integer NOT NULL DEFAULT 0,
  escalated_district   integer NOT NULL DEFAULT 0,
  dispatched           integer NOT NULL DEFAULT 0,
  handled              integer NOT NULL DEFAULT 0,
  handled_on_time      integer NOT NULL DEFAULT 0,
  closed               integer NOT NULL DEFAULT 0,
  closed_fixed         integer NOT NULL DEFAULT 0,
  closed_unfixed       integer NOT NULL DEFAULT 0,
  closed_on_time       integer NOT NULL DEFAULT 0,
  closed_in_grid       integer NOT NULL DEFAULT 0,
  closed_in_community  integer NOT NULL DEFAULT 0,
  reworked             integer NOT NULL DEFAULT 0,
  extended             integer NOT NULL DEFAULT 0,
  overdue              integer NOT NULL DEFAULT 0,
  yellow_cards         integer NOT NULL DEFAULT 0,
  red_cards            integer NOT NULL DEFAULT 0,
  rated                integer NOT NULL DEFAULT 0,
  satisfied            integer NOT NULL DEFAULT 0,
  open                 integer NOT NULL DEFAULT 0,
  patrol_reported      integer NOT NULL DEFAULT 0,
  reported_on_time     integer NOT NULL DEFAULT 0,
  missed               integer NOT NULL DEFAULT 0,
  PRIMARY KEY (grid_id, day)
);

-- Adds (sign 1) or takes away (sign −1) cases' masks from the sums of their (grid, day), in key order.
CREATE FUNCTION case_kpi_days_apply(grids bigint[], days date[], signs integer[], masks integer[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO case_kpi_days AS r (grid_id, day, reported, accepted, rejected, merged, should_handle, self_handled, escalated_community, escalated_town, escalated_district, dispatched, handled, handled_on_time, closed, closed_fixed, closed_unfixed, closed_on_time, closed_in_grid, closed_in_community, reworked, extended, overdue, yellow_cards, red_cards, rated, satisfied, open, patrol_reported, reported_on_time, missed)
  SELECT g, d, sum(s * ((m >> 0) & 1)), sum(s * ((m >> 1) & 1)), sum(s * ((m >> 2) & 1)), sum(s * ((m >> 3) & 1)), sum(s * ((m >> 4) & 1)), sum(s * ((m >> 5) & 1)), sum(s * ((m >> 6) & 1)), sum(s * ((m >> 7) & 1)), sum(s * ((m >> 8) & 1)), sum(s * ((m >> 9) & 1)), sum(s * ((m >> 10) & 1)), sum(s * ((m >> 11) & 1)), sum(s * ((m >> 12) & 1)), sum(s * ((m >> 13) & 1)), sum(s * ((m >> 14) & 1)), sum(s * ((m >> 15) & 1)), sum(s * ((m >> 16) & 1)), sum(s * ((m >> 17) & 1)), sum(s * ((m >> 18) & 1)), sum(s * ((m >> 19) & 1)), sum(s * ((m >> 20) & 1)), sum(s * ((m >> 21) & 1)), sum(s * ((m >> 22) & 1)), sum(s * ((m >> 23) & 1)), sum(s * ((m >> 24) & 1)), sum(s * ((m >> 25) & 1)), sum(s * ((m >> 26) & 1)), sum(s * ((m >> 27) & 1)), sum(s * ((m >> 28) & 1))
    FROM unnest(grids, days, signs, masks) AS x(g, d, s, m)
   GROUP BY g, d
   ORDER BY g, d
  ON CONFLICT (grid_id, day) DO UPDATE SET
      reported = r.reported + EXCLUDED.reported,
      accepted = r.accepted + EXCLUDED.accepted,
      rejected = r.rejected + EXCLUDED.rejected,
      merged = r.merged + EXCLUDED.merged,
      should_handle = r.should_handle + EXCLUDED.should_handle,
      self_handled = r.self_handled + EXCLUDED.self_handled,
      escalated_community = r.escalated_community + EXCLUDED.escalated_community,
      escalated_town = r.escalated_town + EXCLUDED.escalated_town,
      escalated_district = r.escalated_district + EXCLUDED.escalated_district,
      dispatched = r.dispatched + EXCLUDED.dispatched,
      handled = r.handled + EXCLUDED.handled,
      handled_on_time = r.handled_on_time + EXCLUDED.handled_on_time,
      closed = r.closed + EXCLUDED.closed,
      closed_fixed = r.closed_fixed + EXCLUDED.closed_fixed,
      closed_unfixed = r.closed_unfixed + EXCLUDED.closed_unfixed,
      closed_on_time = r.closed_on_time + EXCLUDED.closed_on_time,
      closed_in_grid = r.closed_in_grid + EXCLUDED.closed_in_grid,
      closed_in_community = r.closed_in_community + EXCLUDED.closed_in_community,
      reworked = r.reworked + EXCLUDED.reworked,
      extended = r.extended + EXCLUDED.extended,
      overdue = r.overdue + EXCLUDED.overdue,
      yellow_cards = r.yellow_cards + EXCLUDED.yellow_cards,
      red_cards = r.red_cards + EXCLUDED.red_cards,
      rated = r.rated + EXCLUDED.rated,
      satisfied = r.satisfied + EXCLUDED.satisfied,
      open = r.open + EXCLUDED.open,
      patrol_reported = r.patrol_reported + EXCLUDED.patrol_reported,
      reported_on_time = r.reported_on_time + EXCLUDED.reported_on_time,
      missed = r.missed + EXCLUDED.missed
$$;

-- Backfill, set-wise: the facts of every case from its timeline, then the patrol reports merged into it.
UPDATE cases c SET
    kpi_facts = x.bits | CASE WHEN x.close_late THEN 512 ELSE 0 END,
    kpi_dept_facts = x.dept_bits | CASE WHEN x.dept_close_late THEN 512 ELSE 0 END,
    kpi_event_grid = x.grid_first,
    kpi_event_dept = x.dept_first,
    kpi_mixed = coalesce(x.grid_lo <> x.grid_hi OR x.dept_lo <> x.dept_hi, false)
  FROM (
    SELECT e.case_id,
           bit_or(case_kpi_event_bits(e.action, e.holder_level, e.payload)) AS bits,
           coalesce(bit_or(case_kpi_event_bits(e.action, e.holder_level, e.payload)) FILTER (WHERE e.department_id IS NOT NULL), 0) AS dept_bits,
           coalesce((array_agg(coalesce(e.payload->>'late' = 'true', false) ORDER BY e.seq DESC) FILTER (WHERE e.to_state IN ('closed', 'closed_unfixed')))[1], false) AS close_late,
           coalesce((array_agg(coalesce(e.payload->>'late' = 'true', false) ORDER BY e.seq DESC) FILTER (WHERE e.to_state IN ('closed', 'closed_unfixed') AND e.department_id IS NOT NULL))[1], false) AS dept_close_late,
           (array_agg(e.grid_id ORDER BY e.seq))[1] AS grid_first,
           (array_agg(e.department_id ORDER BY e.seq) FILTER (WHERE e.department_id IS NOT NULL))[1] AS dept_first,
           min(e.grid_id) AS grid_lo, max(e.grid_id) AS grid_hi, min(e.department_id) AS dept_lo, max(e.department_id) AS dept_hi
      FROM case_events e GROUP BY e.case_id
  ) x
 WHERE c.id = x.case_id;

UPDATE cases c SET kpi_patrol_merged = true
 WHERE EXISTS (SELECT 1 FROM cases w WHERE w.merged_into = c.id AND w.channel IN ('grid_worker', 'household_visit'));

SELECT case_kpi_days_apply(array_agg(grid_id), array_agg(case_kpi_day(reported_at)), array_agg(1), array_agg(case_kpi_mask(state, accepted_at, handled_at, self_handled, closed_level, supervision, rating, channel, kpi_facts)))
  FROM cases WHERE case_kpi_exact(kpi_mixed, kpi_event_grid, grid_id, kpi_patrol_merged);

-- The cases the sums leave out, by report time (counted case by case).
CREATE INDEX cases_kpi_inexact_idx ON cases (reported_at) WHERE NOT case_kpi_exact(kpi_mixed, kpi_event_grid, grid_id, kpi_patrol_merged);

-- New timeline rows: their facts onto their cases, once per statement (a bulk load appends many at once).
CREATE FUNCTION case_events_kpi_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE cases c SET
      kpi_facts = CASE WHEN x.closes THEN ((c.kpi_facts | x.bits) & ~512) | CASE WHEN x.close_late THEN 512 ELSE 0 END ELSE c.kpi_facts | x.bits END,
      kpi_dept_facts = CASE WHEN x.dept_closes THEN ((c.kpi_dept_facts | x.dept_bits) & ~512) | CASE WHEN x.dept_close_late THEN 512 ELSE 0 END ELSE c.kpi_dept_facts | x.dept_bits END,
      kpi_event_grid = coalesce(c.kpi_event_grid, x.grid_first),
      kpi_event_dept = coalesce(c.kpi_event_dept, x.dept_first),
      kpi_mixed = c.kpi_mixed OR coalesce(x.grid_lo <> x.grid_hi OR x.dept_lo <> x.dept_hi OR c.kpi_event_grid <> x.grid_lo OR c.kpi_event_dept <> x.dept_lo, false)
    FROM (
      SELECT n.case_id,
             bit_or(case_kpi_event_bits(n.action, n.holder_level, n.payload)) AS bits,
             coalesce(bit_or(case_kpi_event_bits(n.action, n.holder_level, n.payload)) FILTER (WHERE n.department_id IS NOT NULL), 0) AS dept_bits,
             bool_or(n.to_state IN ('closed', 'closed_unfixed')) AS closes,
             coalesce(bool_or(n.to_state IN ('closed', 'closed_unfixed') AND n.department_id IS NOT NULL), false) AS dept_closes,
             coalesce((array_agg(coalesce(n.payload->>'late' = 'true', false) ORDER BY n.seq DESC) FILTER (WHERE n.to_state IN ('closed', 'closed_unfixed')))[1], false) AS close_late,
             coalesce((array_agg(coalesce(n.payload->>'late' = 'true', false) ORDER BY n.seq DESC) FILTER (WHERE n.to_state IN ('closed', 'closed_unfixed') AND n.department_id IS NOT NULL))[1], false) AS dept_close_late,
             (array_agg(n.grid_id ORDER BY n.seq))[1] AS grid_first,
             (array_agg(n.department_id ORDER BY n.seq) FILTER (WHERE n.department_id IS NOT NULL))[1] AS dept_first,
             min(n.grid_id) AS grid_lo, max(n.grid_id) AS grid_hi, min(n.department_id) AS dept_lo, max(n.department_id) AS dept_hi
        FROM kpi_new_events n GROUP BY n.case_id
    ) x
   WHERE c.id = x.case_id;
  RETURN NULL;
END $$;
CREATE TRIGGER case_events_kpi_facts AFTER INSERT ON case_events REFERENCING NEW TABLE AS kpi_new_events FOR EACH STATEMENT EXECUTE FUNCTION case_events_kpi_facts();

-- A patrol report merged into a case: the survivor's 漏报 needs its timeline predicate from then on.
CREATE FUNCTION cases_kpi_patrol_merged() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE cases SET kpi_patrol_merged = true WHERE id = NEW.merged_into AND NOT kpi_patrol_merged;
  RETURN NULL;
END $$;
CREATE TRIGGER cases_kpi_patrol_merged AFTER INSERT OR UPDATE OF merged_into ON cases FOR EACH ROW
  WHEN (NEW.merged_into IS NOT NULL AND NEW.channel IN ('grid_worker', 'household_visit')) EXECUTE FUNCTION cases_kpi_patrol_merged();

-- Every change of a case moves its mask between the sums: taken from its old (grid, day), added to its new.
CREATE FUNCTION cases_kpi_days_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM case_kpi_days_apply(array_agg(n.grid_id), array_agg(case_kpi_day(n.reported_at)), array_agg(1), array_agg(case_kpi_mask(n.state, n.accepted_at, n.handled_at, n.self_handled, n.closed_level, n.supervision, n.rating, n.channel, n.kpi_facts)))
     FROM kpi_new_cases n WHERE case_kpi_exact(n.kpi_mixed, n.kpi_event_grid, n.grid_id, n.kpi_patrol_merged)
   HAVING count(*) > 0;
  RETURN NULL;
END $$;
CREATE FUNCTION cases_kpi_days_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM case_kpi_days_apply(array_agg(o.grid_id), array_agg(case_kpi_day(o.reported_at)), array_agg(-1), array_agg(case_kpi_mask(o.state, o.accepted_at, o.handled_at, o.self_handled, o.closed_level, o.supervision, o.rating, o.channel, o.kpi_facts)))
     FROM kpi_old_cases o WHERE case_kpi_exact(o.kpi_mixed, o.kpi_event_grid, o.grid_id, o.kpi_patrol_merged)
   HAVING count(*) > 0;
  RETURN NULL;
END $$;
CREATE FUNCTION cases_kpi_days_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM case_kpi_days_apply(array_agg(v.grid_id), array_agg(case_kpi_day(v.reported_at)), array_agg(v.s), array_agg(v.m))
     FROM (
       SELECT o.id, o.grid_id, o.reported_at, -1 AS s,
              case_kpi_mask(o.state, o.accepted_at, o.handled_at, o.self_handled, o.closed_level, o.supervision, o.rating, o.channel, o.kpi_facts) AS m,
              case_kpi_exact(o.kpi_mixed, o.kpi_event_grid, o.grid_id, o.kpi_patrol_merged) AS ok
         FROM kpi_old_cases o
       UNION ALL
       SELECT n.id, n.grid_id, n.reported_at, 1,
              case_kpi_mask(n.state, n.accepted_at, n.handled_at, n.self_handled, n.closed_level, n.supervision, n.rating, n.channel, n.kpi_facts),
              case_kpi_exact(n.kpi_mixed, n.kpi_event_grid, n.grid_id, n.kpi_patrol_merged)
         FROM kpi_new_cases n
     ) v
    WHERE v.ok
      -- A case whose summed figures did not move (most updates: a version, a deadline) takes no lock on the sums.
      AND v.id IN (
        SELECT o.id FROM kpi_old_cases o JOIN kpi_new_cases n ON n.id = o.id
         WHERE (o.grid_id, o.reported_at, case_kpi_exact(o.kpi_mixed, o.kpi_event_grid, o.grid_id, o.kpi_patrol_merged),
                case_kpi_mask(o.state, o.accepted_at, o.handled_at, o.self_handled, o.closed_level, o.supervision, o.rating, o.channel, o.kpi_facts))
               IS DISTINCT FROM
               (n.grid_id, n.reported_at, case_kpi_exact(n.kpi_mixed, n.kpi_event_grid, n.grid_id, n.kpi_patrol_merged),
                case_kpi_mask(n.state, n.accepted_at, n.handled_at, n.self_handled, n.closed_level, n.supervision, n.rating, n.channel, n.kpi_facts)))
   HAVING count(*) > 0;
  RETURN NULL;
END $$;
CREATE TRIGGER cases_kpi_days_insert AFTER INSERT ON cases REFERENCING NEW TABLE AS kpi_new_cases FOR EACH STATEMENT EXECUTE FUNCTION cases_kpi_days_insert();
CREATE TRIGGER cases_kpi_days_update AFTER UPDATE ON cases REFERENCING OLD TABLE AS kpi_old_cases NEW TABLE AS kpi_new_cases FOR EACH STATEMENT EXECUTE FUNCTION cases_kpi_days_update();
CREATE TRIGGER cases_kpi_days_delete AFTER DELETE ON cases REFERENCING OLD TABLE AS kpi_old_cases FOR EACH STATEMENT EXECUTE FUNCTION cases_kpi_days_delete();
