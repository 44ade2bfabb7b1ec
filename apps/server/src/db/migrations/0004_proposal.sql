-- Accepting a grid-division proposal (网格划分方案) replaces all grids of a community at once: its own
-- kind of change in the history, next to create/redraw/split/merge/retire. Forward-only; the constraint
-- keeps the name PostgreSQL gave it in 0002 so later migrations can find it the same way.
ALTER TABLE area_changes DROP CONSTRAINT area_changes_kind_check;
ALTER TABLE area_changes ADD CONSTRAINT area_changes_kind_check
  CHECK (kind IN ('create', 'redraw', 'split', 'merge', 'retire', 'import', 'seed', 'proposal'));
