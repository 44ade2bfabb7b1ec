-- The care groups (关爱对象) and key-population categories (重点人群) a district starts with; a
-- district edits them (names, who may see them, reminder days) as configuration. `visible_roles`
-- decides who sees membership at all: key populations are sensitive personal information (PIPL
-- Art. 28 特定身份) and are not shown to roles that do not work with them.
INSERT INTO person_groups (code, name, kind, sensitive, visible_roles, with_danger_level, remind_days, sort_order) VALUES
  ('elderly_alone',      '独居老人',           'care', false, ARRAY['area_admin','grid_leader','grid_worker','volunteer'], false, 30, 10),
  ('empty_nest',         '空巢老人',           'care', false, ARRAY['area_admin','grid_leader','grid_worker','volunteer'], false, 30, 20),
  ('disabled',           '残疾人',             'care', true,  ARRAY['area_admin','grid_leader','grid_worker'], false, 30, 30),
  ('low_income',         '低保户',             'care', true,  ARRAY['area_admin','grid_leader','grid_worker'], false, 60, 40),
  ('left_behind_child',  '留守儿童',           'care', true,  ARRAY['area_admin','grid_leader','grid_worker'], false, 30, 50),
  ('veteran',            '退役军人',           'care', false, ARRAY['area_admin','grid_leader','grid_worker'], false, 30, 60),
  ('mobile_fisherman',   '流动渔民',           'care', false, ARRAY['area_admin','grid_leader','grid_worker'], false, 30, 70),
  ('community_correction','社区矫正对象',       'key',  true,  ARRAY['area_admin','grid_leader','dept_staff'], false, 30, 110),
  ('released_prisoner',  '刑满释放人员',       'key',  true,  ARRAY['area_admin','grid_leader','dept_staff'], false, 30, 120),
  ('mental_disorder',    '严重精神障碍患者',   'key',  true,  ARRAY['area_admin','grid_leader','grid_worker','dept_staff'], true, 30, 130),
  ('drug_user',          '吸毒人员',           'key',  true,  ARRAY['area_admin','grid_leader','dept_staff'], false, 30, 140),
  ('key_youth',          '重点青少年',         'key',  true,  ARRAY['area_admin','grid_leader','dept_staff'], false, 30, 150),
  ('petitioner',         '重点信访人员',       'key',  true,  ARRAY['area_admin','grid_leader'], false, 30, 160);
