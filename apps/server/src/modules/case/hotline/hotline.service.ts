import type { CaseDetail, HotlineCase, HotlineCategoryMap, HotlineList, HotlineOrder, HotlineResult } from '@redgrid/contracts';
import { HOTLINE_RESULT_LABELS, hotlineCategoryMapInputSchema, hotlineListQuerySchema, hotlineOrderInputSchema, hotlineRepliesExportQuerySchema, hotlineReplyInputSchema, hotlineRevealInputSchema, type casePointSchema } from '@redgrid/contracts';
import type { z } from 'zod';
import type { Actor, RequestContext } from '../../../platform/context.ts';
import type { FieldCipher } from '../../../platform/crypto.ts';
import { areaNamesByIds, listAncestorNames } from '../../../platform/cross-scope.repository.ts';
import { AppError, notFound, validationFailed } from '../../../platform/errors.ts';
import { maskName, maskPhone } from '../../../platform/masking.ts';
import { parsePhone } from '../../../platform/phone-number.ts';
import { read, write, type Unit, type WriteUnit } from '../../../platform/unit-of-work.ts';
import { affairItem } from '../../affairs/index.ts';
import { exportTable, type FileDownload } from '../../exchange/index.ts';
import { caseDetailOf, caseScope, fileCase, sealReporter } from '../case.service.ts';
import { caseRepository, type CaseRow } from '../case.repository.ts';
import { hotlineRepository, type HotlineOrderRow } from './hotline.repository.ts';

/**
 * The 12345 hotline channel (issue 10). A work order — entered at the desk or imported from the
 * platform's export — becomes an ordinary case (channel hotline_12345) through `fileCase`, keyed by its
 * work order number, so entering or importing it again finds the first case. The caller is sealed on the
 * case; a confidential order's case carries not even the masked phone, so the grid and the departments
 * see "12345热线" and nothing of the caller, while the desk reads the masks here and reveals the full
 * value with a reason on the audit trail. The reply that goes back to 12345 sits beside the case, outside
 * the workflow: writing it moves no state.
 */

export const HOTLINE_SOURCE = '12345';
/** Who reported a hotline case, on its timeline. */
const HOTLINE_ACTOR = '12345热线';
/** A deadline within this is near (the desk's list and the case's banner). */
const NEAR_MS = 24 * 3600_000;
/** A received time this far ahead of the server's clock is a typo, not a clock skew. */
const FUTURE_SLACK_MS = 10 * 60_000;
const OPEN_STATES = new Set(['reported', 'accepted', 'dispatched', 'handling', 'handled', 'suspended']);

/** The 12345 desk: area admins holding case.hotline. */
function isDesk(actor: Actor): boolean {
  return actor.permissions.has('case.hotline');
}

function hotline(unit: Unit) {
  return unit.use((db, scope) => hotlineRepository(db, caseScope(unit.actor, scope)));
}

/** The ids of an area path (`/1/5/23/` → 1, 5, 23). */
function idsOnPath(path: string): number[] {
  return path.split('/').filter(Boolean).map(Number);
}

/** "城市管理 / 市容环境 / 占道经营" or its levels → "城市管理/市容环境/占道经营" (null when none). */
export function categoryPathOf(levels: readonly string[]): string | null {
  const clean = levels.map((l) => l.trim()).filter(Boolean);
  return clean.length ? clean.join('/') : null;
}

/**
 * Our item for 12345's categories under an area: the longest mapped prefix of the path wins (a map of
 * "城市管理/市容环境" covers its every third level), a map defined nearer the area before one above it.
 */
export async function itemForCategories(unit: Unit, areaPath: string, levels: readonly string[]): Promise<string | null> {
  const path = categoryPathOf(levels);
  if (!path) return null;
  const rows = await hotline(unit).mapRows(idsOnPath(areaPath));
  const parts = path.split('/');
  for (let k = parts.length; k >= 1; k -= 1) {
    const prefix = parts.slice(0, k).join('/');
    const hit = rows.filter((r) => r.categoryPath === prefix).sort((a, b) => Number(b.depth) - Number(a.depth))[0];
    if (hit) return hit.itemCode;
  }
  return null;
}

