import { OPEN_CASE_STATES, SUPERVISION_GRADES, type CaseAction, type CaseRating, type CaseState, type HandlingLevel, type SupervisionGrade } from '@redgrid/contracts';

/**
 * The case workflow as a pure state machine (issue 10): a case's state is the fold of its append-only
 * timeline, and every action is decided here — from which states, by whom (how the actor stands to the
 * case), with which arguments — before the service writes it. No database, no clock: table-tested in
 * case-workflow.test.ts.
 *
 * "小事不出网格、大事不出社区": a grid closes small matters on the spot (自办自结); the rest go up one level
 * at a time (grid → community → town → district, skipping a level only where the catalogue item allows),
 * or from a community, town or district to a department ("社区吹哨、部门报到"), which must report in, and
 * either handles it or returns it as not theirs (退单). A handled case is verified by the grid worker
 * (pass → closed, fail → rework), and the reporter rates it; 不满意 may reopen it.
 */

/** Who holds a case: a level of the area tree (with the area) or a department. */
export interface Holder {
  level: HandlingLevel;
  areaId: number | null;
  departmentId: number | null;
}

export interface CaseCounts {
  escalations: number;
  dispatches: number;
  returns: number;
  reworks: number;
  extensions: number;
  reopens: number;
  supervisions: number;
}

export interface CaseSnapshot {
  state: CaseState;
  holder: Holder;
  /** The level that whistled the current department in: a 退单 goes back there. */
  dispatcher: Holder | null;
  /** The state a suspended case resumes into. */
  suspendedFrom: Exclude<CaseState, 'suspended'> | null;
  supervision: SupervisionGrade | null;
  expedited: boolean;
  /** An extension asked for and not yet decided (working days). */
  extensionPending: number | null;
  /** Working days granted by approved extensions, in all. */
  extensionDays: number;
  selfHandled: boolean;
  rating: CaseRating | null;
  mergedInto: number | null;
  counts: CaseCounts;
}

/**
 * How the acting person stands to the case — worked out by the service from their roles and scope:
 * `holder` works where the case is held (the holding area's own staff, or the holding department's),
 * `above` holds a role on an area above the holder (or above the department's dispatcher), `grid` works in
 * the case's grid (the verifier), `reporter` reported it, `system` is a scheduled job.
 */
export type Relation = 'holder' | 'above' | 'grid' | 'reporter' | 'system';

/** What the catalogue item allows. */
export interface ItemRules {
  maySkipLevel: boolean;
}

/** One timeline row's meaning. Holders are resolved by the service (routing) before the machine sees them. */
export type CaseEvent =
  | { action: 'report'; holder: Holder }
  | { action: 'accept' }
  | { action: 'reject'; reason: string }
  | { action: 'self_close'; evidence: number }
  | { action: 'escalate'; to: Holder; reason: string }
  | { action: 'dispatch'; to: Holder }
  | { action: 'acknowledge' }
  | { action: 'return'; reason: string }
  | { action: 'handle'; result: string }
  | { action: 'verify_pass' }
  | { action: 'verify_fail'; reason: string }
  | { action: 'request_extension'; workDays: number; reason: string }
  | { action: 'approve_extension' }
  | { action: 'deny_extension'; reason: string }
  | { action: 'suspend'; reason: string }
  | { action: 'resume' }
  | { action: 'supervise'; grade: SupervisionGrade }
  | { action: 'instruct'; note: string }
  | { action: 'expedite' }
  | RerouteEvent
  | MergeEvent
  /** On the surviving case: a duplicate report was merged into it (written by the merge, never decided). */
  | { action: 'merge_in'; from: number }
  | { action: 'close_unfixed'; reason: string }
  | { action: 'rate'; rating: CaseRating }
  | { action: 'reopen'; reason: string }
  | { action: 'comment' }
  | { action: 'overdue_alert' };

/**
 * Recategorising (a new item: its limits and department kind apply) and/or rerouting to another grid (a
 * case that landed in the wrong grid; the new grid holds it). `to` is the holder afterwards: the new grid,
 * or the same holder when only the item changes. Moving to another grid needs someone whose scope covers
 * both grids (`coversTarget`: the source grid is theirs already, or they would not be holder/above).
 */
export interface RerouteEvent {
  action: 'reroute';
  to: Holder;
  reason: string;
  changes: { item: boolean; grid: boolean };
  coversTarget: boolean;
}

/**
 * Merging this case (a duplicate report, 并单) into another: the target must be another case, still open
 * (so never a merged one: no chains, no cycles) and readable by the actor (the service answers 404 first).
 * `target` is what the service found; a stored timeline row has none (folding does not decide).
 */
export interface MergeEvent {
  action: 'merge';
  into: number;
  target?: { sameCase: boolean; state: CaseState };
}

