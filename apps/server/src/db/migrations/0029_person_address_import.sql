-- Person address text, cheaper to keep on import, and estimated right by the planner (issue 9, the numbers).
--
-- Import. Migration 0023 derives `persons.address_text` in a BEFORE INSERT trigger, one row at a time: the
-- area path's names normalised again for every person (five areas, NFKC and four regexes each), then the
-- household's house. About 0.5 ms a row on a loaded machine, more than the rest of the insert. The text is
-- now built from three parts with the same result: the area part (`area_address_text`, the same for every
-- person of an area), the household part (`household_address_text`) and the person's own two addresses
-- (`address_text_of` joins them). The persons import computes it in its batch INSERT — each area's and
-- household's part once per batch — and tells the trigger so with the transaction-local setting
-- `redgrid.address_text_given = 'on'`, which the trigger then trusts for inserts. Everyone else (the person
-- form, the seed, a claim, a merge) writes persons as before and the trigger fills the text.
--
-- Estimates. A grid worker's address search was planned from an estimate of 50 rows for the numbers of the
-- address (14,170 real at 2 million persons): the element statistics of `address_numbers(address_text)` live
-- with a partial index, and the planner does not use a partial index's statistics. Statistics on the
-- expression itself (CREATE STATISTICS, PostgreSQL ≥ 14) are used.

CREATE FUNCTION area_address_text(p_area bigint) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT string_agg(address_norm(a.name), '|' ORDER BY a.depth)
    FROM areas AS a
   WHERE a.level IN ('street', 'community', 'grid', 'building', 'unit')
     AND a.id = ANY (string_to_array(trim(BOTH '/' FROM (SELECT s.path FROM areas AS s WHERE s.id = p_area)), '/')::bigint[])
$$;

CREATE FUNCTION household_address_text(p_household bigint) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT nullif(address_norm(ho.address) || '|' || address_norm(ho.room), '|')
    FROM households AS h JOIN houses AS ho ON ho.id = h.house_id
   WHERE h.id = p_household
$$;

CREATE FUNCTION address_text_of(p_area_text text, p_household_text text, p_current text, p_registration text)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT concat_ws('|', p_area_text, p_household_text, nullif(address_norm(p_current), ''), nullif(address_norm(p_registration), ''))
$$;

CREATE OR REPLACE FUNCTION person_address_text(p_area bigint, p_household bigint, p_current text, p_registration text)
RETURNS text LANGUAGE sql STABLE AS $$
  SELECT address_text_of(area_address_text(p_area), household_address_text(p_household), p_current, p_registration)
$$;

CREATE OR REPLACE FUNCTION persons_set_address_text() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- The persons import's INSERT computed it set-wise (see above).
  IF TG_OP = 'INSERT' AND current_setting('redgrid.address_text_given', true) = 'on' THEN
    RETURN NEW;
  END IF;
  NEW.address_text := person_address_text(NEW.area_id, NEW.household_id, NEW.current_address, NEW.registration_address);
  RETURN NEW;
END $$;

CREATE STATISTICS persons_address_numbers_stats ON (address_numbers(address_text)) FROM persons;
ANALYZE persons;
