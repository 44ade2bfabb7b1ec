import { randomBytes } from 'node:crypto';
import type { AffairItem, CaseChannel, CaseAction, DepartmentKind, CaseActionRequest, CaseDetail, CaseList, CaseState, HandlingLevel, ReportCaseInput } from '@redgrid/contracts';
import { caseActionRequestSchema, caseListQuerySchema, reportCaseSchema } from '@redgrid/contracts';
import type { z } from 'zod';
import type { Actor, RequestContext, Scope } from '../../platform/context.ts';
import { maskPhone, type FieldCipher } from '../../platform/crypto.ts';
import { areaNamesByIds, listAncestorNames } from '../../platform/cross-scope.repository.ts';
import { AppError, notFound, validationFailed } from '../../platform/errors.ts';
import { read, write, type Unit, type WriteUnit } from '../../platform/unit-of-work.ts';
import { affairItem, limitsFor } from '../affairs/index.ts';
import { listAttachments } from '../attachment/index.ts';
import { workingClockFor } from '../calendar/index.ts';
import { departmentFor } from '../department/index.ts';
import { notify } from '../notification/index.ts';
import { areaGeoRepository } from '../area/index.ts';
import { toWgs84 as convertToWgs84 } from '../geo/index.ts';
import { alarmAt, stepDeadlines } from './case-deadline.ts';
import { casesOfFigure, REPORT_LIMIT_WORK_HOURS } from './case-kpi-breakdown.ts';
import { allowedActions, decide, LEVEL_LADDER, type CaseEvent, type CaseSnapshot, type Holder, type Relation } from './case-workflow.ts';
import { caseRepository, type CaseEventRow, type CaseNarrowing, type CaseRow } from './case.repository.ts';

/**
 * Case use cases (issue 10): report, act (every workflow action through the pure machine), read one with
 * its timeline and the actions this person may take, and the inbox. Each is one transaction; the timeline
 * row and the case's projection are written together, the projection only if the case did not change
 * since it was read (two people at once: one wins, the other gets a 409).
 */

/** Staff actions need case.handle; a reporter rates, reopens and comments with case.report. */
const REPORTER_ACTIONS: ReadonlySet<CaseAction> = new Set(['rate', 'reopen', 'comment']);

/** Area levels of the tree as handling levels. */
const LEVEL_OF_AREA: Partial<Record<string, HandlingLevel>> = { grid: 'grid', community: 'community', street: 'town', district: 'district' };
const AREA_OF_LEVEL: Record<Exclude<HandlingLevel, 'department'>, string> = { grid: 'grid', community: 'community', town: 'street', district: 'district' };

/** Roles that act for an area level on cases (not the department staff, not reporters). */
const AREA_STAFF = new Set(['area_admin', 'grid_leader', 'grid_worker']);


interface GridPlace {
  id: number;
  path: string;
  name: string;
  /** The grid's ancestors by handling level. */
  levels: Partial<Record<HandlingLevel, { id: number; name: string; path: string }>>;
}

async function gridPlace(unit: Unit, gridId: number, gridPath: string, gridName: string): Promise<GridPlace> {
  const chain = await unit.use((db) => listAncestorNames(db, gridPath));
  const levels: GridPlace['levels'] = { grid: { id: gridId, name: gridName, path: gridPath } };
  let path = '/';
  for (const a of chain) {
    path += `${a.id}/`;
    const level = LEVEL_OF_AREA[a.level];
    if (level) levels[level] = { id: a.id, name: a.name, path };
  }
  return { id: gridId, path: gridPath, name: gridName, levels };
}

/** The case's grid and the levels above it (public division names, whoever reads the case). */
async function placeOfCase(unit: Unit, gridId: number): Promise<GridPlace> {
  const grid = (await unit.use((db) => areaNamesByIds(db, [gridId]))).get(gridId);
  if (!grid) throw notFound('网格');
  return gridPlace(unit, gridId, grid.path, grid.name);
}

/**
 * Whose cases a person reads: area staff read by the area tree (their grids, community, town); a
 * department's staff only what was dispatched to their department — not every case in the areas their
 * role lets them read base data in.
 */
export function caseScope(actor: Actor, scope: Scope): Scope {
  // A guest's unit is already confined to the one grid it was opened for (asGuest).
  if (isGuest(actor) || actor.roles.some((r) => AREA_STAFF.has(r.role))) return scope;
  return { areas: [], departments: scope.departments, partyOrgs: [] };
}

/** Work done for someone without an account (asGuest): a resident on the public page, an Open311 client. */
function isGuest(actor: Actor): boolean {
  return actor.id === 0 && actor.roles.length === 0;
}