/** The levels of the area tree a case climbs, lowest first. */
export const LEVEL_LADDER = ['grid', 'community', 'town', 'district'] as const satisfies readonly HandlingLevel[];
type LadderLevel = (typeof LEVEL_LADDER)[number];

/** The most working days one extension may ask for. */
export const MAX_EXTENSION_WORK_DAYS = 30;

const OPEN: readonly CaseState[] = OPEN_CASE_STATES;
const ACTIVE: readonly CaseState[] = ['accepted', 'dispatched', 'handling'];

function rank(level: HandlingLevel): number {
  return (LEVEL_LADDER as readonly HandlingLevel[]).indexOf(level);
}
const isDepartment = (h: Holder): boolean => h.level === 'department';

interface Rule {
  /** States the action may be taken from. */
  from: readonly CaseState[];
  /** Who may take it. */
  by: readonly Relation[];
  /** A further condition on the case and the actor; a message when it does not hold. */
  when?: (s: CaseSnapshot, relations: ReadonlySet<Relation>) => string | null;
}

/**
 * The transition table: from which states, by whom. What each action does to the case is in `applyEvent`;
 * what its arguments must be is in `checkArguments`.
 */
export const RULES: Record<CaseAction, Rule> = {
  report: { from: [], by: [] },
  merge_in: { from: [], by: [] },
  accept: { from: ['reported'], by: ['holder'] },
  reject: { from: ['reported'], by: ['holder'] },
  self_close: {
    from: ['reported', 'accepted', 'handling'],
    by: ['holder'],
    when: (s) => (s.holder.level === 'grid' ? null : '只有网格可以自办自结'),
  },
  escalate: {
    from: ['reported', 'accepted', 'handling'],
    by: ['holder'],
    when: (s) => (isDepartment(s.holder) ? '部门不能上报上级，可退单' : s.holder.level === 'district' ? '区级已是最高层级' : null),
  },
  dispatch: {
    from: ['accepted', 'handling'],
    by: ['holder'],
    when: (s) => (s.holder.level === 'community' || s.holder.level === 'town' || s.holder.level === 'district' ? null : '由社区、街道或区派遣部门（网格先上报社区）'),
  },
  acknowledge: { from: ['dispatched'], by: ['holder'] },
  return: {
    from: ['dispatched', 'handling'],
    by: ['holder'],
    when: (s) => (isDepartment(s.holder) && s.dispatcher ? null : '只有被派遣的部门可以退单'),
  },
  handle: {
    from: ['accepted', 'handling'],
    by: ['holder'],
    when: (s) => (isDepartment(s.holder) && s.state !== 'handling' ? '部门须先报到' : null),
  },
  verify_pass: { from: ['handled'], by: ['grid', 'above'] },
  verify_fail: { from: ['handled'], by: ['grid', 'above'] },
  request_extension: {
    from: ACTIVE,
    by: ['holder'],
    when: (s) => (s.extensionPending !== null ? '已有待审批的延期申请' : null),
  },
  approve_extension: { from: ACTIVE, by: ['above'], when: (s) => (s.extensionPending === null ? '没有待审批的延期申请' : null) },
  deny_extension: { from: ACTIVE, by: ['above'], when: (s) => (s.extensionPending === null ? '没有待审批的延期申请' : null) },
  suspend: {
    from: ACTIVE,
    by: ['above', 'holder'],
    when: (s, r) => (r.has('above') || s.holder.level === 'town' || s.holder.level === 'district' ? null : '挂账须由上级批准'),
  },
  resume: {
    from: ['suspended'],
    by: ['above', 'holder'],
    when: (s, r) => (r.has('above') || s.holder.level === 'town' || s.holder.level === 'district' ? null : '恢复办理须由上级决定'),
  },
  supervise: { from: OPEN, by: ['above', 'system'] },
  instruct: { from: OPEN, by: ['above'] },
  expedite: { from: OPEN, by: ['above'], when: (s) => (s.expedited ? '已加急' : null) },
  reroute: { from: ['reported', 'accepted'], by: ['holder', 'above'] },
  merge: { from: ['reported', 'accepted'], by: ['holder'] },
  close_unfixed: {
    from: ['accepted', 'dispatched', 'handling', 'handled', 'suspended'],
    by: ['above', 'holder'],
    when: (s, r) => (r.has('above') || s.holder.level === 'community' || s.holder.level === 'town' || s.holder.level === 'district' ? null : '结案（未解决）须由社区及以上决定'),
  },
  rate: {
    from: ['closed', 'closed_unfixed'],
    by: ['reporter'],
    when: (s) => (s.rating !== null ? '已评价' : null),
  },
  reopen: {
    from: ['closed', 'closed_unfixed'],
    by: ['reporter', 'above'],
    when: (s, r) => (r.has('above') || s.rating === 'unsatisfied' ? null : '评价为不满意后才能要求重新办理'),
  },
  comment: { from: [...OPEN, 'closed', 'closed_unfixed', 'rejected'], by: ['holder', 'above', 'grid', 'reporter'] },
  overdue_alert: { from: OPEN, by: ['system'] },
};