/** One work order as the desk or an import hands it over, already checked for shape. */
export interface HotlineIntake {
  externalNo: string;
  receivedAt: Date;
  categories: readonly string[];
  itemCode?: string | undefined;
  title?: string | undefined;
  content: string;
  callerName?: string | undefined;
  callerPhone?: string | undefined;
  address?: string | undefined;
  location?: z.output<typeof casePointSchema> | undefined;
  gridId?: number | undefined;
  urgency: 'normal' | 'urgent' | 'emergency';
  dueAt: Date;
  confidential: boolean;
  replyRequired: boolean;
  importJobId?: number | undefined;
}

/** What is wrong with an order's times, by field (empty: nothing). */
export function timeProblems(o: { receivedAt: Date; dueAt: Date }, now: Date): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (o.receivedAt.getTime() > now.getTime() + FUTURE_SLACK_MS) out.receivedAt = ['受理时间不能晚于现在'];
  if (o.dueAt.getTime() <= now.getTime()) out.dueAt = ['办理时限已过：12345 的办理时限不能早于现在'];
  else if (o.dueAt < o.receivedAt) out.dueAt = ['办理时限不能早于受理时间'];
  return out;
}

/**
 * Files one 12345 work order as a case in the caller's transaction. The same work order number again
 * returns the case filed the first time, unchanged (`created: false`). `mapPath`: the area whose
 * category map applies (the desk's, or the import's).
 */
export async function fileHotlineOrder(unit: WriteUnit, cipher: FieldCipher, now: Date, o: HotlineIntake, mapPath: string): Promise<{ row: CaseRow; created: boolean }> {
  const repo = hotline(unit);
  const cases = unit.use((db, scope) => caseRepository(db, caseScope(unit.actor, scope)));
  const seen = await repo.byExternalNo(o.externalNo);
  if (seen) return { row: (await cases.get(seen.id))!, created: false };
  const times = timeProblems(o, now);
  if (Object.keys(times).length) throw validationFailed(times, Object.values(times)[0]![0]);
  let phone: string | null = null;
  if (o.callerPhone) {
    const p = parsePhone(o.callerPhone);
    if (!p.ok) throw validationFailed({ callerPhone: [p.reason] }, p.reason);
    phone = p.value;
  }
  const categoryPath = categoryPathOf(o.categories);
  const itemCode = o.itemCode ?? (await itemForCategories(unit, mapPath, o.categories));
  if (!itemCode) throw validationFailed({ itemCode: [categoryPath ? `12345 分类“${categoryPath}”还没有对应的事项，请选择事项` : '请选择事项'] }, '请选择事项');
  const sealed = sealReporter(cipher, { name: o.callerName ?? null, phone });
  const row = await fileCase(unit, now, {
    channel: 'hotline_12345',
    itemCode,
    title: o.title ?? titleOf(o.content),
    description: o.content,
    address: o.address ?? null,
    location: o.location,
    gridId: o.gridId,
    urgency: o.urgency,
    // A confidential caller leaves no trace on the case, not even masked: only the desk reads them (below).
    reporter: { userId: null, sealed: o.confidential ? { ...sealed, phoneMasked: null } : sealed, anonymous: false },
    external: { source: HOTLINE_SOURCE, number: o.externalNo, dueAt: o.dueAt, confidential: o.confidential, replyRequired: o.replyRequired },
    reportedAt: o.receivedAt,
    actorName: HOTLINE_ACTOR,
  });
  if (row.externalNo !== o.externalNo) throw new AppError('conflict', '工单编号冲突，请刷新后再试');
  await repo.insertOrder({
    caseId: row.id,
    gridId: row.gridId,
    categoryPath,
    callerNameMasked: o.callerName ? maskName(o.callerName) : null,
    callerPhoneMasked: phone ? maskPhone(phone) : null,
    importJobId: o.importJobId ?? null,
    enteredBy: unit.actor.id,
    at: now,
  });
  return { row, created: true };
}

function titleOf(content: string): string {
  const line = content.split(/\r?\n/)[0]!.trim();
  return line.length > 40 ? `${line.slice(0, 40)}…` : line;
}

