import { randomBytes, randomUUID } from 'node:crypto';
import type { CaseAction, CaseState, DepartmentKind, HandlingLevel, TimeLimitUnit } from '@redgrid/contracts';
import type { SystemUnit } from '../../../platform/unit-of-work.ts';
import type { PreparedAttachment } from '../../attachment/index.ts';
import { limitsFor } from '../../affairs/index.ts';
import { workingClockFor, type WorkingClock } from '../../calendar/index.ts';
import { departmentFor } from '../../department/index.ts';
import { stepDeadlines, type StepDeadlines } from '../case-deadline.ts';
import { applyEvent, decide, reportedCase, type CaseEvent, type CaseSnapshot, type Holder, type Relation } from '../case-workflow.ts';
import { demoCaseRepository } from './demo-cases.repository.ts';

/**
 * The demo quarter (issue 10): three months of cases in the demo district up to the seed's `now`, shaped
 * like the Qingcao quarter — most closed on the spot by the grid workers (自办自结), some escalated to the
 * community and handled there, a few whistled to 城管 or the police station (one returned as not theirs,
 * 退单, and whistled again), three sent straight to the street; some rated, one 不满意 and reopened; and in
 * the last days a few in every open state, some past their deadlines with the overdue job's alerts and a
 * yellow or a red card — so the inbox, the map and the KPI page have something real to show.
 *
 * Written in bulk (a few statements, a fraction of a second) but built exactly as the use cases build
 * them: each scripted step goes through the pure machine (`decide` — the script is refused if the machine
 * would refuse it), the case's projection and deadlines follow case.service.ts `record()` on the working
 * clock, and between steps the overdue job's alerts and automatic yellow cards are written as the job
 * writes them, at the minute after each deadline passed. Notifications are not replayed (the demo's
 * people would start with a full bell). Deterministic for a given `now`.
 */

export interface DemoCaseCounts {
  cases: number;
  events: number;
  open: number;
}

type Who = 'reporter' | 'secretary' | 'street' | 'cg' | 'police' | 'district';
interface Step {
  /** Working-clock-free offset: wall minutes after the report. */
  after: number;
  who: Who;
  rel: Relation;
  action: CaseAction;
  args?: Record<string, unknown>;
  /** escalate: the level; dispatch: the department kind. */
  to?: HandlingLevel | DepartmentKind;
  photo?: boolean;
}
interface Script {
  item: string;
  title: string;
  description: string;
  urgent?: boolean;
  steps: Step[];
}

interface Actor {
  id: number;
  name: string;
  /** The level the timeline shows them acting from (case.service.ts actorLevelFor). */
  level: string | null;
}

const S = (after: number, who: Who, rel: Relation, action: CaseAction, args: Record<string, unknown> = {}, extra: Partial<Step> = {}): Step => ({ after, who, rel, action, args, ...extra });
const H = 60;
const DAY = 24 * 60;

/** The scripts: what happened to each kind of case (the grid worker reports; minutes after the report). */
const SELF: Script[] = [
  { item: '暴露垃圾', title: '小区门口垃圾桶满溢', description: '垃圾桶满溢，周边散落生活垃圾', steps: [S(25, 'reporter', 'holder', 'self_close', { result: '已联系保洁清运，现场清理干净' }, { photo: true })] },
  { item: '乱堆物堆料', title: '楼道口堆放杂物', description: '单元楼道口堆放废旧家具，影响通行', steps: [S(40, 'reporter', 'holder', 'self_close', { result: '已劝导住户搬离杂物' }, { photo: true })] },
  { item: '非法小广告', title: '电线杆张贴小广告', description: '路口电线杆上张贴多张办证小广告', steps: [S(30, 'reporter', 'holder', 'self_close', { result: '已现场清除' }, { photo: true })] },
  { item: '邻里纠纷', title: '楼上漏水引发邻里矛盾', description: '楼上卫生间漏水，楼下住户与其发生争执', steps: [S(20, 'reporter', 'holder', 'accept'), S(100, 'reporter', 'holder', 'self_close', { result: '上门调解，双方约定维修并赔偿' }, { photo: true })] },
  { item: '独居老人关爱', title: '独居老人家中无人应门', description: '独居老人连续两天未出门，敲门无人应答', urgent: true, steps: [S(15, 'reporter', 'holder', 'self_close', { result: '联系家属开门，老人身体不适已送医' }, { photo: true })] },
  { item: '治安隐患', title: '单元门禁损坏', description: '单元门禁锁损坏，外来人员可随意进出', steps: [S(45, 'reporter', 'holder', 'self_close', { result: '已通知物业更换门禁锁' }, { photo: true })] },
  { item: '绿地脏乱', title: '绿地内白色垃圾', description: '小区中心绿地内散落塑料袋、饮料瓶', steps: [S(35, 'reporter', 'holder', 'self_close', { result: '已组织志愿者清理' }, { photo: true })] },
  { item: '占道广告牌', title: '商铺广告牌占用人行道', description: '沿街商铺将广告牌摆放在人行道上', steps: [S(30, 'reporter', 'holder', 'self_close', { result: '已劝导店主收回' }, { photo: true })] },
];
const SELF_RATED: Script = { item: '违规晾晒', title: '沿街阳台违规晾晒', description: '沿街阳台外挑晾晒衣物，影响市容', steps: [S(30, 'reporter', 'holder', 'self_close', { result: '已劝导住户收回' }, { photo: true }), S(2 * H, 'reporter', 'reporter', 'rate', { rating: 'satisfied' })] };

