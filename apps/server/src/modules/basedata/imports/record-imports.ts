import { sql } from 'kysely';
import { type HOUSE_OCCUPANCIES, type HOUSE_USES } from '@redgrid/contracts';
import type { Scope } from '../../../platform/context.ts';
import { organisationCodesTaken } from '../../../platform/cross-scope.repository.ts';
import type { FieldCipher } from '../../../platform/crypto.ts';
import { ownedInsert, scopedFrom, scopedUpdate, type Db } from '../../../platform/data-access.ts';
import { boundHeap } from '../../../platform/heap-bound.ts';
import { parseIdentityNumber } from '../../../platform/identity-number.ts';
import { maskIdentityNumber, maskPhone } from '../../../platform/masking.ts';
import { parsePhone } from '../../../platform/phone-number.ts';
import type { Unit, WriteUnit } from '../../../platform/unit-of-work.ts';
import type { ImportJobInfo, ImportKind, ParsedRow, ParseResult, RowIssue } from '../../exchange/index.ts';
import { houseAddressKey } from '../buildings/building.service.ts';
import { parseCreditCode } from '../organisations/credit-code.ts';
import { historyRepository } from '../shared/history.repository.ts';
import { PLACE_LEVELS } from '../persons/person.service.ts';

/**
 * 实有房屋 and 实有单位 imports, beside the persons one: houses matched by their address (the area's
 * code + floor + room), organisations by their unified social credit code — a second import of the
 * same file updates, never duplicates. Rows name their building, unit or grid by code.
 */

const YES = new Set(['是', 'Y', 'y', '1', 'true', '√']);
const NO = new Set(['否', 'N', 'n', '0', 'false', '', '×']);

function flag(value: string, field: string, issues: RowIssue[]): boolean {
  const v = value.trim();
  if (YES.has(v)) return true;
  if (!NO.has(v)) issues.push({ field, reason: `“${v}”应填 是 或 否` });
  return false;
}

function integer(value: string, field: string, min: number, max: number, issues: RowIssue[]): number | null {
  const v = value.trim();
  if (v === '') return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    issues.push({ field, reason: `应为 ${min}–${max} 的整数` });
    return null;
  }
  return n;
}

function areaRepository(db: Db, scope: Scope) {
  return {
    byId(id: number) {
      return scopedFrom(db, scope, 'areas as a').select(['a.id', 'a.code', 'a.level', 'a.status']).where('a.id', '=', id).executeTakeFirst();
    },
    byCode(codes: readonly string[]) {
      if (codes.length === 0) return Promise.resolve([]);
      return scopedFrom(db, scope, 'areas as a').select(['a.id', 'a.code', 'a.level', 'a.status']).where('a.code', 'in', [...codes]).execute();
    },
  };
}

/** Each row's area by its code (or, left empty, the job's own area): a grid, building or unit in the importer's scope, in use. */
async function resolveCodes<R extends { areaCode: string | null }>(unit: Unit, rows: readonly ParsedRow<R>[], job: ImportJobInfo, { waitAtCommunity = false } = {}) {
  const repo = unit.use(areaRepository);
  const found = new Map((await repo.byCode([...new Set(rows.map((r) => r.row.areaCode).filter((c): c is string => c !== null))])).map((a) => [a.code, a]));
  const jobArea = rows.some((r) => r.row.areaCode === null) ? await repo.byId(job.areaId) : undefined;
  const resolved = new Map<number, { id: number; code: string }>();
  const problems: { rowNumber: number; issues: RowIssue[] }[] = [];
  for (const r of rows) {
    const a = r.row.areaCode === null ? jobArea : found.get(r.row.areaCode);
    const named = r.row.areaCode ?? '（导入到的区域）';
    if (!a) problems.push({ rowNumber: r.rowNumber, issues: [{ field: 'areaCode', reason: `编码 ${named} 不存在或不在您的管辖范围内` }] });
    // An organisation placed only at its community waits there for a grid worker to claim it (认领).
    else if (!(PLACE_LEVELS.has(a.level) || (waitAtCommunity && a.level === 'community')) || a.status !== 'active') problems.push({ rowNumber: r.rowNumber, issues: [{ field: 'areaCode', reason: r.row.areaCode ? `编码 ${r.row.areaCode} 不是在用的网格、楼栋或单元` : waitAtCommunity ? '请填写所在网格编码，或导入到一个社区（待网格员认领）或网格' : '请填写楼栋（或网格）编码，或从楼栋的楼盘表导入' }] });
    else resolved.set(r.rowNumber, { id: a.id, code: a.code });
  }
  return { resolved, problems };
}

