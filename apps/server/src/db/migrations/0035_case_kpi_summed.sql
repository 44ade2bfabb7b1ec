-- KPI facts (0034), second part. Whether a case is in case_kpi_days is stored on its row (kpi_summed, generated
-- from the facts), so the planner's statistics know how few cases are left out of the sums and reads them through
-- their own index; 0034's index on the expression (no statistics) was passed over for a scan of the area's grids.
-- And the average handling time of a period is taken over a uniform sample of its closed cases when they are
-- many — the cases whose id falls in k of 64 buckets (case-kpi.repository.ts closedSpans) — read from an index
-- of those buckets that holds every column the sample reads (a uniform sample is scattered over the table's pages).
-- Forward-only; portable between PostgreSQL 15 + PostGIS 3.3 and PGlite.
ALTER TABLE cases ADD COLUMN kpi_summed boolean GENERATED ALWAYS AS (case_kpi_exact(kpi_mixed, kpi_event_grid, grid_id, kpi_patrol_merged)) STORED;
DROP INDEX cases_kpi_inexact_idx;
CREATE INDEX cases_kpi_unsummed_idx ON cases (reported_at) WHERE NOT kpi_summed;
CREATE INDEX cases_kpi_timed_idx ON cases ((id % 64), reported_at) INCLUDE (id, grid_id, department_id, closed_at) WHERE closed_at IS NOT NULL;
ANALYZE cases;
ANALYZE case_kpi_days;
