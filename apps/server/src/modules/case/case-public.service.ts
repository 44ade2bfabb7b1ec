import { randomBytes } from 'node:crypto';
import {
  caseActionRequestSchema,
  formatTrackingCode,
  PUBLIC_MAX_PHOTOS,
  PUBLIC_PHOTO_WINDOW_MINUTES,
  publicRateSchema,
  publicReportSchema,
  TRACKING_CODE_ALPHABET,
  TRACKING_CODE_LENGTH,
  type CaseRating,
  type CaseState,
  type PublicCase,
  type PublicCaseStage,
  type PublicPhotoAnswer,
  type PublicRateInput,
  type PublicReportAnswer,
  type PublicReportInput,
  type PublicStep,
} from '@redgrid/contracts';
import type { Actor, RequestContext } from '../../platform/context.ts';
import { safeEqual } from '../../platform/crypto.ts';
import { areaNamesByIds, caseForTracking, gridAtPoint } from '../../platform/cross-scope.repository.ts';
import { AppError, validationFailed } from '../../platform/errors.ts';
import { parsePhone } from '../../platform/phone-number.ts';
import { asGuest, lookUpBeforeSignIn, type Guest, type Unit, type WriteUnit } from '../../platform/unit-of-work.ts';
import { listAttachments, openAttachment, receiveAttachment, saveAttachment, type AttachmentFile } from '../attachment/index.ts';
import { shortAreaName, toWgs84 } from '../geo/index.ts';
import { allowedActions, type CaseSnapshot } from './case-workflow.ts';
import { caseRepository, type CaseEventRow, type CaseRow } from './case.repository.ts';
import { actInUnit, caseItem, fileCase, sealReporter } from './case.service.ts';

/**
 * The resident's channel (居民随手拍, issue 10): a report from the public page without an account, its
 * photos for a short while after, and the tracking page opened by the case number and the code the
 * resident was given. Each runs as a guest (asGuest) confined to the one grid the point falls in or the
 * tracked case sits in, resolved first through the cross-scope repository. What leaves is the case's
 * public form: the stage in plain words, the level that has it, the result — never a staff member's or
 * the reporter's name, never a phone.
 */

/** How the timeline and the audit trail name a resident who reported without an account. */
const RESIDENT = '居民';

function residentGuest(areaPath: string): Guest {
  return { name: '居民（公众上报）', permissions: ['case.report'], areaPaths: [areaPath] };
}

/** A new tracking code: 10 characters of Crockford's base 32 (50 bits; 256 is a multiple of 32, so unbiased). */
function newTrackingCode(): string {
  return [...randomBytes(TRACKING_CODE_LENGTH)].map((b) => TRACKING_CODE_ALPHABET[b & 31]).join('');
}

/** A title from the first words of the description when the resident gave none. */
function derivedTitle(description: string): string {
  const first = description.split(/[\n。！？!?]/)[0]!.trim() || description.trim();
  return first.length > 30 ? `${first.slice(0, 30)}…` : first;
}

/**
 * POST /api/public/cases: a resident's report. The point picks the grid (none: 400); the item must be one
 * residents may report; name and phone are sealed (SM4, blind index, mask) and never shown publicly.
 * A retry with the same client key (a phone on a bad signal) is the same case and the same code.
 * `signedIn`: a resident signed in to the console, whose own reports list (我的上报) shows the case.
 */
