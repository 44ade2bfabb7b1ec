-- The working-time calendar (工作日历) time limits are counted on (issue 10): per year, the dates that differ
-- from the weekend rule — public holidays (放假, weekend or not) and make-up working days (调休上班, on a
-- weekend) — with their names, and the working periods of a working day. One calendar for the deployment:
-- reference data owned by no area (every area's cases run on the same clock); who may edit it is decided in
-- the calendar module (system admin, or an area admin at district level or above). Changes are audit rows.
-- A year without a row has weekends off, no holidays and the default periods (08:30–12:00, 13:30–17:30).
CREATE TABLE work_calendar_years (
  year        smallint PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
  -- [{"start":"08:30","end":"12:00"}, …]: 1 to 4 periods in order, Beijing time; checked by the module.
  periods     jsonb NOT NULL CHECK (jsonb_typeof(periods) = 'array' AND jsonb_array_length(periods) BETWEEN 1 AND 4),
  -- Where the schedule comes from (the State Council notice), shown on the editor.
  source      text CHECK (char_length(source) <= 200),
  -- Changes on every edit: the clock built from the calendar is cached per revision (each server process
  -- sees another's edit at its next read).
  revision    uuid NOT NULL DEFAULT gen_random_uuid(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  updated_by  bigint REFERENCES users (id)
);

CREATE TABLE work_calendar_days (
  day   date PRIMARY KEY,
  year  smallint NOT NULL REFERENCES work_calendar_years (year),
  kind  text NOT NULL CHECK (kind IN ('holiday', 'workday')),
  name  text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 20),
  CHECK (extract(year FROM day) = year),
  -- A make-up working day falls on a weekend; a weekday is a working day already.
  CHECK (kind = 'holiday' OR extract(isodow FROM day) IN (6, 7))
);
CREATE INDEX work_calendar_days_year_idx ON work_calendar_days (year, day);

-- 国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日，新华社全文）:
--   元旦 1月1日至3日放假调休，1月4日（周日）上班；春节 2月15日至23日放假调休，2月14日（周六）、2月28日（周六）上班；
--   清明节 4月4日至6日放假；劳动节 5月1日至5日放假调休，5月9日（周六）上班；端午节 6月19日至21日放假；
--   中秋节 9月25日至27日放假；国庆节 10月1日至7日放假调休，9月20日（周日）、10月10日（周六）上班。
-- The 2027 notice had not been found published when this was written (December 2026): 2027 is left to the editor.
INSERT INTO work_calendar_years (year, periods, source)
VALUES (2026, '[{"start":"08:30","end":"12:00"},{"start":"13:30","end":"17:30"}]', '国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）');

INSERT INTO work_calendar_days (day, year, kind, name)
SELECT d::date, 2026, 'holiday', h.name
  FROM (VALUES ('元旦', DATE '2026-01-01', DATE '2026-01-03'),
               ('春节', DATE '2026-02-15', DATE '2026-02-23'),
               ('清明节', DATE '2026-04-04', DATE '2026-04-06'),
               ('劳动节', DATE '2026-05-01', DATE '2026-05-05'),
               ('端午节', DATE '2026-06-19', DATE '2026-06-21'),
               ('中秋节', DATE '2026-09-25', DATE '2026-09-27'),
               ('国庆节', DATE '2026-10-01', DATE '2026-10-07')) AS h (name, first_day, last_day)
 CROSS JOIN LATERAL generate_series(h.first_day, h.last_day, interval '1 day') AS d;

INSERT INTO work_calendar_days (day, year, kind, name)
VALUES (DATE '2026-01-04', 2026, 'workday', '元旦调休上班'),
       (DATE '2026-02-14', 2026, 'workday', '春节调休上班'),
       (DATE '2026-02-28', 2026, 'workday', '春节调休上班'),
       (DATE '2026-05-09', 2026, 'workday', '劳动节调休上班'),
       (DATE '2026-09-20', 2026, 'workday', '国庆节调休上班'),
       (DATE '2026-10-10', 2026, 'workday', '国庆节调休上班');