const COMMUNITY: Script = {
  item: '物业管理纠纷',
  title: '物业停车收费争议',
  description: '业主对小区停车收费标准有异议，与物业多次争执',
  steps: [
    S(20, 'reporter', 'holder', 'accept'),
    S(60, 'reporter', 'holder', 'escalate', { reason: '涉及物业收费，网格内无法协调' }, { to: 'community' }),
    S(2 * H, 'secretary', 'holder', 'accept'),
    S(DAY, 'secretary', 'holder', 'handle', { result: '召集业委会、物业协商，收费标准已公示' }),
    S(DAY + 3 * H, 'reporter', 'grid', 'verify_pass'),
  ],
};
const COMMUNITY_RATED = (rating: string): Script => ({ ...COMMUNITY, title: '楼道照明损坏长期未修', description: '多个单元楼道灯损坏，物业迟迟不修', steps: [...COMMUNITY.steps, S(DAY + 5 * H, 'reporter', 'reporter', 'rate', { rating })] });

const WHISTLE: Script = {
  item: '违规户外广告',
  title: '沿街违规设置户外广告',
  description: '沿街商铺在外墙设置大型广告牌，未经审批',
  steps: [
    S(15, 'reporter', 'holder', 'escalate', { reason: '需城管执法' }, { to: 'community' }),
    S(H, 'secretary', 'holder', 'accept'),
    S(90, 'secretary', 'holder', 'dispatch', {}, { to: 'urban_management' }),
    S(3 * H, 'cg', 'holder', 'acknowledge'),
    S(DAY + 2 * H, 'cg', 'holder', 'handle', { result: '已责令商户拆除广告牌' }),
    S(DAY + 5 * H, 'reporter', 'grid', 'verify_pass'),
  ],
};
const RETURNED: Script = {
  item: '违规户外广告',
  title: '小区内私设广告牌',
  description: '小区内部道路旁私设广告牌',
  steps: [
    S(15, 'reporter', 'holder', 'escalate', { reason: '需城管执法' }, { to: 'community' }),
    S(H, 'secretary', 'holder', 'accept'),
    S(90, 'secretary', 'holder', 'dispatch', {}, { to: 'urban_management' }),
    S(3 * H, 'cg', 'holder', 'acknowledge'),
    S(4 * H, 'cg', 'holder', 'return', { reason: '位于小区红线内，属物业管理范围' }),
    S(DAY, 'secretary', 'holder', 'handle', { result: '已督促物业拆除' }),
    S(DAY + 4 * H, 'reporter', 'grid', 'verify_pass'),
  ],
};
const TOWN: Script = {
  item: '矛盾激化苗头',
  title: '邻里纠纷有激化苗头',
  description: '两户因宅前通道多次争吵，一方扬言报复',
  urgent: true,
  steps: [
    S(10, 'reporter', 'holder', 'escalate', { reason: '矛盾有激化风险，直报街道' }, { to: 'town' }),
    S(30, 'street', 'holder', 'accept'),
    S(40, 'street', 'holder', 'dispatch', {}, { to: 'public_security' }),
    S(60, 'police', 'holder', 'acknowledge'),
    S(3 * H, 'police', 'holder', 'handle', { result: '民警到场调解，双方签订和解协议' }),
    S(6 * H, 'reporter', 'grid', 'verify_pass'),
  ],
};
const REOPENED: Script = {
  ...WHISTLE,
  title: '夜间施工噪声扰民',
  description: '工地夜间施工，噪声扰民',
  steps: [...WHISTLE.steps, S(DAY + 6 * H, 'reporter', 'reporter', 'rate', { rating: 'unsatisfied', comment: '第二天晚上又开始施工' }), S(DAY + 6 * H + 5, 'reporter', 'reporter', 'reopen', { reason: '第二天晚上又开始施工' })],
};