export type Decision =
  | { ok: true; next: CaseSnapshot }
  /** Not from this state: 409 with the actions this person could take now. */
  | { ok: false; code: 'transition_not_allowed'; message: string; allowed: CaseAction[] }
  /** Not by this person (wrong level, not the holder): 403. */
  | { ok: false; code: 'not_permitted'; message: string; allowed: CaseAction[] }
  /** The arguments do not fit the case (a skip the item forbids, a lower supervision grade …): 400. */
  | { ok: false; code: 'invalid'; message: string; field: string; allowed: CaseAction[] };

/** The actions this person may take on the case now (what the console shows as buttons). */
export function allowedActions(s: CaseSnapshot, relations: ReadonlySet<Relation>): CaseAction[] {
  const out: CaseAction[] = [];
  for (const action of Object.keys(RULES) as CaseAction[]) {
    const rule = RULES[action];
    if (action === 'report' || action === 'overdue_alert' || action === 'merge_in') continue;
    if (!rule.from.includes(s.state)) continue;
    if (!rule.by.some((r) => relations.has(r))) continue;
    if (rule.when?.(s, relations)) continue;
    out.push(action);
  }
  return out;
}

/** Decide an action: the next snapshot, or why not. */
export function decide(s: CaseSnapshot, event: CaseEvent, relations: ReadonlySet<Relation>, rules: ItemRules): Decision {
  const allowed = allowedActions(s, relations);
  const rule = RULES[event.action];
  if (event.action === 'report') return { ok: false, code: 'transition_not_allowed', message: '案件已上报', allowed };
  if (event.action === 'merge_in') return { ok: false, code: 'transition_not_allowed', message: '由并单自动记录', allowed };
  if (!rule.from.includes(s.state)) {
    return { ok: false, code: 'transition_not_allowed', message: `案件当前状态不能执行此操作`, allowed };
  }
  if (!rule.by.some((r) => relations.has(r))) {
    return { ok: false, code: 'not_permitted', message: '您不是此案件当前的办理层级，不能执行此操作', allowed };
  }
  const blocked = rule.when?.(s, relations) ?? refusalOf(event);
  if (blocked) return { ok: false, code: 'not_permitted', message: blocked, allowed };
  const conflict = targetConflict(event);
  if (conflict) return { ok: false, code: 'transition_not_allowed', message: conflict, allowed };
  const wrong = checkArguments(s, event, rules);
  if (wrong) return { ok: false, code: 'invalid', message: wrong.message, field: wrong.field, allowed };
  return { ok: true, next: applyEvent(s, event) };
}

/** A refusal that depends on the action's arguments as well as on the actor. */
function refusalOf(e: CaseEvent): string | null {
  if (e.action === 'reroute' && e.changes.grid && !e.coversTarget) return '改派到其他网格须由同时管辖两个网格的人员（或其上级）办理';
  return null;
}

/** The merge target is no longer open (closed, rejected, merged itself a moment ago): 409. */
function targetConflict(e: CaseEvent): string | null {
  if (e.action !== 'merge' || !e.target || e.target.sameCase) return null;
  return OPEN.includes(e.target.state) ? null : '目标事件已办结或已并单，不能并入';
}

function checkArguments(s: CaseSnapshot, e: CaseEvent, rules: ItemRules): { field: string; message: string } | null {
  switch (e.action) {
    case 'escalate': {
      if (isDepartment(e.to)) return { field: 'to', message: '上报上级须选择上一层级；派遣部门请用“派遣”' };
      const from = rank(s.holder.level);
      const to = rank(e.to.level);
      if (to <= from) return { field: 'to', message: '只能上报到更高层级' };
      if (to > from + 1 && !rules.maySkipLevel) return { field: 'to', message: '此事项不允许越级上报' };
      return null;
    }
    case 'dispatch':
      return isDepartment(e.to) && e.to.departmentId !== null ? null : { field: 'to', message: '请选择要派遣的部门' };
    case 'reroute':
      // The same holder is fine: recategorising alone (a wrong item, the right place) is a reroute too.
      if (e.to.level === 'department') return { field: 'to', message: '改派到部门请先改派到层级，再由其派遣' };
      if (!e.changes.item && !e.changes.grid) return { field: 'itemCode', message: '请选择新的事项或网格' };
      return e.changes.grid && e.to.level !== 'grid' ? { field: 'gridId', message: '改派到其他网格时由该网格办理' } : null;
    case 'merge':
      if (!e.target) return { field: 'intoCaseId', message: '请选择要并入的事件' };
      return e.target.sameCase ? { field: 'intoCaseId', message: '不能并入自身' } : null;
    case 'self_close':
      return e.evidence >= 1 ? null : { field: 'attachments', message: '自办自结须附现场照片' };
    case 'request_extension':
      return Number.isInteger(e.workDays) && e.workDays >= 1 && e.workDays <= MAX_EXTENSION_WORK_DAYS ? null : { field: 'workDays', message: `延期天数须为 1–${MAX_EXTENSION_WORK_DAYS} 个工作日` };
    case 'supervise': {
      if (s.supervision === null) return null;
      return SUPERVISION_GRADES.indexOf(e.grade) >= SUPERVISION_GRADES.indexOf(s.supervision) ? null : { field: 'grade', message: '督办等级不能降低' };
    }
    default:
      return null;
  }
}

