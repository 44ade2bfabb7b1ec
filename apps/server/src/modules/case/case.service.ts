import { randomBytes } from 'node:crypto';
import type { AffairItem, AreaGrade, CaseChannel, CaseAction, DepartmentKind, CaseActionRequest, CaseDetail, CaseList, CaseState, HandlingLevel, ReportCaseInput } from '@redgrid/contracts';
import { caseActionRequestSchema, caseListQuerySchema, reportCaseSchema } from '@redgrid/contracts';
import type { z } from 'zod';
import type { Actor, RequestContext, Scope } from '../../platform/context.ts';
import { maskPhone, type FieldCipher } from '../../platform/crypto.ts';
import { areaChainOf, areaNamesByIds, gradeInForce } from '../../platform/cross-scope.repository.ts';
import { AppError, notFound, validationFailed } from '../../platform/errors.ts';
import { read, write, type Unit, type WriteUnit } from '../../platform/unit-of-work.ts';
import { affairItem, limitsFor } from '../affairs/index.ts';
import { listAttachments } from '../attachment/index.ts';
import { workingClockFor } from '../calendar/index.ts';
import { departmentFor } from '../department/index.ts';
import { notify } from '../notification/index.ts';
import { areaGeoRepository } from '../area/index.ts';
import { toWgs84 as convertToWgs84 } from '../geo/index.ts';
import { CASE_STATE_LABELS, FINISHED_CASE_STATES, OPEN_CASE_STATES, caseDuplicateQuerySchema, type CaseDuplicateList, type CaseDuplicateQuery, type CaseFollow } from '@redgrid/contracts';
import type { WorkingClock } from '../calendar/index.ts';
import { caseRoutingRepository, DUPLICATE_DEFAULTS } from './case-routing.repository.ts';
import { AREA_STAFF } from './case-staff.ts';
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



interface GridPlace {
  id: number;
  path: string;
  name: string;
  /** The grid's ancestors by handling level. */
  levels: Partial<Record<HandlingLevel, { id: number; name: string; path: string }>>;
  /** The area grade in force at the grid (its own, else the nearest above): which of an item's per-grade limits apply. */
  grade: AreaGrade | null;
}

/** A grid's place from its chain (areaChainOf: the areas above it top-down, the grid itself last). */
function gridPlace(chain: readonly { id: number; name: string; level: string; path: string; grade: AreaGrade | null }[]): GridPlace {
  const grid = chain[chain.length - 1]!;
  const above = chain.slice(0, -1);
  const levels: GridPlace['levels'] = { grid: { id: grid.id, name: grid.name, path: grid.path } };
  for (const a of above) {
    const level = LEVEL_OF_AREA[a.level];
    if (level) levels[level] = { id: a.id, name: a.name, path: a.path };
  }
  return { id: grid.id, path: grid.path, name: grid.name, levels, grade: grid.grade ?? gradeInForce(above) };
}

/** The chain of an area, the area itself last (undefined when there is no such area); callers check its level. */
async function gridChain(unit: Unit, gridId: number) {
  const chain = await unit.use((db) => areaChainOf(db, gridId));
  const grid = chain[chain.length - 1];
  return grid && grid.id === gridId ? chain : undefined;
}

/** The case's grid and the levels above it (public division names, whoever reads the case). */
async function placeOfCase(unit: Unit, gridId: number): Promise<GridPlace> {
  // Known already in this unit of work (an action, then its answer): the ancestors are not read twice.
  const known = placesOf(unit).get(gridId);
  if (known) return known;
  const chain = await gridChain(unit, gridId);
  if (!chain) throw notFound('网格');
  const place = gridPlace(chain);
  placesOf(unit).set(gridId, place);
  return place;
}