export async function fileResidentReport(ctx: RequestContext, raw: PublicReportInput, signedIn: Actor | null): Promise<PublicReportAnswer> {
  const input = publicReportSchema.parse(raw);
  let phone: string | null = null;
  if (input.phone) {
    const parsed = parsePhone(input.phone);
    if (!parsed.ok) throw validationFailed({ phone: [parsed.reason] }, '电话号码不正确');
    phone = parsed.value;
  }
  const [lng, lat] = input.location.crs === 'gcj02' ? toWgs84(input.location.lng, input.location.lat, 'gcj02') : [input.location.lng, input.location.lat];
  const grid = await lookUpBeforeSignIn(ctx, (db) => gridAtPoint(db, lng, lat));
  if (!grid) throw validationFailed({ location: ['所选位置不在本平台服务的任何网格内，请在地图上重新选择'] }, '位置不在服务范围内');
  const code = newTrackingCode();
  const row = await asGuest(ctx, residentGuest(grid.path), async (unit) => {
    const item = await caseItem(unit, input.itemCode, grid.path);
    if (!item || !item.active || !item.residentReportable) throw validationFailed({ itemCode: ['此事项不接受居民上报，请选择列表中的事项'] }, '事项不可上报');
    return fileCase(unit, ctx.clock(), {
      channel: 'resident',
      itemCode: item.code,
      title: input.title || derivedTitle(input.description),
      description: input.description,
      address: input.address ?? null,
      location: { lng, lat, crs: 'wgs84', source: input.location.source },
      locatedGrid: grid,
      clientKey: input.clientKey,
      reporter: { userId: signedIn?.id ?? null, sealed: input.anonymous ? null : sealReporter(ctx.cipher, { name: input.name ?? null, phone }), anonymous: input.anonymous },
      actorName: RESIDENT,
      actorLevel: null,
      trackingToken: code,
    });
  });
  // The same client key with another report is not a retry (a key is the phone's own random).
  if (row.description !== input.description) throw new AppError('conflict', '这个 clientKey 已用于另一份上报', { field: 'clientKey' });
  return { caseNo: row.caseNo, trackingCode: formatTrackingCode(row.trackingToken), trackingPath: `/track/${row.caseNo}?t=${row.trackingToken}`, photosAllowed: PUBLIC_MAX_PHOTOS };
}

/** A code no case has, compared when the number is unknown, so a missing case takes as long as a wrong code. */
const NO_CODE = '#'.repeat(TRACKING_CODE_LENGTH);

/**
 * The case a number and code open, or 404 — the same answer for a number that does not exist and a code
 * that is wrong, so the page is no oracle for which numbers exist. Compared in constant time.
 */
async function tracked(ctx: RequestContext, caseNo: string, code: string): Promise<{ id: number; gridPath: string; code: string }> {
  const found = await lookUpBeforeSignIn(ctx, (db) => caseForTracking(db, caseNo));
  const matches = safeEqual(found?.trackingToken ?? NO_CODE, code);
  if (!found || !matches) throw new AppError('not_found', '受理编号或查询码不正确');
  return { id: found.id, gridPath: found.gridPath, code };
}

/** The tracked case inside its guest unit. */
function withTracked<T>(ctx: RequestContext, t: { id: number; gridPath: string }, work: (unit: WriteUnit, row: CaseRow) => Promise<T>): Promise<T> {
  return asGuest(ctx, residentGuest(t.gridPath), async (unit) => {
    const row = await unit.use(caseRepository).get(t.id);
    if (!row) throw new AppError('not_found', '受理编号或查询码不正确');
    return work(unit, row);
  });
}

/** GET /api/public/cases/:caseNo?t=: the case as its reporter follows it. */
export async function trackCase(ctx: RequestContext, caseNo: string, code: string): Promise<PublicCase> {
  const t = await tracked(ctx, caseNo, code);
  return withTracked(ctx, t, (unit, row) => publicView(unit, row, t.code, ctx.clock()));
}

/** POST /api/public/cases/:caseNo/rating?t=: 满意 / 基本满意 / 不满意 with a comment, or 不满意 → reopen. */
export async function rateTrackedCase(ctx: RequestContext, caseNo: string, code: string, raw: PublicRateInput): Promise<PublicCase> {
  const body = publicRateSchema.parse(raw);
  const t = await tracked(ctx, caseNo, code);
  return withTracked(ctx, t, async (unit, row) => {
    const action = caseActionRequestSchema.parse(body.action === 'rate' ? { action: 'rate', rating: body.rating, comment: body.comment, version: row.version } : { action: 'reopen', reason: body.reason, version: row.version });
    // Whoever holds the case's code is its reporter to the workflow: they rate, and reopen after 不满意.
    const after = await actInUnit(unit, row.id, action, ctx.clock(), true);
    return publicView(unit, after, t.code, ctx.clock());
  });
}

/** Photos the resident may still add: only right after filing (the case not yet taken up), at most PUBLIC_MAX_PHOTOS. */
function photosAllowed(row: CaseRow, residentPhotos: number, now: Date): number {
  const open = row.state === 'reported' && now.getTime() - new Date(row.reportedAt).getTime() <= PUBLIC_PHOTO_WINDOW_MINUTES * 60_000;
  return open ? Math.max(0, PUBLIC_MAX_PHOTOS - residentPhotos) : 0;
}

