-- The grade of an area (A / B / C) for the time limits of grid affairs: a catalogue item may set
-- tighter or looser limits per grade (网事清单 "optionally by area grade"). A case takes the grade
-- of the nearest area on its grid's path that has one (the grid, else its community, else its street).
ALTER TABLE areas ADD COLUMN grade text CHECK (grade IN ('A', 'B', 'C'));
