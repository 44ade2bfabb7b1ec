import {
  AFFAIR_URGENCY_LABELS,
  AREA_GRADES,
  DEPARTMENT_KIND_LABELS,
  HANDLING_LEVEL_LABELS,
  affairItemInputSchema,
  type AffairItem,
  type AffairItemData,
  type AreaGrade,
  type GradeLimits,
} from '@redgrid/contracts';
import type { RequestContext } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import type { Cell, TableFormat } from '../../platform/tabular/index.ts';
import { read, type Unit, type WriteUnit } from '../../platform/unit-of-work.ts';
import { exportTable, type ImportFieldSpec, type ImportJobInfo, type ImportKind, type ParsedRow, type ParseResult, type RowIssue } from '../exchange/index.ts';
import { itemValues, presentItem, sameItem } from './affair-rules.ts';
import { affairsRepository } from './affairs.repository.ts';
import { getCatalogue } from './affairs.service.ts';

/**
 * The catalogue as a table, one row an item (XLSX or CSV): exported with the district's categories
 * spelled out, imported through the exchange engine (kind `affairs`) into a district — matched by item
 * code, so importing an export changes nothing and a second import never duplicates. Categories named
 * by a row are created (or renamed) from its category code and path. The whole catalogue is one batch,
 * so a file is applied in one transaction: nothing half-applied.
 */

const HANDLING_LEVEL_TEXT: Record<string, AffairItemData['handlingLevel']> = {};
for (const [key, label] of Object.entries(HANDLING_LEVEL_LABELS)) HANDLING_LEVEL_TEXT[label['zh-CN']] = key as AffairItemData['handlingLevel'];
Object.assign(HANDLING_LEVEL_TEXT, { 网格: 'grid', 社区: 'community', 村: 'community', 村居: 'community', 街道: 'town', 镇: 'town', 乡镇: 'town', 区: 'district', 县: 'district', 部门: 'department', 职能部门: 'department' });

const DEPARTMENT_TEXT: Record<string, NonNullable<AffairItemData['departmentKind']>> = {};
for (const [key, label] of Object.entries(DEPARTMENT_KIND_LABELS)) {
  DEPARTMENT_TEXT[label['zh-CN']] = key as NonNullable<AffairItemData['departmentKind']>;
  // The short name before the bracket: 公安（派出所） → 公安.
  DEPARTMENT_TEXT[label['zh-CN'].replace(/（.*$/, '')] = key as NonNullable<AffairItemData['departmentKind']>;
}

const UNIT_TEXT: Record<string, AffairItemData['acceptUnit']> = { 工作时: 'work_hours', 工作小时: 'work_hours', 小时: 'work_hours', 工作日: 'work_days', 天: 'work_days', 日: 'work_days' };
const UNIT_LABEL = { work_hours: '工作时', work_days: '工作日' } as const;
const URGENCY_TEXT: Record<string, AffairItemData['urgencyDefault']> = { 一般: 'normal', 紧急: 'urgent', 特急: 'critical' };

