import { sql } from 'kysely';
import { type POPULATION_TYPES, type RESIDENCE_STATUSES } from '@redgrid/contracts';
import type { Scope } from '../../../platform/context.ts';
import type { FieldCipher } from '../../../platform/crypto.ts';
import { boundHeap } from '../../../platform/heap-bound.ts';
import { ownedInsert, scopedFrom, scopedUpdate, type Db } from '../../../platform/data-access.ts';
import { parseIdentityNumber } from '../../../platform/identity-number.ts';
import { parsePhone } from '../../../platform/phone-number.ts';
import type { Unit, WriteUnit } from '../../../platform/unit-of-work.ts';
import type { BatchCounts, ImportFieldSpec, ImportJobInfo, ImportKind, ParsedRow, ParseResult, RowIssue } from '../../exchange/index.ts';
import { personSealer, sealPersons, type PersonSealer, type PlainPerson, type SealedPerson } from './person-seal.ts';
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

/** The columns an imported person is written with, and their SQL types (the arrays of the INSERT). */
const PERSON_COLUMN_TYPES = {
  area_id: 'bigint',
  household_id: 'bigint',
  name: 'text',
  name_pinyin: 'text',
  name_initials: 'text',
  id_enc: 'text',
  id_bidx: 'text',
  id_masked: 'text',
  birth_date: 'date',
  sex: 'text',
  phone_enc: 'text',
  phone_bidx: 'text',
  phone_masked: 'text',
  population_type: 'text',
  residence_status: 'text',
  relation_to_head: 'text',
  registration_region: 'text',
  ethnicity: 'text',
  education: 'text',
  occupation: 'text',
  work_unit: 'text',
  current_address: 'text',
  registration_address: 'text',
  provenance: 'text',
} as const;
type PersonColumns = { [K in keyof typeof PERSON_COLUMN_TYPES]: K extends 'area_id' ? number : K extends 'household_id' ? number | null : string | null };

/** The plain values sealing needs of a row (person-seal.ts). */
const plainOf = (r: ParsedRow<PersonImportRow>): PlainPerson => ({ rowNumber: r.rowNumber, idValue: r.row.idValue, phone: r.row.phone, name: r.row.name });

