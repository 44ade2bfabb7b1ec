import type { z } from 'zod';
import { casePointSchema, hotlineCategoriesSchema, hotlineNumberSchema } from '@redgrid/contracts';
import type { Scope } from '../../../platform/context.ts';
import type { FieldCipher } from '../../../platform/crypto.ts';
import { areaNamesByIds } from '../../../platform/cross-scope.repository.ts';
import { scopedFrom, type Db } from '../../../platform/data-access.ts';
import { parsePhone } from '../../../platform/phone-number.ts';
import type { Unit } from '../../../platform/unit-of-work.ts';
import { affairItem } from '../../affairs/index.ts';
import { areaGeoRepository } from '../../area/index.ts';
import { toWgs84 } from '../../geo/index.ts';
import type { ImportJobInfo, ImportKind, ParsedRow, ParseResult, RowIssue } from '../../exchange/index.ts';
import { hotlineRepository } from './hotline.repository.ts';
import { categoryPathOf, fileHotlineOrder, itemForCategories, timeProblems } from './hotline.service.ts';

/**
 * 12345 work orders from the platform's export (XLSX or CSV, UTF-8 or GBK), through the exchange
 * engine's wizard: dry run with a per-row report, then apply. The natural key is the work order number:
 * a row whose number is already a case is left as it is, so importing the same file twice files nothing
 * twice. A row must end in a grid (its 经度/纬度, or a 网格编码) and an item (its categories mapped by
 * the district, or an 事项编码 column), or it is reported with the reason.
 */

export interface HotlineImportRow {
  externalNo: string;
  receivedAt: Date;
  categories: string[];
  itemCode: string | null;
  content: string;
  callerName: string | null;
  callerPhone: string | null;
  address: string | null;
  point: { lng: number; lat: number; crs: 'wgs84' | 'gcj02' } | null;
  gridCode: string | null;
  urgency: 'normal' | 'urgent' | 'emergency';
  dueAt: Date;
  confidential: boolean;
  replyRequired: boolean;
}

const YES = new Set(['是', 'Y', 'y', '1', 'true', 'TRUE', '√', '需要', '保密']);
const NO = new Set(['否', 'N', 'n', '0', 'false', 'FALSE', '', '×', '不需要', '不保密']);
const URGENCY: Record<string, HotlineImportRow['urgency']> = { '': 'normal', 一般: 'normal', 普通: 'normal', 正常: 'normal', 紧急: 'urgent', 急: 'urgent', 加急: 'urgent', 特急: 'emergency', 特别紧急: 'emergency', 非常紧急: 'emergency' };
const BEIJING_MS = 8 * 3600_000;

/**
 * A time as 12345 exports write it — "2026-12-07 09:30[:00]", "2026/12/7 9:30", "2026年12月7日 9时30分",
 * an ISO instant — in Beijing time unless it says otherwise; a date alone is the start of the day, or
 * its end for a deadline.
 */
export function parseOrderTime(text: string, endOfDay = false): Date | null {
  const t = text.trim();
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[\sT]+(\d{1,2})[:时](\d{1,2})分?(?::(\d{1,2}))?秒?)?$/.exec(t);
  if (m) {
    const [, y, mo, d, h, mi, s] = m;
    const base = Date.UTC(Number(y), Number(mo) - 1, Number(d), h === undefined ? (endOfDay ? 23 : 0) : Number(h), mi === undefined ? (endOfDay ? 59 : 0) : Number(mi), s === undefined ? (endOfDay && h === undefined ? 59 : 0) : Number(s));
    const at = new Date(base - BEIJING_MS);
    const back = new Date(base);
    // 2026-02-30 rolls into March in Date.UTC: refuse it instead.
    if (back.getUTCMonth() !== Number(mo) - 1 || back.getUTCDate() !== Number(d) || Number(h ?? 0) > 23 || Number(mi ?? 0) > 59) return null;
    return at;
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(t)) return new Date(t);
  return null;
}

function flag(value: string, field: string, issues: RowIssue[], fallback: boolean): boolean {
  const v = value.trim();
  if (v === '') return fallback;
  if (YES.has(v)) return true;
  if (!NO.has(v)) issues.push({ field, reason: `“${v}”应填 是 或 否` });
  return false;
}