export function sameHolder(a: Holder, b: Holder): boolean {
  return a.level === b.level && a.areaId === b.areaId && a.departmentId === b.departmentId;
}

/** A new case as the report makes it. */
export function reportedCase(holder: Holder): CaseSnapshot {
  return {
    state: 'reported',
    holder,
    dispatcher: null,
    suspendedFrom: null,
    supervision: null,
    expedited: false,
    extensionPending: null,
    extensionDays: 0,
    selfHandled: false,
    rating: null,
    mergedInto: null,
    counts: { escalations: 0, dispatches: 0, returns: 0, reworks: 0, extensions: 0, reopens: 0, supervisions: 0 },
  };
}

/** What an action does to the case (already decided). */
export function applyEvent(s: CaseSnapshot, e: CaseEvent): CaseSnapshot {
  const counts = { ...s.counts };
  switch (e.action) {
    case 'report':
      return reportedCase(e.holder);
    case 'accept':
      return { ...s, state: 'accepted' };
    case 'reject':
      return { ...s, state: 'rejected' };
    case 'self_close':
      return { ...s, state: 'closed', selfHandled: true, extensionPending: null };
    case 'escalate':
      counts.escalations += 1;
      return { ...s, state: 'reported', holder: e.to, counts, extensionPending: null };
    case 'dispatch':
      counts.dispatches += 1;
      return { ...s, state: 'dispatched', dispatcher: s.holder, holder: e.to, counts, extensionPending: null };
    case 'acknowledge':
      return { ...s, state: 'handling' };
    case 'return':
      counts.returns += 1;
      return { ...s, state: 'accepted', holder: s.dispatcher ?? s.holder, dispatcher: null, counts, extensionPending: null };
    case 'handle':
      return { ...s, state: 'handled' };
    case 'verify_pass':
      return { ...s, state: 'closed' };
    case 'verify_fail':
      counts.reworks += 1;
      return { ...s, state: 'handling', counts };
    case 'request_extension':
      return { ...s, extensionPending: e.workDays };
    case 'approve_extension':
      counts.extensions += 1;
      return { ...s, extensionDays: s.extensionDays + (s.extensionPending ?? 0), extensionPending: null, counts };
    case 'deny_extension':
      return { ...s, extensionPending: null };
    case 'suspend':
      return { ...s, state: 'suspended', suspendedFrom: s.state as Exclude<CaseState, 'suspended'> };
    case 'resume':
      return { ...s, state: s.suspendedFrom ?? 'accepted', suspendedFrom: null };
    case 'supervise':
      counts.supervisions += 1;
      return { ...s, supervision: e.grade, counts };
    case 'expedite':
      return { ...s, expedited: true };
    case 'reroute':
      return { ...s, state: 'reported', holder: e.to, dispatcher: null, extensionPending: null };
    case 'merge':
      return { ...s, state: 'merged', mergedInto: e.into };
    case 'close_unfixed':
      return { ...s, state: 'closed_unfixed', extensionPending: null };
    case 'rate':
      return { ...s, rating: e.rating };
    case 'reopen':
      counts.reopens += 1;
      return { ...s, state: 'handling', rating: null, counts };
    case 'instruct':
    case 'comment':
    case 'overdue_alert':
    case 'merge_in':
      return s;
  }
}

/** The case as its timeline tells it: the first event must be the report. */
export function fold(events: readonly CaseEvent[]): CaseSnapshot {
  const [first, ...rest] = events;
  if (!first || first.action !== 'report') throw new Error('a case timeline starts with its report');
  return rest.reduce(applyEvent, reportedCase(first.holder));
}

export function isLadderLevel(level: HandlingLevel): level is LadderLevel {
  return rank(level) >= 0;
}

/** The next level up the ladder, or null at the district. */
export function levelAbove(level: HandlingLevel): HandlingLevel | null {
  const i = rank(level);
  return i >= 0 && i < LEVEL_LADDER.length - 1 ? LEVEL_LADDER[i + 1]! : null;
}
