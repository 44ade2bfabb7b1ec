-- The inbox at a million cases (issue 10: inbox p95 < 100 ms). The area and "my tasks" views list the open
-- cases of a scope by the overdue rank (case.repository.ts `list`). Without these, an area view read every
-- case of its grids — open or closed — to find the few hundred open ones, and a department's "my tasks"
-- sorted from the whole table. Both indexes hold only open cases (8 % of a year's cases in the demo's
-- shape) and carry every column the rank and the keyset read, so the page's ids come from the index alone;
-- the page's rows are then read by id. (A department's scope is its cases' department_id, hence that column.)
CREATE INDEX cases_open_grid_idx ON cases (grid_id)
  INCLUDE (id, state, due_red_at, due_yellow_at, supervision, reported_at)
  WHERE state IN ('reported', 'accepted', 'dispatched', 'handling', 'handled', 'suspended');
CREATE INDEX cases_open_department_idx ON cases (holder_department_id)
  INCLUDE (id, department_id, state, due_red_at, due_yellow_at, supervision, reported_at)
  WHERE state IN ('reported', 'accepted', 'dispatched', 'handling', 'handled', 'suspended') AND holder_department_id IS NOT NULL;
