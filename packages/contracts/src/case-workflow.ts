/**
 * The vocabulary of the case workflow (网格事件 / 案件, issue 10): states, actions, channels,
 * supervision grades and ratings, with their labels. The rules (which action from which state, by whom)
 * live in the server's pure state machine (modules/case/case-workflow.ts); the console reads the
 * allowed actions a case view carries, never this file's lists, to decide which buttons to show.
 */

/**
 * Where a case stands. `reported` waits for the holder to accept it; `dispatched` waits for a
 * department to report in (报到); `handled` waits for the grid worker's verification (核实);
 * `closed_unfixed` is the honest end when a problem cannot be fixed (结案-未解决); `merged` cases follow
 * the case they were merged into (并单).
 */
export const CASE_STATES = ['reported', 'accepted', 'dispatched', 'handling', 'handled', 'suspended', 'closed', 'closed_unfixed', 'rejected', 'merged'] as const;
export type CaseState = (typeof CASE_STATES)[number];

/** States in which a case is still someone's work (counted as open, carries deadlines). */
export const OPEN_CASE_STATES = ['reported', 'accepted', 'dispatched', 'handling', 'handled', 'suspended'] as const satisfies readonly CaseState[];

/** States in which a case is finished: nobody's work, no deadline, no new files. */
export const FINISHED_CASE_STATES = ['closed', 'closed_unfixed', 'rejected', 'merged'] as const satisfies readonly CaseState[];

export const CASE_STATE_LABELS = {
  reported: { 'zh-CN': '待受理', 'en-US': 'Awaiting acceptance' },
  accepted: { 'zh-CN': '已受理', 'en-US': 'Accepted' },
  dispatched: { 'zh-CN': '待部门报到', 'en-US': 'Dispatched, awaiting department' },
  handling: { 'zh-CN': '处置中', 'en-US': 'Being handled' },
  handled: { 'zh-CN': '待核实', 'en-US': 'Handled, awaiting verification' },
  suspended: { 'zh-CN': '挂账', 'en-US': 'Suspended' },
  closed: { 'zh-CN': '已结案', 'en-US': 'Closed' },
  closed_unfixed: { 'zh-CN': '结案（未解决）', 'en-US': 'Closed – not fixed' },
  rejected: { 'zh-CN': '不予受理', 'en-US': 'Rejected' },
  merged: { 'zh-CN': '已并单', 'en-US': 'Merged' },
} as const satisfies Record<CaseState, { 'zh-CN': string; 'en-US': string }>;