/**
 * Whose cases the case use cases read: staff by caseScope; a guest within the grid its unit was confined
 * to; everyone else (residents, party members, volunteers — their role sits on the whole community) only
 * the cases they reported themselves, wherever they filed them.
 */
function caseReach(actor: Actor, scope: Scope): [Scope, CaseNarrowing | undefined] {
  if (isGuest(actor)) return [scope, undefined];
  if (actor.roles.some((r) => AREA_STAFF.has(r.role) || r.role === 'dept_staff')) return [caseScope(actor, scope), undefined];
  return [{ areas: ['/'], departments: [], partyOrgs: [] }, { reporterUserId: actor.id }];
}

/** The case repository on the unit, narrowed to the cases this person reads. */
function cases(unit: Unit) {
  return unit.use((db, scope) => caseRepository(db, ...caseReach(unit.actor, scope)));
}

/** How the actor stands to the case (see Relation in case-workflow.ts). */
export function relationsOf(actor: Actor, c: { holder: Holder; dispatcher: Holder | null; reporterUserId: number | null }, place: GridPlace): Set<Relation> {
  const out = new Set<Relation>();
  if (c.reporterUserId === actor.id) out.add('reporter');
  const holderPath = c.holder.level === 'department' ? null : c.holder.areaId !== null ? (place.levels[c.holder.level]?.path ?? null) : null;
  const dispatcherPath = c.dispatcher && c.dispatcher.level !== 'department' ? (place.levels[c.dispatcher.level]?.path ?? null) : null;
  for (const role of actor.roles) {
    if (role.role === 'dept_staff') {
      if (c.holder.level === 'department' && role.departmentId != null && role.departmentId === c.holder.departmentId) out.add('holder');
      continue;
    }
    if (!AREA_STAFF.has(role.role)) continue;
    const coversGrid = place.path.startsWith(role.areaPath);
    if (coversGrid && (role.role === 'grid_worker' || role.role === 'grid_leader')) out.add('grid');
    if (holderPath) {
      if (role.areaPath === holderPath) out.add('holder');
      else if (holderPath.startsWith(role.areaPath) && role.role !== 'grid_worker') out.add('above');
      // A grid worker whose post covers several grids (a community's grid worker) holds each grid's cases.
      else if (c.holder.level === 'grid' && coversGrid && role.role === 'grid_worker') out.add('holder');
    } else if (dispatcherPath && dispatcherPath.startsWith(role.areaPath) && role.role !== 'grid_worker') out.add('above');
  }
  return out;
}

function snapshotOf(row: CaseRow): CaseSnapshot {
  return row.snapshot as CaseSnapshot;
}

function eventFor(input: z.output<typeof caseActionRequestSchema>, row: CaseRow, place: GridPlace, departmentHolder: Holder | null, evidence: number): CaseEvent {
  switch (input.action) {
    case 'escalate': {
      const target = place.levels[input.to.level];
      return { action: 'escalate', to: { level: input.to.level, areaId: target?.id ?? null, departmentId: null }, reason: input.reason };
    }
    case 'dispatch':
      return { action: 'dispatch', to: departmentHolder ?? { level: 'department', areaId: null, departmentId: null } };
    case 'self_close':
      return { action: 'self_close', evidence: evidence };
    case 'reroute': {
      const s = snapshotOf(row);
      return { action: 'reroute', to: s.holder, reason: input.reason };
    }
    case 'merge':
      return { action: 'merge', into: input.intoCaseId };
    case 'accept':
    case 'acknowledge':
    case 'approve_extension':
    case 'resume':
    case 'verify_pass':
    case 'expedite':
      return { action: input.action };
    case 'comment':
      return { action: 'comment' };
    case 'instruct':
      return { action: 'instruct', note: input.note };
    case 'supervise':
      return { action: 'supervise', grade: input.grade };
    case 'rate':
      return { action: 'rate', rating: input.rating };
    case 'request_extension':
      return { action: 'request_extension', workDays: input.workDays, reason: input.reason };
    case 'handle':
      return { action: 'handle', result: input.result };
    case 'reject':
    case 'return':
    case 'verify_fail':
    case 'deny_extension':
    case 'suspend':
    case 'close_unfixed':
    case 'reopen':
      return { action: input.action, reason: input.reason } as CaseEvent;
  }
}

function caseNoFor(at: Date, seq: number): string {
  const d = new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');
  return `SJ${d}${String(seq).padStart(6, '0')}`;
}

/** The item a case is reported against, in the catalogue that applies to its grid. */
async function itemFor(unit: Unit, code: string, gridPath: string): Promise<AffairItem> {
  const item = await affairItem(unit, { code, areaPath: gridPath });
  if (!item || !item.active) throw validationFailed({ itemCode: ['事项不存在或已停用'] });
  return item;
}

