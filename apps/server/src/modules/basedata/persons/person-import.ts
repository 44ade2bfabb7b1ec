import { sql } from 'kysely';
import { type POPULATION_TYPES, type RESIDENCE_STATUSES } from '@redgrid/contracts';
import type { Scope } from '../../../platform/context.ts';
import type { FieldCipher } from '../../../platform/crypto.ts';
import { ownedInsert, scopedFrom, scopedUpdate, type Db } from '../../../platform/data-access.ts';
import { parseIdentityNumber } from '../../../platform/identity-number.ts';
import { maskIdentityNumber, maskPhone } from '../../../platform/masking.ts';
import { parsePhone } from '../../../platform/phone-number.ts';
import type { Unit, WriteUnit } from '../../../platform/unit-of-work.ts';
import type { BatchCounts, ImportFieldSpec, ImportJobInfo, ImportKind, ParsedRow, ParseResult, RowIssue } from '../../exchange/index.ts';
import { historyRepository } from '../shared/history.repository.ts';
import { namePinyin } from '../shared/names.ts';
import { PLACE_LEVELS } from './person.service.ts';

/**
 * 实有人口 import: one row a person, matched by identity number (the natural key) within the
 * importer's scope — a second import of the same file updates, never duplicates. The row names its
 * grid, building or unit by code; left empty, the job's own area must be one — or a community, where
 * the row waits in the community's 待认领 list until a grid worker claims it into their grid. The plain identity
 * number and phone live only between parse and the batch's write, where they are sealed.
 */

const POPULATION_LABELS: Record<string, (typeof POPULATION_TYPES)[number]> = {
  户籍: 'registered', 户籍人口: 'registered', 常住: 'registered', 常住人口: 'registered',
  流动: 'floating', 流动人口: 'floating',
  未落户: 'unsettled', 未落户人员: 'unsettled', 未落常住户口: 'unsettled',
  境外: 'overseas', 境外人员: 'overseas',
  寄住: 'lodging', 寄住人员: 'lodging',
  其他: 'other',
};
const RESIDENCE_LABELS: Record<string, (typeof RESIDENCE_STATUSES)[number]> = {
  人户同在: 'together', 户在人不在: 'registered_absent', 人在户不在: 'present_unregistered',
};
const RELATION_LABELS: Record<string, string> = {
  户主: 'head', 本人: 'head', 配偶: 'spouse', 妻: 'spouse', 夫: 'spouse', 子: 'child', 女: 'child', 儿子: 'child', 女儿: 'child', 子女: 'child',
  父亲: 'parent', 母亲: 'parent', 父母: 'parent', 孙子: 'grandchild', 孙女: 'grandchild', 祖父母: 'grandparent', 兄弟姐妹: 'sibling', 儿媳: 'child_in_law', 女婿: 'child_in_law', 其他: 'other',
};

export const PERSON_IMPORT_FIELDS: readonly ImportFieldSpec[] = [
  { key: 'name', label: '姓名', required: true, hint: '1–50 字' },
  { key: 'idNumber', label: '公民身份号码', aliases: ['身份证号', '身份证号码', '证件号码', '身份证'], required: true, hint: '18 位，末位可为 X；15 位老号码自动升位' },
  { key: 'phone', label: '联系电话', aliases: ['手机号', '手机', '电话', '手机号码'], hint: '手机 11 位，或区号-座机号' },
  { key: 'areaCode', label: '所在网格编码', aliases: ['网格编码', '网格代码', '楼栋编码', '所在区域编码'], hint: '网格、楼栋或单元的编码；不填则为导入时选的网格' },
  { key: 'householdNo', label: '户号', hint: '同一户号的人归入同一户' },
  { key: 'relation', label: '与户主关系', aliases: ['关系'], hint: '户主、配偶、子、女、父亲、母亲 …' },
  { key: 'populationType', label: '人口类型', aliases: ['人员类型'], hint: '户籍人口、流动人口、未落户人员、境外人员、寄住人员' },
  { key: 'residenceStatus', label: '人户状态', hint: '人户同在、户在人不在、人在户不在' },
  { key: 'ethnicity', label: '民族' },
  { key: 'education', label: '文化程度', aliases: ['学历'] },
  { key: 'occupation', label: '职业' },
  { key: 'workUnit', label: '工作单位', aliases: ['服务处所'] },
  { key: 'currentAddress', label: '现住址', aliases: ['居住地址', '现居住地址'] },
  { key: 'registrationAddress', label: '户籍地址', aliases: ['户籍地详址', '户籍所在地'] },
];