function importRepository(db: Db, scope: Scope) {
  return {
    area(id: number) {
      return scopedFrom(db, scope, 'areas as a').select(['a.id', 'a.code', 'a.level', 'a.status']).where('a.id', '=', id).executeTakeFirst();
    },
    areasByCode(codes: readonly string[]) {
      if (codes.length === 0) return Promise.resolve([]);
      return scopedFrom(db, scope, 'areas as a').select(['a.id', 'a.code', 'a.level', 'a.status']).where('a.code', 'in', [...codes]).execute();
    },
    /** Persons by blind index (any of a row's candidates): one array parameter, whatever the batch size. */
    existing(bidx: readonly string[]) {
      if (bidx.length === 0) return Promise.resolve([]);
      return scopedFrom(db, scope, 'persons as p')
        .select(['p.id', 'p.id_bidx as bidx', 'p.area_id as areaId'])
        .where(sql<boolean>`p.id_bidx = ANY(${[...bidx]}::text[])`)
        .where('p.merged_into', 'is', null)
        .execute();
    },
    households(numbers: readonly string[]) {
      if (numbers.length === 0) return Promise.resolve([]);
      return scopedFrom(db, scope, 'households as h')
        .select(['h.id', 'h.household_no as householdNo', 'h.area_id as areaId', 'h.head_person_id as headId'])
        .where(sql<boolean>`h.household_no = ANY(${[...numbers]}::text[])`)
        .execute();
    },
    async insertHouseholds(rows: readonly { householdNo: string; areaId: number }[]) {
      if (rows.length === 0) return [];
      return ownedInsert(db, scope, 'households')
        .columns(['household_no', 'area_id'])
        .expression(sql`SELECT * FROM unnest(${rows.map((r) => r.householdNo)}::text[], ${rows.map((r) => r.areaId)}::bigint[])`)
        .returning(['id', 'household_no as householdNo'])
        .execute();
    },
    /**
     * One INSERT for the whole batch, each column one array parameter (`INSERT … SELECT FROM
     * unnest(…)`): 24 parameters for any number of rows. Multi-row VALUES took 25 parameters a row,
     * had to be sliced under PGlite's 32,767-parameter limit, and cost the server a parse and plan of
     * a statement of tens of thousands of parameters per slice.
     */
    async insertPersons(rows: readonly PersonColumns[]) {
      if (rows.length === 0) return [];
      const columns = Object.keys(PERSON_COLUMN_TYPES) as (keyof PersonColumns)[];
      const arrays = columns.map((c) => sql`${rows.map((r) => r[c])}::${sql.raw(PERSON_COLUMN_TYPES[c])}[]`);
      // The address text (migration 0029) set-wise: each area's and household's part once for the batch, not
      // once a row in the trigger, which the transaction-local setting tells to trust it (the setting is
      // cleared again after this statement, so every other write in the unit goes through the trigger).
      // MATERIALIZED: once per area and household whatever the plan (a subquery the planner pulls up into the join
      // calls its function for every joined row).
      await sql`SELECT set_config('redgrid.address_text_given', 'on', true)`.execute(db);
      const inserted = await ownedInsert(db, scope, 'persons')
        .columns([...columns, 'address_text'])
        .expression(
          sql`WITH a AS MATERIALIZED (SELECT x.id, area_address_text(x.id) AS t FROM (SELECT DISTINCT unnest(${rows.map((r) => r.area_id)}::bigint[]) AS id) AS x),
                   h AS MATERIALIZED (SELECT x.id, household_address_text(x.id) AS t FROM (SELECT DISTINCT unnest(${rows.map((r) => r.household_id)}::bigint[]) AS id) AS x WHERE x.id IS NOT NULL)
              SELECT v.*, address_text_of(a.t, h.t, v.current_address, v.registration_address)
                FROM unnest(${sql.join(arrays)}) AS v(${sql.join(columns.map((c) => sql.ref(c)))})
                LEFT JOIN a ON a.id = v.area_id
                LEFT JOIN h ON h.id = v.household_id`,
        )
        .returning(['id', 'id_bidx as bidx'])
        .execute();
      await sql`SELECT set_config('redgrid.address_text_given', '', true)`.execute(db);
      return inserted;
    },
    /** The history row of each imported person ("imported by job N"), one INSERT from two arrays. */
    async appendImportHistory(entries: readonly { personId: number; areaId: number }[], job: ImportJobInfo, at: Date) {
      if (entries.length === 0) return;
      const changes = JSON.stringify({ importJob: [null, job.id] });
      await ownedInsert(db, scope, 'record_history')
        .columns(['record_type', 'record_id', 'area_id', 'action', 'source', 'actor_id', 'at', 'changes'])
        .expression(
          sql`SELECT 'person', v.id, v.area_id, 'import', 'import', ${job.actorId}::bigint, ${at}::timestamptz, ${changes}::jsonb
              FROM unnest(${entries.map((e) => e.personId)}::bigint[], ${entries.map((e) => e.areaId)}::bigint[]) AS v(id, area_id)`,
        )
        .execute();
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

/**
 * The areas `check` resolved, by the unit (transaction) it ran in: in the apply the engine calls `check` and then
 * `applyBatch` in the same unit with the rows check let through, so the batch's areas are read once, not twice.
 */
const resolvedInUnit = new WeakMap<Unit, Map<number, number>>();

/** The area each row goes to: its own code, else the job's area; refused unless a grid, building or unit in scope. */
async function resolveAreas(unit: Unit, rows: readonly ParsedRow<PersonImportRow>[], job: ImportJobInfo) {
  const known = resolvedInUnit.get(unit);
  if (known && rows.every((r) => known.has(r.rowNumber))) return { resolved: known, problems: [] };
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
  resolvedInUnit.set(unit, resolved);
  return { resolved, problems };
}

/**
 * The kind. Each batch is sealed in a worker thread (`sealer`) while the database writes the batch
 * before it; the transaction then only looks up, inserts and updates.
 */
export function personImportKind(cipher: FieldCipher, clock: () => Date, sealer: PersonSealer = personSealer(cipher)): ImportKind<PersonImportRow, Map<number, SealedPerson>> {
  return {
    kind: 'persons',
    label: '实有人口',
    permission: 'basedata.import',
    fields: PERSON_IMPORT_FIELDS,
    templateRows: [
      { name: '张三', idNumber: '320412199001010011', phone: '17000000001', areaCode: '', householdNo: '320412000001', relation: '户主', populationType: '户籍人口', residenceStatus: '人户同在', ethnicity: '汉族', education: '本科', occupation: '职员', workUnit: '示例公司', currentAddress: '示例社区 1幢 101室', registrationAddress: '' },
      { name: '李四', idNumber: '34122119920315002X', phone: '', areaCode: '', householdNo: '', relation: '', populationType: '流动人口', residenceStatus: '人在户不在', ethnicity: '汉族', education: '高中', occupation: '快递员', workUnit: '', currentAddress: '示例社区 1幢 102室', registrationAddress: '安徽省阜阳市临泉县' },
    ],
    batchSize: 5000,
    tables: ['persons', 'households', 'record_history'],
    parse: (cells) => parsePersonRow(cells, clock()),
    async check(unit, rows, job) {
      // Once a batch, in the dry run and the apply: the rows before it are garbage now (heap-bound.ts).
      boundHeap();
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
    prepare: (rows) => sealer.seal(rows.map(plainOf)),
    async applyBatch(unit: WriteUnit, rows, job, prepared): Promise<BatchCounts> {
      const repo = unit.use(importRepository);
      const { resolved } = await resolveAreas(unit, rows, job);
      const good = rows.filter((r) => resolved.has(r.rowNumber));
      // Last row wins for an ID number repeated in the batch (check() reported it in the dry run).
      const byId = new Map<string, ParsedRow<PersonImportRow>>();
      for (const r of good) byId.set(r.row.idValue, r);
      const list = [...byId.values()];
      // Sealed before the transaction (the engine's prepare), or here for rows it did not see.
      const sealed = new Map(prepared ?? []);
      const unsealed = list.filter((r) => !sealed.has(r.rowNumber));
      if (unsealed.length > 0) for (const [n, v] of await sealPersons(cipher, unsealed.map(plainOf))) sealed.set(n, v);
      const sealOf = (r: ParsedRow<PersonImportRow>) => sealed.get(r.rowNumber)!;

      // The natural key, checked inside this transaction: whoever wrote meanwhile, a person is updated, not duplicated.
      const existing = await repo.existing([...new Set(list.flatMap((r) => sealOf(r).idCandidates))]);
      const existingByIdx = new Map(existing.map((e) => [e.bidx, e]));
      const found = new Map<ParsedRow<PersonImportRow>, (typeof existing)[number]>();
      for (const r of list) {
        const e = sealOf(r).idCandidates.map((c) => existingByIdx.get(c)).find((x) => x !== undefined);
        if (e) found.set(r, e);
      }
      // Households by number: found in scope, or created in the row's area (the first row naming it).
      const firstArea = new Map<string, number>();
      for (const r of list) if (r.row.householdNo !== null && !firstArea.has(r.row.householdNo)) firstArea.set(r.row.householdNo, resolved.get(r.rowNumber)!);
      const numbers = [...firstArea.keys()];
      const households = new Map((await repo.households(numbers)).map((h) => [h.householdNo!, { id: h.id, areaId: h.areaId }]));
      const missing = numbers.filter((n) => !households.has(n));
      for (const h of await repo.insertHouseholds(missing.map((n) => ({ householdNo: n, areaId: firstArea.get(n)! })))) households.set(h.householdNo!, { id: h.id, areaId: firstArea.get(h.householdNo!)! });

      const now = clock();
      const columnsOf = (r: ParsedRow<PersonImportRow>): PersonColumns => {
        const household = r.row.householdNo ? households.get(r.row.householdNo) : undefined;
        const s = sealOf(r);
        return {
          area_id: household?.areaId ?? resolved.get(r.rowNumber)!,
          household_id: household?.id ?? null,
          name: r.row.name,
          name_pinyin: s.pinyin,
          name_initials: s.initials,
          id_enc: s.idEnc,
          id_bidx: s.idCandidates[0]!,
          id_masked: s.idMasked,
          birth_date: r.row.birthDate,
          sex: r.row.sex,
          phone_enc: s.phoneEnc,
          phone_bidx: s.phoneBidx,
          phone_masked: s.phoneMasked,
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
          provenance: 'entered',
        };
      };
      const inserts = list.filter((r) => !found.has(r));
      const updates = list.filter((r) => found.has(r));
      const insertColumns = inserts.map(columnsOf);
      const inserted = await repo.insertPersons(insertColumns);
      // RETURNING of an INSERT … SELECT promises no order: rows are matched by their blind index.
      const idOfBidx = new Map(inserted.map((p) => [p.bidx!, p.id]));
      const idOfRow = new Map<ParsedRow<PersonImportRow>, number>();
      for (const r of inserts) idOfRow.set(r, idOfBidx.get(sealOf(r).idCandidates[0]!)!);
      for (const r of updates) idOfRow.set(r, found.get(r)!.id);
      if (updates.length > 0) {
        // An update keeps the record's provenance (a verified person stays verified).
        const columns = Object.keys(PERSON_COLUMN_TYPES).filter((c) => c !== 'provenance');
        await repo.updatePersons(
          updates.map((r) => {
            const cols = columnsOf(r);
            return { id: idOfRow.get(r)!, cols: { ...cols, household_id: cols.household_id === null ? null : String(cols.household_id), area_id: String(cols.area_id) } };
          }),
          columns,
          now,
        );
      }
      // Heads of the households this batch touched.
      await repo.setHeads(list.filter((r) => r.row.relation === 'head' && r.row.householdNo).map((r) => ({ householdId: households.get(r.row.householdNo!)!.id, personId: idOfRow.get(r)! })));
      await repo.appendImportHistory(
        [...inserts.map((r, i) => ({ personId: idOfRow.get(r)!, areaId: insertColumns[i]!.area_id })), ...updates.map((r) => ({ personId: idOfRow.get(r)!, areaId: columnsOf(r).area_id }))],
        job,
        now,
      );
      return { created: inserted.length, updated: updates.length };
    },
  };
}
