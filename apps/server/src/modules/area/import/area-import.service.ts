import { createHash } from 'node:crypto';
import type { BoundaryImportReport, BoundaryImportRequest, CrsName, DivisionImportOptions, DivisionImportReport } from '@redgrid/contracts';
import { appendAudit } from '../../../platform/audit.ts';
import type { RequestContext, Scope } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import { pathInScope, requirePermission, requireScope } from '../../../platform/scope.ts';
import { inTransaction, type Tx } from '../../../platform/transaction.ts';
import { commonAncestorId, IssueList } from '../../../platform/import-report.ts';
import {
  checkGeometries,
  closeBoundaries,
  crsFits,
  findAreasByCodes,
  findAreasInScopeByCodes,
  findCountryRoots,
  insertAreas,
  lockAreaTree,
  lockBoundaries,
  openBoundaries,
  recordImportChange,
  renameAreas,
  type BoundaryInput,
  type CrsFit,
  type CrsReading,
  type KnownArea,
  type NewArea,
} from './area-import.repository.ts';
import { checkBoundaryFeatures, describeValidity, otherReadings, suspectCrs, type BoundaryCandidate } from './boundary-features.ts';
import { DIVISION_LEVELS, levelLabel, levelRank, readDivisionFile, type DivisionFile, type DivisionRow } from './division-csv.ts';

/** Rows accepted in one division file; the national file has 663,128. */
export const DIVISION_ROWS_MAX = 1_000_000;
/** Bytes read from a streamed file before giving up (the HTTP route stops earlier, at its body limit). */
const DIVISION_BYTES_MAX = 128 * 1024 * 1024;
/** A self-intersecting boundary is repaired only when ST_MakeValid changes its area by less than this share. */
export const REPAIR_MAX_AREA_CHANGE = 0.01;

export type CsvInput = string | Uint8Array | AsyncIterable<string | Uint8Array>;

async function readAll(input: CsvInput): Promise<string | Uint8Array> {
  if (typeof input === 'string' || input instanceof Uint8Array) return input;
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
    size += bytes.length;
    if (size > DIVISION_BYTES_MAX) throw new AppError('payload_too_large', `文件超过 ${DIVISION_BYTES_MAX / 1024 / 1024} MiB，请分批导入`, { limitBytes: DIVISION_BYTES_MAX });
    parts.push(bytes);
  }
  return Buffer.concat(parts);
}