export async function reportCase(ctx: RequestContext, raw: ReportCaseInput): Promise<CaseDetail> {
  const input = reportCaseSchema.parse(raw);
  return write(ctx, 'case.report', async (unit) => {
    // A resident signed in to the console reports as a resident (the public form), not as a grid's patrol.
    const staff = unit.actor.roles.some((r) => AREA_STAFF.has(r.role));
    const row = await fileCase(unit, ctx.clock(), {
      ...input,
      discoveredAt: input.discoveredAt ? new Date(input.discoveredAt) : undefined,
      channel: staff ? 'grid_worker' : 'resident',
      reporter: { userId: unit.actor.id, sealed: null, anonymous: false },
      actorLevel: staff ? 'grid' : null,
    });
    return detailOf(unit, row, ctx.clock());
  });
}

/** A resident's name and phone as a case stores them: sealed, the phone with a blind index and a mask. */
export interface SealedReporter {
  nameEnc: string | null;
  phoneEnc: string | null;
  phoneBidx: string | null;
  phoneMasked: string | null;
}

export function sealReporter(cipher: FieldCipher, who: { name?: string | null; phone?: string | null }): SealedReporter {
  const phone = who.phone?.trim() || null;
  const name = who.name?.trim() || null;
  return {
    nameEnc: name ? cipher.encrypt(name) : null,
    phoneEnc: phone ? cipher.encrypt(phone) : null,
    phoneBidx: phone ? cipher.blindIndex(phone) : null,
    phoneMasked: phone ? maskPhone(phone) : null,
  };
}

/**
 * One case as any channel files it (the grid worker's phone, a resident's public report, a 12345 work
 * order, a household visit, an Open311 client): the point — or the grid the channel names, or the
 * reporter's own grid — picks the grid, the item its limits, and the case starts at the grid. Inside the
 * caller's transaction; a repeated client key (per channel) or external number returns the case filed the
 * first time, unchanged.
 */
export interface CaseIntake {
  channel: CaseChannel;
  itemCode: string;
  title: string;
  description: string;
  address?: string | null | undefined;
  location?: z.output<typeof reportCaseSchema>['location'];
  /** A grid the channel already knows (a hotline operator's choice), used when there is no point. */
  gridId?: number | undefined;
  urgency?: 'normal' | 'urgent' | 'emergency' | undefined;
  customFields?: Record<string, unknown> | undefined;
  clientKey?: string | undefined;
  reporter: { userId: number | null; sealed: SealedReporter | null; anonymous: boolean };
  external?: { source: string; number: string; dueAt: Date | null; confidential: boolean; replyRequired: boolean } | undefined;
  /** When the channel received it (a work order's own time); now when absent. */
  reportedAt?: Date | undefined;
  /** The timeline's "who" when it is not the signed-in person (e.g. 12345热线, 居民). */
  actorName?: string | undefined;
  actorLevel?: string | null | undefined;
  /** When the reporter found it (the phone's draft began then): a report later than the limit is not on time (按时上报). */
  discoveredAt?: Date | undefined;
  /** The code the reporter tracks the case by, when the channel gives its own (a resident writes one down). */
  trackingToken?: string | undefined;
}

