-- Person search (issue 9): by address, and the one-character surname fast.
--
-- Address. What a grid worker types — "3栋2单元", "站北花园3-2-501", a road's name — is matched against one
-- normalised text a person: the names of the areas they live in (street, community, grid, building, unit),
-- the address and room of their household's house, their current address and their registration address
-- (户籍地址). All of these are stored in plain (only identity numbers and phones are sealed), so nothing is
-- unsealed to search. The text is derived, kept by the triggers below — the application never writes it —
-- and indexed by trigrams (pg_trgm: a contrib extension of PostgreSQL, loaded by the embedded engine from
-- @electric-sql/pglite/contrib). Parts are joined by '|' so that a piece never matches across two of them
-- ("网格1" + "3幢" must not read "13幢").
--
-- Surname. A name search pages by (name, id) now, in the order of persons_name_c_idx, so a prefix as wide as
-- one surname (王%: 1 in 14 persons) over a district reads the first 51 entries of the index instead of
-- sorting, or filtering by id, tens of thousands; in a grid's scope persons_area_name_idx reads only that
-- grid's bearers of the surname. `COLLATE "C"`: byte order, so that LIKE 'x%' may use these indexes
-- whatever the database's collation. They replace persons_name_idx (text_pattern_ops), which served only
-- the prefix and no order.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Full-width to half-width and lower case (NFKC), blanks and list punctuation to one '|' (so that two numbers
-- a blank apart stay two: "990100 12幢" is not "99010012幢"), and one word for a building (3栋, 3号楼, 3#楼, 3#,
-- A座 → 3幢, a幢); the shorthand building-unit-room and building-room (3-2-501, 3-501) spelt out. What is
-- typed is normalised the same way in TypeScript (persons/person-search-terms.ts addressNorm).
CREATE FUNCTION address_norm(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT regexp_replace(regexp_replace(regexp_replace(
           regexp_replace(lower(normalize(coalesce(t, ''), NFKC)), '[[:space:],，、·。|]+', '|', 'g'),
           '(#楼|号楼|栋|座|#)', '幢', 'g'),
           '([0-9]+)[-—–]([0-9]+)[-—–]([0-9]+)', '\1幢\2单元\3', 'g'),
           '([0-9]+)[-—–]([0-9]+)', '\1幢\2', 'g')
$$;

CREATE FUNCTION person_address_text(p_area bigint, p_household bigint, p_current text, p_registration text)
RETURNS text LANGUAGE sql STABLE AS $$
  SELECT concat_ws('|',
    (SELECT string_agg(address_norm(a.name), '|' ORDER BY a.depth)
       FROM areas AS a
      WHERE a.level IN ('street', 'community', 'grid', 'building', 'unit')
        AND a.id = ANY (string_to_array(trim(BOTH '/' FROM (SELECT s.path FROM areas AS s WHERE s.id = p_area)), '/')::bigint[])),
    (SELECT nullif(address_norm(ho.address) || '|' || address_norm(ho.room), '|')
       FROM households AS h JOIN houses AS ho ON ho.id = h.house_id
      WHERE h.id = p_household),
    nullif(address_norm(p_current), ''),
    nullif(address_norm(p_registration), ''))
$$;

ALTER TABLE persons ADD COLUMN address_text text NOT NULL DEFAULT '';
UPDATE persons SET address_text = person_address_text(area_id, household_id, current_address, registration_address);

CREATE FUNCTION persons_set_address_text() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.address_text := person_address_text(NEW.area_id, NEW.household_id, NEW.current_address, NEW.registration_address);
  RETURN NEW;
END $$;
CREATE TRIGGER persons_address_text BEFORE INSERT OR UPDATE OF area_id, household_id, current_address, registration_address ON persons
  FOR EACH ROW EXECUTE FUNCTION persons_set_address_text();

-- A house renamed or renumbered, a household moved to another house, an area renamed or moved (with its
-- subtree: the AFTER trigger areas_path_cascade has run by then, triggers firing in name order): the people
-- living there get their text again.
CREATE FUNCTION houses_persons_address() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE persons AS p SET address_text = person_address_text(p.area_id, p.household_id, p.current_address, p.registration_address)
   WHERE p.household_id IN (SELECT h.id FROM households AS h WHERE h.house_id = NEW.id);
  RETURN NULL;
END $$;
CREATE TRIGGER houses_persons_address AFTER UPDATE OF address, room ON houses
  FOR EACH ROW WHEN (OLD.address IS DISTINCT FROM NEW.address OR OLD.room IS DISTINCT FROM NEW.room)
  EXECUTE FUNCTION houses_persons_address();

CREATE FUNCTION households_persons_address() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE persons AS p SET address_text = person_address_text(p.area_id, p.household_id, p.current_address, p.registration_address)
   WHERE p.household_id = NEW.id;
  RETURN NULL;
END $$;
CREATE TRIGGER households_persons_address AFTER UPDATE OF house_id ON households
  FOR EACH ROW WHEN (OLD.house_id IS DISTINCT FROM NEW.house_id)
  EXECUTE FUNCTION households_persons_address();

CREATE FUNCTION areas_persons_address() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE persons AS p SET address_text = person_address_text(p.area_id, p.household_id, p.current_address, p.registration_address)
   WHERE p.area_id IN (SELECT s.id FROM areas AS s WHERE starts_with(s.path, NEW.path));
  RETURN NULL;
END $$;
CREATE TRIGGER areas_persons_address AFTER UPDATE OF name, parent_id ON areas
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.parent_id IS DISTINCT FROM NEW.parent_id)
  EXECUTE FUNCTION areas_persons_address();

CREATE INDEX persons_address_trgm_idx ON persons USING gin (address_text gin_trgm_ops) WHERE merged_into IS NULL;

-- The numbers of an address, whole, as an array: each number ('501') and each number with its word ('3幢',
-- '2单元', '88号', '5层'). A typed number is looked up here (`@>`), not by trigrams: digit trigrams are
-- everywhere (codes, years, rooms — '101' was in 1.2 million of 2 million bench addresses, a 15 s recheck),
-- and '3幢' has no trigram at all; an element of this index is exact, and 3幢 is not 13幢.
CREATE FUNCTION address_numbers(t text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT x), '{}') FROM (
    SELECT m[1] AS x FROM regexp_matches(t, '([0-9]+)', 'g') AS m
    UNION ALL
    SELECT m[1] || m[2] FROM regexp_matches(t, '([0-9]+)(幢|单元|号|层)', 'g') AS m) AS s
$$;
CREATE INDEX persons_address_numbers_idx ON persons USING gin (address_numbers(address_text)) WHERE merged_into IS NULL;

CREATE INDEX persons_name_c_idx ON persons ((name COLLATE "C"), id) WHERE merged_into IS NULL;
CREATE INDEX persons_area_name_idx ON persons (area_id, (name COLLATE "C"), id) WHERE merged_into IS NULL;
DROP INDEX persons_name_idx;
