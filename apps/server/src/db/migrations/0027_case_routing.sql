-- Routing and feedback of cases (issue 10): duplicate detection (并单) and the people following a case.
--
-- case_duplicate_rules: how near and how recent an open case of the same item must be to be offered for
-- merge, per area (a district, or any area below it that wants its own): the rule of the deepest area on a
-- case's grid path applies; without one the defaults hold (50 m, 72 h). Reference data owned like the
-- catalogue: defined by an area, read by everyone working below it.
--
-- case_followers: who is told of a case's updates (state changes, not comments): its reporter from the
-- start, the reporters of the cases merged into it, and staff who chose to follow it. Owned like the case
-- (its grid, the department it was last dispatched to), the two copied and kept in step when they move.
-- Forward-only; portable between PostgreSQL 15 + PostGIS 3.3 and PGlite.

CREATE TABLE case_duplicate_rules (
  area_id       bigint PRIMARY KEY REFERENCES areas (id),
  radius_m      integer NOT NULL DEFAULT 50 CHECK (radius_m BETWEEN 1 AND 5000),
  window_hours  integer NOT NULL DEFAULT 72 CHECK (window_hours BETWEEN 1 AND 8760),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE case_followers (
  case_id        bigint NOT NULL REFERENCES cases (id),
  user_id        bigint NOT NULL REFERENCES users (id),
  -- Why they follow: 'reporter' (reported it), 'merged' (reported a case merged into it), 'self' (chose to).
  source         text NOT NULL CHECK (source IN ('reporter', 'merged', 'self')),
  grid_id        bigint NOT NULL REFERENCES areas (id),
  department_id  bigint,
  created_at     timestamptz NOT NULL,
  PRIMARY KEY (case_id, user_id)
);
-- "我关注的": a person's followed cases.
CREATE INDEX case_followers_user_idx ON case_followers (user_id, case_id);
CREATE INDEX case_followers_grid_idx ON case_followers (grid_id);

-- The reporters of cases filed before this migration follow them, as new reports do.
INSERT INTO case_followers (case_id, user_id, source, grid_id, department_id, created_at)
SELECT id, reporter_user_id, 'reporter', grid_id, department_id, reported_at FROM cases WHERE reporter_user_id IS NOT NULL
ON CONFLICT DO NOTHING;