export async function fileCase(unit: WriteUnit, now: Date, intake: CaseIntake): Promise<CaseRow> {
  const repo = cases(unit);
  const again = await earlierFiling(repo, intake);
  if (again) return again;
  const at = intake.reportedAt ?? now;
  const located = await locateGrid(unit, intake.location, intake.gridId);
  const grid = located.grid;
  const item = await itemFor(unit, intake.itemCode, grid.path);
  const holder: Holder = { level: 'grid', areaId: grid.id, departmentId: null };
  const snapshot: CaseSnapshot = reportedSnapshot(holder);
  const clock = await workingClockFor(unit);
  const deadlines = stepDeadlines(clock, 'reported', at, limitsFor(item), 0);
  const found = intake.discoveredAt && intake.discoveredAt < at ? intake.discoveredAt : null;
  const discovery = found ? { discoveredAt: found.toISOString(), late: clock.workingHoursBetween(found, at) > REPORT_LIMIT_WORK_HOURS } : {};
  const seq = await repo.nextCaseNumber();
  const sealed = intake.reporter.sealed;
  const id = await repo.insert({
    caseNo: caseNoFor(at, seq),
    trackingToken: intake.trackingToken ?? randomBytes(12).toString('base64url'),
    channel: intake.channel,
    itemCode: item.code,
    itemName: item.name,
    title: intake.title,
    description: intake.description,
    address: intake.address ?? null,
    lng: located.lng,
    lat: located.lat,
    locationSource: located.source,
    gridId: grid.id,
    state: snapshot.state,
    holderLevel: 'grid',
    holderAreaId: grid.id,
    snapshot,
    urgency: intake.urgency ?? item.urgencyDefault,
    reporterUserId: intake.reporter.userId,
    reporterNameEnc: sealed?.nameEnc ?? null,
    reporterPhoneEnc: sealed?.phoneEnc ?? null,
    reporterPhoneBidx: sealed?.phoneBidx ?? null,
    reporterPhoneMasked: sealed?.phoneMasked ?? null,
    anonymous: intake.reporter.anonymous,
    externalSource: intake.external?.source ?? null,
    externalNo: intake.external?.number ?? null,
    confidential: intake.external?.confidential ?? false,
    replyRequired: intake.external?.replyRequired ?? false,
    externalDueAt: intake.external?.dueAt ?? null,
    customFields: intake.customFields ?? {},
    clientKey: intake.clientKey ?? null,
    reportedAt: at,
    stepKind: deadlines.stepKind,
    dueYellowAt: deadlines.dueYellowAt,
    dueRedAt: deadlines.dueRedAt,
  });
  if (id === null) {
    // Another request with the same client key or external number won the race a moment ago.
    const earlier = await earlierFiling(repo, intake);
    if (earlier) return earlier;
    throw new AppError('conflict', '同一上报正在处理，请稍后刷新');
  }
  await repo.appendEvent({ caseId: id, seq: 1, action: 'report', actorId: unit.actor.id || null, actorName: intake.actorName ?? unit.actor.displayName, actorLevel: intake.actorLevel ?? null, fromState: null, toState: 'reported', holderLevel: 'grid', holderAreaId: grid.id, holderDepartmentId: null, payload: { warning: located.warning, channel: intake.channel, ...discovery }, attachmentIds: [], clientKey: null, gridId: grid.id, departmentId: null, at });
  const row = (await repo.get(id))!;
  await unit.audit({ action: 'create', entity: 'case', entityId: id, areaId: grid.id, after: { caseNo: row.caseNo, item: item.code, channel: intake.channel } });
  return row;
}

async function earlierFiling(repo: ReturnType<typeof caseRepository>, intake: CaseIntake): Promise<CaseRow | undefined> {
  if (intake.clientKey) {
    const earlier = await repo.byClientKey(intake.channel, intake.clientKey);
    if (earlier) return earlier;
  }
  if (intake.external) return repo.byExternalNo(intake.external.source, intake.external.number);
  return undefined;
}

function decideOrThrow(s: CaseSnapshot, e: CaseEvent, relations: ReadonlySet<Relation>, item: Pick<AffairItem, 'maySkipLevel'>): CaseSnapshot {
  if (e.action === 'report') return { ...reportedSnapshot(e.holder) };
  const d = decide(s, e, relations, { maySkipLevel: item.maySkipLevel });
  if (d.ok) return d.next;
  if (d.code === 'transition_not_allowed') throw new AppError('conflict', d.message, { allowed: d.allowed, state: s.state });
  if (d.code === 'not_permitted') throw new AppError('forbidden', d.message, { allowed: d.allowed, state: s.state });
  throw validationFailed({ [d.field]: [d.message] }, d.message);
}

function reportedSnapshot(holder: Holder): CaseSnapshot {
  return { state: 'reported', holder, dispatcher: null, suspendedFrom: null, supervision: null, expedited: false, extensionPending: null, extensionDays: 0, selfHandled: false, rating: null, mergedInto: null, counts: { escalations: 0, dispatches: 0, returns: 0, reworks: 0, extensions: 0, reopens: 0, supervisions: 0 } };
}

interface Located {
  grid: { id: number; path: string; name: string };
  lng: number | null;
  lat: number | null;
  source: 'gps' | 'map' | 'reporter_grid' | 'hotline';
  warning: string | null;
}

/**
 * The point picks the grid; without a point, the grid the channel names (checked to be a grid in reach),
 * else the reporter's own grid — both with a warning on the case.
 */