/** Open cases of the last days, one per state (their age decides whether they are overdue by now). */
const OPEN_SCRIPTS: { script: Script; ageMinutes: number }[] = [
  { script: { item: '乱堆物堆料', title: '消防通道堆放杂物', description: '消防通道被电动车和杂物占用', steps: [] }, ageMinutes: 20 },
  { script: { item: '独居老人关爱', title: '独居老人反映水管漏水', description: '老人家中水管漏水，无力自行维修', steps: [S(30, 'reporter', 'holder', 'accept')] }, ageMinutes: 3 * H },
  { script: { ...COMMUNITY, title: '小区电梯频繁故障', description: '2 号楼电梯一周内故障三次', steps: COMMUNITY.steps.slice(0, 2) }, ageMinutes: 2 * H },
  { script: { ...COMMUNITY, title: '物业擅自占用公共绿地', description: '物业将公共绿地改为收费停车位', steps: COMMUNITY.steps.slice(0, 3) }, ageMinutes: 5 * H },
  { script: { ...WHISTLE, title: '商铺违规设置灯箱', steps: WHISTLE.steps.slice(0, 3) }, ageMinutes: 3 * H },
  { script: { ...WHISTLE, title: '违规设置落地广告', steps: WHISTLE.steps.slice(0, 4) }, ageMinutes: 6 * H },
  { script: { ...TOWN, title: '宅基地边界争执升级', steps: TOWN.steps.slice(0, 4) }, ageMinutes: 2 * H },
  { script: { ...COMMUNITY, title: '物业维修基金使用争议', description: '业主质疑维修基金使用不透明', steps: COMMUNITY.steps.slice(0, 4) }, ageMinutes: DAY + 4 * H },
  { script: { ...TOWN, title: '群众反映欠薪纠纷苗头', description: '务工人员聚集讨要工资', steps: TOWN.steps.slice(0, 1) }, ageMinutes: 2 * H },
  // Overdue: left since last week — the overdue job has alerted and carded them.
  { script: { item: '乱堆物堆料', title: '楼顶平台堆放建筑垃圾', description: '楼顶平台堆放装修垃圾，存在安全隐患', steps: [S(30, 'reporter', 'holder', 'accept')] }, ageMinutes: 6 * DAY },
  { script: { ...WHISTLE, title: '大型广告牌存在坠落隐患', steps: WHISTLE.steps.slice(0, 4) }, ageMinutes: 8 * DAY },
  {
    script: { ...COMMUNITY, title: '小区化粪池堵塞外溢', description: '化粪池堵塞，污水外溢至道路', steps: [...COMMUNITY.steps.slice(0, 3), S(3 * DAY, 'street', 'above', 'supervise', { grade: 'red', note: '群众反映强烈，限期解决' })] },
    ageMinutes: 9 * DAY,
  },
];

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BEIJING_MS = 8 * 3600_000;
function caseNoFor(at: Date, seq: number): string {
  const d = new Date(at.getTime() + BEIJING_MS).toISOString().slice(0, 10).replaceAll('-', '');
  return `SJ${d}${String(seq).padStart(6, '0')}`;
}

export interface DemoCaseInput {
  now: Date;
  /** The photo the on-the-spot closures show (stored once; each closure names it in its own row). */
  photo: PreparedAttachment;
  /** Whether the overdue job issues yellow cards (REDGRID_CASE_AUTO_CARD). */
  autoYellowCard: boolean;
}

interface Item {
  code: string;
  name: string;
  departmentKind: string | null;
  maySkipLevel: boolean;
  limits: ReturnType<typeof limitsFor>;
}