// ---- houses ----

const USE_LABELS: Record<string, (typeof HOUSE_USES)[number]> = { 住宅: 'residence', 个人住宅: 'residence', 集体宿舍: 'dormitory', 宿舍: 'dormitory', 临时工棚: 'shed', 工棚: 'shed', 办公: 'office', 商业: 'commercial', 商铺: 'commercial', 科教文体医: 'public_service', 公共服务: 'public_service', 工业: 'industrial', 厂房: 'industrial', 其他: 'other', 其他民用: 'other' };
const OCCUPANCY_LABELS: Record<string, (typeof HOUSE_OCCUPANCIES)[number]> = { 自住: 'owner', 出租: 'rented', 空置: 'vacant', 借住: 'lent', 其他: 'other' };

export interface HouseImportRow {
  /** Null: the job's own area (an import started from a building's 楼盘表). */
  areaCode: string | null;
  floor: number | null;
  room: string;
  floorArea: number | null;
  use: (typeof HOUSE_USES)[number];
  occupancy: (typeof HOUSE_OCCUPANCIES)[number];
  ownerName: string | null;
  ownerId: string | null;
  ownerPhone: string | null;
  propertyCertNo: string | null;
  builtYear: number | null;
  dangerous: boolean;
  address: string | null;
}

export function parseHouseRow(cells: Readonly<Record<string, string>>, today: Date): ParseResult<HouseImportRow> {
  const issues: RowIssue[] = [];
  const areaCodeText = (cells.areaCode ?? '').trim();
  if (areaCodeText !== '' && !/^[0-9A-Za-z]{1,32}$/.test(areaCodeText)) issues.push({ field: 'areaCode', reason: '楼栋编码只含字母和数字' });
  const areaCode = areaCodeText === '' ? null : areaCodeText;
  const room = (cells.room ?? '').normalize('NFKC').trim();
  if (room === '' || room.length > 20) issues.push({ field: 'room', reason: '房号为 1–20 个字' });
  const floor = integer(cells.floor ?? '', 'floor', -20, 200, issues);
  let floorArea: number | null = null;
  if ((cells.floorArea ?? '').trim() !== '') {
    floorArea = Number(cells.floorArea);
    if (!Number.isFinite(floorArea) || floorArea <= 0 || floorArea >= 100000) {
      issues.push({ field: 'floorArea', reason: '建筑面积应为大于 0 的平方米数' });
      floorArea = null;
    }
  }
  const useText = (cells.use ?? '').trim();
  const use = useText === '' ? 'residence' : USE_LABELS[useText];
  if (!use) issues.push({ field: 'use', reason: `用途“${useText}”不认识` });
  const occText = (cells.occupancy ?? '').trim();
  const occupancy = occText === '' ? 'owner' : OCCUPANCY_LABELS[occText];
  if (!occupancy) issues.push({ field: 'occupancy', reason: `使用方式“${occText}”不认识：应为自住、出租、空置、借住或其他` });
  let ownerId: string | null = null;
  if ((cells.ownerId ?? '').trim() !== '') {
    const p = parseIdentityNumber(cells.ownerId!, today);
    if (!p.ok) issues.push({ field: 'ownerId', reason: p.reason });
    else ownerId = p.value;
  }
  let ownerPhone: string | null = null;
  if ((cells.ownerPhone ?? '').trim() !== '') {
    const p = parsePhone(cells.ownerPhone!);
    if (!p.ok) issues.push({ field: 'ownerPhone', reason: p.reason });
    else ownerPhone = p.value;
  }
  const builtYear = integer(cells.builtYear ?? '', 'builtYear', 1800, 2100, issues);
  const dangerous = flag(cells.dangerous ?? '', 'dangerous', issues);
  const text = (v: string | undefined, max: number, field: string) => {
    const t = (v ?? '').trim();
    if (t.length > max) issues.push({ field, reason: `最多 ${max} 个字` });
    return t === '' ? null : t;
  };
  const ownerName = text(cells.ownerName, 50, 'ownerName');
  const propertyCertNo = text(cells.propertyCertNo, 50, 'propertyCertNo');
  const address = text(cells.address, 200, 'address');
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, row: { areaCode, floor, room, floorArea, use: use!, occupancy: occupancy!, ownerName, ownerId, ownerPhone, propertyCertNo, builtYear, dangerous, address } };
}