async function locateGrid(unit: Unit, point: z.output<typeof reportCaseSchema>['location'], gridId?: number): Promise<Located> {
  if (point) {
    const { lng, lat } = point.crs === 'gcj02' ? toWgs84(point.lng, point.lat) : point;
    const found = await unit.use(areaGeoRepository).findDeepestContaining(lng, lat);
    if (!found || found.level !== 'grid') throw validationFailed({ location: ['该位置不在您负责的任何网格内'] }, '位置不在网格内');
    return { grid: { id: found.id, path: found.path, name: found.name }, lng, lat, source: point.source, warning: null };
  }
  if (gridId !== undefined) {
    const grid = (await unit.use(areaGeoRepository).listBriefs([gridId]))[0];
    const named = grid ? (await unit.use((db) => areaNamesByIds(db, [gridId]))).get(gridId) : undefined;
    if (!grid || grid.level !== 'grid' || !named) throw validationFailed({ gridId: ['网格不存在或不在您的辖区内'] }, '网格不存在');
    return { grid: { id: gridId, path: named.path, name: named.name }, lng: null, lat: null, source: 'hotline', warning: '未提供位置，已按指定网格登记' };
  }
  const own = unit.actor.roles.find((r) => r.areaLevel === 'grid' && AREA_STAFF.has(r.role));
  if (!own) throw validationFailed({ location: ['请在地图上选择位置（您没有所属网格，无法默认）'] }, '缺少位置');
  return { grid: { id: own.areaId, path: own.areaPath, name: own.areaName }, lng: null, lat: null, source: 'reporter_grid', warning: '未提供位置，已按上报人所在网格登记' };
}

function toWgs84(lng: number, lat: number): { lng: number; lat: number } {
  const [x, y] = convertToWgs84(lng, lat, 'gcj02');
  return { lng: x, lat: y };
}

/** Writes one decided action: the timeline row and the projection, or a 409 when someone else was quicker. */
async function record(unit: WriteUnit, row: CaseRow, place: GridPlace, item: AffairItem, input: { action: CaseAction; attachmentIds: string[]; clientKey?: string | undefined; [k: string]: unknown }, next: CaseSnapshot, now: Date): Promise<CaseRow> {
  const repo = cases(unit);
  const before = snapshotOf(row);
  const seq = (await repo.lastSeq(row.id)) + 1;
  const { action, attachmentIds, clientKey, version: _v, ...args } = input;
  // Whether the step's red deadline had passed when this was done: the on-time rates count it.
  const payload = { ...args, late: row.dueRedAt !== null && now > new Date(row.dueRedAt) };
  const stepChanged = next.state !== before.state || next.holder.level !== before.holder.level || next.holder.areaId !== before.holder.areaId || next.holder.departmentId !== before.holder.departmentId || next.extensionDays !== before.extensionDays;
  const stepStart = stepChanged && next.extensionDays === before.extensionDays ? now : new Date(row.stepStartedAt);
  const deadlines = stepDeadlines(await workingClockFor(unit), next.state, stepStart, limitsFor(item), next.extensionDays);
  const closed = next.state === 'closed' || next.state === 'closed_unfixed';
  const ok = await repo.project(row.id, row.version, {
    state: next.state,
    holderLevel: next.holder.level,
    holderAreaId: next.holder.areaId,
    holderDepartmentId: next.holder.departmentId,
    departmentId: next.holder.level === 'department' ? next.holder.departmentId : row.departmentId,
    snapshot: next,
    supervision: next.supervision,
    expedited: next.expedited,
    ...(action === 'accept' && !row.acceptedAt ? { acceptedAt: now } : {}),
    ...(next.state === 'handled' ? { handledAt: now } : {}),
    ...(closed && !isClosed(before.state) ? { closedAt: now } : next.state === 'handling' && isClosed(before.state) ? { closedAt: null } : {}),
    stepStartedAt: stepStart,
    stepKind: deadlines.stepKind,
    dueYellowAt: deadlines.dueYellowAt,
    dueRedAt: deadlines.dueRedAt,
    // A new step starts quiet (the overdue job raises its alarms); the same step keeps the alarm it has.
    alarm: stepChanged ? 'none' : row.alarm,
    selfHandled: next.selfHandled,
    closedLevel: closed ? next.holder.level : null,
    rating: next.rating,
    mergedInto: next.mergedInto,
    at: now,
  });
  if (!ok) throw new AppError('conflict', '案件刚被他人处理过，请刷新后再试', { state: row.state });
  await repo.appendEvent({
    caseId: row.id,
    seq,
    action,
    // A guest (no account) is recorded by name only.
    actorId: unit.actor.id || null,
    actorName: unit.actor.displayName,
    actorLevel: actorLevelFor(unit.actor, place),
    fromState: before.state,
    toState: next.state,
    holderLevel: next.holder.level,
    holderAreaId: next.holder.areaId,
    holderDepartmentId: next.holder.departmentId,
    payload,
    attachmentIds,
    clientKey: clientKey ?? null,
    gridId: row.gridId,
    departmentId: next.holder.level === 'department' ? next.holder.departmentId : row.departmentId,
    at: now,
  });
  await tellReporter(unit, row, action, before.state, next.state, now);
  return (await repo.get(row.id))!;
}