/** One community's quarter: its grids, who reports there, how many closed cases of each kind, which open ones. */
interface Plan {
  community: string;
  street: string;
  reporters: { username: string; gridCode: string | null }[];
  mix: { script: Script; count: number }[];
  open: typeof OPEN_SCRIPTS;
}

const PLANS: Plan[] = [
  {
    community: '320412001001', // 站北社区, 戚墅堰街道
    street: '320412001000',
    reporters: [
      { username: 'zb_g1_worker', gridCode: '320412001001001' },
      { username: 'zb_worker', gridCode: null },
    ],
    mix: [
      ...SELF.map((script) => ({ script, count: 11 })),
      { script: SELF_RATED, count: 6 },
      { script: COMMUNITY, count: 17 },
      { script: COMMUNITY_RATED('satisfied'), count: 4 },
      { script: COMMUNITY_RATED('basically_satisfied'), count: 2 },
      { script: WHISTLE, count: 6 },
      { script: RETURNED, count: 2 },
      { script: TOWN, count: 2 },
      { script: REOPENED, count: 1 },
    ],
    open: OPEN_SCRIPTS,
  },
  {
    community: '320412002002', // 蓝山湖社区, 丁堰街道: its grid worker closes small matters on the spot
    street: '320412002000',
    reporters: [{ username: 'lsh_worker', gridCode: null }],
    mix: SELF.map((script) => ({ script, count: 4 })),
    open: [OPEN_SCRIPTS[0]!, OPEN_SCRIPTS[1]!],
  },
];

const ACCOUNTS = ['zb_g1_worker', 'zb_worker', 'lsh_worker', 'zb_admin', 'qsy_admin', 'cg_staff', 'pcs_staff', 'jk_admin'];
/** Whose account acts for each role of the script, and the level the timeline shows. */
const ROLE_ACCOUNT: Record<Exclude<Who, 'reporter'>, { username: string; level: string }> = {
  secretary: { username: 'zb_admin', level: 'community' },
  street: { username: 'qsy_admin', level: 'town' },
  cg: { username: 'cg_staff', level: 'department' },
  police: { username: 'pcs_staff', level: 'department' },
  district: { username: 'jk_admin', level: 'district' },
};

/** The projection columns of a case as `record()` keeps them. */
interface Projection {
  state: CaseState;
  snapshot: CaseSnapshot;
  departmentId: number | null;
  acceptedAt: Date | null;
  handledAt: Date | null;
  closedAt: Date | null;
  stepStartedAt: Date;
  deadlines: StepDeadlines;
  alarm: 'none' | 'yellow' | 'red';
  closedLevel: string | null;
  version: number;
  updatedAt: Date;
}

const OPEN_FOR_JOB: readonly CaseState[] = ['reported', 'accepted', 'dispatched', 'handling', 'handled'];
const isClosed = (s: CaseState) => s === 'closed' || s === 'closed_unfixed';

