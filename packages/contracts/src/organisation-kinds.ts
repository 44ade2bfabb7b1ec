/**
 * Vocabulary shared by departments (issue 10's "部门报到"), the grid-affairs catalogue and the case
 * workflow. A district has at most one department of each kind serving a given area, so a catalogue
 * item names the kind of department responsible ("城管"), and routing finds the department of that
 * kind that serves the case's area.
 */
export const DEPARTMENT_KINDS = [
  'public_security',
  'urban_management',
  'housing',
  'civil_affairs',
  'market_regulation',
  'ecology_environment',
  'emergency_management',
  'human_resources',
  'health',
  'natural_resources',
  'transport',
  'water',
  'education',
  'justice',
  'petition',
  'fire_rescue',
  'utilities',
  'other',
] as const;
export type DepartmentKind = (typeof DEPARTMENT_KINDS)[number];

export const DEPARTMENT_KIND_LABELS = {
  public_security: { 'zh-CN': '公安（派出所）', 'en-US': 'Public security (police station)' },
  urban_management: { 'zh-CN': '城管（综合行政执法）', 'en-US': 'Urban management (law enforcement)' },
  housing: { 'zh-CN': '住房和城乡建设', 'en-US': 'Housing and construction' },
  civil_affairs: { 'zh-CN': '民政', 'en-US': 'Civil affairs' },
  market_regulation: { 'zh-CN': '市场监管', 'en-US': 'Market regulation' },
  ecology_environment: { 'zh-CN': '生态环境', 'en-US': 'Ecology and environment' },
  emergency_management: { 'zh-CN': '应急管理', 'en-US': 'Emergency management' },
  human_resources: { 'zh-CN': '人力资源和社会保障', 'en-US': 'Human resources and social security' },
  health: { 'zh-CN': '卫生健康', 'en-US': 'Health' },
  natural_resources: { 'zh-CN': '自然资源和规划', 'en-US': 'Natural resources and planning' },
  transport: { 'zh-CN': '交通运输', 'en-US': 'Transport' },
  water: { 'zh-CN': '水务', 'en-US': 'Water' },
  education: { 'zh-CN': '教育', 'en-US': 'Education' },
  justice: { 'zh-CN': '司法', 'en-US': 'Justice' },
  petition: { 'zh-CN': '信访', 'en-US': 'Petitions' },
  fire_rescue: { 'zh-CN': '消防救援', 'en-US': 'Fire and rescue' },
  utilities: { 'zh-CN': '公用事业（供电、供水、燃气）', 'en-US': 'Utilities (power, water, gas)' },
  other: { 'zh-CN': '其他部门', 'en-US': 'Other department' },
} as const satisfies Record<DepartmentKind, { 'zh-CN': string; 'en-US': string }>;

/**
 * The level that normally handles a grid affair (网事) — "小事不出网格、大事不出社区": a grid closes it on
 * the spot, else it goes up one level at a time, or to a department ("社区吹哨、部门报到").
 */
export const HANDLING_LEVELS = ['grid', 'community', 'town', 'district', 'department'] as const;
export type HandlingLevel = (typeof HANDLING_LEVELS)[number];

export const HANDLING_LEVEL_LABELS = {
  grid: { 'zh-CN': '网格', 'en-US': 'Grid' },
  community: { 'zh-CN': '社区（村）', 'en-US': 'Community (village)' },
  town: { 'zh-CN': '街道（镇）', 'en-US': 'Street office (town)' },
  district: { 'zh-CN': '区（县）', 'en-US': 'District (county)' },
  department: { 'zh-CN': '职能部门', 'en-US': 'Department' },
} as const satisfies Record<HandlingLevel, { 'zh-CN': string; 'en-US': string }>;

/** Time limits are counted on the working-time calendar, in working hours (工作时) or working days (工作日). */
export const TIME_LIMIT_UNITS = ['work_hours', 'work_days'] as const;
export type TimeLimitUnit = (typeof TIME_LIMIT_UNITS)[number];