/** Everything that can happen to a case; each is one row of its append-only timeline. */
export const CASE_ACTIONS = [
  'report',
  'accept',
  'reject',
  'self_close',
  'escalate',
  'dispatch',
  'acknowledge',
  'return',
  'handle',
  'verify_pass',
  'verify_fail',
  'request_extension',
  'approve_extension',
  'deny_extension',
  'suspend',
  'resume',
  'supervise',
  'instruct',
  'expedite',
  'reroute',
  'merge',
  'merge_in',
  'close_unfixed',
  'rate',
  'reopen',
  'comment',
  'overdue_alert',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

export const CASE_ACTION_LABELS = {
  report: { 'zh-CN': '上报', 'en-US': 'Report' },
  accept: { 'zh-CN': '受理', 'en-US': 'Accept' },
  reject: { 'zh-CN': '不予受理', 'en-US': 'Reject' },
  self_close: { 'zh-CN': '自办自结', 'en-US': 'Close on the spot' },
  escalate: { 'zh-CN': '上报上级', 'en-US': 'Escalate' },
  dispatch: { 'zh-CN': '派遣部门（吹哨）', 'en-US': 'Dispatch to a department' },
  acknowledge: { 'zh-CN': '部门报到', 'en-US': 'Report in' },
  return: { 'zh-CN': '退单', 'en-US': 'Return (not ours)' },
  handle: { 'zh-CN': '处置完成', 'en-US': 'Mark handled' },
  verify_pass: { 'zh-CN': '核实通过', 'en-US': 'Verify: fixed' },
  verify_fail: { 'zh-CN': '核实不通过（返工）', 'en-US': 'Verify: not fixed (rework)' },
  request_extension: { 'zh-CN': '申请延期', 'en-US': 'Request an extension' },
  approve_extension: { 'zh-CN': '批准延期', 'en-US': 'Approve the extension' },
  deny_extension: { 'zh-CN': '驳回延期', 'en-US': 'Deny the extension' },
  suspend: { 'zh-CN': '挂账', 'en-US': 'Suspend' },
  resume: { 'zh-CN': '恢复办理', 'en-US': 'Resume' },
  supervise: { 'zh-CN': '督办', 'en-US': 'Supervise' },
  instruct: { 'zh-CN': '领导批示', 'en-US': "Leader's instruction" },
  expedite: { 'zh-CN': '加急', 'en-US': 'Expedite' },
  reroute: { 'zh-CN': '改派（重新分类）', 'en-US': 'Recategorise and reroute' },
  merge: { 'zh-CN': '并单', 'en-US': 'Merge into another case' },
  merge_in: { 'zh-CN': '并入重复上报', 'en-US': 'Duplicate report merged in' },
  close_unfixed: { 'zh-CN': '结案（未解决）', 'en-US': 'Close as not fixed' },
  rate: { 'zh-CN': '评价', 'en-US': 'Rate' },
  reopen: { 'zh-CN': '重新办理', 'en-US': 'Reopen' },
  comment: { 'zh-CN': '备注', 'en-US': 'Comment' },
  overdue_alert: { 'zh-CN': '超期预警', 'en-US': 'Overdue alert' },
} as const satisfies Record<CaseAction, { 'zh-CN': string; 'en-US': string }>;

/** How a case reached us. */
export const CASE_CHANNELS = ['grid_worker', 'resident', 'hotline_12345', 'household_visit', 'open311', 'staff'] as const;
export type CaseChannel = (typeof CASE_CHANNELS)[number];

export const CASE_CHANNEL_LABELS = {
  grid_worker: { 'zh-CN': '网格员上报', 'en-US': 'Grid worker' },
  resident: { 'zh-CN': '群众上报', 'en-US': 'Resident' },
  hotline_12345: { 'zh-CN': '12345 热线', 'en-US': '12345 hotline' },
  household_visit: { 'zh-CN': '走访入户', 'en-US': 'Household visit' },
  open311: { 'zh-CN': 'Open311 接口', 'en-US': 'Open311' },
  staff: { 'zh-CN': '工作人员登记', 'en-US': 'Registered by staff' },
} as const satisfies Record<CaseChannel, { 'zh-CN': string; 'en-US': string }>;

/** Supervision (督办) grades, in rising order. */
export const SUPERVISION_GRADES = ['ordinary', 'yellow', 'red'] as const;
export type SupervisionGrade = (typeof SUPERVISION_GRADES)[number];

export const SUPERVISION_GRADE_LABELS = {
  ordinary: { 'zh-CN': '普通督办', 'en-US': 'Ordinary supervision' },
  yellow: { 'zh-CN': '黄牌督办', 'en-US': 'Yellow card' },
  red: { 'zh-CN': '红牌督办', 'en-US': 'Red card' },
} as const satisfies Record<SupervisionGrade, { 'zh-CN': string; 'en-US': string }>;

/** The reporter's rating of the result. */
export const CASE_RATINGS = ['satisfied', 'basically_satisfied', 'unsatisfied'] as const;
export type CaseRating = (typeof CASE_RATINGS)[number];

export const CASE_RATING_LABELS = {
  satisfied: { 'zh-CN': '满意', 'en-US': 'Satisfied' },
  basically_satisfied: { 'zh-CN': '基本满意', 'en-US': 'Basically satisfied' },
  unsatisfied: { 'zh-CN': '不满意', 'en-US': 'Unsatisfied' },
} as const satisfies Record<CaseRating, { 'zh-CN': string; 'en-US': string }>;