export const AFFAIR_IMPORT_FIELDS: readonly ImportFieldSpec[] = [
  { key: 'code', label: '事项编码', aliases: ['编码', '事项代码'], required: true, hint: '本区清单内唯一，1–20 位字母、数字或短横线' },
  { key: 'name', label: '事项名称', aliases: ['名称', '事项'], required: true },
  { key: 'categoryCode', label: '类别编码', aliases: ['分类编码'], required: true, hint: '每级 2 位数字：01、0101' },
  { key: 'categoryPath', label: '类别', aliases: ['类别名称', '分类'], required: true, hint: '各级类别名称，用 / 分隔：社会治理 / 矛盾劝解' },
  { key: 'handlingLevel', label: '处置层级', aliases: ['承办层级', '层级'], required: true, hint: '网格、社区（村）、街道（镇）、区（县）或职能部门' },
  { key: 'departmentKind', label: '责任部门', aliases: ['责任单位', '主责部门'], hint: '部门类别，如 城管、公安、民政；可空' },
  { key: 'filingConditions', label: '立案条件', aliases: ['立案标准'] },
  { key: 'closingConditions', label: '结案条件', aliases: ['结案标准'] },
  { key: 'acceptYellow', label: '受理黄灯时限', required: true },
  { key: 'acceptRed', label: '受理红灯时限', required: true },
  { key: 'acceptUnit', label: '受理时限单位', required: true, hint: '工作时 或 工作日' },
  { key: 'handleYellow', label: '处置黄灯时限', required: true },
  { key: 'handleRed', label: '处置红灯时限', required: true, aliases: ['处置时限'] },
  { key: 'handleUnit', label: '处置时限单位', required: true, hint: '工作时 或 工作日' },
  { key: 'gradeLimits', label: '分级时限', hint: '按区域等级覆盖时限（受理黄/受理红/处置黄/处置红）：A 1/2/2/4；C 2/4/8/16' },
  { key: 'customFields', label: '自定义字段', hint: 'JSON：[{"key":"area_m2","label":"面积","type":"number","options":[],"required":true}]' },
  { key: 'residentReportable', label: '居民可上报', hint: '是 或 否' },
  { key: 'maySkipLevel', label: '可越级上报', hint: '是 或 否' },
  { key: 'copyTo', label: '越级抄送', hint: '层级或部门，用 、 分隔：街道（镇）、应急管理' },
  { key: 'urgencyDefault', label: '默认紧急程度', hint: '一般、紧急 或 特急' },
  { key: 'cjtCode', label: 'CJ/T 214 编码', aliases: ['CJT214编码', '国标编码'], hint: '事件大类 + 小类，如 0101' },
  { key: 'active', label: '启用', hint: '是 或 否（默认 是）' },
];

const YES = new Set(['是', 'Y', 'y', '1', 'true', '√']);
const NO = new Set(['否', 'N', 'n', '0', 'false', '×']);

function flag(v: string, field: string, fallback: boolean, issues: RowIssue[]): boolean {
  const t = v.trim();
  if (t === '') return fallback;
  if (YES.has(t)) return true;
  if (NO.has(t)) return false;
  issues.push({ field, reason: `“${t}”应填 是 或 否` });
  return fallback;
}

function integer(v: string, field: string, issues: RowIssue[]): number {
  const n = Number(v.trim());
  if (v.trim() === '' || !Number.isInteger(n)) {
    issues.push({ field, reason: '应为正整数' });
    return 0;
  }
  return n;
}

function gradeLimitsText(v: Partial<Record<AreaGrade, GradeLimits>>): string {
  return AREA_GRADES.flatMap((g) => {
    const l = v[g];
    return l ? [`${g} ${l.acceptYellow}/${l.acceptRed}/${l.handleYellow}/${l.handleRed}`] : [];
  }).join('；');
}

function parseGradeLimits(v: string, issues: RowIssue[]): Partial<Record<AreaGrade, GradeLimits>> {
  const out: Partial<Record<AreaGrade, GradeLimits>> = {};
  for (const part of v.split(/[；;]/).map((p) => p.trim()).filter(Boolean)) {
    const m = /^([ABC])\s*[:：]?\s*(\d+)\/(\d+)\/(\d+)\/(\d+)$/.exec(part);
    if (!m) {
      issues.push({ field: 'gradeLimits', reason: `“${part}”应写成 A 1/2/2/4（受理黄/受理红/处置黄/处置红）` });
      continue;
    }
    out[m[1] as AreaGrade] = { acceptYellow: Number(m[2]), acceptRed: Number(m[3]), handleYellow: Number(m[4]), handleRed: Number(m[5]) };
  }
  return out;
}