/** The reporter is told when their case is accepted and when it is closed (in-app, and by text message). */
async function tellReporter(unit: WriteUnit, row: CaseRow, action: CaseAction, from: CaseState, to: CaseState, now: Date): Promise<void> {
  if (row.reporterUserId === null || row.reporterUserId === unit.actor.id) return;
  const accepted = action === 'accept' && row.acceptedAt === null;
  const closed = (to === 'closed' || to === 'closed_unfixed') && !isClosed(from);
  if (!accepted && !closed) return;
  await notify(unit, {
    recipients: [row.reporterUserId],
    kind: accepted ? 'case.accepted' : 'case.closed',
    title: accepted ? `您上报的事件 ${row.caseNo} 已受理` : `您上报的事件 ${row.caseNo} 已办结`,
    body: accepted ? row.title : `${row.title}。请对办理结果进行评价。`,
    link: `/cases/${row.id}`,
    about: { type: 'case', id: row.id },
    areaId: row.gridId,
    channels: ['in_app', 'sms'],
    onceKey: `case-${accepted ? 'accepted' : 'closed'}:${row.id}:${row.version}`,
    at: now,
  });
}

function isClosed(s: CaseState): boolean {
  return s === 'closed' || s === 'closed_unfixed';
}

function actorLevelFor(actor: Actor, place: GridPlace): string | null {
  if (actor.roles.some((r) => r.role === 'dept_staff')) return 'department';
  let best: string | null = null;
  for (const level of LEVEL_LADDER) {
    const at = place.levels[level];
    if (at && actor.roles.some((r) => r.areaPath === at.path)) best ??= level;
  }
  return best;
}

/** The department of that kind serving the case's grid (the most specific one), as the holder to dispatch to. */
async function routedDepartment(unit: Unit, kind: DepartmentKind | null, gridId: number): Promise<Holder & { name: string }> {
  if (!kind) throw validationFailed({ departmentKind: ['此事项没有责任部门，请选择要派遣的部门类别'] }, '请选择部门');
  const found = await departmentFor(unit, { kind, areaId: gridId });
  if (!found) throw validationFailed({ departmentKind: ['此处没有该类别的在用部门'] }, '没有可派遣的部门');
  return { level: 'department', areaId: null, departmentId: found.id, name: found.name };
}

/** The files this step names must be the case's own (uploaded to it); returns how many are photos. */
async function photosNamed(unit: Unit, caseId: number, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const own = new Map((await listAttachments(unit, { type: 'case', id: caseId })).map((a) => [a.id, a]));
  const missing = ids.filter((id) => !own.has(id));
  if (missing.length) throw validationFailed({ attachmentIds: ['附件不属于此案件，请先上传到此案件'] }, '附件不属于此案件');
  return ids.filter((id) => own.get(id)!.mime.startsWith('image/')).length;
}

export async function actOnCase(ctx: RequestContext, caseId: number, raw: CaseActionRequest): Promise<CaseDetail> {
  const input = caseActionRequestSchema.parse(raw);
  const permission = REPORTER_ACTIONS.has(input.action) ? 'case.report' : 'case.handle';
  return write(ctx, permission, async (unit) => detailOf(unit, await actInUnit(unit, caseId, input, ctx.clock()), ctx.clock()));
}

/**
 * One workflow action inside the caller's unit. `asReporter`: the actor is the case's reporter by proof
 * the caller has checked (a resident on the public page who holds the case's tracking code), whatever
 * their account says.
 */
export async function actInUnit(unit: WriteUnit, caseId: number, input: z.output<typeof caseActionRequestSchema>, now: Date, asReporter = false): Promise<CaseRow> {
  const repo = cases(unit);
  const row = await repo.get(caseId);
  if (!row) throw notFound('案件');
  if (input.clientKey && (await repo.eventByClientKey(row.id, input.clientKey))) return row;
  if (input.version !== undefined && input.version !== row.version) throw new AppError('conflict', '案件已被他人更新，请刷新后再试', { state: row.state, version: row.version });
  const place = await placeOfCase(unit, row.gridId);
  const item = await itemFor(unit, row.itemCode, place.path);
  const before = snapshotOf(row);
  const relations = asReporter ? new Set<Relation>(['reporter']) : relationsOf(unit.actor, { holder: before.holder, dispatcher: before.dispatcher, reporterUserId: row.reporterUserId }, place);
  if (relations.size === 0) throw new AppError('forbidden', '您不是此案件的办理方，不能办理', { allowed: [], state: row.state });
  const department = input.action === 'dispatch' ? await routedDepartment(unit, input.departmentKind ?? item.departmentKind, row.gridId) : null;
  const evidence = await photosNamed(unit, row.id, input.attachmentIds);
  const to: Holder | null = department ? { level: department.level, areaId: null, departmentId: department.departmentId } : null;
  const next = decideOrThrow(before, eventFor(input, row, place, to, evidence), relations, item);
  return record(unit, row, place, item, department ? { ...input, departmentName: department.name } : input, next, now);
}