/** Seeds the demo quarter in the caller's (system) transaction. */
export async function seedDemoCases(unit: SystemUnit, input: DemoCaseInput): Promise<DemoCaseCounts> {
  const repo = unit.use(demoCaseRepository);
  const clock = await workingClockFor(unit);
  const names = [...new Set([...PLANS.flatMap((p) => [...p.mix.map((m) => m.script.item), ...p.open.map((o) => o.script.item)])])];
  const items = new Map<string, Item>(
    (await repo.items(names)).map((r) => [
      r.name,
      { code: r.code, name: r.name, departmentKind: r.departmentKind, maySkipLevel: r.maySkipLevel, limits: limitsFor({ ...r, acceptUnit: r.acceptUnit as TimeLimitUnit, handleUnit: r.handleUnit as TimeLimitUnit, gradeLimits: (r.gradeLimits ?? {}) as never }) },
    ]),
  );
  const users = new Map((await repo.users(ACCOUNTS)).map((u) => [u.username, { id: Number(u.id), name: u.displayName }]));
  const user = (username: string) => {
    const u = users.get(username);
    if (!u) throw new Error(`demo cases: account ${username} missing`);
    return u;
  };
  const rnd = random(20261207);
  const caseRows: Record<string, unknown>[] = [];
  const eventsByNo = new Map<string, Record<string, unknown>[]>();
  const photosByNo = new Map<string, { count: number; uploader: number; gridId: number; at: Date }>();
  let open = 0;
  const departments = new Map<string, { id: number; name: string }>();

  for (const plan of PLANS) {
    const community = await repo.area(plan.community);
    const street = await repo.area(plan.street);
    if (!community || !street) throw new Error(`demo cases: area ${plan.community} missing`);
    const total = plan.mix.reduce((n, m) => n + m.count, 0) + plan.open.length;
    const grids = await repo.gridPoints(plan.community, Math.ceil(total / 4) + 2);
    // Scripts in a shuffled order spread over the quarter's working days (closed ones before the last week).
    const closed = plan.mix.flatMap((m) => Array.from({ length: m.count }, () => m.script));
    for (let i = closed.length - 1; i > 0; i -= 1) {
      const j = Math.floor(rnd() * (i + 1));
      [closed[i], closed[j]] = [closed[j]!, closed[i]!];
    }
    const days = workingDaysBefore(clock, input.now, 91, 8);
    const numbers = await repo.nextCaseNumbers(total);
    const pointUse = new Map<number, number>();
    const pick = (gridCode: string | null) => {
      const pool = gridCode ? grids.filter((g) => g.code === gridCode) : grids;
      const g = pool[Math.floor(rnd() * pool.length)]!;
      const k = pointUse.get(g.id) ?? 0;
      pointUse.set(g.id, k + 1);
      return { grid: g, point: g.points[k % g.points.length]! };
    };
    const jobs: { script: Script; at: Date; post?: Plan['reporters'][number] }[] = closed.map((script, i) => {
      const day = days[Math.floor((i * days.length) / closed.length)]!;
      return { script, at: beijing(day, 8 * 60 + 30 + Math.floor(rnd() * 7 * 60)) };
    });
    // The first open ones wait in the first reporter's own grid (their inbox has something to do).
    plan.open.forEach((o, i) => jobs.push({ script: o.script, at: new Date(input.now.getTime() - o.ageMinutes * 60_000), ...(i < 2 ? { post: plan.reporters[0]! } : {}) }));

    for (const { script, at, post } of jobs) {
      const item = items.get(script.item);
      if (!item) throw new Error(`demo cases: item ${script.item} missing`);
      // The first grid worker reports in their own grid; the community's worker anywhere in it.
      const drawn = plan.reporters[Math.floor(rnd() * plan.reporters.length)]!;
      const reporterPost = post ?? drawn;
      const { grid, point } = pick(reporterPost.gridCode);
      const reporterUser = user(reporterPost.username);
      const reporter: Actor = { ...reporterUser, level: reporterPost.gridCode ? 'grid' : 'community' };
      const seq = (numbers.shift() ?? (await repo.nextCaseNumbers(1))[0])!;
      const caseNo = caseNoFor(at, seq);
      const gridHolder: Holder = { level: 'grid', areaId: grid.id, departmentId: null };
      const levels: Partial<Record<HandlingLevel, number>> = { grid: grid.id, community: community.id, town: street.id };
      const first = stepDeadlines(clock, 'reported', at, item.limits, 0);
      let p: Projection = { state: 'reported', snapshot: reportedCase(gridHolder), departmentId: null, acceptedAt: null, handledAt: null, closedAt: null, stepStartedAt: at, deadlines: first, alarm: 'none', closedLevel: null, version: 1, updatedAt: at };
      const events: Record<string, unknown>[] = [
        eventRow(caseNo, 1, 'report', { id: reporter.id, name: reporter.name, level: 'grid' }, null, 'reported', gridHolder, { warning: null, channel: 'grid_worker' }, [], grid.id, null, at),
      ];
      let seqNo = 1;
      const alerts = (until: Date) => {
        // The overdue job, every minute: yellow once the yellow deadline passed, red (and a yellow card) once the red one did.
        for (;;) {
          if (!OPEN_FOR_JOB.includes(p.state)) return;
          const { dueYellowAt, dueRedAt } = p.deadlines;
          const yellowAt = dueYellowAt && p.alarm === 'none' ? new Date(dueYellowAt.getTime() + 60_000) : null;
          const redAt = dueRedAt && p.alarm !== 'red' ? new Date(dueRedAt.getTime() + 60_000) : null;
          const when = redAt && (!yellowAt || redAt <= yellowAt) ? redAt : yellowAt;
          if (!when || when >= until) return;
          const red = dueRedAt !== null && dueRedAt <= when;
          const rows: [string, Record<string, unknown>][] = [['overdue_alert', { level: red ? 'red' : 'yellow', dueAt: (red ? dueRedAt : dueYellowAt)!.toISOString() }]];
          let snapshot = p.snapshot;
          if (red && input.autoYellowCard && snapshot.supervision === null) {
            snapshot = applyEvent(snapshot, { action: 'supervise', grade: 'yellow' });
            rows.push(['supervise', { grade: 'yellow', note: '超过红色时限，系统自动黄牌督办', automatic: true }]);
          }
          for (const [action, payload] of rows) {
            seqNo += 1;
            events.push(eventRow(caseNo, seqNo, action, { id: null, name: '系统', level: null }, p.state, p.state, snapshot.holder, payload, [], grid.id, p.departmentId, when));
          }
          p = { ...p, snapshot, alarm: red ? 'red' : 'yellow', version: p.version + 1, updatedAt: when };
        }
      };

      for (const step of script.steps) {
        const now = new Date(at.getTime() + step.after * 60_000);
        if (now > input.now) break;
        alerts(now);
        const actor: Actor = step.who === 'reporter' ? reporter : { ...user(ROLE_ACCOUNT[step.who].username), level: ROLE_ACCOUNT[step.who].level };
        const before = p.snapshot;
        let event: CaseEvent;
        let args: Record<string, unknown> = { ...step.args };
        if (step.action === 'escalate') {
          const level = step.to as HandlingLevel;
          event = { action: 'escalate', to: { level, areaId: levels[level] ?? null, departmentId: null }, reason: String(args.reason) };
          args = { to: { level }, ...args };
        } else if (step.action === 'dispatch') {
          const key = `${String(step.to)}:${grid.id}`;
          const found = departments.get(key) ?? (await departmentFor(unit, { kind: step.to as DepartmentKind, areaId: grid.id }));
          if (found) departments.set(key, found);
          if (!found) throw new Error(`demo cases: no ${String(step.to)} department for ${grid.code}`);
          event = { action: 'dispatch', to: { level: 'department', areaId: null, departmentId: found.id } };
          if (step.to !== item.departmentKind) args.departmentKind = step.to;
          args.departmentName = found.name;
        } else if (step.action === 'self_close') event = { action: 'self_close', evidence: step.photo ? 1 : 0 };
        else event = { action: step.action, ...args } as CaseEvent;
        const d = decide(before, event, new Set([step.rel]), { maySkipLevel: item.maySkipLevel });
        if (!d.ok) throw new Error(`demo cases: ${script.title} ${step.action} refused: ${d.message}`);
        const next = d.next;
        // As case.service.ts record(): the step's lateness, a new step's start and deadlines, the projection.
        const late = p.deadlines.dueRedAt !== null && now > p.deadlines.dueRedAt;
        const stepChanged = next.state !== before.state || next.holder.level !== before.holder.level || next.holder.areaId !== before.holder.areaId || next.holder.departmentId !== before.holder.departmentId || next.extensionDays !== before.extensionDays;
        const stepStart = stepChanged && next.extensionDays === before.extensionDays ? now : p.stepStartedAt;
        const closedNow = isClosed(next.state);
        const departmentId = next.holder.level === 'department' ? next.holder.departmentId : p.departmentId;
        const photoIds = step.photo ? [`photo:${caseNo}`] : [];
        seqNo += 1;
        events.push(eventRow(caseNo, seqNo, step.action, actor, before.state, next.state, next.holder, { ...args, late }, photoIds, grid.id, departmentId, now));
        if (step.photo) photosByNo.set(caseNo, { count: 1, uploader: actor.id!, gridId: grid.id, at: new Date(now.getTime() - 5 * 60_000) });
        p = {
          state: next.state,
          snapshot: next,
          departmentId,
          acceptedAt: step.action === 'accept' && !p.acceptedAt ? now : p.acceptedAt,
          handledAt: next.state === 'handled' ? now : p.handledAt,
          closedAt: closedNow && !isClosed(before.state) ? now : next.state === 'handling' && isClosed(before.state) ? null : p.closedAt,
          stepStartedAt: stepStart,
          deadlines: stepDeadlines(clock, next.state, stepStart, item.limits, next.extensionDays),
          alarm: stepChanged ? 'none' : p.alarm,
          closedLevel: closedNow ? next.holder.level : null,
          version: p.version + 1,
          updatedAt: now,
        };
      }
      alerts(input.now);
      if (!isClosed(p.state)) open += 1;
      const s = p.snapshot;
      caseRows.push({
        case_no: caseNo,
        tracking_token: randomBytes(12).toString('base64url'),
        channel: 'grid_worker',
        item_code: item.code,
        item_name: item.name,
        title: script.title,
        description: script.description,
        address: null,
        location: point,
        location_source: 'gps',
        grid_id: grid.id,
        state: p.state,
        holder_level: s.holder.level,
        holder_area_id: s.holder.areaId,
        holder_department_id: s.holder.departmentId,
        department_id: p.departmentId,
        snapshot: JSON.stringify(s),
        version: p.version,
        urgency: script.urgent ? 'urgent' : 'normal',
        supervision: s.supervision,
        expedited: s.expedited,
        reporter_user_id: reporter.id,
        anonymous: false,
        confidential: false,
        reply_required: false,
        custom_fields: '{}',
        reported_at: at,
        accepted_at: p.acceptedAt,
        handled_at: p.handledAt,
        closed_at: p.closedAt,
        step_started_at: p.stepStartedAt,
        step_kind: p.deadlines.stepKind,
        due_yellow_at: p.deadlines.dueYellowAt,
        due_red_at: p.deadlines.dueRedAt,
        alarm: p.alarm,
        self_handled: s.selfHandled,
        closed_level: p.closedLevel,
        rating: s.rating,
        merged_into: s.mergedInto,
        updated_at: p.updatedAt,
      });
      eventsByNo.set(caseNo, events);
    }
  }

  const ids = await repo.insertCases(caseRows);
  const photoIdOf = new Map<string, string>();
  const attachmentRows: Record<string, unknown>[] = [];
  for (const [caseNo, ph] of photosByNo) {
    const id = randomUUID();
    photoIdOf.set(`photo:${caseNo}`, id);
    const pr = input.photo;
    attachmentRows.push({ id, owner_type: 'case', owner_id: ids.get(caseNo)!, area_id: ph.gridId, purpose: 'photo', uploaded_by: ph.uploader, client_key: `demo-${caseNo}`, file_name: pr.fileName, mime: pr.mime, size_bytes: pr.sizeBytes, sha256: pr.sha256, width: pr.width, height: pr.height, storage_key: pr.storageKey, thumb_key: pr.thumbKey, public_key: pr.publicKey, created_at: ph.at });
  }
  const eventRows = [...eventsByNo].flatMap(([caseNo, evs]) =>
    evs.map(({ caseNo: _n, attachment_ids, ...e }) => ({ ...e, case_id: ids.get(caseNo)!, attachment_ids: (attachment_ids as string[]).map((a) => photoIdOf.get(a) ?? a) })),
  );
  await repo.insertAttachments(attachmentRows);
  await repo.insertEvents(eventRows);
  if (attachmentRows.length > 0) input.photo.recorded = true;
  return { cases: caseRows.length, events: eventRows.length, open };
}