/** The area path whose category map a desk works under: its first area role's. */
function deskPath(actor: Actor): string {
  const role = actor.roles.find((r) => r.role === 'area_admin') ?? actor.roles[0];
  if (!role) throw new AppError('forbidden', '您没有所属区域，不能登记 12345 工单');
  return role.areaPath;
}

/** POST /api/cases/hotline: the desk enters one work order (the same number again: the first case). */
export async function enterHotlineOrder(ctx: RequestContext, raw: z.input<typeof hotlineOrderInputSchema>): Promise<{ created: boolean; detail: CaseDetail }> {
  const input = hotlineOrderInputSchema.parse(raw);
  return write(ctx, 'case.hotline', async (unit) => {
    const now = ctx.clock();
    const { row, created } = await fileHotlineOrder(unit, ctx.cipher, now, { ...input, receivedAt: new Date(input.receivedAt), dueAt: new Date(input.dueAt) }, deskPath(unit.actor));
    return { created, detail: await caseDetailOf(unit, row, now) };
  });
}

function iso(d: Date | string | null): string | null {
  return d === null ? null : new Date(d).toISOString();
}

function dueStateOf(r: { dueAt: Date | string | null; state: string }, now: Date): HotlineOrder['dueState'] {
  if (r.dueAt === null) return 'none';
  if (!OPEN_STATES.has(r.state)) return 'ok';
  const due = new Date(r.dueAt).getTime();
  if (due < now.getTime()) return 'overdue';
  return due - now.getTime() < NEAR_MS ? 'near' : 'ok';
}

function replyOf(r: HotlineOrderRow): HotlineOrder['reply'] {
  return r.replyContent !== null && r.replyResult !== null && r.repliedAt !== null ? { content: r.replyContent, result: r.replyResult, repliedAt: iso(r.repliedAt)!, repliedBy: r.repliedByName ?? '' } : null;
}

function orderOf(r: HotlineOrderRow, gridNames: Map<number, { name: string }>, now: Date): HotlineOrder {
  return {
    caseId: r.caseId,
    caseNo: r.caseNo,
    externalNo: r.externalNo ?? '',
    title: r.title,
    itemName: r.itemName,
    categoryPath: r.categoryPath,
    state: r.state as HotlineOrder['state'],
    gridName: gridNames.get(r.gridId)?.name ?? null,
    urgency: r.urgency as HotlineOrder['urgency'],
    receivedAt: iso(r.receivedAt)!,
    dueAt: iso(r.dueAt),
    dueState: dueStateOf(r, now),
    closedAt: iso(r.closedAt),
    confidential: r.confidential,
    replyRequired: r.replyRequired,
    caller: { nameMasked: r.callerNameMasked, phoneMasked: r.callerPhoneMasked },
    reply: replyOf(r),
  };
}

/** GET /api/cases/hotline: the desk's 12345 orders, the nearest deadline first. */
export function listHotlineOrders(ctx: RequestContext, raw: z.input<typeof hotlineListQuerySchema>): Promise<HotlineList> {
  const f = hotlineListQuerySchema.parse(raw);
  return read(ctx, 'case.hotline', async (unit) => {
    const now = ctx.clock();
    const rows = await hotline(unit).list({ ...f, now, limit: f.limit + 1 });
    const page = rows.slice(0, f.limit);
    const names = await unit.use((db) => areaNamesByIds(db, page.map((r) => r.gridId)));
    return { items: page.map((r) => orderOf(r, names, now)), next: rows.length > f.limit ? f.offset + f.limit : null };
  });
}

/** GET /api/cases/:id/hotline: the 12345 side of a case, the caller hidden from all but the desk when confidential. */
export function hotlineOfCase(ctx: RequestContext, caseId: number): Promise<HotlineCase> {
  return read(ctx, 'case.read', async (unit) => {
    const r = await hotline(unit).order(caseId);
    if (!r) throw notFound('12345 工单');
    const desk = isDesk(unit.actor);
    return {
      caseId: r.caseId,
      externalNo: r.externalNo ?? '',
      categoryPath: r.categoryPath,
      dueAt: iso(r.dueAt),
      dueState: dueStateOf(r, ctx.clock()),
      confidential: r.confidential,
      replyRequired: r.replyRequired,
      caller: r.confidential && !desk ? null : { nameMasked: r.callerNameMasked, phoneMasked: r.callerPhoneMasked },
      reply: replyOf(r),
      isDesk: desk,
    };
  });
}