/** One row of the platform's export → an order, or its problems (pure; times are checked against the clock in `check`). */
export function parseHotlineRow(cells: Readonly<Record<string, string>>): ParseResult<HotlineImportRow> {
  const issues: RowIssue[] = [];
  const no = hotlineNumberSchema.safeParse(cells.externalNo ?? '');
  if (!no.success) issues.push({ field: 'externalNo', reason: no.error.issues[0]!.message });
  const receivedAt = parseOrderTime(cells.receivedAt ?? '');
  if (!receivedAt) issues.push({ field: 'receivedAt', reason: (cells.receivedAt ?? '').trim() ? '受理时间格式不认识，应如 2026-12-07 09:30' : '请填写受理时间' });
  const dueAt = parseOrderTime(cells.dueAt ?? '', true);
  if (!dueAt) issues.push({ field: 'dueAt', reason: (cells.dueAt ?? '').trim() ? '办理时限格式不认识，应如 2026-12-10 17:00' : '请填写办理时限' });
  // One column "一级/二级/三级", or a column a level.
  const joined = (cells.category ?? '').split(/\s*[/／>＞\\|-]\s*/).map((s) => s.trim()).filter(Boolean);
  const levels = joined.length ? joined : [cells.category1, cells.category2, cells.category3].map((s) => (s ?? '').trim()).filter(Boolean);
  const cats = hotlineCategoriesSchema.safeParse(levels);
  if (!cats.success) issues.push({ field: 'category', reason: cats.error.issues[0]!.message });
  const content = (cells.content ?? '').trim();
  if (content === '') issues.push({ field: 'content', reason: '请填写诉求内容' });
  else if (content.length > 4000) issues.push({ field: 'content', reason: '诉求内容最多 4000 个字' });
  const callerName = (cells.callerName ?? '').trim() || null;
  if (callerName && callerName.length > 50) issues.push({ field: 'callerName', reason: '诉求人最多 50 个字' });
  let callerPhone: string | null = null;
  if ((cells.callerPhone ?? '').trim() !== '') {
    const p = parsePhone(cells.callerPhone!);
    if (!p.ok) issues.push({ field: 'callerPhone', reason: p.reason });
    else callerPhone = p.value;
  }
  const address = (cells.address ?? '').trim() || null;
  if (address && address.length > 200) issues.push({ field: 'address', reason: '地址最多 200 个字' });
  let point: HotlineImportRow['point'] = null;
  const lngText = (cells.lng ?? '').trim();
  const latText = (cells.lat ?? '').trim();
  if (lngText !== '' || latText !== '') {
    const crsText = (cells.crs ?? '').trim().toLowerCase();
    const crs = crsText === '' || crsText === 'wgs84' || crsText === 'wgs-84' ? 'wgs84' : crsText === 'gcj02' || crsText === 'gcj-02' || crsText === '火星坐标' ? 'gcj02' : null;
    if (!crs) issues.push({ field: 'crs', reason: '坐标系应为 WGS84 或 GCJ02' });
    const p = casePointSchema.safeParse({ lng: Number(lngText), lat: Number(latText), crs: crs ?? 'wgs84' });
    if (lngText === '' || latText === '' || !p.success) issues.push({ field: lngText === '' ? 'lng' : 'lat', reason: '经度、纬度应同时填写，且为有效的数字' });
    else if (crs) point = { lng: p.data.lng, lat: p.data.lat, crs };
  }
  const gridCode = (cells.gridCode ?? '').trim() || null;
  if (gridCode && !/^[0-9A-Za-z]{1,32}$/.test(gridCode)) issues.push({ field: 'gridCode', reason: '网格编码只含字母和数字' });
  const itemCode = (cells.itemCode ?? '').trim() || null;
  const urgencyText = (cells.urgency ?? '').trim();
  const urgency = URGENCY[urgencyText];
  if (!urgency) issues.push({ field: 'urgency', reason: `紧急程度“${urgencyText}”不认识：应为 一般、紧急 或 特急` });
  const confidential = flag(cells.confidential ?? '', 'confidential', issues, false);
  const replyRequired = flag(cells.replyRequired ?? '', 'replyRequired', issues, true);
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, row: { externalNo: no.data!, receivedAt: receivedAt!, categories: cats.data!, itemCode, content, callerName, callerPhone, address, point, gridCode, urgency: urgency!, dueAt: dueAt!, confidential, replyRequired } };
}