export interface PersonImportRow {
  name: string;
  idValue: string;
  birthDate: string;
  sex: 'male' | 'female';
  regionCode: string;
  phone: string | null;
  areaCode: string | null;
  householdNo: string | null;
  relation: string | null;
  populationType: (typeof POPULATION_TYPES)[number];
  residenceStatus: (typeof RESIDENCE_STATUSES)[number];
  ethnicity: string | null;
  education: string | null;
  occupation: string | null;
  workUnit: string | null;
  currentAddress: string | null;
  registrationAddress: string | null;
}

const LIMITS: Partial<Record<keyof PersonImportRow, number>> = { ethnicity: 20, education: 20, occupation: 50, workUnit: 100, currentAddress: 200, registrationAddress: 200, householdNo: 30 };

export function parsePersonRow(cells: Readonly<Record<string, string>>, today: Date): ParseResult<PersonImportRow> {
  const issues: RowIssue[] = [];
  const text = (key: keyof PersonImportRow) => {
    const v = (cells[key] ?? '').trim();
    const max = LIMITS[key];
    if (max && v.length > max) issues.push({ field: key, reason: `最多 ${max} 个字` });
    return v === '' ? null : v;
  };
  const name = (cells.name ?? '').trim();
  if (name.length === 0) issues.push({ field: 'name', reason: '姓名不能为空' });
  else if (name.length > 50) issues.push({ field: 'name', reason: '姓名最多 50 个字' });
  const id = parseIdentityNumber(cells.idNumber ?? '', today);
  if (!id.ok) issues.push({ field: 'idNumber', reason: id.reason });
  let phone: string | null = null;
  if ((cells.phone ?? '').trim() !== '') {
    const p = parsePhone(cells.phone!);
    if (!p.ok) issues.push({ field: 'phone', reason: p.reason });
    else phone = p.value;
  }
  const populationText = (cells.populationType ?? '').trim();
  const populationType = populationText === '' ? 'registered' : POPULATION_LABELS[populationText];
  if (!populationType) issues.push({ field: 'populationType', reason: `人口类型“${populationText}”不认识：应为户籍人口、流动人口、未落户人员、境外人员或寄住人员` });
  const residenceText = (cells.residenceStatus ?? '').trim();
  const residenceStatus = residenceText === '' ? (populationType === 'floating' ? 'present_unregistered' : 'together') : RESIDENCE_LABELS[residenceText];
  if (!residenceStatus) issues.push({ field: 'residenceStatus', reason: `人户状态“${residenceText}”不认识：应为人户同在、户在人不在或人在户不在` });
  const relationText = (cells.relation ?? '').trim();
  const relation = relationText === '' ? null : (RELATION_LABELS[relationText] ?? 'other');
  const areaCode = text('areaCode');
  if (areaCode && !/^[0-9A-Za-z]{1,32}$/.test(areaCode)) issues.push({ field: 'areaCode', reason: '编码只含字母和数字' });
  const row = {
    phone,
    areaCode,
    householdNo: text('householdNo'),
    relation,
    ethnicity: text('ethnicity'),
    education: text('education'),
    occupation: text('occupation'),
    workUnit: text('workUnit'),
    currentAddress: text('currentAddress'),
    registrationAddress: text('registrationAddress'),
  };
  if (issues.length > 0 || !id.ok) return { ok: false, issues };
  return { ok: true, row: { ...row, name, idValue: id.value, birthDate: id.birthDate, sex: id.sex, regionCode: id.regionCode, populationType: populationType!, residenceStatus: residenceStatus! } };
}