function houseImportRepository(db: Db, scope: Scope) {
  return {
    async upsert(rows: readonly Record<string, unknown>[]) {
      if (rows.length === 0) return [];
      return ownedInsert(db, scope, 'houses')
        .values(rows as never)
        .onConflict((oc) =>
          oc.column('address_key').doUpdateSet({
            floor: sql`excluded.floor`,
            room: sql`excluded.room`,
            floor_area: sql`excluded.floor_area`,
            use: sql`excluded.use`,
            occupancy: sql`excluded.occupancy`,
            owner_name: sql`excluded.owner_name`,
            owner_id_enc: sql`excluded.owner_id_enc`,
            owner_id_bidx: sql`excluded.owner_id_bidx`,
            owner_id_masked: sql`excluded.owner_id_masked`,
            owner_phone_enc: sql`excluded.owner_phone_enc`,
            owner_phone_masked: sql`excluded.owner_phone_masked`,
            property_cert_no: sql`excluded.property_cert_no`,
            built_year: sql`excluded.built_year`,
            dangerous: sql`excluded.dangerous`,
            address: sql`excluded.address`,
            updated_at: sql`excluded.updated_at`,
          }),
        )
        .returning(['id', 'area_id as areaId', sql<boolean>`(xmax = 0)`.as('inserted')])
        .execute();
    },
    placeNames(ids: readonly number[]) {
      if (ids.length === 0) return Promise.resolve([]);
      return scopedFrom(db, scope, 'areas as a').innerJoin('areas as p', 'p.id', 'a.parent_id').select(['a.id', 'a.name', 'a.level', 'p.name as parentName']).where('a.id', 'in', [...ids]).execute();
    },
  };
}