function eventRow(caseNo: string, seq: number, action: string, actor: { id: number | null; name: string; level: string | null }, from: CaseState | null, to: CaseState, holder: Holder, payload: Record<string, unknown>, attachmentIds: string[], gridId: number, departmentId: number | null, at: Date): Record<string, unknown> {
  return {
    caseNo,
    seq,
    action,
    actor_id: actor.id,
    actor_name: actor.name,
    actor_level: actor.level,
    from_state: from,
    to_state: to,
    holder_level: holder.level,
    holder_area_id: holder.areaId,
    holder_department_id: holder.departmentId,
    payload: JSON.stringify(payload),
    attachment_ids: attachmentIds,
    grid_id: gridId,
    department_id: departmentId,
    created_at: at,
  };
}

/** A Beijing wall-clock time of a date as an instant. */
function beijing(day: string, minute: number): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - BEIJING_MS + minute * 60_000);
}

/** The working days in the `span` calendar days before now, leaving out the last `recent` days (the open cases' time). */
function workingDaysBefore(clock: WorkingClock, now: Date, span: number, recent: number): string[] {
  const today = Date.parse(`${new Date(now.getTime() + BEIJING_MS).toISOString().slice(0, 10)}T00:00:00Z`);
  const out: string[] = [];
  for (let d = span; d > recent; d -= 1) {
    const day = new Date(today - d * 86_400_000).toISOString().slice(0, 10);
    if (clock.isWorkingDay(day)) out.push(day);
  }
  return out;
}
