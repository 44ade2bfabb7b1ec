-- The case map (issue 10): open cases with a point, found by the map's box. The GiST index of 0022 holds
-- every case ever filed with a point, so a box over a busy community walks years of closed ones to find
-- the few still open; this one holds only the open ones (the map's default states, the same list as the
-- query's `state IN (…)`, which the planner proves implies this predicate).
CREATE INDEX cases_open_location_idx ON cases USING gist (location)
  WHERE location IS NOT NULL AND state IN ('reported', 'accepted', 'dispatched', 'handling', 'handled', 'suspended');
