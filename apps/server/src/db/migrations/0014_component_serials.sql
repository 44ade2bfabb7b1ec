-- 城市部件 identifiers: the last serial issued per county code + class + sub-class (the 10-digit
-- prefix of the 16-digit identifier). One upsert issues the next serial, so two entries at once never
-- get the same identifier, and a caller never needs to read components outside their scope to find it.
CREATE TABLE component_serials (
  prefix  text PRIMARY KEY CHECK (prefix ~ '^[0-9]{10}$'),
  last    integer NOT NULL CHECK (last BETWEEN 1 AND 999999)
);