function importRepository(db: Db, scope: Scope) {
  return {
    area(id: number) {
      return scopedFrom(db, scope, 'areas as a').select(['a.id', 'a.code', 'a.level', 'a.status']).where('a.id', '=', id).executeTakeFirst();
    },
    areasByCode(codes: readonly string[]) {
      if (codes.length === 0) return Promise.resolve([]);
      return scopedFrom(db, scope, 'areas as a').select(['a.id', 'a.code', 'a.level', 'a.status']).where('a.code', 'in', [...codes]).execute();
    },
    existing(bidx: readonly string[]) {
      if (bidx.length === 0) return Promise.resolve([]);
      return scopedFrom(db, scope, 'persons as p').select(['p.id', 'p.id_bidx as bidx', 'p.area_id as areaId']).where('p.id_bidx', 'in', [...bidx]).where('p.merged_into', 'is', null).execute();
    },
    households(numbers: readonly string[]) {
      if (numbers.length === 0) return Promise.resolve([]);
      return scopedFrom(db, scope, 'households as h').select(['h.id', 'h.household_no as householdNo', 'h.area_id as areaId', 'h.head_person_id as headId']).where('h.household_no', 'in', [...numbers]).execute();
    },
    async insertHouseholds(rows: readonly { householdNo: string; areaId: number }[]) {
      if (rows.length === 0) return [];
      return ownedInsert(db, scope, 'households')
        .values(rows.map((r) => ({ household_no: r.householdNo, area_id: r.areaId })))
        .returning(['id', 'household_no as householdNo'])
        .execute();
    },
    /**
     * In slices of 1,000 rows (25,000 parameters): PGlite answers a statement of 32,768 parameters or
     * more with no rows and no error (nothing inserted), and a batch of 2,000 persons has 50,000.
     */
    async insertPersons(rows: readonly Record<string, unknown>[]) {
      const out: { id: number; bidx: string | null }[] = [];
      for (let i = 0; i < rows.length; i += 1000) {
        out.push(...(await ownedInsert(db, scope, 'persons')
          .values(rows.slice(i, i + 1000) as never)
          .returning(['id', 'id_bidx as bidx'])
          .execute()));
      }
      return out;
    },
    /** One UPDATE for the whole batch, from arrays of the new values. */
    async updatePersons(rows: readonly { id: number; cols: Record<string, unknown> }[], columns: readonly string[], at: Date) {
      if (rows.length === 0) return;
      const arrays = columns.map((c) => sql`unnest(${rows.map((r) => r.cols[c] ?? null)}::text[]) AS ${sql.ref(c)}`);
      const set: Record<string, unknown> = { updated_at: at };
      for (const c of columns) set[c] = c === 'household_id' || c === 'area_id' ? sql`v.${sql.ref(c)}::bigint` : c === 'birth_date' ? sql`v.${sql.ref(c)}::date` : sql`v.${sql.ref(c)}`;
      await scopedUpdate(db, scope, 'persons')
        .set(set as never)
        .from(sql`(SELECT unnest(${rows.map((r) => r.id)}::bigint[]) AS id, ${sql.join(arrays)})`.as('v'))
        .whereRef('persons.id', '=', sql.ref('v.id'))
        .execute();
    },
    async setHeads(pairs: readonly { householdId: number; personId: number }[]) {
      if (pairs.length === 0) return;
      await scopedUpdate(db, scope, 'households')
        .set({ head_person_id: sql`v.person_id` })
        .from(sql`(SELECT unnest(${pairs.map((p) => p.householdId)}::bigint[]) AS household_id, unnest(${pairs.map((p) => p.personId)}::bigint[]) AS person_id)`.as('v'))
        .whereRef('households.id', '=', sql.ref('v.household_id'))
        .execute();
    },
  };
}