/** PUT /api/cases/:id/hotline/reply: the desk writes (or rewrites) the reply that goes back to 12345. */
export function replyToHotlineOrder(ctx: RequestContext, caseId: number, raw: z.input<typeof hotlineReplyInputSchema>): Promise<HotlineCase> {
  const input = hotlineReplyInputSchema.parse(raw);
  return write(ctx, 'case.hotline', async (unit) => {
    const now = ctx.clock();
    const r = await hotline(unit).order(caseId);
    if (!r) throw notFound('12345 工单');
    const repliedAt = input.repliedAt ? new Date(input.repliedAt) : now;
    if (repliedAt.getTime() > now.getTime() + FUTURE_SLACK_MS) throw validationFailed({ repliedAt: ['回复时间不能晚于现在'] });
    if (repliedAt < new Date(r.receivedAt)) throw validationFailed({ repliedAt: ['回复时间不能早于受理时间'] });
    await hotline(unit).saveReply({ caseId, gridId: r.gridId, content: input.content, result: input.result, repliedAt, repliedBy: unit.actor.id, repliedByName: unit.actor.displayName, at: now });
    // The reply's words may name the caller: the trail keeps its result and length, not its text.
    await unit.audit({ action: r.replyContent === null ? 'hotline_reply' : 'hotline_reply_update', entity: 'case', entityId: caseId, areaId: r.gridId, after: { externalNo: r.externalNo, result: input.result, length: input.content.length } });
    const after = (await hotline(unit).order(caseId))!;
    return { caseId, externalNo: after.externalNo ?? '', categoryPath: after.categoryPath, dueAt: iso(after.dueAt), dueState: dueStateOf(after, now), confidential: after.confidential, replyRequired: after.replyRequired, caller: { nameMasked: after.callerNameMasked, phoneMasked: after.callerPhoneMasked }, reply: replyOf(after), isDesk: true };
  });
}

/** POST /api/cases/:id/hotline/reveal: the caller's full name or phone for the desk, with a reason on the audit trail. */
export function revealHotlineCaller(ctx: RequestContext, caseId: number, raw: z.input<typeof hotlineRevealInputSchema>): Promise<{ field: 'name' | 'phone'; value: string | null }> {
  const input = hotlineRevealInputSchema.parse(raw);
  return write(ctx, 'case.hotline', async (unit) => {
    const c = await hotline(unit).sealedCaller(caseId);
    if (!c) throw notFound('12345 工单');
    const stored = input.field === 'name' ? c.nameEnc : c.phoneEnc;
    const value = stored ? ctx.cipher.decrypt(stored) : null;
    await unit.audit({ action: 'reveal', entity: 'case', entityId: caseId, areaId: c.gridId, after: { field: input.field === 'name' ? 'callerName' : 'callerPhone', reason: input.reason } });
    return { field: input.field, value };
  });
}

const BEIJING_MS = 8 * 3600_000;