/**
 * POST /api/public/cases/:caseNo/photos?t=&clientKey=: one photo (multipart, field file), checked by its
 * content like every attachment (JPEG, PNG or WebP that decodes; 10 MB), stored with its thumbnail and the
 * EXIF-free public copy. A retry with the same client key is the same photo.
 */
export async function addTrackedPhoto(ctx: RequestContext, caseNo: string, code: string, clientKey: string, receive: () => Promise<{ stream: AsyncIterable<Uint8Array>; fileName: string | null }>): Promise<{ photo: PublicPhotoAnswer }> {
  const t = await tracked(ctx, caseNo, code);
  // Before the body is read: a case past its window takes nothing.
  await withTracked(ctx, t, async (unit, row) => {
    if (photosAllowed(row, await residentPhotoCount(unit, row.id), ctx.clock()) === 0) throw new AppError('conflict', `照片只能在上报后 ${PUBLIC_PHOTO_WINDOW_MINUTES} 分钟内、受理之前补充，最多 ${PUBLIC_MAX_PHOTOS} 张`);
  });
  const incoming = await receive();
  return receiveAttachment(ctx, incoming.stream, { purpose: 'photo', fileName: incoming.fileName }, (prepared) =>
    withTracked(ctx, t, async (unit, row) => {
      const saved = await saveAttachment(ctx, unit, { type: 'case', id: row.id, areaId: row.gridId }, prepared, { clientKey, maxPhotos: PUBLIC_MAX_PHOTOS });
      return { photo: { id: saved.attachment.id, url: photoUrl(row.caseNo, saved.attachment.id, t.code), photosAllowed: photosAllowed(row, await residentPhotoCount(unit, row.id), ctx.clock()) } };
    }),
  );
}

/** GET /api/public/cases/:caseNo/photos/:photoId?t=: the public copy (no EXIF, no GPS) of a photo the page shows. */
export async function trackedPhoto(ctx: RequestContext, caseNo: string, code: string, photoId: string): Promise<AttachmentFile> {
  const t = await tracked(ctx, caseNo, code);
  return withTracked(ctx, t, async (unit, row) => {
    const shown = await shownPhotos(unit, row);
    if (!shown.some((p) => p.id === photoId)) throw new AppError('not_found', '照片不存在');
    return openAttachment(ctx, unit, photoId, 'public');
  });
}

function photoUrl(caseNo: string, id: string, code: string): string {
  return `/api/public/cases/${caseNo}/photos/${id}?t=${code}`;
}

/** Photos the resident added on the public page (no account behind them). */
async function residentPhotoCount(unit: Unit, caseId: number): Promise<number> {
  const all = await listAttachments(unit, { type: 'case', id: caseId });
  return all.filter((a) => a.purpose === 'photo' && a.uploadedBy === null).length;
}

/** What the tracking page shows: the resident's own photos and those of the handling and closing steps, public copies only. */
async function shownPhotos(unit: Unit, row: CaseRow, events?: readonly CaseEventRow[]): Promise<{ id: string }[]> {
  const timeline = events ?? (await unit.use(caseRepository).events(row.id));
  const ofResult = new Set(timeline.filter((e) => e.action === 'handle' || e.action === 'self_close').flatMap((e) => e.attachmentIds ?? []));
  const all = await listAttachments(unit, { type: 'case', id: row.id });
  return all.filter((a) => a.purpose === 'photo' && a.urls.public !== null && (a.uploadedBy === null || ofResult.has(a.id))).map((a) => ({ id: a.id }));
}

/** The stage a resident reads, from the workflow's state. */
function stageOf(state: CaseState, everAccepted: boolean): PublicCaseStage {
  switch (state) {
    case 'reported':
      return everAccepted ? 'handling' : 'received';
    case 'accepted':
      return 'accepted';
    case 'dispatched':
    case 'handling':
    case 'handled':
    case 'suspended':
      return 'handling';
    case 'closed':
      return 'closed';
    case 'closed_unfixed':
      return 'closed_unfixed';
    case 'rejected':
      return 'not_accepted';
    case 'merged':
      return 'merged';
  }
}