function gridsByCode(db: Db, scope: Scope, codes: readonly string[]) {
  if (codes.length === 0) return Promise.resolve([]);
  return scopedFrom(db, scope, 'areas as a').select(['a.id', 'a.code', 'a.path', 'a.level', 'a.status']).where('a.code', 'in', [...codes]).execute();
}

interface Placed {
  gridId: number;
  gridPath: string;
  itemCode: string;
}

/** Where each row goes (its grid) and as what (its item), or why it cannot go anywhere. */
async function placeRows(unit: Unit, rows: readonly ParsedRow<HotlineImportRow>[], job: ImportJobInfo, now: Date): Promise<{ placed: Map<number, Placed>; problems: { rowNumber: number; issues: RowIssue[] }[] }> {
  const mapPath = (await unit.use((db) => areaNamesByIds(db, [job.areaId]))).get(job.areaId)?.path ?? '/';
  const grids = new Map((await unit.use((db, scope) => gridsByCode(db, scope, [...new Set(rows.map((r) => r.row.gridCode).filter((c): c is string => c !== null))]))).map((g) => [g.code, g]));
  const geo = unit.use(areaGeoRepository);
  const placed = new Map<number, Placed>();
  const problems: { rowNumber: number; issues: RowIssue[] }[] = [];
  const itemKnown = new Map<string, boolean>();
  // A work order already filed (an earlier import, the desk) is left as it is: nothing to check.
  const taken = await unit.use((db, scope) => hotlineRepository(db, scope)).takenNumbers(rows.map((r) => r.row.externalNo));
  for (const r of rows) {
    if (taken.has(r.row.externalNo)) continue;
    const issues: RowIssue[] = [];
    for (const [field, reasons] of Object.entries(timeProblems(r.row, now))) issues.push({ field, reason: reasons[0]! });
    let grid: { id: number; path: string } | undefined;
    if (r.row.point) {
      const [lng, lat] = r.row.point.crs === 'gcj02' ? toWgs84(r.row.point.lng, r.row.point.lat, 'gcj02') : [r.row.point.lng, r.row.point.lat];
      const found = await geo.findDeepestContaining(lng, lat);
      if (found && found.level === 'grid') grid = { id: found.id, path: found.path };
      else issues.push({ field: 'lng', reason: '该经纬度不在您管辖范围内的任何网格中' });
    } else if (r.row.gridCode) {
      const g = grids.get(r.row.gridCode);
      if (g && g.level === 'grid' && g.status === 'active') grid = { id: g.id, path: g.path };
      else issues.push({ field: 'gridCode', reason: `网格编码 ${r.row.gridCode} 不存在、不是在用网格或不在您的管辖范围内` });
    } else issues.push({ field: 'gridCode', reason: '无法确定网格：请填写经度、纬度或网格编码' });
    const itemCode = r.row.itemCode ?? (await itemForCategories(unit, mapPath, r.row.categories));
    if (!itemCode) {
      const path = categoryPathOf(r.row.categories);
      issues.push({ field: 'category', reason: path ? `12345 分类“${path}”还没有对应的事项：请区管理员在“12345 分类对应”中设置，或填写事项编码` : '没有问题分类，也没有事项编码' });
    } else if (grid) {
      const key = `${itemCode}@${grid.path}`;
      if (!itemKnown.has(key)) itemKnown.set(key, Boolean((await affairItem(unit, { code: itemCode, areaPath: grid.path }))?.active));
      if (!itemKnown.get(key)) issues.push({ field: r.row.itemCode ? 'itemCode' : 'category', reason: `事项 ${itemCode} 不存在或已停用` });
    }
    if (issues.length) problems.push({ rowNumber: r.rowNumber, issues });
    else placed.set(r.rowNumber, { gridId: grid!.id, gridPath: grid!.path, itemCode: itemCode! });
  }
  return { placed, problems };
}