function copyToText(v: AffairItem['copyTo']): string {
  return [...v.levels.map((l) => HANDLING_LEVEL_LABELS[l]['zh-CN']), ...v.departmentKinds.map((k) => DEPARTMENT_KIND_LABELS[k]['zh-CN'])].join('、');
}

function parseCopyTo(v: string, issues: RowIssue[]): AffairItem['copyTo'] {
  const out: AffairItem['copyTo'] = { levels: [], departmentKinds: [] };
  for (const part of v.split(/[、,，;；]/).map((p) => p.trim()).filter(Boolean)) {
    const level = HANDLING_LEVEL_TEXT[part];
    const kind = DEPARTMENT_TEXT[part];
    if (level && !out.levels.includes(level)) out.levels.push(level);
    else if (kind && !out.departmentKinds.includes(kind)) out.departmentKinds.push(kind);
    else if (!level && !kind) issues.push({ field: 'copyTo', reason: `“${part}”不是层级或部门类别` });
  }
  return out;
}

/** A parsed row: the item (without its category id, which the apply resolves) and its category. */
export interface AffairImportRow {
  item: Omit<AffairItemData, 'categoryId'>;
  categoryCode: string;
  categoryNames: string[];
}

/** Field keys of the contract's schema that have a column of their own. */
const COLUMN_OF: Record<string, string> = Object.fromEntries(AFFAIR_IMPORT_FIELDS.map((f) => [f.key, f.key]));

export function parseAffairRow(cells: Readonly<Record<string, string>>): ParseResult<AffairImportRow> {
  const issues: RowIssue[] = [];
  const cell = (k: string) => (cells[k] ?? '').trim();
  const categoryCode = cell('categoryCode');
  const categoryNames = cell('categoryPath').split(/\s*[/／>]\s*/).filter(Boolean);
  if (!/^(\d{2}){1,3}$/.test(categoryCode)) issues.push({ field: 'categoryCode', reason: '类别编码为 2、4 或 6 位数字（每级 2 位）' });
  else if (categoryNames.length !== categoryCode.length / 2) issues.push({ field: 'categoryPath', reason: `类别编码 ${categoryCode} 有 ${categoryCode.length / 2} 级，类别应写 ${categoryCode.length / 2} 级名称（用 / 分隔）` });
  else if (categoryNames.some((n) => n.length > 40)) issues.push({ field: 'categoryPath', reason: '类别名称最多 40 个字' });
  const levelText = cell('handlingLevel');
  const handlingLevel = HANDLING_LEVEL_TEXT[levelText];
  if (!handlingLevel) issues.push({ field: 'handlingLevel', reason: `处置层级“${levelText}”不认识：应为网格、社区（村）、街道（镇）、区（县）或职能部门` });
  const deptText = cell('departmentKind');
  const departmentKind = deptText === '' ? null : (DEPARTMENT_TEXT[deptText] ?? null);
  if (deptText !== '' && !departmentKind) issues.push({ field: 'departmentKind', reason: `责任部门“${deptText}”不是已知的部门类别` });
  const unit = (k: string) => {
    const u = UNIT_TEXT[cell(k)];
    if (!u) issues.push({ field: k, reason: '应为 工作时 或 工作日' });
    return u ?? 'work_days';
  };
  const urgencyText = cell('urgencyDefault');
  const urgencyDefault = urgencyText === '' ? 'normal' : URGENCY_TEXT[urgencyText];
  if (!urgencyDefault) issues.push({ field: 'urgencyDefault', reason: '应为 一般、紧急 或 特急' });
  let customFields: unknown = [];
  if (cell('customFields') !== '') {
    try {
      customFields = JSON.parse(cell('customFields'));
    } catch {
      issues.push({ field: 'customFields', reason: '自定义字段应为 JSON 数组' });
    }
  }
  const candidate = {
    code: cell('code'),
    name: cell('name'),
    categoryId: 1,
    handlingLevel: handlingLevel ?? 'grid',
    departmentKind,
    filingConditions: cell('filingConditions'),
    closingConditions: cell('closingConditions'),
    acceptYellow: integer(cell('acceptYellow'), 'acceptYellow', issues),
    acceptRed: integer(cell('acceptRed'), 'acceptRed', issues),
    acceptUnit: unit('acceptUnit'),
    handleYellow: integer(cell('handleYellow'), 'handleYellow', issues),
    handleRed: integer(cell('handleRed'), 'handleRed', issues),
    handleUnit: unit('handleUnit'),
    gradeLimits: parseGradeLimits(cell('gradeLimits'), issues),
    customFields,
    residentReportable: flag(cell('residentReportable'), 'residentReportable', false, issues),
    maySkipLevel: flag(cell('maySkipLevel'), 'maySkipLevel', false, issues),
    copyTo: parseCopyTo(cell('copyTo'), issues),
    urgencyDefault: urgencyDefault ?? 'normal',
    cjtCode: cell('cjtCode') === '' ? null : cell('cjtCode'),
    active: flag(cell('active'), 'active', true, issues),
  };
  // The same rules as the editor's form: yellow before red, ranges, custom field shapes.
  const checked = affairItemInputSchema.safeParse(candidate);
  if (!checked.success) {
    for (const issue of checked.error.issues) {
      const top = String(issue.path[0] ?? '');
      const field = COLUMN_OF[top];
      if (issues.some((i) => i.field === field)) continue;
      const where = issue.path.length > 1 ? `（${issue.path.slice(1).join('.')}）` : '';
      issues.push({ field, reason: `${issue.message}${where}` });
    }
  }
  if (issues.length > 0 || !checked.success) return { ok: false, issues };
  const { categoryId: _categoryId, ...item } = checked.data;
  return { ok: true, row: { item, categoryCode, categoryNames } };
}