/** The area each row goes to: its own code, else the job's area; refused unless a grid, building or unit in scope. */
async function resolveAreas(unit: Unit, rows: readonly ParsedRow<PersonImportRow>[], job: ImportJobInfo) {
  const repo = unit.use(importRepository);
  const codes = [...new Set(rows.map((r) => r.row.areaCode).filter((c): c is string => c !== null))];
  const found = new Map((await repo.areasByCode(codes)).map((a) => [a.code, a]));
  const jobArea = await repo.area(job.areaId);
  const resolved = new Map<number, number>();
  const problems: { rowNumber: number; issues: RowIssue[] }[] = [];
  for (const r of rows) {
    const area = r.row.areaCode ? found.get(r.row.areaCode) : jobArea;
    if (!area) problems.push({ rowNumber: r.rowNumber, issues: [{ field: 'areaCode', reason: r.row.areaCode ? `编码 ${r.row.areaCode} 不存在或不在您的管辖范围内` : '导入到的区域不在您的管辖范围内' }] });
    // A row placed only at its community waits there for a grid worker to claim it (认领).
    else if (!(PLACE_LEVELS.has(area.level) || area.level === 'community') || area.status !== 'active') problems.push({ rowNumber: r.rowNumber, issues: [{ field: 'areaCode', reason: r.row.areaCode ? `编码 ${r.row.areaCode} 不是在用的社区、网格、楼栋或单元` : '请在文件中填写所在网格编码，或导入到一个社区（待网格员认领）或网格' }] });
    else resolved.set(r.rowNumber, area.id);
  }
  return { resolved, problems };
}

