-- KPI facts (0034), third part: a timeline row that adds no fact to its case (accept, acknowledge, a comment —
-- most rows) leaves the case row alone. 0034's trigger rewrote the case for every row, and that second update
-- of the same case in the action's transaction fired the daily sums' trigger for nothing (a row version, an
-- upsert of case_kpi_days and its row lock). Same facts, computed the same way; only the unchanged are skipped.
CREATE OR REPLACE FUNCTION case_events_kpi_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE cases c SET
      kpi_facts = y.facts,
      kpi_dept_facts = y.dept_facts,
      kpi_event_grid = y.event_grid,
      kpi_event_dept = y.event_dept,
      kpi_mixed = y.mixed
    FROM (
      SELECT o.id,
             CASE WHEN x.closes THEN ((o.kpi_facts | x.bits) & ~512) | CASE WHEN x.close_late THEN 512 ELSE 0 END ELSE o.kpi_facts | x.bits END AS facts,
             CASE WHEN x.dept_closes THEN ((o.kpi_dept_facts | x.dept_bits) & ~512) | CASE WHEN x.dept_close_late THEN 512 ELSE 0 END ELSE o.kpi_dept_facts | x.dept_bits END AS dept_facts,
             coalesce(o.kpi_event_grid, x.grid_first) AS event_grid,
             coalesce(o.kpi_event_dept, x.dept_first) AS event_dept,
             o.kpi_mixed OR coalesce(x.grid_lo <> x.grid_hi OR x.dept_lo <> x.dept_hi OR o.kpi_event_grid <> x.grid_lo OR o.kpi_event_dept <> x.dept_lo, false) AS mixed
        FROM cases o
        JOIN (
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
        ) x ON x.case_id = o.id
    ) y
   WHERE c.id = y.id
     AND (c.kpi_facts, c.kpi_dept_facts, c.kpi_event_grid, c.kpi_event_dept, c.kpi_mixed) IS DISTINCT FROM (y.facts, y.dept_facts, y.event_grid, y.event_dept, y.mixed);
  RETURN NULL;
END $$;