async function districtOf(unit: Unit, job: ImportJobInfo) {
  const area = await unit.use(affairsRepository).areaInScope(job.areaId);
  return area && area.level === 'district' ? { id: Number(area.id) } : null;
}

export const affairImportKind = (clock: () => Date): ImportKind<AffairImportRow> => ({
  kind: 'affairs',
  label: '网事清单',
  permission: 'affairs.manage',
  fields: AFFAIR_IMPORT_FIELDS,
  // A catalogue is a few hundred rows: one batch, one transaction.
  batchSize: 5000,
  tables: ['affair_items', 'affair_categories'],
  templateRows: [
    {
      code: '030101',
      name: '暴露垃圾',
      categoryCode: '0301',
      categoryPath: '城市管理 / 市容环境',
      handlingLevel: '网格',
      departmentKind: '城管',
      filingConditions: '公共区域暴露垃圾、垃圾桶满溢',
      closingConditions: '垃圾清除干净，现场照片为证',
      acceptYellow: '1',
      acceptRed: '2',
      acceptUnit: '工作时',
      handleYellow: '4',
      handleRed: '8',
      handleUnit: '工作时',
      gradeLimits: 'A 1/2/2/4',
      customFields: '',
      residentReportable: '是',
      maySkipLevel: '否',
      copyTo: '',
      urgencyDefault: '一般',
      cjtCode: '0101',
      active: '是',
    },
  ],
  parse: (cells) => parseAffairRow(cells),
  async check(unit, rows, job) {
    const problems: { rowNumber: number; issues: RowIssue[] }[] = [];
    if (!(await districtOf(unit, job))) return rows.map((r) => ({ rowNumber: r.rowNumber, issues: [{ reason: '网事清单由区（县）制定：请在您管辖的区（县）导入' }] }));
    const seen = new Map<string, number>();
    for (const r of rows) {
      const first = seen.get(r.row.item.code);
      if (first !== undefined) problems.push({ rowNumber: r.rowNumber, issues: [{ field: 'code', reason: `事项编码 ${r.row.item.code} 与第 ${first} 行重复` }] });
      else seen.set(r.row.item.code, r.rowNumber);
    }
    return problems;
  },
  async applyBatch(unit: WriteUnit, rows: readonly ParsedRow<AffairImportRow>[], job) {
    const district = await districtOf(unit, job);
    if (!district) return { created: 0, updated: 0 };
    const repo = unit.use(affairsRepository);
    const at = clock();
    const categoryIds = new Map<string, number>();
    async function category(code: string, names: string[]): Promise<number> {
      const known = categoryIds.get(code);
      if (known !== undefined) return known;
      const parentId = code.length > 2 ? await category(code.slice(0, -2), names.slice(0, -1)) : null;
      const { id } = await repo.upsertCategory({ areaId: district!.id, code, name: names[names.length - 1]!, parentId, at });
      categoryIds.set(code, Number(id));
      return Number(id);
    }
    const existing = new Map((await repo.itemsByCode(district.id, rows.map((r) => r.row.item.code))).map((r) => [r.code, presentItem(r)]));
    let created = 0;
    let updated = 0;
    for (const { row } of rows) {
      const categoryId = await category(row.categoryCode, row.categoryNames);
      const values = itemValues(row.item, categoryId);
      const stored = existing.get(row.item.code);
      if (!stored) {
        await repo.insertItem(district.id, values, job.actorId, at);
        created += 1;
      } else if (!sameItem(stored, values)) {
        await repo.updateItem(stored.id, stored.version, values, job.actorId, at);
        updated += 1;
      }
    }
    await unit.audit({ action: 'import', entity: 'affair_catalogue', entityId: job.id, areaId: district.id, after: { rows: rows.length, created, updated } });
    return { created, updated };
  },
});