export function houseImportKind(cipher: FieldCipher, clock: () => Date): ImportKind<HouseImportRow> {
  return {
    kind: 'houses',
    label: '实有房屋',
    permission: 'basedata.import',
    tables: ['houses', 'record_history'],
    fields: [
      { key: 'areaCode', label: '楼栋编码', aliases: ['单元编码', '所在区域编码', '网格编码'], hint: '楼栋、单元（或平房所在网格）的编码；从楼盘表导入时可不填' },
      { key: 'floor', label: '楼层', aliases: ['所在楼层', '层'], hint: '整数，地下为负数' },
      { key: 'room', label: '房号', aliases: ['室号', '门牌号'], required: true, hint: '如 501' },
      { key: 'floorArea', label: '建筑面积', aliases: ['面积', '建筑面积（㎡）'], hint: '平方米' },
      { key: 'use', label: '房屋用途', aliases: ['用途'], hint: '住宅、集体宿舍、办公、商业、工业、其他' },
      { key: 'occupancy', label: '使用方式', aliases: ['使用情况'], hint: '自住、出租、空置、借住、其他' },
      { key: 'ownerName', label: '产权人', aliases: ['房主', '产权人姓名'] },
      { key: 'ownerId', label: '产权人证件号', aliases: ['产权人身份证号'] },
      { key: 'ownerPhone', label: '产权人电话', aliases: ['房主电话'] },
      { key: 'propertyCertNo', label: '房产证号', aliases: ['不动产权证号'] },
      { key: 'builtYear', label: '建成年份' },
      { key: 'dangerous', label: '是否危房', aliases: ['危房'], hint: '是 / 否' },
      { key: 'address', label: '地址', hint: '不填则由楼栋和房号生成' },
    ],
    templateRows: [{ areaCode: '32041200100100100001', floor: '5', room: '501', floorArea: '89.5', use: '住宅', occupancy: '自住', ownerName: '张三', ownerId: '', ownerPhone: '', propertyCertNo: '', builtYear: '2008', dangerous: '否', address: '' }],
    parse: (cells) => parseHouseRow(cells, clock()),
    async check(unit, rows, job) {
      // Once a batch, in the dry run and the apply: the batches before are garbage (platform/heap-bound.ts).
      boundHeap();
      return (await resolveCodes(unit, rows, job)).problems;
    },
    async applyBatch(unit: WriteUnit, rows, job) {
      const { resolved } = await resolveCodes(unit, rows, job);
      const repo = unit.use(houseImportRepository);
      const good = rows.filter((r) => resolved.has(r.rowNumber));
      const names = new Map((await repo.placeNames([...new Set(good.map((r) => resolved.get(r.rowNumber)!.id))])).map((a) => [a.id, a]));
      const now = clock();
      const byKey = new Map<string, Record<string, unknown>>();
      for (const r of good) {
        const area = resolved.get(r.rowNumber)!;
        const n = names.get(area.id);
        const place = n ? (n.level === 'unit' ? `${n.parentName} ${n.name}` : n.name) : area.code;
        const key = houseAddressKey(area.code, r.row.floor, r.row.room);
        byKey.set(key, {
          area_id: area.id,
          address_key: key,
          address: r.row.address ?? `${place} ${r.row.room}室`,
          floor: r.row.floor,
          room: r.row.room,
          floor_area: r.row.floorArea,
          use: r.row.use,
          occupancy: r.row.occupancy,
          owner_name: r.row.ownerName,
          owner_type: r.row.ownerName ? 'person' : null,
          owner_id_enc: r.row.ownerId ? cipher.encrypt(r.row.ownerId) : null,
          owner_id_bidx: r.row.ownerId ? cipher.blindIndex(r.row.ownerId) : null,
          owner_id_masked: r.row.ownerId ? maskIdentityNumber(r.row.ownerId) : null,
          owner_phone_enc: r.row.ownerPhone ? cipher.encrypt(r.row.ownerPhone) : null,
          owner_phone_masked: r.row.ownerPhone ? maskPhone(r.row.ownerPhone) : null,
          property_cert_no: r.row.propertyCertNo,
          built_year: r.row.builtYear,
          dangerous: r.row.dangerous,
          updated_at: now,
        });
      }
      const values = [...byKey.values()];
      let created = 0;
      const written: { id: number; areaId: number }[] = [];
      for (let i = 0; i < values.length; i += 500) {
        for (const r of await repo.upsert(values.slice(i, i + 500))) {
          if (r.inserted) created += 1;
          written.push({ id: r.id, areaId: r.areaId });
        }
      }
      // Each house's history says which import job wrote it (how it came to be, or its update).
      await unit.use(historyRepository).append(written.map((w) => ({ recordType: 'house' as const, recordId: w.id, areaId: w.areaId, action: 'import' as const, source: 'import' as const, actorId: job.actorId, at: now, changes: { importJob: [null, job.id] as [unknown, unknown] } })));
      return { created, updated: values.length - created };
    },
  };
}

// ---- organisations ----

const ORG_KIND_LABELS: Record<string, string> = { 企业: 'enterprise', 公司: 'enterprise', 个体工商户: 'individual', 个体: 'individual', 事业单位: 'public_institution', 机关: 'government', 党政机关: 'government', 社会组织: 'social_org', 其他: 'other' };

export interface OrganisationImportRow {
  areaCode: string;
  name: string;
  creditCode: string;
  kind: string;
  address: string | null;
  legalRepName: string | null;
  legalRepPhone: string | null;
  keyUnit: boolean;
  employees: number | null;
  industry: string | null;
}

