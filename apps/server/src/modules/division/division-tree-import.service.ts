import { createHash } from 'node:crypto';
import type { DivisionImportOptions, DivisionImportReport } from '@redgrid/contracts';
import type { RequestContext, Scope } from '../../platform/context.ts';
import { areasByDivisionCode, countryRoots, type AreaByCode } from '../../platform/cross-scope.repository.ts';
import { AppError } from '../../platform/errors.ts';
import { commonAncestorId, issueTotals, IssueList } from '../../platform/import-report.ts';
import { pathInScope } from '../../platform/scope.ts';
import { write, type WriteUnit } from '../../platform/unit-of-work.ts';
import { areaTreeWriter, type AreaTreeWriter, type NewArea } from '../area/index.ts';
import { DIVISION_LEVELS, levelLabel, levelRank, readDivisionFile, type DivisionFile, type DivisionRow } from './division-csv.ts';

/**
 * The division-code CSV import into the area tree (区划代码导入): the rules of the statistical division
 * file, checked against the tree and the caller's scope, applied through the area module's tree writer.
 */

/** Rows accepted in one division file; the national file has 663,128. */
export const DIVISION_ROWS_MAX = 1_000_000;
/** Bytes read from a streamed file before giving up (the HTTP route stops earlier, at its body limit). */
const DIVISION_BYTES_MAX = 128 * 1024 * 1024;
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
  known: Map<string, AreaByCode>;
  country: AreaByCode | null;
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
async function planDivisions({ use }: WriteUnit, scope: Scope, file: DivisionFile, updateNames: boolean): Promise<DivisionPlan> {
  const { errors, warnings, nodes } = file;
  const known = await use((db) => areasByDivisionCode(db, [...nodes.keys()]));
  const outsideParents = new Set<string>();
  for (const r of nodes.values()) {
    if (r.parentCode !== null && !nodes.has(r.parentCode) && !known.has(r.parentCode)) outsideParents.add(r.parentCode);
  }
  for (const [code, area] of await use((db) => areasByDivisionCode(db, [...outsideParents]))) known.set(code, area);
  const needsCountry = file.rows.some((r) => r.parentCode === null && !known.has(r.code));
  const countries = needsCountry ? await use((db) => countryRoots(db)) : [];
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
async function applyDivisions(tree: AreaTreeWriter, plan: DivisionPlan, at: Date): Promise<string[]> {
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
    for (const c of await tree.insertAreas(parents.map(toNew), at, true)) created.set(c.code, c);
    await tree.insertAreas(rows.filter((r) => !parentsOfNew.has(r.code)).map(toNew), at, false);
  }
  if (plan.renames.length > 0) await tree.renameAreas(plan.renames, at);

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
  const dryRun = options.dryRun ?? false;
  const updateNames = options.updateNames ?? false;
  const bytes = await readAll(input);
  const text = decode(bytes);
  const file: DivisionFile = text === null ? unreadable() : readDivisionFile(text, DIVISION_ROWS_MAX);

  return write(ctx, 'area.manage', async (unit) => {
    const tree = unit.use(areaTreeWriter);
    await tree.lockTree();
    const plan = file.errors.count > 0 && file.rows.length === 0 ? null : await planDivisions(unit, unit.scope, file, updateNames);
    const { errors, warnings } = file;
    const created = plan?.create.length ?? 0;
    const renamed = plan?.renames.length ?? 0;
    const unchanged = plan?.unchanged ?? 0;
    const report = (applied: boolean, changeId: number | null, message: string): DivisionImportReport => ({
      kind: 'divisions',
      applied,
      dryRun,
      ...issueTotals(file.total, errors, warnings),
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
    const paths = await applyDivisions(tree, plan, at);
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
    const changeId = await tree.recordImportChange({ at, actorId: unit.actor.id, areaId, summary });
    await unit.audit({ action: 'import', entity: 'area_change', entityId: changeId, areaId, after: summary });
    return report(true, changeId, `导入完成：${counts}`);
  });
}

function unreadable(): DivisionFile {
  const errors = new IssueList();
  errors.add({ row: 1, code: 'bad_header', message: '无法识别文件编码：请保存为 UTF-8（或 GBK）编码的 CSV' });
  return { total: 0, rows: [], nodes: new Map(), cycles: new Set(), errors, warnings: new IssueList() };
}