const placeCache = new WeakMap<Unit, Map<number, GridPlace>>();
function placesOf(unit: Unit): Map<number, GridPlace> {
  let m = placeCache.get(unit);
  if (!m) placeCache.set(unit, (m = new Map()));
  return m;
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
    case 'reroute':
      return { action: 'reroute', to: snapshotOf(row).holder, reason: input.reason, changes: { item: false, grid: false }, coversTarget: false };
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

/** The item a case is reported against, in the catalogue that applies to its grid (active or not: undefined when none). */
export function caseItem(unit: Unit, code: string, gridPath: string): Promise<AffairItem | undefined> {
  // Read once per unit of work: a channel's check, the filing, an action and its answer ask for the same item.
  let items = itemsOfUnit.get(unit);
  if (!items) itemsOfUnit.set(unit, (items = new Map()));
  const key = `${code}\n${gridPath}`;
  let item = items.get(key);
  if (!item) items.set(key, (item = affairItem(unit, { code, areaPath: gridPath })));
  return item;
}

const itemsOfUnit = new WeakMap<Unit, Map<string, Promise<AffairItem | undefined>>>();

/** The active item a case is reported against, in the catalogue that applies to its grid. */
async function itemFor(unit: Unit, code: string, gridPath: string): Promise<AffairItem> {
  const item = await caseItem(unit, code, gridPath);
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
  /**
   * The grid `location` falls in, when the channel has located it already (gridAtPoint, to open the guest
   * unit it files in): not located a second time. It must lie in the unit's scope.
   */
  locatedGrid?: { id: number; path: string; name: string } | undefined;
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
  const located = await locateGrid(unit, intake.location, intake.gridId, intake.locatedGrid);
  const grid = located.grid;
  const item = await itemFor(unit, intake.itemCode, grid.path);
  const holder: Holder = { level: 'grid', areaId: grid.id, departmentId: null };
  const snapshot: CaseSnapshot = reportedSnapshot(holder);
  const clock = await workingClockFor(unit);
  const deadlines = stepDeadlines(clock, 'reported', at, limitsFor(item, (await placeOfCase(unit, grid.id)).grade), 0);
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
  if (intake.reporter.userId) await unit.use((db, scope) => caseRoutingRepository(db, scope)).follow({ caseId: id, userIds: [intake.reporter.userId], source: 'reporter', gridId: grid.id, departmentId: null, at });
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
async function locateGrid(unit: Unit, point: z.output<typeof reportCaseSchema>['location'], gridId?: number, locatedGrid?: Located['grid']): Promise<Located> {
  if (point) {
    const { lng, lat } = point.crs === 'gcj02' ? toWgs84(point.lng, point.lat) : point;
    if (locatedGrid) {
      if (!unit.scope.areas.some((p) => locatedGrid.path.startsWith(p))) throw validationFailed({ location: ['该位置不在您负责的任何网格内'] }, '位置不在网格内');
      return { grid: locatedGrid, lng, lat, source: point.source, warning: null };
    }
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
  const { action, attachmentIds, clientKey, version: _v, ...args } = input;
  // Whether the step's red deadline had passed when this was done: the on-time rates count it.
  const payload = { ...args, late: row.dueRedAt !== null && now > new Date(row.dueRedAt) };
  const stepChanged = next.state !== before.state || next.holder.level !== before.holder.level || next.holder.areaId !== before.holder.areaId || next.holder.departmentId !== before.holder.departmentId || next.extensionDays !== before.extensionDays;
  const stepStart = stepChanged && next.extensionDays === before.extensionDays ? now : new Date(row.stepStartedAt);
  const deadlines = stepDeadlines(await workingClockFor(unit), next.state, stepStart, limitsFor(item, place.grade), next.extensionDays);
  const closed = next.state === 'closed' || next.state === 'closed_unfixed';
  const projected = await repo.project(row, {
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
    ...(item.code !== row.itemCode ? { itemCode: item.code, itemName: item.name } : {}),
    ...(place.id !== row.gridId ? { gridId: place.id } : {}),
    at: now,
  });
  if (!projected) throw new AppError('conflict', '案件刚被他人处理过，请刷新后再试', { state: row.state });
  const { seq } = await repo.appendEvent({
    caseId: row.id,
    seq: 'next',
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
    gridId: place.id,
    departmentId: next.holder.level === 'department' ? next.holder.departmentId : row.departmentId,
    at: now,
  });
  await tellReporter(unit, row, action, before.state, next.state, now);
  await afterRecord(unit, row, place, action, before, next, seq, now);
  return projected;
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
  if (input.action === 'merge') await routing(unit).lock([caseId, input.intoCaseId]);
  const row = await repo.get(caseId);
  if (!row) throw notFound('案件');
  if ((input.clientKey && (await repo.eventByClientKey(row.id, input.clientKey))) || alreadyMerged(row, input)) return row;
  if (input.version !== undefined && input.version !== row.version) throw new AppError('conflict', '案件已被他人更新，请刷新后再试', { state: row.state, version: row.version });
  const place = await placeOfCase(unit, row.gridId);
  const item = await itemFor(unit, row.itemCode, place.path);
  const before = snapshotOf(row);
  const relations = asReporter ? new Set<Relation>(['reporter']) : relationsOf(unit.actor, { holder: before.holder, dispatcher: before.dispatcher, reporterUserId: row.reporterUserId }, place);
  if (relations.size === 0) throw new AppError('forbidden', '您不是此案件的办理方，不能办理', { allowed: [], state: row.state });
  const routed = await routingOf(unit, row, place, item, input);
  const department = input.action === 'dispatch' ? await routedDepartment(unit, input.departmentKind ?? item.departmentKind, row.gridId) : null;
  const evidence = await photosNamed(unit, row.id, input.attachmentIds);
  const to: Holder | null = department ? { level: department.level, areaId: null, departmentId: department.departmentId } : null;
  const next = decideOrThrow(before, routed.event ?? eventFor(input, row, place, to, evidence), relations, item);
  return record(unit, row, routed.place, routed.item, { ...(department ? { ...input, departmentName: department.name } : input), ...routed.payload }, next, now);
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
    // Who only reports (a resident) lists what they reported: 我的上报; the KPI drill-down is staff's.
    if (!unit.actor.permissions.has('case.read') && parsed.figure) throw new AppError('forbidden', '没有权限查看考核明细');
    const f = unit.actor.permissions.has('case.read') ? parsed : { ...parsed, view: 'reported_by_me' as const };
    const now = ctx.clock();
    const mine = f.view === 'mine' ? { areaIds: unit.actor.roles.filter((r) => AREA_STAFF.has(r.role)).map((r) => r.areaId), departmentIds: unit.actor.roles.map((r) => r.departmentId).filter((d): d is number => typeof d === 'number') } : undefined;
    const states = f.view === 'closed' ? FINISHED_CASE_STATES : f.view === 'reported_by_me' || f.view === 'following' ? undefined : OPEN_CASE_STATES;
    // A figure of the KPI page: exactly the cases it counts (case-kpi-breakdown.ts).
    const rows = f.figure ? await casesOfFigure(unit, f, f.limit + 1) : await cases(unit).list({ states, mine, overdueOnly: f.view === 'overdue', q: f.q, gridId: f.gridId, reporterUserId: f.view === 'reported_by_me' ? unit.actor.id : undefined, followerUserId: f.view === 'following' ? unit.actor.id : undefined, now, limit: f.limit + 1, offset: f.offset });
    const page = rows.slice(0, f.limit);
    const names = await holderNames(unit, page);
    const clock = await workingClockFor(unit);
    return { items: page.map((r) => summaryOf(r, names, now, clock)), next: rows.length > f.limit ? f.offset + f.limit : null };
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

export function summaryOf(r: CaseRow, names: Map<string, string>, now: Date, clock?: WorkingClock) {
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
    workHoursLeft: clock ? workHoursLeft(clock, r, now) : null,
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
  const clock = await workingClockFor(unit);
  const follow = await followOf(unit, row.id);
  const relations = relationsOf(unit.actor, { holder: s.holder, dispatcher: s.dispatcher, reporterUserId: row.reporterUserId }, place);
  const may = unit.actor.permissions.has('case.handle') ? allowedActions(s, relations) : allowedActions(s, relations).filter((a) => REPORTER_ACTIONS.has(a));
  return {
    ...summaryOf(row, names, now, clock),
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
    following: follow.following,
    followers: follow.followers,
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
  if (intent === 'attach' && (FINISHED_CASE_STATES as readonly string[]).includes(row.state)) throw new AppError('conflict', '案件已办结，不能再添加附件');
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
      return { action: 'escalate', to: holder, reason: String(p.reason ?? '') };
    case 'reroute':
      return { action: 'reroute', to: holder, reason: String(p.reason ?? ''), changes: { item: typeof p.itemCode === 'string', grid: typeof p.gridId === 'number' }, coversTarget: true };
    case 'merge_in':
      return { action: 'merge_in', from: Number(p.fromCaseId) };
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

// ——— Routing and feedback (issue 10): recategorise / reroute, merge (并单), duplicates, followers ———

/** The routing repository on the unit, through the cases this person reads. */
function routing(unit: Unit) {
  return unit.use((db, scope) => caseRoutingRepository(db, caseScope(unit.actor, scope)));
}

/** A merge retried after it went through (no client key): the same answer, nothing written twice. */
function alreadyMerged(row: CaseRow, input: z.output<typeof caseActionRequestSchema>): boolean {
  return input.action === 'merge' && row.state === 'merged' && row.mergedInto === input.intoCaseId;
}

interface Routed {
  /** The case's place and item once the action is done (a reroute may change both). */
  place: GridPlace;
  item: AffairItem;
  /** The machine's event when routing had to find things out for it (reroute, merge). */
  event?: CaseEvent;
  /** What the timeline row keeps besides the request (names as they were). */
  payload: Record<string, unknown>;
}

/**
 * What a reroute or a merge needs before the machine decides: the new item in the catalogue that applies
 * to the (new) grid, the new grid and whether the actor's scope covers it as well as the old one; the merge
 * target as this person reads it (outside their reach: 404, as if it did not exist).
 */
async function routingOf(unit: Unit, row: CaseRow, place: GridPlace, item: AffairItem, input: z.output<typeof caseActionRequestSchema>): Promise<Routed> {
  if (input.action === 'merge') {
    const target = await cases(unit).get(input.intoCaseId);
    if (!target) throw notFound('要并入的事件');
    return { place, item, event: { action: 'merge', into: target.id, target: { sameCase: target.id === row.id, state: target.state as CaseState } }, payload: { intoCaseNo: target.caseNo } };
  }
  if (input.action !== 'reroute') return { place, item, payload: {} };
  const movesGrid = input.gridId !== undefined && input.gridId !== row.gridId;
  let target = place;
  if (movesGrid) {
    const chain = await gridChain(unit, input.gridId!);
    if (!chain || chain[chain.length - 1]!.level !== 'grid') throw validationFailed({ gridId: ['请选择一个网格'] }, '目标不是网格');
    target = gridPlace(chain);
    placesOf(unit).set(target.id, target);
  }
  const newItem = input.itemCode !== undefined && input.itemCode !== row.itemCode ? await itemFor(unit, input.itemCode, target.path) : item;
  const coversTarget = unit.actor.roles.some((r) => AREA_STAFF.has(r.role) && place.path.startsWith(r.areaPath) && target.path.startsWith(r.areaPath));
  const to: Holder = movesGrid ? { level: 'grid', areaId: target.id, departmentId: null } : snapshotOf(row).holder;
  return {
    place: target,
    item: newItem,
    event: { action: 'reroute', to, reason: input.reason, changes: { item: newItem.code !== row.itemCode, grid: movesGrid }, coversTarget },
    payload: { ...(newItem.code !== row.itemCode ? { previousItem: row.itemName, itemName: newItem.name } : {}), ...(movesGrid ? { previousGrid: place.name, gridName: target.name } : {}) },
  };
}

/**
 * What follows a recorded action: followers' rows move with the case; the grid a case was rerouted to is
 * told; a merged case's reporter and followers follow the surviving case from now on (and are told), whose
 * timeline notes the merged report; followers hear of every change of state (not of comments).
 */
async function afterRecord(unit: WriteUnit, row: CaseRow, place: GridPlace, action: CaseAction, before: CaseSnapshot, next: CaseSnapshot, seq: number, now: Date): Promise<void> {
  const repo = routing(unit);
  const departmentId = next.holder.level === 'department' ? next.holder.departmentId : row.departmentId;
  if (place.id !== row.gridId || departmentId !== row.departmentId) await repo.moveFollowers(row.id, place.id, departmentId);
  const link = `/cases/${row.id}`;
  const about = { type: 'case', id: row.id };
  if (action === 'reroute' && place.id !== row.gridId) {
    const staff = (await repo.gridStaff([place.path, place.levels.community?.path].filter((p): p is string => !!p))).filter((u) => u !== unit.actor.id);
    await notify(unit, { recipients: staff, kind: 'case.rerouted', title: `事件 ${row.caseNo} 已改派到${place.name}`, body: row.title, link, about, areaId: place.id, channels: ['in_app'], onceKey: `case-rerouted:${row.id}:${seq}`, at: now });
  }
  const followers = (await followersOf(unit, row.id)).filter((u) => u !== unit.actor.id);
  if (action === 'merge' && next.mergedInto !== null) {
    const target = (await cases(unit).get(next.mergedInto))!;
    await cases(unit).appendEvent({ caseId: target.id, seq: 'next', action: 'merge_in', actorId: unit.actor.id || null, actorName: unit.actor.displayName, actorLevel: actorLevelFor(unit.actor, place), fromState: target.state, toState: target.state, holderLevel: target.holderLevel, holderAreaId: target.holderAreaId, holderDepartmentId: target.holderDepartmentId, payload: { fromCaseId: row.id, fromCaseNo: row.caseNo, title: row.title }, attachmentIds: [], clientKey: null, gridId: target.gridId, departmentId: target.departmentId, at: now });
    await repo.touch(target.id, now);
    const everyone = await followersOf(unit, row.id);
    await repo.follow({ caseId: target.id, userIds: everyone, source: 'merged', gridId: target.gridId, departmentId: target.departmentId, at: now });
    const reporter = row.reporterUserId !== null && row.reporterUserId !== unit.actor.id ? [row.reporterUserId] : [];
    const common = { kind: 'case.merged', link: `/cases/${target.id}`, about: { type: 'case', id: target.id }, areaId: target.gridId, channels: ['in_app'] as const, onceKey: `case-merged:${row.id}`, at: now };
    await notify(unit, { ...common, recipients: reporter, title: `您上报的事件已并入 ${target.caseNo}`, body: `${row.caseNo}「${row.title}」与 ${target.caseNo}「${target.title}」是同一事件，今后请关注 ${target.caseNo} 的办理。` });
    await notify(unit, { ...common, recipients: followers.filter((u) => !reporter.includes(u)), title: `您关注的事件 ${row.caseNo} 已并入 ${target.caseNo}`, body: target.title });
    return;
  }
  if (next.state === before.state) return;
  // The reporter hears of acceptance and closure from tellReporter already.
  const reporterTold = row.reporterUserId !== null && ((action === 'accept' && row.acceptedAt === null) || (isClosed(next.state) && !isClosed(before.state)));
  const recipients = followers.filter((u) => !(reporterTold && u === row.reporterUserId));
  await notify(unit, { recipients, kind: 'case.updated', title: `您关注的事件 ${row.caseNo}：${CASE_STATE_LABELS[next.state]['zh-CN']}`, body: row.title, link, about, areaId: place.id, channels: ['in_app'], onceKey: `case-followed:${row.id}:${seq}`, at: now });
}

/** Working hours to the step's red deadline, one decimal; negative once it has passed; null without one. */
function workHoursLeft(clock: WorkingClock, r: Pick<CaseRow, 'dueRedAt' | 'closedAt'>, now: Date): number | null {
  if (r.closedAt || !r.dueRedAt) return null;
  const due = new Date(r.dueRedAt);
  const hours = now < due ? clock.workingHoursBetween(now, due) : -clock.workingHoursBetween(due, now);
  return Math.round(hours * 10) / 10;
}

/** Whether this person follows the case, and how many do (nothing to read for a scope without areas or departments). */
async function followOf(unit: Unit, caseId: number): Promise<{ following: boolean; followers: number }> {
  const ids = await followersOf(unit, caseId);
  return { following: ids.includes(unit.actor.id), followers: ids.length };
}

/**
 * Who follows a case, as this unit reads them (nothing for a scope without areas or departments); read
 * once per unit — an action's notices, then its answer. Called after the action has moved the follow
 * rows (afterRecord), never before a change to them in the same unit.
 */
function followersOf(unit: Unit, caseId: number): Promise<number[]> {
  let known = followersOfUnit.get(unit);
  if (!known) followersOfUnit.set(unit, (known = new Map()));
  let ids = known.get(caseId);
  if (!ids) known.set(caseId, (ids = unit.use((db, scope) => (scope.areas.length || scope.departments.length ? caseRoutingRepository(db, scope).followers(caseId) : Promise.resolve([])))));
  return ids;
}

const followersOfUnit = new WeakMap<Unit, Map<number, Promise<number[]>>>();

/** The duplicate rule of a grid: the deepest area on its path that has one, else the defaults. */
async function duplicateRuleFor(unit: Unit, gridPath: string): Promise<{ radiusM: number; windowHours: number }> {
  const ids = gridPath.split('/').filter(Boolean).map(Number);
  const rules = await routing(unit).duplicateRules(ids);
  const deepest = rules.map((r) => ({ ...r, at: ids.indexOf(Number(r.areaId)) })).sort((a, b) => b.at - a.at)[0];
  return deepest ? { radiusM: deepest.radiusM, windowHours: deepest.windowHours } : { ...DUPLICATE_DEFAULTS };
}

/** The most candidates a duplicate question answers with. */
const DUPLICATE_LIMIT = 10;

async function duplicateList(unit: Unit, rule: { radiusM: number; windowHours: number }, f: { itemCode: string; lng: number; lat: number; since: Date; excludeId?: number }, now: Date): Promise<CaseDuplicateList> {
  const found = await routing(unit).duplicates({ ...f, radiusM: rule.radiusM, limit: DUPLICATE_LIMIT });
  const rows = new Map((await cases(unit).byIds(found.map((d) => Number(d.id)))).map((r) => [r.id, r]));
  const page = found.map((d) => ({ row: rows.get(Number(d.id)), distanceM: Number(d.distanceM) })).filter((d): d is { row: CaseRow; distanceM: number } => d.row !== undefined);
  const names = await holderNames(unit, page.map((d) => d.row));
  const clock = await workingClockFor(unit);
  const followed = await unit.use((db, scope) => caseRoutingRepository(db, scope).followedOf(unit.actor.id, page.map((d) => d.row.id)));
  return { ...rule, items: page.map((d) => ({ ...summaryOf(d.row, names, now, clock), distanceM: Math.round(d.distanceM * 10) / 10, following: followed.has(d.row.id) })) };
}

/**
 * 附近已有相同事件: before filing, the open cases of the same item near the point (the area's radius, its
 * time window), among the cases this person reads — so a worker can follow one instead of filing again.
 */
export function duplicatesNear(ctx: RequestContext, raw: CaseDuplicateQuery): Promise<CaseDuplicateList> {
  const q = caseDuplicateQuerySchema.parse(raw);
  return read(ctx, 'case.read', async (unit) => {
    const { lng, lat } = q.crs === 'gcj02' ? toWgs84(q.lng, q.lat) : q;
    const grid = await unit.use(areaGeoRepository).findDeepestContaining(lng, lat);
    const rule = grid ? await duplicateRuleFor(unit, grid.path) : { ...DUPLICATE_DEFAULTS };
    const now = ctx.clock();
    return duplicateList(unit, rule, { itemCode: q.itemCode, lng, lat, since: new Date(now.getTime() - rule.windowHours * 3_600_000) }, now);
  });
}

/** The duplicates of a case still waiting to be taken on (reported, accepted): what its holder may merge it into. */
export function duplicatesOfCase(ctx: RequestContext, caseId: number): Promise<CaseDuplicateList> {
  return read(ctx, 'case.read', async (unit) => {
    const row = await cases(unit).get(caseId);
    if (!row) throw notFound('案件');
    const place = await placeOfCase(unit, row.gridId);
    const rule = await duplicateRuleFor(unit, place.path);
    if (row.lng === null || row.lat === null || (row.state !== 'reported' && row.state !== 'accepted')) return { ...rule, items: [] };
    const since = new Date(new Date(row.reportedAt).getTime() - rule.windowHours * 3_600_000);
    return duplicateList(unit, rule, { itemCode: row.itemCode, lng: Number(row.lng), lat: Number(row.lat), since, excludeId: row.id }, ctx.clock());
  });
}

/** Follow (关注) or stop following a case this person reads; doing it twice changes nothing. */
export function followCase(ctx: RequestContext, caseId: number, on: boolean): Promise<CaseFollow> {
  return write(ctx, 'case.read', async (unit) => {
    const row = await cases(unit).get(caseId);
    if (!row) throw notFound('案件');
    const repo = unit.use((db, scope) => caseRoutingRepository(db, scope));
    if (on) await repo.follow({ caseId: row.id, userIds: [unit.actor.id], source: 'self', gridId: row.gridId, departmentId: row.departmentId, at: ctx.clock() });
    else await repo.unfollow(row.id, unit.actor.id);
    return followOf(unit, row.id);
  });
}