export function parseOrganisationRow(cells: Readonly<Record<string, string>>): ParseResult<OrganisationImportRow> {
  const issues: RowIssue[] = [];
  const name = (cells.name ?? '').trim();
  if (name === '' || name.length > 100) issues.push({ field: 'name', reason: '单位名称为 1–100 个字' });
  const code = parseCreditCode(cells.creditCode ?? '');
  if (!code.ok) issues.push({ field: 'creditCode', reason: code.reason });
  const areaCode = (cells.areaCode ?? '').trim();
  if (!/^[0-9A-Za-z]{1,32}$/.test(areaCode)) issues.push({ field: 'areaCode', reason: '请填写所在网格（或楼栋）的编码' });
  const kindText = (cells.kind ?? '').trim();
  const kind = kindText === '' ? 'enterprise' : ORG_KIND_LABELS[kindText];
  if (!kind) issues.push({ field: 'kind', reason: `单位类型“${kindText}”不认识：应为企业、个体工商户、事业单位、机关、社会组织或其他` });
  let legalRepPhone: string | null = null;
  if ((cells.legalRepPhone ?? '').trim() !== '') {
    const p = parsePhone(cells.legalRepPhone!);
    if (!p.ok) issues.push({ field: 'legalRepPhone', reason: p.reason });
    else legalRepPhone = p.value;
  }
  const keyUnit = flag(cells.keyUnit ?? '', 'keyUnit', issues);
  const employees = integer(cells.employees ?? '', 'employees', 0, 1_000_000, issues);
  const text = (v: string | undefined, max: number, field: string) => {
    const t = (v ?? '').trim();
    if (t.length > max) issues.push({ field, reason: `最多 ${max} 个字` });
    return t === '' ? null : t;
  };
  const address = text(cells.address, 200, 'address');
  const legalRepName = text(cells.legalRepName, 50, 'legalRepName');
  const industry = text(cells.industry, 50, 'industry');
  if (issues.length > 0 || !code.ok) return { ok: false, issues };
  return { ok: true, row: { areaCode, name, creditCode: code.value, kind: kind!, address, legalRepName, legalRepPhone, keyUnit, employees, industry } };
}

function organisationImportRepository(db: Db, scope: Scope) {
  return {
    existing(codes: readonly string[]) {
      if (codes.length === 0) return Promise.resolve([]);
      return scopedFrom(db, scope, 'organisations as o').select(['o.id', 'o.credit_code as creditCode']).where('o.credit_code', 'in', [...codes]).execute();
    },
    async insert(rows: readonly Record<string, unknown>[]) {
      if (rows.length === 0) return [];
      return ownedInsert(db, scope, 'organisations').values(rows as never).returning(['id', 'area_id as areaId']).execute();
    },
    async update(id: number, row: Record<string, unknown>) {
      await scopedUpdate(db, scope, 'organisations').set(row as never).where('id', '=', id).execute();
    },
  };
}

/** Rows whose credit code is registered in an area outside the importer's scope: reported, never overwritten. */
async function codesElsewhere(unit: Unit, rows: readonly ParsedRow<OrganisationImportRow>[]) {
  const codes = [...new Set(rows.map((r) => r.row.creditCode))];
  const taken = await unit.use((db) => organisationCodesTaken(db, codes));
  const mine = new Set((await unit.use(organisationImportRepository).existing(codes)).map((o) => o.creditCode));
  return rows
    .filter((r) => taken.has(r.row.creditCode) && !mine.has(r.row.creditCode))
    .map((r) => ({ rowNumber: r.rowNumber, issues: [{ field: 'creditCode', reason: '该统一社会信用代码已由其他区域登记，请联系该区域核实' }] }));
}