export function personImportKind(cipher: FieldCipher, clock: () => Date): ImportKind<PersonImportRow> {
  return {
    kind: 'persons',
    label: '实有人口',
    permission: 'basedata.import',
    fields: PERSON_IMPORT_FIELDS,
    templateRows: [
      { name: '张三', idNumber: '320412199001010011', phone: '17000000001', areaCode: '', householdNo: '320412000001', relation: '户主', populationType: '户籍人口', residenceStatus: '人户同在', ethnicity: '汉族', education: '本科', occupation: '职员', workUnit: '示例公司', currentAddress: '示例社区 1幢 101室', registrationAddress: '' },
      { name: '李四', idNumber: '34122119920315002X', phone: '', areaCode: '', householdNo: '', relation: '', populationType: '流动人口', residenceStatus: '人在户不在', ethnicity: '汉族', education: '高中', occupation: '快递员', workUnit: '', currentAddress: '示例社区 1幢 102室', registrationAddress: '安徽省阜阳市临泉县' },
    ],
    batchSize: 2000,
    tables: ['persons', 'households', 'record_history'],
    parse: (cells) => parsePersonRow(cells, clock()),
    async check(unit, rows, job) {
      const { problems } = await resolveAreas(unit, rows, job);
      // The same person twice in one batch: the later row is reported (the file has a duplicate).
      const seen = new Map<string, number>();
      for (const r of rows) {
        const first = seen.get(r.row.idValue);
        if (first !== undefined) problems.push({ rowNumber: r.rowNumber, issues: [{ field: 'idNumber', reason: `与第 ${first} 行的身份证号重复` }] });
        else seen.set(r.row.idValue, r.rowNumber);
      }
      return problems;
    },
    async applyBatch(unit: WriteUnit, rows, job): Promise<BatchCounts> {
      const repo = unit.use(importRepository);
      const { resolved } = await resolveAreas(unit, rows, job);
      const good = rows.filter((r) => resolved.has(r.rowNumber));
      // Last row wins for an ID number repeated in the batch (check() reported it in the dry run).
      const byId = new Map<string, ParsedRow<PersonImportRow>>();
      for (const r of good) byId.set(r.row.idValue, r);
      const list = [...byId.values()];
      const bidxOf = new Map(list.map((r) => [r.row.idValue, cipher.blindIndex(r.row.idValue)]));
      const candidates = list.flatMap((r) => cipher.blindIndexCandidates(r.row.idValue));
      const existing = await repo.existing(candidates);
      const existingByIdx = new Map(existing.map((e) => [e.bidx, e]));
      const findExisting = (idValue: string) => {
        for (const c of cipher.blindIndexCandidates(idValue)) {
          const e = existingByIdx.get(c);
          if (e) return e;
        }
        return undefined;
      };
      // Households by number: found in scope, or created in the row's area.
      const numbers = [...new Set(list.map((r) => r.row.householdNo).filter((n): n is string => n !== null))];
      const households = new Map((await repo.households(numbers)).map((h) => [h.householdNo!, h]));
      const missing = numbers.filter((n) => !households.has(n));
      const created = await repo.insertHouseholds(missing.map((n) => ({ householdNo: n, areaId: resolved.get(list.find((r) => r.row.householdNo === n)!.rowNumber)! })));
      for (const h of created) households.set(h.householdNo!, { id: h.id, householdNo: h.householdNo, areaId: resolved.get(list.find((r) => r.row.householdNo === h.householdNo)!.rowNumber)!, headId: null });

      const now = clock();
      // Each row sealed once: the insert or update and the history row read the same columns.
      const built = new Map<ParsedRow<PersonImportRow>, ReturnType<typeof build>>();
      const columnsOf = (r: ParsedRow<PersonImportRow>) => {
        let cols = built.get(r);
        if (!cols) {
          cols = build(r);
          built.set(r, cols);
        }
        return cols;
      };
      const build = (r: ParsedRow<PersonImportRow>) => {
        const household = r.row.householdNo ? households.get(r.row.householdNo) : undefined;
        const { full, initials } = namePinyin(r.row.name);
        return {
          area_id: household?.areaId ?? resolved.get(r.rowNumber)!,
          household_id: household?.id ?? null,
          name: r.row.name,
          name_pinyin: full,
          name_initials: initials,
          id_enc: cipher.encrypt(r.row.idValue),
          id_bidx: bidxOf.get(r.row.idValue)!,
          id_masked: maskIdentityNumber(r.row.idValue),
          birth_date: r.row.birthDate,
          sex: r.row.sex,
          phone_enc: r.row.phone ? cipher.encrypt(r.row.phone) : null,
          phone_bidx: r.row.phone ? cipher.blindIndex(r.row.phone) : null,
          phone_masked: r.row.phone ? maskPhone(r.row.phone) : null,
          population_type: r.row.populationType,
          residence_status: r.row.residenceStatus,
          relation_to_head: r.row.relation,
          registration_region: r.row.regionCode,
          ethnicity: r.row.ethnicity,
          education: r.row.education,
          occupation: r.row.occupation,
          work_unit: r.row.workUnit,
          current_address: r.row.currentAddress,
          registration_address: r.row.registrationAddress,
        };
      };
      const inserts = list.filter((r) => !findExisting(r.row.idValue));
      const updates = list.filter((r) => findExisting(r.row.idValue));
      const inserted = await repo.insertPersons(inserts.map((r) => ({ ...columnsOf(r), provenance: 'entered' })));
      const columns = Object.keys(columnsOf(list[0] ?? good[0]!)).filter((c) => c !== 'name_pinyin' && c !== 'name_initials');
      if (updates.length > 0) {
        await repo.updatePersons(
          updates.map((r) => {
            const cols = columnsOf(r);
            return { id: findExisting(r.row.idValue)!.id, cols: { ...cols, household_id: cols.household_id === null ? null : String(cols.household_id), area_id: String(cols.area_id) } };
          }),
          [...columns, 'name_pinyin', 'name_initials'],
          now,
        );
      }
      // Heads of the households this batch touched.
      const idOfRow = new Map<string, number>();
      inserted.forEach((p, i) => idOfRow.set(inserts[i]!.row.idValue, p.id));
      for (const r of updates) idOfRow.set(r.row.idValue, findExisting(r.row.idValue)!.id);
      await repo.setHeads(list.filter((r) => r.row.relation === 'head' && r.row.householdNo).map((r) => ({ householdId: households.get(r.row.householdNo!)!.id, personId: idOfRow.get(r.row.idValue)! })));
      await unit.use(historyRepository).append([
        ...inserted.map((p, i) => ({ recordType: 'person' as const, recordId: p.id, areaId: columnsOf(inserts[i]!).area_id, action: 'import' as const, source: 'import' as const, actorId: job.actorId, at: now, changes: { importJob: [null, job.id] as [unknown, unknown] } })),
        ...updates.map((r) => ({ recordType: 'person' as const, recordId: findExisting(r.row.idValue)!.id, areaId: columnsOf(r).area_id, action: 'import' as const, source: 'import' as const, actorId: job.actorId, at: now, changes: { importJob: [null, job.id] as [unknown, unknown] } })),
      ]);
      return { created: inserted.length, updated: updates.length };
    },
  };
}