/** A Beijing wall-clock time for the platform's file: 2026-12-07 14:05:00. */
function beijing(d: Date | string | null): string {
  if (d === null) return '';
  return new Date(new Date(d).getTime() + BEIJING_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** GET /api/cases/hotline/replies/export: the replies for 12345 to take (工单编号, 回复内容, 办理结果, 办结时间). */
export async function exportHotlineReplies(ctx: RequestContext, raw: z.input<typeof hotlineRepliesExportQuerySchema>): Promise<FileDownload> {
  const q = hotlineRepliesExportQuerySchema.parse(raw);
  const from = q.from ? new Date(Date.parse(`${q.from}T00:00:00Z`) - BEIJING_MS) : undefined;
  const to = q.to ? new Date(Date.parse(`${q.to}T00:00:00Z`) - BEIJING_MS + 86_400_000) : undefined;
  const rows = await read(ctx, 'case.hotline', (unit) => hotline(unit).replies({ from, to }));
  async function* cells() {
    for (const r of rows) yield [r.externalNo ?? '', r.replyContent ?? '', r.replyResult ? HOTLINE_RESULT_LABELS[r.replyResult as HotlineResult] : '', beijing(r.closedAt), beijing(r.repliedAt), r.caseNo];
  }
  return exportTable(ctx, { kind: 'hotline_reply', label: '12345工单回复', permission: 'case.hotline', format: q.format, headers: ['工单编号', '回复内容', '办理结果', '办结时间', '回复时间', '本系统案件编号'], filter: { from: q.from ?? null, to: q.to ?? null }, rows: cells() });
}

// ---- the category map ----

/** The district an actor works under (their first area, or the district above it). */
async function districtOf(unit: Unit): Promise<{ id: number; name: string; path: string } | null> {
  for (const role of unit.actor.roles) {
    if (role.areaLevel === 'district') return { id: role.areaId, name: role.areaName, path: role.areaPath };
    const above = await unit.use((db) => listAncestorNames(db, role.areaPath));
    const d = above.find((a) => a.level === 'district');
    if (d) return { id: d.id, name: d.name, path: role.areaPath.slice(0, role.areaPath.indexOf(`/${d.id}/`) + `/${d.id}/`.length) };
  }
  return null;
}

/** GET /api/hotline/categories: the map the reader's desk works under (their district's and above). */
export function listCategoryMap(ctx: RequestContext): Promise<HotlineCategoryMap> {
  return read(ctx, 'case.hotline', async (unit) => {
    const district = await districtOf(unit);
    const rows = district ? await hotline(unit).mapRows(idsOnPath(district.path)) : [];
    const items = await Promise.all(rows.map(async (r) => ({ id: r.id, areaId: r.areaId, areaName: r.areaName, categoryPath: r.categoryPath, itemCode: r.itemCode, itemName: (await affairItem(unit, { code: r.itemCode, areaPath: district!.path }))?.name ?? null, updatedAt: new Date(r.updatedAt).toISOString() })));
    const editable = district !== null && unit.actor.permissions.has('affairs.manage') && unit.scope.areas.some((p) => district.path.startsWith(p));
    return { items, district: district ? { id: district.id, name: district.name } : null, editable };
  });
}

/** PUT /api/hotline/categories: a district admin maps a 12345 category path to an item of the district's catalogue. */
export function saveCategoryMap(ctx: RequestContext, raw: z.input<typeof hotlineCategoryMapInputSchema>): Promise<{ id: number }> {
  const input = hotlineCategoryMapInputSchema.parse(raw);
  return write(ctx, 'affairs.manage', async (unit) => {
    const area = (await unit.use((db) => areaNamesByIds(db, [input.areaId]))).get(input.areaId);
    if (!area || !unit.scope.areas.some((p) => area.path.startsWith(p))) throw notFound('区域');
    if (area.level !== 'district') throw validationFailed({ areaId: ['12345 分类对应表由区（县）设置'] });
    const item = await affairItem(unit, { code: input.itemCode, areaPath: area.path });
    if (!item || !item.active) throw validationFailed({ itemCode: ['事项不存在或已停用'] });
    const saved = await hotline(unit).saveMapRow({ areaId: input.areaId, categoryPath: input.categoryPath, itemCode: item.code, by: unit.actor.id, at: ctx.clock() });
    await unit.audit({ action: 'update', entity: 'hotline_category_map', entityId: saved.id, areaId: input.areaId, after: { categoryPath: input.categoryPath, itemCode: item.code } });
    return { id: saved.id };
  });
}

/** DELETE /api/hotline/categories/:id. */
export function deleteCategoryMap(ctx: RequestContext, id: number): Promise<void> {
  return write(ctx, 'affairs.manage', async (unit) => {
    const row = await hotline(unit).mapRow(id);
    if (!row || !(await hotline(unit).deleteMapRow(id))) throw notFound('分类对应');
    await unit.audit({ action: 'delete', entity: 'hotline_category_map', entityId: id, areaId: row.areaId, before: { categoryPath: row.categoryPath, itemCode: row.itemCode } });
  });
}