export function getCase(ctx: RequestContext, caseId: number): Promise<CaseDetail> {
  return read(ctx, 'signed_in', async (unit) => {
    if (!unit.actor.permissions.has('case.read') && !unit.actor.permissions.has('case.report')) throw new AppError('forbidden', '没有权限查看案件');
    const row = await cases(unit).get(caseId);
    if (!row) throw notFound('案件');
    return detailOf(unit, row, ctx.clock());
  });
}

export function listCases(ctx: RequestContext, raw: z.input<typeof caseListQuerySchema>): Promise<CaseList> {
  const parsed = caseListQuerySchema.parse(raw);
  return read(ctx, 'signed_in', async (unit) => {
    if (!unit.actor.permissions.has('case.read') && !unit.actor.permissions.has('case.report')) throw new AppError('forbidden', '没有权限查看案件');
    // Who only reports (a resident) lists what they reported: 我的上报.
    const f = unit.actor.permissions.has('case.read') ? parsed : { ...parsed, view: 'reported_by_me' as const, figure: undefined };
    const now = ctx.clock();
    const mine = f.view === 'mine' ? { areaIds: unit.actor.roles.filter((r) => AREA_STAFF.has(r.role)).map((r) => r.areaId), departmentIds: unit.actor.roles.map((r) => r.departmentId).filter((d): d is number => typeof d === 'number') } : undefined;
    const states = f.view === 'closed' ? ['closed', 'closed_unfixed', 'rejected', 'merged'] : f.view === 'reported_by_me' ? undefined : ['reported', 'accepted', 'dispatched', 'handling', 'handled', 'suspended'];
    // A figure of the KPI page: exactly the cases it counts (case-kpi-breakdown.ts).
    const rows = f.figure ? await casesOfFigure(unit, f, f.limit + 1) : await cases(unit).list({ states, mine, overdueOnly: f.view === 'overdue', q: f.q, gridId: f.gridId, reporterUserId: f.view === 'reported_by_me' ? unit.actor.id : undefined, now, limit: f.limit + 1, offset: f.offset });
    const page = rows.slice(0, f.limit);
    const names = await holderNames(unit, page);
    return { items: page.map((r) => summaryOf(r, names, now)), next: rows.length > f.limit ? f.offset + f.limit : null };
  });
}

export async function holderNames(unit: Unit, rows: readonly CaseRow[]): Promise<Map<string, string>> {
  const areaIds = [...new Set(rows.flatMap((r) => [r.gridId, r.holderAreaId]).filter((x): x is number => x !== null))];
  const found = await unit.use((db) => areaNamesByIds(db, areaIds));
  const out = new Map<string, string>();
  for (const [id, a] of found) out.set(`a${id}`, a.name);
  return out;
}

function iso(d: Date | string | null): string | null {
  return d === null ? null : new Date(d).toISOString();
}

export function summaryOf(r: CaseRow, names: Map<string, string>, now: Date) {
  return {
    id: r.id,
    caseNo: r.caseNo,
    channel: r.channel as CaseDetail['channel'],
    itemCode: r.itemCode,
    itemName: r.itemName,
    title: r.title,
    address: r.address,
    state: r.state as CaseState,
    holder: { level: r.holderLevel as HandlingLevel, areaId: r.holderAreaId, departmentId: r.holderDepartmentId, name: r.holderAreaId !== null ? (names.get(`a${r.holderAreaId}`) ?? null) : null },
    grid: { id: r.gridId, name: names.get(`a${r.gridId}`) ?? null },
    urgency: r.urgency as CaseDetail['urgency'],
    supervision: r.supervision as CaseDetail['supervision'],
    expedited: r.expedited,
    alarm: alarmAt({ dueYellowAt: r.dueYellowAt ? new Date(r.dueYellowAt) : null, dueRedAt: r.dueRedAt ? new Date(r.dueRedAt) : null }, now),
    stepKind: r.stepKind as CaseDetail['stepKind'],
    dueYellowAt: iso(r.dueYellowAt),
    dueRedAt: iso(r.dueRedAt),
    reportedAt: iso(r.reportedAt)!,
    closedAt: iso(r.closedAt),
    lng: r.lng === null ? null : Number(r.lng),
    lat: r.lat === null ? null : Number(r.lat),
    version: r.version,
  };
}