/** The catalogue of a district to XLSX or CSV, in the import's columns (watermarked, audited). */
export async function exportCatalogue(ctx: RequestContext, query: { areaId?: number | undefined; format: TableFormat }) {
  const catalogue = await getCatalogue(ctx, query);
  if (!catalogue.owner) throw notFound('网事清单');
  await read(ctx, 'affairs.manage', async () => undefined);
  const byId = new Map(catalogue.categories.map((c) => [c.id, c]));
  const pathOf = (id: number): string[] => {
    const c = byId.get(id);
    return c ? [...(c.parentId === null ? [] : pathOf(c.parentId)), c.name] : [];
  };
  async function* rows(): AsyncGenerator<readonly Cell[]> {
    for (const i of catalogue.items) {
      yield [
        i.code,
        i.name,
        i.categoryCode,
        pathOf(i.categoryId).join(' / '),
        HANDLING_LEVEL_LABELS[i.handlingLevel]['zh-CN'],
        i.departmentKind ? DEPARTMENT_KIND_LABELS[i.departmentKind]['zh-CN'] : '',
        i.filingConditions,
        i.closingConditions,
        i.acceptYellow,
        i.acceptRed,
        UNIT_LABEL[i.acceptUnit],
        i.handleYellow,
        i.handleRed,
        UNIT_LABEL[i.handleUnit],
        gradeLimitsText(i.gradeLimits),
        i.customFields.length > 0 ? JSON.stringify(i.customFields) : '',
        i.residentReportable ? '是' : '否',
        i.maySkipLevel ? '是' : '否',
        copyToText(i.copyTo),
        AFFAIR_URGENCY_LABELS[i.urgencyDefault]['zh-CN'],
        i.cjtCode ?? '',
        i.active ? '是' : '否',
      ];
    }
  }
  return exportTable(ctx, {
    kind: 'affair_catalogue',
    label: `网事清单-${catalogue.owner.name}`,
    permission: 'affairs.manage',
    format: query.format,
    headers: AFFAIR_IMPORT_FIELDS.map((f) => f.label),
    filter: { areaId: catalogue.owner.id },
    areaId: catalogue.owner.id,
    rows: rows(),
  });
}