export function organisationImportKind(cipher: FieldCipher, clock: () => Date): ImportKind<OrganisationImportRow> {
  return {
    kind: 'organisations',
    label: '实有单位',
    permission: 'basedata.import',
    tables: ['organisations', 'record_history'],
    fields: [
      { key: 'name', label: '单位名称', aliases: ['名称', '企业名称'], required: true },
      { key: 'creditCode', label: '统一社会信用代码', aliases: ['信用代码', '社会信用代码'], required: true, hint: '18 位，含校验位' },
      { key: 'areaCode', label: '所在网格编码', aliases: ['网格编码', '楼栋编码'], required: true, hint: '网格、楼栋或单元的编码；填社区编码则进入社区的待认领列表，由网格员认领' },
      { key: 'kind', label: '单位类型', aliases: ['类型'], hint: '企业、个体工商户、事业单位、机关、社会组织、其他' },
      { key: 'address', label: '地址', aliases: ['单位地址', '经营地址'] },
      { key: 'legalRepName', label: '法定代表人', aliases: ['负责人', '法人'] },
      { key: 'legalRepPhone', label: '联系电话', aliases: ['法人电话', '负责人电话'] },
      { key: 'keyUnit', label: '重点单位', aliases: ['是否重点单位'], hint: '是 / 否' },
      { key: 'employees', label: '从业人数', aliases: ['员工人数'] },
      { key: 'industry', label: '所属行业', aliases: ['行业'] },
    ],
    templateRows: [{ name: '示例商贸有限公司', creditCode: '91320412MA1XXXXXXX', areaCode: '320412001001001', kind: '企业', address: '', legalRepName: '', legalRepPhone: '', keyUnit: '否', employees: '12', industry: '批发和零售业' }],
    parse: (cells) => parseOrganisationRow(cells),
    async check(unit, rows: readonly ParsedRow<OrganisationImportRow>[], job: ImportJobInfo) {
      boundHeap();
      return [...(await resolveCodes(unit, rows, job, { waitAtCommunity: true })).problems, ...(await codesElsewhere(unit, rows))];
    },
    async applyBatch(unit: WriteUnit, rows, job) {
      const { resolved } = await resolveCodes(unit, rows, job, { waitAtCommunity: true });
      const elsewhere = new Set((await codesElsewhere(unit, rows)).map((p) => p.rowNumber));
      const repo = unit.use(organisationImportRepository);
      const good = rows.filter((r) => resolved.has(r.rowNumber) && !elsewhere.has(r.rowNumber));
      const byCode = new Map(good.map((r) => [r.row.creditCode, r]));
      const existing = new Map((await repo.existing([...byCode.keys()])).map((o) => [o.creditCode!, o.id]));
      const now = clock();
      const columnsOf = (r: ParsedRow<OrganisationImportRow>) => ({
        area_id: resolved.get(r.rowNumber)!.id,
        name: r.row.name,
        credit_code: r.row.creditCode,
        kind: r.row.kind,
        address: r.row.address,
        legal_rep_name: r.row.legalRepName,
        legal_rep_phone_enc: r.row.legalRepPhone ? cipher.encrypt(r.row.legalRepPhone) : null,
        legal_rep_phone_masked: r.row.legalRepPhone ? maskPhone(r.row.legalRepPhone) : null,
        key_unit: r.row.keyUnit,
        employees: r.row.employees,
        industry: r.row.industry,
        updated_at: now,
      });
      const inserts = [...byCode.values()].filter((r) => !existing.has(r.row.creditCode));
      const written: { id: number; areaId: number }[] = [];
      for (let i = 0; i < inserts.length; i += 500) written.push(...(await repo.insert(inserts.slice(i, i + 500).map(columnsOf))));
      let updated = 0;
      for (const r of byCode.values()) {
        const id = existing.get(r.row.creditCode);
        if (id === undefined) continue;
        await repo.update(id, columnsOf(r));
        written.push({ id, areaId: columnsOf(r).area_id });
        updated += 1;
      }
      // Each organisation's history says which import job wrote it (how it came to be, or its update).
      await unit.use(historyRepository).append(written.map((w) => ({ recordType: 'organisation' as const, recordId: w.id, areaId: w.areaId, action: 'import' as const, source: 'import' as const, actorId: job.actorId, at: now, changes: { importJob: [null, job.id] as [unknown, unknown] } })));
      return { created: inserts.length, updated };
    },
  };
}