/** One case as the person on this unit sees it: timeline, reporter, the actions they may take. */
export function caseDetailOf(unit: Unit, row: CaseRow, now: Date): Promise<CaseDetail> {
  return detailOf(unit, row, now);
}

async function detailOf(unit: Unit, row: CaseRow, now: Date): Promise<CaseDetail> {
  const repo = cases(unit);
  const events = await repo.events(row.id);
  const place = await placeOfCase(unit, row.gridId);
  const names = new Map<string, string>();
  for (const l of Object.values(place.levels)) names.set(`a${l.id}`, l.name);
  const s = snapshotOf(row);
  const relations = relationsOf(unit.actor, { holder: s.holder, dispatcher: s.dispatcher, reporterUserId: row.reporterUserId }, place);
  const may = unit.actor.permissions.has('case.handle') ? allowedActions(s, relations) : allowedActions(s, relations).filter((a) => REPORTER_ACTIONS.has(a));
  return {
    ...summaryOf(row, names, now),
    description: row.description,
    locationSource: row.locationSource as CaseDetail['locationSource'],
    reporter: { name: row.anonymous ? null : (events.find((e) => e.action === 'report')?.actorName ?? null), phoneMasked: row.reporterPhoneMasked, anonymous: row.anonymous, isMe: row.reporterUserId === unit.actor.id },
    external: row.externalSource && row.externalNo ? { source: row.externalSource, number: row.externalNo, dueAt: iso(row.externalDueAt), confidential: row.confidential, replyRequired: row.replyRequired } : null,
    customFields: (row.customFields ?? {}) as Record<string, unknown>,
    selfHandled: row.selfHandled,
    rating: row.rating as CaseDetail['rating'],
    counts: s.counts,
    extensionPending: s.extensionPending,
    mergedInto: row.mergedInto,
    timeline: events.map((e) => eventView(e, names)),
    department: departmentOf(events),
    allowedActions: may,
  };
}

/** The department last whistled in, by the name it had then. */
function departmentOf(events: readonly CaseEventRow[]): CaseDetail['department'] {
  const last = [...events].reverse().find((e) => e.action === 'dispatch');
  const name = last ? (last.payload as { departmentName?: unknown }).departmentName : undefined;
  return last && last.holderDepartmentId !== null && typeof name === 'string' ? { id: last.holderDepartmentId, name } : null;
}

function eventView(e: CaseEventRow, names: Map<string, string>): CaseDetail['timeline'][number] {
  return {
    seq: e.seq,
    action: e.action as CaseAction,
    actorName: e.actorName,
    actorLevel: e.actorLevel,
    fromState: e.fromState as CaseState | null,
    toState: e.toState as CaseState,
    holder: { level: e.holderLevel as HandlingLevel, name: e.holderAreaId !== null ? (names.get(`a${e.holderAreaId}`) ?? null) : null },
    payload: (e.payload ?? {}) as Record<string, unknown>,
    attachmentIds: e.attachmentIds ?? [],
    at: new Date(e.at).toISOString(),
  };
}

export { AREA_OF_LEVEL };

/** Where a case's attachments sit (its grid); a finished case takes no new files. */
export async function locateCaseForAttachment(unit: Unit, caseId: number, intent: 'read' | 'attach'): Promise<{ areaId: number }> {
  const row = await cases(unit).get(caseId);
  if (!row) throw notFound('案件');
  if (intent === 'attach' && ['closed', 'closed_unfixed', 'rejected', 'merged'].includes(row.state)) throw new AppError('conflict', '案件已办结，不能再添加附件');
  return { areaId: row.gridId };
}

/** A timeline row as the machine's event (what the stored snapshot must be the fold of). */
export function eventOfRow(e: Pick<CaseEventRow, 'action' | 'holderLevel' | 'holderAreaId' | 'holderDepartmentId' | 'payload' | 'attachmentIds'>): CaseEvent {
  const p = (e.payload ?? {}) as Record<string, unknown>;
  const holder: Holder = { level: e.holderLevel as HandlingLevel, areaId: e.holderAreaId, departmentId: e.holderDepartmentId };
  switch (e.action) {
    case 'report':
      return { action: 'report', holder };
    case 'escalate':
    case 'reroute':
      return { action: e.action, to: holder, reason: String(p.reason ?? '') };
    case 'dispatch':
      return { action: 'dispatch', to: holder };
    case 'self_close':
      return { action: 'self_close', evidence: (e.attachmentIds ?? []).length };
    case 'merge':
      return { action: 'merge', into: Number(p.intoCaseId) };
    default:
      return { action: e.action, ...p } as CaseEvent;
  }
}

export { caseKpi } from './case-kpi-breakdown.ts';