/** Timeline actions a resident sees, as public steps; the rest (comments, supervision, extensions, returns) are the offices' own. */
const STEP_OF: Partial<Record<string, PublicStep>> = {
  report: 'reported',
  accept: 'accepted',
  reject: 'not_accepted',
  self_close: 'closed',
  escalate: 'escalated',
  dispatch: 'dispatched',
  acknowledge: 'handling',
  handle: 'handled',
  verify_pass: 'closed',
  verify_fail: 'rework',
  suspend: 'suspended',
  resume: 'resumed',
  close_unfixed: 'closed_unfixed',
  merge: 'merged',
  rate: 'rated',
  reopen: 'reopened',
};

const RATING_LABEL: Record<CaseRating, string> = { satisfied: '满意', basically_satisfied: '基本满意', unsatisfied: '不满意' };

/** A level by its everyday name (站北社区, not 站北社区居民委员会). */
function shortName(name: string | undefined): string | null {
  return name ? shortAreaName(name) : null;
}

function text(v: unknown): string | null {
  return typeof v === 'string' && v.trim() ? v : null;
}

async function publicView(unit: Unit, row: CaseRow, code: string, now: Date): Promise<PublicCase> {
  const events = await unit.use(caseRepository).events(row.id);
  const areas = await unit.use((db) => areaNamesByIds(db, events.map((e) => e.holderAreaId).filter((x): x is number => x !== null)));
  // Departments by the name they had when they were whistled in (the dispatch step records it).
  const departments = new Map<number, string>();
  for (const e of events) {
    const name = text((e.payload as { departmentName?: unknown }).departmentName);
    if (e.action === 'dispatch' && e.holderDepartmentId !== null && name) departments.set(Number(e.holderDepartmentId), name);
  }
  const levelName = (e: Pick<CaseEventRow, 'holderAreaId' | 'holderDepartmentId'>) =>
    e.holderDepartmentId !== null ? (departments.get(Number(e.holderDepartmentId)) ?? '职能部门') : e.holderAreaId !== null ? shortName(areas.get(Number(e.holderAreaId))?.name) : null;
  const timeline: PublicCase['timeline'] = [];
  for (const e of events) {
    const step = STEP_OF[e.action];
    if (!step) continue;
    const p = (e.payload ?? {}) as Record<string, unknown>;
    // Notes a resident may read: why a case was not taken or not fixed, and their own rating. Never a name.
    const note = step === 'not_accepted' || step === 'closed_unfixed' ? text(p.reason) : step === 'rated' ? (RATING_LABEL[p.rating as keyof typeof RATING_LABEL] ?? null) : null;
    timeline.push({ step, at: new Date(e.at).toISOString(), by: step === 'rated' || step === 'reopened' ? null : levelName(e), note });
  }
  const lastResult = [...events].reverse().find((e) => e.action === 'handle' || e.action === 'self_close');
  const closing = [...events].reverse().find((e) => e.action === 'reject' || e.action === 'close_unfixed');
  const state = row.state as CaseState;
  const result = state === 'closed' ? text((lastResult?.payload as { result?: unknown } | undefined)?.result) : state === 'closed_unfixed' || state === 'rejected' ? text((closing?.payload as { reason?: unknown } | undefined)?.reason) : null;
  const may = allowedActions(row.snapshot as CaseSnapshot, new Set(['reporter']));
  const photos = await shownPhotos(unit, row, events);
  const residentPhotos = await residentPhotoCount(unit, row.id);
  return {
    caseNo: row.caseNo,
    itemName: row.itemName,
    title: row.title,
    description: row.description,
    address: row.address,
    stage: stageOf(state, events.some((e) => e.action === 'accept')),
    reportedAt: new Date(row.reportedAt).toISOString(),
    closedAt: row.closedAt ? new Date(row.closedAt).toISOString() : null,
    // The last step's holder is the case's holder now.
    handledBy: levelName({ holderAreaId: row.holderAreaId, holderDepartmentId: row.holderDepartmentId }),
    timeline,
    result,
    rating: row.rating as PublicCase['rating'],
    mayRate: may.includes('rate'),
    mayReopen: may.includes('reopen'),
    photos: photos.map((p) => ({ id: p.id, url: photoUrl(row.caseNo, p.id, code) })),
    photosAllowed: photosAllowed(row, residentPhotos, now),
  };
}