/** UTF-8, or GBK/GB18030 — what Excel on a Chinese Windows writes when saving "CSV". */
function decode(input: string | Uint8Array): string | null {
  if (typeof input === 'string') return input;
  for (const encoding of ['utf-8', 'gb18030']) {
    try {
      return new TextDecoder(encoding, { fatal: true }).decode(input);
    } catch {
      // Not this encoding: try the next.
    }
  }
  return null;
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

function countByLevel(rows: readonly DivisionRow[]): DivisionImportReport['createdByLevel'] {
  const counts = { province: 0, city: 0, district: 0, street: 0, community: 0 };
  for (const r of rows) counts[r.level] += 1;
  return counts;
}

interface DivisionPlan {
  /** New areas, in file order. */
  create: DivisionRow[];
  renames: { id: number; name: string; path: string }[];
  unchanged: number;
  /** Areas already in the database: the file's own codes and the parents it names outside itself. */
  known: Map<string, KnownArea>;
  country: KnownArea | null;
}

/**
 * Checks every row that passed the file-level checks against the database and the caller's scope.
 * With no error, every new row hangs, through new rows of the file, from an existing area in scope.
 *
 * Existing codes: an area already holding the row's code is left as it is when level and parent
 * agree (re-importing a file changes nothing); a different name is a warning and kept unless
 * `updateNames` is set, because local names (常州经开区 for the statistical 武进区 code) must survive
 * a re-import of the statistical file. A different level or parent is an error: moving areas is an
 * adjustment with its own rules, not an import. An existing code outside the caller's scope is an
 * `out_of_scope` error that names the code only: 12-digit division codes are public statistical data
 * (unlike grids, which this file format cannot name), and the row could not be imported anyway.
 *
 * Roots: an import never creates a parentless area. Provinces are placed under the country root
 * (the one area of level `country`), so only a caller whose scope includes it may add provinces.
 */
async function planDivisions(tx: Tx, scope: Scope, file: DivisionFile, updateNames: boolean): Promise<DivisionPlan> {
  const { errors, warnings, nodes } = file;
  const known = await findAreasByCodes(tx, [...nodes.keys()]);
  const outsideParents = new Set<string>();
  for (const r of nodes.values()) {
    if (r.parentCode !== null && !nodes.has(r.parentCode) && !known.has(r.parentCode)) outsideParents.add(r.parentCode);
  }
  for (const [code, area] of await findAreasByCodes(tx, [...outsideParents])) known.set(code, area);
  const needsCountry = file.rows.some((r) => r.parentCode === null && !known.has(r.code));
  const countries = needsCountry ? await findCountryRoots(tx) : [];
  const country = countries.length === 1 ? (countries[0] ?? null) : null;

  const plan: DivisionPlan = { create: [], renames: [], unchanged: 0, known, country };
  for (const r of file.rows) {
    const at = { row: r.row, areaCode: r.code };
    const existing = known.get(r.code);
    if (existing) {
      if (!pathInScope(scope, existing.path)) {
        errors.add({ ...at, field: 'code', code: 'out_of_scope', message: `区域 ${r.code} 不在您的管辖范围内` });
      } else if (existing.level !== r.level) {
        errors.add({
          ...at,
          field: 'level',
          code: 'level_changed',
          message: `库中 ${r.code}（${existing.name}）是${levelLabel(existing.level)}级，文件中是${levelLabel(r.level)}级；导入不改变已有区域的层级`,
        });
      } else if (r.parentCode === null ? existing.parentCode !== null && existing.parentLevel !== 'country' : existing.parentCode !== r.parentCode) {
        errors.add({
          ...at,
          field: 'parent_code',
          code: 'parent_changed',
          message: `库中 ${r.code} 的上级是 ${existing.parentCode ?? '（无）'}，文件中是 ${r.parentCode ?? '（无）'}；导入不移动已有区域，请使用区域调整`,
        });
      } else if (existing.name !== r.name && updateNames) {
        plan.renames.push({ id: existing.id, name: r.name, path: existing.path });
      } else {
        if (existing.name !== r.name) {
          warnings.add({
            ...at,
            field: 'name',
            code: 'name_differs',
            message: `库中名称为“${existing.name}”，文件中为“${r.name}”：保留库中名称（设置 updateNames=true 改用文件中的名称）`,
          });
        }
        plan.unchanged += 1;
      }
      continue;
    }

    if (r.parentCode === null) {
      if (!country) {
        errors.add({
          ...at,
          field: 'parent_code',
          code: 'parent_missing',
          message:
            countries.length > 1
              ? '库中有多个国家根区域，无法确定新省级区域的位置'
              : `新的省级区域 ${r.code} 需要挂在国家根区域（层级 country）下，库中还没有国家根区域`,
        });
      } else if (!pathInScope(scope, country.path)) {
        errors.add({ ...at, field: 'code', code: 'out_of_scope', message: `新的省级区域 ${r.code} 只能由管辖全国的管理员导入` });
      } else {
        plan.create.push(r);
      }
      continue;
    }

    if (nodes.has(r.parentCode)) {
      // A parent in the file: its level and code prefix were checked by the file reader. If it is new,
      // whatever is wrong with it (its scope included) is reported on its own row, not on every row
      // below it; if it exists, it must be in scope like any other parent.
      const parentArea = known.get(r.parentCode);
      if (parentArea && !pathInScope(scope, parentArea.path)) {
        errors.add({ ...at, field: 'parent_code', code: 'out_of_scope', message: `上级 ${r.parentCode} 不在您的管辖范围内` });
      } else if (parentArea?.status === 'retired') {
        errors.add({ ...at, field: 'parent_code', code: 'parent_missing', message: `上级 ${r.parentCode}（${parentArea.name}）已撤销` });
      } else {
        plan.create.push(r);
      }
      continue;
    }
    const parent = known.get(r.parentCode);
    if (!parent) {
      errors.add({ ...at, field: 'parent_code', code: 'parent_missing', message: `上级 ${r.parentCode} 既不在文件中，也不在库中` });
    } else if (!pathInScope(scope, parent.path)) {
      errors.add({ ...at, field: 'parent_code', code: 'out_of_scope', message: `上级 ${r.parentCode} 不在您的管辖范围内` });
    } else if (parent.status === 'retired') {
      errors.add({ ...at, field: 'parent_code', code: 'parent_missing', message: `上级 ${r.parentCode}（${parent.name}）已撤销` });
    } else if (levelRank(parent.level) >= levelRank(r.level)) {
      errors.add({
        ...at,
        field: 'level',
        code: 'bad_level',
        message: `上级 ${r.parentCode}（${parent.name}）是${levelLabel(parent.level)}级，不能管辖${levelLabel(r.level)}级的 ${r.code}`,
      });
    } else {
      plan.create.push(r);
    }
  }
  return plan;
}

/**
 * Creates the planned areas level by level (province → community), so every parent exists before its
 * children; the ids of new parents come back from their insert. Returns the paths that locate the
 * change: each new subtree's top (or its parent, for a single new leaf) and each renamed area.
 */
async function applyDivisions(tx: Tx, plan: DivisionPlan, at: Date): Promise<string[]> {
  const created = new Map<string, { id: number; path: string }>();
  const parentsOfNew = new Set<string>();
  for (const r of plan.create) if (r.parentCode !== null) parentsOfNew.add(r.parentCode);
  const parentOf = (r: DivisionRow): { id: number; path: string } => {
    const parent = r.parentCode === null ? plan.country : (created.get(r.parentCode) ?? plan.known.get(r.parentCode));
    if (!parent) throw new Error(`import plan lost the parent of ${r.code}`);
    return parent;
  };
  const toNew = (r: DivisionRow): NewArea => ({ code: r.code, name: r.name, level: r.level, parentId: parentOf(r).id, sortOrder: r.row });

  for (const level of DIVISION_LEVELS) {
    const rows = plan.create.filter((r) => r.level === level);
    const parents = rows.filter((r) => parentsOfNew.has(r.code));
    for (const c of await insertAreas(tx, parents.map(toNew), at, true)) created.set(c.code, c);
    await insertAreas(tx, rows.filter((r) => !parentsOfNew.has(r.code)).map(toNew), at, false);
  }
  if (plan.renames.length > 0) await renameAreas(tx, plan.renames, at);

  const tops = plan.create.filter((r) => r.parentCode === null || !created.has(r.parentCode));
  return [...tops.map((r) => created.get(r.code)?.path ?? parentOf(r).path), ...plan.renames.map((r) => r.path)];
}

/**
 * Imports the statistical division file (`code,name,level,parent_code`): validates every row, then
 * creates the new areas and (with `updateNames`) renames existing ones, all in one transaction with
 * one area_changes row and one audit row — or, when any row has an error, changes nothing and
 * answers with the report. Importing the same file again changes nothing and says so.
 */
export async function importDivisionsCsv(ctx: RequestContext, input: CsvInput, options: Partial<DivisionImportOptions> = {}): Promise<DivisionImportReport> {
  const started = performance.now();
  const actor = requirePermission(ctx, 'area.manage');
  const scope = requireScope(ctx);
  const dryRun = options.dryRun ?? false;
  const updateNames = options.updateNames ?? false;
  const bytes = await readAll(input);
  const text = decode(bytes);
  const file: DivisionFile = text === null ? unreadable() : readDivisionFile(text, DIVISION_ROWS_MAX);

  return inTransaction(ctx, async (tx) => {
    await lockAreaTree(tx);
    const plan = file.errors.count > 0 && file.rows.length === 0 ? null : await planDivisions(tx, scope, file, updateNames);
    const { errors, warnings } = file;
    const created = plan?.create.length ?? 0;
    const renamed = plan?.renames.length ?? 0;
    const unchanged = plan?.unchanged ?? 0;
    const report = (applied: boolean, changeId: number | null, message: string): DivisionImportReport => ({
      kind: 'divisions',
      applied,
      dryRun,
      total: file.total,
      ok: Math.max(0, file.total - errors.positions.size),
      errorCount: errors.count,
      warningCount: warnings.count,
      errors: errors.list(),
      warnings: warnings.list(),
      changeId,
      durationMs: elapsed(started),
      message,
      created,
      createdByLevel: countByLevel(plan?.create ?? []),
      renamed,
      unchanged,
    });
    const counts = `新建 ${created} 个区域、改名 ${renamed} 个，${unchanged} 行与库中一致`;
    if (!plan || errors.count > 0) return report(false, null, `导入未执行：${errors.count} 处错误，涉及 ${errors.positions.size} 行；没有写入任何数据`);
    if (dryRun) return report(false, null, `试导入通过：将${counts}`);
    if (created === 0 && renamed === 0) return report(false, null, `没有需要变更的内容：${unchanged} 行与库中一致`);

    const at = ctx.clock();
    const paths = await applyDivisions(tx, plan, at);
    const areaId = commonAncestorId(paths) ?? Number(paths[0]?.split('/')[1]);
    const summary = {
      source: 'divisions_csv',
      sha256: createHash('sha256').update(bytes).digest('hex'),
      rows: file.total,
      created,
      createdByLevel: countByLevel(plan.create),
      renamed,
      unchanged,
      updateNames,
    };
    const changeId = await recordImportChange(tx, { at, actorId: actor.id, areaId, summary });
    await appendAudit(tx, ctx, { action: 'import', entity: 'area_change', entityId: changeId, areaId, after: summary });
    return report(true, changeId, `导入完成：${counts}`);
  });
}

function unreadable(): DivisionFile {
  const errors = new IssueList();
  errors.add({ row: 1, code: 'bad_header', message: '无法识别文件编码：请保存为 UTF-8（或 GBK）编码的 CSV' });
  return { total: 0, rows: [], nodes: new Map(), cycles: new Set(), errors, warnings: new IssueList() };
}

function declaredReading(input: BoundaryInput, candidate: BoundaryCandidate | undefined): { input: BoundaryInput; declared: BoundaryCandidate['declared'] }[] {
  return candidate ? [{ input, declared: candidate.declared }] : [];
}

/**
 * Features that sit where they would if the file's coordinates were in another crs than the one
 * declared (`suspectCrs`): each becomes a warning naming the likely crs, in the dry run and before
 * anything is applied.
 */
async function crsSuspects(tx: Tx, crs: CrsName, features: { input: BoundaryInput; declared: BoundaryCandidate['declared'] }[]): Promise<{ feature: number; message: string }[]> {
  if (features.length === 0) return [];
  const readings: CrsReading[] = features.flatMap(({ input, declared }) =>
    otherReadings(declared, crs).map((r) => ({ feature: input.feature, areaId: input.areaId, crs: r.crs, geojson: r.crs === crs ? input.geojson : JSON.stringify(r.geometry) })),
  );
  const byFeature = new Map<number, CrsFit[]>();
  for (const fit of await crsFits(tx, readings)) byFeature.set(fit.feature, [...(byFeature.get(fit.feature) ?? []), fit]);
  const suspects: { feature: number; message: string }[] = [];
  for (const [feature, fits] of byFeature) {
    const suspect = suspectCrs(crs, fits);
    if (suspect) suspects.push({ feature, message: `${suspect.message}，请确认 crs 后再导入` });
  }
  return suspects.sort((a, b) => a.feature - b.feature);
}

function percent(share: number): string {
  return `${(share * 100).toFixed(share < 0.001 ? 3 : 2)}%`;
}

/**
 * Imports boundaries for existing areas from a GeoJSON FeatureCollection: features are matched to
 * areas in the caller's scope by the code property named in `mapping`, converted from the declared
 * crs to WGS84, checked (and, with `repair`, made valid where that is safe). Each imported boundary
 * closes the area's current version and opens a new one, all under one area_changes row; a feature
 * equal to the current boundary changes nothing. Any error: nothing is written.
 */
export async function importBoundaries(ctx: RequestContext, request: BoundaryImportRequest): Promise<BoundaryImportReport> {
  const started = performance.now();
  const actor = requirePermission(ctx, 'area.manage');
  const scope = requireScope(ctx);
  const errors = new IssueList();
  const warnings = new IssueList();
  const candidates = checkBoundaryFeatures(request, errors);
  const total = request.featureCollection.features.length;

  return inTransaction(ctx, async (tx) => {
    await lockBoundaries(tx);
    const areas = await findAreasInScopeByCodes(tx, scope, candidates.map((c) => c.code));
    const inputs: BoundaryInput[] = [];
    const paths = new Map<number, string>();
    for (const c of candidates) {
      const at = { feature: c.feature, areaCode: c.code };
      const area = areas.get(c.code);
      if (!area) {
        // The same answer whether the code is unknown or outside the scope: probing reveals nothing.
        errors.add({ ...at, field: `properties.${request.mapping.code}`, code: 'unknown_area', message: `区域 ${c.code} 不存在或不在您的管辖范围内` });
        continue;
      }
      if (area.status === 'retired') {
        errors.add({ ...at, code: 'area_retired', message: `区域 ${c.code}（${area.name}）已撤销，不能导入边界` });
        continue;
      }
      if (c.name !== null && c.name !== area.name) {
        warnings.add({ ...at, field: `properties.${request.mapping.name ?? ''}`, code: 'name_mismatch', message: `要素名称“${c.name}”与区域 ${c.code} 的名称“${area.name}”不同，请确认代码是否对应` });
      }
      inputs.push({ feature: c.feature, areaId: area.id, geojson: JSON.stringify(c.geometry) });
      paths.set(c.feature, area.path);
    }

    const byFeature = new Map(inputs.map((i) => [i.feature, i]));
    const codeOf = new Map(candidates.map((c) => [c.feature, c.code]));
    const toWrite: BoundaryInput[] = [];
    let created = 0;
    let replaced = 0;
    let unchanged = 0;
    let repaired = 0;
    for (const v of await checkGeometries(tx, inputs)) {
      const input = byFeature.get(v.feature);
      if (!input) continue;
      const at = { feature: v.feature, field: 'geometry', areaCode: codeOf.get(v.feature) ?? '' };
      if (!v.valid) {
        const what = describeValidity(v.reason);
        const change = v.drawnArea > 0 ? Math.abs(v.repairedArea - v.drawnArea) / v.drawnArea : Number.POSITIVE_INFINITY;
        if (!request.repair) {
          errors.add({ ...at, code: 'invalid_geometry', message: `边界无效：${what}；可设置 repair=true 尝试自动修复` });
          continue;
        }
        if (v.repairedEmpty || !(change < REPAIR_MAX_AREA_CHANGE)) {
          const how = Number.isFinite(change) ? `修复后面积变化 ${percent(change)}，超过 ${percent(REPAIR_MAX_AREA_CHANGE)}` : '自相交的部分相互抵消，修复前后面积无法比较';
          errors.add({ ...at, code: 'invalid_geometry', message: `边界无效：${what}；${how}，无法安全修复，未导入` });
          continue;
        }
        warnings.add({ ...at, code: 'repaired_geometry', message: `边界${what}，已自动修复（面积变化 ${percent(change)}）` });
        repaired += 1;
      }
      if (v.sameAsCurrent) {
        unchanged += 1;
      } else {
        if (v.hasCurrent) replaced += 1;
        else created += 1;
        toWrite.push(input);
      }
    }

    if (errors.count === 0) {
      const declared = new Map(candidates.map((c) => [c.feature, c]));
      for (const w of await crsSuspects(tx, request.crs, toWrite.flatMap((i) => declaredReading(i, declared.get(i.feature))))) {
        warnings.add({ feature: w.feature, field: 'crs', areaCode: codeOf.get(w.feature) ?? '', code: 'crs_suspect', message: w.message });
      }
    }

    const report = (applied: boolean, changeId: number | null, message: string): BoundaryImportReport => ({
      kind: 'boundaries',
      applied,
      dryRun: request.dryRun,
      total,
      ok: Math.max(0, total - errors.positions.size),
      errorCount: errors.count,
      warningCount: warnings.count,
      errors: errors.list(),
      warnings: warnings.list(),
      changeId,
      durationMs: elapsed(started),
      message,
      created,
      replaced,
      unchanged,
      repaired,
    });
    const counts = `新增 ${created} 个边界、替换 ${replaced} 个，${unchanged} 个与现有边界相同`;
    if (errors.count > 0) return report(false, null, `导入未执行：${errors.count} 个要素有错误；没有写入任何数据`);
    if (request.dryRun) return report(false, null, `试导入通过：将${counts}`);
    if (toWrite.length === 0) return report(false, null, `没有需要变更的内容：${unchanged} 个边界与现有边界相同`);

    const at = ctx.clock();
    const touched = toWrite.flatMap((i) => paths.get(i.feature) ?? []);
    const areaId = commonAncestorId(touched) ?? toWrite[0]?.areaId ?? 0;
    const summary = {
      source: 'boundaries_geojson',
      crs: request.crs,
      features: total,
      created,
      replaced,
      unchanged,
      repaired,
      areaIds: toWrite.slice(0, 100).map((i) => i.areaId),
    };
    const changeId = await recordImportChange(tx, { at, actorId: actor.id, areaId, summary });
    await closeBoundaries(tx, toWrite.map((i) => i.areaId), at);
    await openBoundaries(tx, toWrite, at, changeId);
    await appendAudit(tx, ctx, { action: 'import', entity: 'area_change', entityId: changeId, areaId, after: summary });
    return report(true, changeId, `导入完成：${counts}`);
  });
}