export function hotlineImportKind(cipher: FieldCipher, clock: () => Date): ImportKind<HotlineImportRow> {
  return {
    kind: 'hotline_orders',
    label: '12345工单',
    permission: 'case.hotline',
    tables: ['cases', 'case_events', 'hotline_orders'],
    // Each row is a case with its timeline and deadlines: small batches keep a batch's transaction short.
    batchSize: 200,
    fields: [
      { key: 'externalNo', label: '工单编号', aliases: ['工单号', '受理编号', '工单流水号'], required: true },
      { key: 'receivedAt', label: '受理时间', aliases: ['来电时间', '派单时间', '登记时间'], required: true, hint: '如 2026-12-07 09:30（北京时间）' },
      { key: 'callerName', label: '诉求人', aliases: ['来电人', '联系人', '诉求人姓名', '来电人姓名'] },
      { key: 'callerPhone', label: '联系电话', aliases: ['来电号码', '诉求人电话', '电话'] },
      { key: 'category', label: '问题分类', aliases: ['诉求分类', '分类', '问题类别'], hint: '一级/二级/三级，以 / 分隔；也可分列填写' },
      { key: 'category1', label: '一级分类' },
      { key: 'category2', label: '二级分类' },
      { key: 'category3', label: '三级分类' },
      { key: 'content', label: '诉求内容', aliases: ['问题描述', '工单内容', '来电内容'], required: true },
      { key: 'address', label: '发生地址', aliases: ['地址', '事发地址', '问题地址'] },
      { key: 'lng', label: '经度' },
      { key: 'lat', label: '纬度' },
      { key: 'crs', label: '坐标系', hint: 'WGS84（默认）或 GCJ02' },
      { key: 'gridCode', label: '网格编码', hint: '没有经纬度时填写' },
      { key: 'itemCode', label: '事项编码', hint: '分类未对应事项时填写本区网事清单的事项编码' },
      { key: 'urgency', label: '紧急程度', aliases: ['缓急程度'], hint: '一般、紧急、特急' },
      { key: 'dueAt', label: '办理时限', aliases: ['办结时限', '截止时间', '处理时限'], required: true, hint: '如 2026-12-10 17:00；只写日期为当天 23:59' },
      { key: 'confidential', label: '是否保密', aliases: ['保密'], hint: '是 / 否' },
      { key: 'replyRequired', label: '是否需要回复', aliases: ['是否回复', '需回复'], hint: '是 / 否（默认 是）' },
    ],
    templateRows: [
      { externalNo: 'GD2026120700017', receivedAt: '2026-12-07 09:30', callerName: '张三', callerPhone: '17000000000', category: '城市管理/市容环境/占道经营', content: '小区门口有流动摊贩占道经营，影响通行', address: '站北花园南门', gridCode: '320412001001001', urgency: '一般', dueAt: '2026-12-10 17:00', confidential: '否', replyRequired: '是' },
    ],
    parse: (cells) => parseHotlineRow(cells),
    async check(unit, rows, job) {
      return (await placeRows(unit, rows, job, clock())).problems;
    },
    async applyBatch(unit, rows, job) {
      const now = clock();
      const { placed } = await placeRows(unit, rows, job, now);
      const mapPath = '/';
      let created = 0;
      for (const r of rows) {
        const at = placed.get(r.rowNumber);
        if (!at) continue;
        const o = r.row;
        const filed = await fileHotlineOrder(unit, cipher, now, { ...o, itemCode: at.itemCode, callerName: o.callerName ?? undefined, callerPhone: o.callerPhone ?? undefined, address: o.address ?? undefined, gridId: at.gridId, location: o.point ? pointOf(o.point) : undefined, importJobId: job.id }, mapPath);
        if (filed.created) created += 1;
      }
      return { created, updated: 0 };
    },
  };
}

function pointOf(p: NonNullable<HotlineImportRow['point']>): z.output<typeof casePointSchema> {
  return { lng: p.lng, lat: p.lat, crs: p.crs, source: 'map' };
}
