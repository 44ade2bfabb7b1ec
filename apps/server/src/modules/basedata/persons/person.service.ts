import type { CreatePerson, PersonDetail, PersonPage, PersonSearchQuery, TagInput, UpdatePerson } from '@redgrid/contracts';
import type { RequestContext } from '../../../platform/context.ts';
import { actorNames, personsWithSameIdentity } from '../../../platform/cross-scope.repository.ts';
import { AppError, forbidden, notFound, validationFailed } from '../../../platform/errors.ts';
import { commonAncestorId } from '../../../platform/import-report.ts';
import { read, write, type Unit, type WriteUnit } from '../../../platform/unit-of-work.ts';
import { diff, historyRepository } from '../shared/history.repository.ts';
import { addDays, beijingToday, namePinyin } from '../shared/names.ts';
import { loadPlaces, presentSummary, visibleGroups, type GroupRow } from '../shared/presenters.ts';
import { lookupIndexes, sealIdentity, sealPhone } from '../shared/protected-values.ts';
import { householdRepository } from '../households/household.repository.ts';
import { personRepository, type NewPersonRow, type PersonPatch } from './person.repository.ts';
import { addressTerms, classifyQuery, decodeCursor, encodeCursor } from './person-search-terms.ts';
import { tagRepository } from './tag.repository.ts';

/** Levels a person (or household, house) may sit in: the grid, or a building or unit in it. */
export const PLACE_LEVELS = new Set(['grid', 'building', 'unit']);

type PersonRow = NonNullable<Awaited<ReturnType<ReturnType<typeof personRepository>['find']>>>;

async function placeArea(unit: Unit, areaId: number) {
  const area = await unit.use(personRepository).area(areaId);
  if (!area) throw validationFailed({ areaId: ['所在区域不存在或不在您的管辖范围内'] });
  if (!PLACE_LEVELS.has(area.level)) throw validationFailed({ areaId: ['请选择网格、楼栋或单元'] });
  if (area.status !== 'active') throw validationFailed({ areaId: [`${area.name}已撤销`] });
  return area;
}

/** The person's protected and derived columns from the input; field errors collected, not thrown one by one. */
function sealedColumns(ctx: RequestContext, input: Partial<CreatePerson>, current: { idType: string; birthDate: string | null; sex: string | null } | null) {
  const fields: Record<string, string[]> = {};
  const cols: PersonPatch = {};
  const idType = input.idType ?? current?.idType ?? 'resident_id';
  if (input.idNumber !== undefined) {
    if (input.idNumber === null || input.idNumber === '') {
      Object.assign(cols, { id_enc: null, id_bidx: null, id_masked: null });
    } else {
      const sealed = sealIdentity(ctx.cipher, idType, input.idNumber, ctx.clock());
      if (!sealed.ok) fields.idNumber = [sealed.reason];
      else {
        Object.assign(cols, { id_enc: sealed.sealed.enc, id_bidx: sealed.sealed.bidx, id_masked: sealed.sealed.masked });
        if (sealed.parsed.birthDate) {
          if (input.birthDate && input.birthDate !== sealed.parsed.birthDate) fields.birthDate = [`出生日期与身份证号不符（证号为 ${sealed.parsed.birthDate}）`];
          cols.birth_date = sealed.parsed.birthDate;
        }
        if (sealed.parsed.sex) {
          if (input.sex && input.sex !== sealed.parsed.sex) fields.sex = ['性别与身份证号不符'];
          cols.sex = sealed.parsed.sex;
        }
      }
    }
  }
  if (input.phone !== undefined) {
    if (input.phone === null || input.phone === '') Object.assign(cols, { phone_enc: null, phone_bidx: null, phone_masked: null });
    else {
      const sealed = sealPhone(ctx.cipher, input.phone);
      if (!sealed.ok) fields.phone = [sealed.reason];
      else Object.assign(cols, { phone_enc: sealed.sealed.enc, phone_bidx: sealed.sealed.bidx, phone_masked: sealed.sealed.masked });
    }
  }
  const today = beijingToday(ctx.clock());
  if (input.birthDate && cols.birth_date === undefined) {
    if (input.birthDate > today) fields.birthDate = ['出生日期不能晚于今天'];
    else cols.birth_date = input.birthDate;
  }
  if (input.sex && cols.sex === undefined) cols.sex = input.sex;
  if (input.movedOutOn && input.movedOutOn > addDays(today, 0)) fields.movedOutOn = ['迁出日期不能晚于今天'];
  if (Object.keys(fields).length > 0) throw validationFailed(fields);
  return cols;
}

function plainColumns(input: Partial<CreatePerson>): PersonPatch {
  const cols: PersonPatch = {};
  const set = <K extends keyof PersonPatch>(key: K, value: PersonPatch[K] | undefined) => {
    if (value !== undefined) cols[key] = value;
  };
  if (input.name !== undefined) {
    const { full, initials } = namePinyin(input.name);
    Object.assign(cols, { name: input.name, name_pinyin: full, name_initials: initials });
  }
  set('former_name', input.formerName);
  set('id_type', input.idType);
  set('ethnicity', input.ethnicity);
  set('political_status', input.politicalStatus);
  set('education', input.education);
  set('occupation', input.occupation);
  set('work_unit', input.workUnit);
  set('marital_status', input.maritalStatus);
  set('population_type', input.populationType);
  set('residence_status', input.residenceStatus);
  set('relation_to_head', input.relationToHead);
  set('registration_region', input.registrationRegion);
  set('registration_address', input.registrationAddress);
  set('current_address', input.currentAddress);
  if (input.details !== undefined) cols.details = JSON.stringify(input.details);
  set('deceased', input.deceased);
  set('moved_out_on', input.movedOutOn);
  return cols;
}

/** A person as history and the audit trail keep them: protected fields masked only. */
function recordShape(p: PersonRow): Record<string, unknown> {
  return {
    name: p.name,
    idType: p.id_type,
    idNumber: p.id_masked,
    phone: p.phone_masked,
    birthDate: p.birth_date,
    sex: p.sex,
    populationType: p.population_type,
    residenceStatus: p.residence_status,
    relationToHead: p.relation_to_head,
    householdId: p.household_id,
    areaId: p.area_id,
    ethnicity: p.ethnicity,
    politicalStatus: p.political_status,
    education: p.education,
    occupation: p.occupation,
    workUnit: p.work_unit,
    maritalStatus: p.marital_status,
    registrationRegion: p.registration_region,
    registrationAddress: p.registration_address,
    currentAddress: p.current_address,
    details: p.details,
    deceased: p.deceased,
    movedOutOn: p.moved_out_on,
    provenance: p.provenance,
  };
}

/** Flags other records of the same person (same ID anywhere; same name + birth date + address in scope). */
async function flagDuplicates(unit: WriteUnit, p: PersonRow, candidates: readonly string[]) {
  const persons = unit.use(personRepository);
  const flags: { a: number; b: number; areaId: number; reason: 'same_id' | 'same_name_birth_address' }[] = [];
  if (p.id_bidx) {
    const others = await unit.use((db) => personsWithSameIdentity(db, candidates.length ? candidates : [p.id_bidx!], p.id));
    const mine = await persons.area(p.area_id);
    for (const o of others) {
      const owner = commonAncestorId([mine?.path ?? '', o.path].filter(Boolean)) ?? p.area_id;
      flags.push({ a: p.id, b: o.id, areaId: owner, reason: 'same_id' });
    }
  }
  if (p.birth_date && p.current_address) {
    for (const o of await persons.sameNameBirthAddress(p.name, p.birth_date, p.current_address, p.id)) flags.push({ a: p.id, b: o.id, areaId: p.area_id, reason: 'same_name_birth_address' });
  }
  await persons.flagDuplicates(flags);
  return flags.length;
}

export async function loadDetail(unit: Unit, ctx: RequestContext, id: number): Promise<PersonDetail> {
  const persons = unit.use(personRepository);
  const p = await persons.find(id);
  if (!p) throw notFound('人员');
  const groups = await visibleGroups(unit, unit.actor);
  const [summaryRow] = await persons.summaries([id]);
  const tags = await persons.tags([id], groups.map((g) => g.id));
  const dups = await persons.openDuplicates(id);
  const otherIds = dups.map((d) => (d.personId === id ? d.otherId : d.personId));
  const others = await persons.summaries(otherIds);
  const places = await loadPlaces(unit, [p.area_id]);
  const names = await unit.use((db) => actorNames(db, [p.verified_by, p.claimed_by].filter((x): x is number => x !== null)));
  const today = beijingToday(ctx.clock());
  const groupById = new Map(groups.map((g) => [g.id, g]));
  const summary = presentSummary(summaryRow!, today, places, tags, groups);
  const perms = unit.actor.permissions;
  return {
    ...summary,
    formerName: p.former_name,
    ethnicity: p.ethnicity,
    politicalStatus: p.political_status as PersonDetail['politicalStatus'],
    education: p.education,
    occupation: p.occupation,
    workUnit: p.work_unit,
    maritalStatus: p.marital_status as PersonDetail['maritalStatus'],
    registrationRegion: p.registration_region,
    registrationAddress: p.registration_address,
    currentAddress: p.current_address,
    details: (p.details ?? {}) as PersonDetail['details'],
    movedOutOn: p.moved_out_on,
    verifiedBy: p.verified_by ? (names.get(p.verified_by) ?? null) : null,
    verifiedAt: p.verified_at?.toISOString() ?? null,
    claimedBy: p.claimed_by ? (names.get(p.claimed_by) ?? null) : null,
    claimedAt: p.claimed_at?.toISOString() ?? null,
    mergedInto: p.merged_into,
    tagsDetail: tags.map((t) => {
      const g = groupById.get(t.groupId)!;
      return {
        id: t.id,
        groupCode: g.code,
        groupName: g.name,
        kind: g.kind,
        attention: t.attention,
        reason: t.reason,
        since: t.since,
        validUntil: t.validUntil,
        dangerLevel: t.dangerLevel,
        guardianName: t.guardianName,
        expiring: t.validUntil !== null && t.validUntil <= addDays(today, g.remindDays),
      };
    }),
    duplicates: dups
      .map((d) => {
        const otherId = d.personId === id ? d.otherId : d.personId;
        const other = others.find((o) => o.id === otherId);
        return other ? { id: d.id, personId: otherId, name: other.name, reason: d.reason } : null;
      })
      .filter((d) => d !== null),
    createdAt: p.created_at.toISOString(),
    updatedAt: p.updated_at.toISOString(),
    abilities: { update: perms.has('basedata.manage'), reveal: perms.has('basedata.reveal'), verify: perms.has('basedata.verify') },
  };
}

export async function searchPersons(ctx: RequestContext, query: PersonSearchQuery): Promise<PersonPage> {
  const classified = query.q ? classifyQuery(query.q, query.by) : null;
  const exact = classified?.kind === 'id_number' || classified?.kind === 'phone';
  const address = classified?.kind === 'address' ? addressTerms(classified.value) : null;
  // A name prefix pages in the order of the name index, (name, id); every other search by id.
  const order = classified?.kind === 'name' ? 'name' : 'id';
  const after = query.after ? decodeCursor(query.after) : undefined;
  if (after === null || (after && (order === 'name') !== (after.name !== undefined))) throw validationFailed({ after: ['翻页位置无效'] });
  const work = async (unit: Unit) => {
    const persons = unit.use(personRepository);
    const groups = await visibleGroups(unit, unit.actor);
    let areaPath: string | undefined;
    if (query.areaId !== undefined) {
      const area = await persons.area(query.areaId);
      if (!area) throw notFound('区域');
      areaPath = area.path;
    }
    let groupId: number | undefined;
    if (query.group) {
      const g = groups.find((x) => x.code === query.group);
      if (!g) throw forbidden('您不能查看这一类人员');
      groupId = g.id;
    }
    const filter = {
      ...(classified?.kind === 'id_number' ? { idBidx: lookupIndexes(ctx.cipher, classified.value.toUpperCase()) } : {}),
      ...(classified?.kind === 'phone' ? { phoneBidx: lookupIndexes(ctx.cipher, normalisePhoneForIndex(classified.value)) } : {}),
      ...(classified?.kind === 'name' ? { namePrefix: classified.value } : {}),
      ...(classified?.kind === 'pinyin' ? { pinyinPrefix: classified.value } : {}),
      ...(address ? { address } : {}),
      ...(areaPath ? { areaPath } : {}),
      ...(query.householdId !== undefined ? { householdId: query.householdId } : {}),
      ...(query.populationType ? { populationType: query.populationType } : {}),
      ...(query.residenceStatus ? { residenceStatus: query.residenceStatus } : {}),
      ...(groupId !== undefined ? { groupId } : {}),
      ...(query.expiring ? { expiring: { today: beijingToday(ctx.clock()), groupIds: groups.map((g) => g.id) } } : {}),
      ...(after ? { after } : {}),
      order,
      limit: query.limit + 1,
    } as const;
    // Nothing searchable left of an address (only blanks and commas): no one, rather than everyone.
    const rows = address && address.contains.length + address.numbers.length === 0 ? [] : await persons.search(filter);
    const page = rows.slice(0, query.limit);
    const tags = await persons.tags(page.map((r) => r.id), groups.map((g) => g.id));
    const places = await loadPlaces(unit, page.map((r) => r.areaId));
    const today = beijingToday(ctx.clock());
    return {
      items: page.map((r) => presentSummary(r, today, places, tags, groups)),
      next: rows.length > query.limit ? encodeCursor(order === 'name' ? { id: page[page.length - 1]!.id, name: page[page.length - 1]!.name } : { id: page[page.length - 1]!.id }) : null,
      matchedBy: classified ? (classified.kind === 'name' ? 'name' : classified.kind) : 'all',
    } satisfies PersonPage;
  };
  if (!exact) return read(ctx, 'basedata.read', work);
  // Looking a person up by an identity number or a phone is a sensitive read: it is on the audit trail
  // (which kind of lookup and how many found, never the value typed).
  return write(ctx, 'basedata.read', async (unit) => {
    const page = await work(unit);
    await unit.audit({ action: 'lookup', entity: 'person', entityId: null, areaId: query.areaId ?? null, after: { by: page.matchedBy, found: page.items.length } });
    return page;
  });
}

/** The form of a phone its blind index was made from (parsePhone's normalised value). */
function normalisePhoneForIndex(compact: string): string {
  const mobile = compact.replace(/^\+?86/, '');
  if (/^1[3-9]\d{9}$/.test(mobile)) return mobile;
  const m = /^(0(?:10|2\d|[3-9]\d{2}))(\d{7,8})$/.exec(compact);
  return m ? `${m[1]}-${m[2]}` : compact;
}

export function getPerson(ctx: RequestContext, id: number): Promise<PersonDetail> {
  return read(ctx, 'basedata.read', (unit) => loadDetail(unit, ctx, id));
}

export async function createPerson(ctx: RequestContext, input: CreatePerson): Promise<PersonDetail> {
  return write(ctx, 'basedata.manage', async (unit) => {
    const persons = unit.use(personRepository);
    let areaId: number;
    if (input.householdId !== undefined) {
      const household = await persons.household(input.householdId);
      if (!household) throw validationFailed({ householdId: ['户不存在或不在您的管辖范围内'] });
      areaId = household.areaId;
    } else {
      areaId = (await placeArea(unit, input.areaId!)).id;
    }
    const sealed = sealedColumns(ctx, input, null);
    const row = { ...plainColumns(input), ...sealed, area_id: areaId, household_id: input.householdId ?? null, provenance: 'entered' } as NewPersonRow;
    const id = await persons.insert(row);
    const created = (await persons.find(id))!;
    const now = ctx.clock();
    await unit.use(historyRepository).append([{ recordType: 'person', recordId: id, areaId, action: 'create', actorId: unit.actor.id, at: now, changes: diff({}, recordShape(created)) }]);
    if (input.relationToHead === 'head' && input.householdId !== undefined) await setHead(unit, input.householdId, id);
    const flagged = await flagDuplicates(unit, created, created.id_bidx ? lookupIndexesOf(ctx, input) : []);
    await unit.audit({ action: 'create', entity: 'person', entityId: id, areaId, after: { ...recordShape(created), duplicatesFlagged: flagged } });
    return loadDetail(unit, ctx, id);
  });
}

function lookupIndexesOf(ctx: RequestContext, input: Partial<CreatePerson>): string[] {
  if (!input.idNumber) return [];
  const sealed = sealIdentity(ctx.cipher, input.idType ?? 'resident_id', input.idNumber, ctx.clock());
  return sealed.ok ? lookupIndexes(ctx.cipher, sealed.parsed.value) : [];
}

async function setHead(unit: WriteUnit, householdId: number, personId: number) {
  await unit.use(householdRepository).setHead(householdId, personId);
}

export async function updatePerson(ctx: RequestContext, id: number, input: UpdatePerson): Promise<PersonDetail> {
  return write(ctx, 'basedata.manage', async (unit) => {
    const persons = unit.use(personRepository);
    const before = await persons.find(id, true);
    if (!before) throw notFound('人员');
    if (before.merged_into !== null) throw new AppError('conflict', '该记录已合并到另一条记录，请修改保留的记录');
    let areaId = before.area_id;
    let householdId = before.household_id;
    if (input.householdId !== undefined) {
      if (input.householdId === null) householdId = null;
      else {
        const household = await persons.household(input.householdId);
        if (!household) throw validationFailed({ householdId: ['户不存在或不在您的管辖范围内'] });
        householdId = household.id;
        areaId = household.areaId;
      }
    }
    if (input.areaId !== undefined) {
      // A person in a household lives where the household does; one without may be placed anywhere in scope.
      if (householdId !== null) throw validationFailed({ areaId: ['户内成员随户居住：请先移出该户或改选户'] });
      areaId = (await placeArea(unit, input.areaId)).id;
    }
    const sealed = sealedColumns(ctx, input as Partial<CreatePerson>, { idType: before.id_type, birthDate: before.birth_date, sex: before.sex });
    const patch: PersonPatch = { ...plainColumns(input as Partial<CreatePerson>), ...sealed, area_id: areaId, household_id: householdId, updated_at: ctx.clock() };
    await persons.update(id, patch);
    const after = (await persons.find(id))!;
    const changes = diff(recordShape(before), recordShape(after));
    const now = ctx.clock();
    const history = unit.use(historyRepository);
    if (areaId !== before.area_id) {
      await history.follow('person', id, areaId);
      await persons.followTags(id, areaId);
    }
    if (Object.keys(changes).length > 0) {
      await history.append([{ recordType: 'person', recordId: id, areaId, action: areaId !== before.area_id ? 'move' : 'update', actorId: unit.actor.id, at: now, changes }]);
      await unit.audit({ action: 'update', entity: 'person', entityId: id, areaId, before: Object.fromEntries(Object.entries(changes).map(([k, [b]]) => [k, b])), after: Object.fromEntries(Object.entries(changes).map(([k, [, a]]) => [k, a])) });
    }
    if (input.idNumber) await flagDuplicates(unit, after, lookupIndexesOf(ctx, { ...(input as Partial<CreatePerson>), idType: (input.idType ?? before.id_type) as CreatePerson['idType'] }));
    return loadDetail(unit, ctx, id);
  });
}

/** The full ID number or phone, for this view only: a reason is required and goes to the audit trail. */
export async function revealPerson(ctx: RequestContext, id: number, field: 'idNumber' | 'phone', reason: string) {
  return write(ctx, 'basedata.reveal', async (unit) => {
    const p = await unit.use(personRepository).find(id);
    if (!p) throw notFound('人员');
    const stored = field === 'idNumber' ? p.id_enc : p.phone_enc;
    const value = stored ? ctx.cipher.decrypt(stored) : null;
    await unit.audit({ action: 'reveal', entity: 'person', entityId: id, areaId: p.area_id, after: { field, reason, masked: field === 'idNumber' ? p.id_masked : p.phone_masked } });
    return { field, value };
  });
}

export async function verifyPerson(ctx: RequestContext, id: number): Promise<PersonDetail> {
  return write(ctx, 'basedata.verify', async (unit) => {
    const persons = unit.use(personRepository);
    const p = await persons.find(id, true);
    if (!p) throw notFound('人员');
    const now = ctx.clock();
    await persons.update(id, { provenance: 'verified', verified_by: unit.actor.id, verified_at: now });
    await unit.use(historyRepository).append([{ recordType: 'person', recordId: id, areaId: p.area_id, action: 'verify', actorId: unit.actor.id, at: now, changes: { provenance: [p.provenance, 'verified'] } }]);
    await unit.audit({ action: 'verify', entity: 'person', entityId: id, areaId: p.area_id, before: { provenance: p.provenance }, after: { provenance: 'verified' } });
    return loadDetail(unit, ctx, id);
  });
}

export async function personHistory(ctx: RequestContext, id: number) {
  return read(ctx, 'basedata.read', async (unit) => {
    const p = await unit.use(personRepository).find(id);
    if (!p) throw notFound('人员');
    // A merged record's history stays readable from the survivor.
    const merged = await unit.use(historyRepository).list('person', [id], 200);
    const names = await unit.use((db) => actorNames(db, merged.map((h) => h.actorId).filter((x): x is number => x !== null)));
    return {
      items: merged.map((h) => ({
        id: h.id,
        at: h.at.toISOString(),
        action: h.action,
        source: h.source,
        actorName: h.actorId ? (names.get(h.actorId) ?? null) : null,
        changes: (h.changes ?? {}) as Record<string, [unknown, unknown]>,
      })),
    };
  });
}

export async function listGroups(ctx: RequestContext, areaId: number | undefined) {
  return read(ctx, 'basedata.read', async (unit) => {
    const groups = await visibleGroups(unit, unit.actor);
    let areaPath: string | undefined;
    if (areaId !== undefined) {
      const area = await unit.use(personRepository).area(areaId);
      if (!area) throw notFound('区域');
      areaPath = area.path;
    }
    const counts = await unit.use(tagRepository).counts(groups.map((g) => g.id), areaPath);
    return groups.map((g: GroupRow) => ({ code: g.code, name: g.name, kind: g.kind, sensitive: g.sensitive, withDangerLevel: g.withDangerLevel, remindDays: g.remindDays, count: counts.get(g.id) ?? 0 }));
  });
}

export async function tagPerson(ctx: RequestContext, id: number, input: TagInput): Promise<PersonDetail> {
  return write(ctx, 'basedata.manage', async (unit) => {
    const persons = unit.use(personRepository);
    const p = await persons.find(id, true);
    if (!p) throw notFound('人员');
    const group = (await visibleGroups(unit, unit.actor)).find((g) => g.code === input.groupCode);
    if (!group) throw validationFailed({ groupCode: ['没有这一类别，或您不能管理这一类人员'] });
    if (input.dangerLevel && !group.withDangerLevel) throw validationFailed({ dangerLevel: ['这一类别不需要危险等级'] });
    if (group.withDangerLevel && !input.dangerLevel) throw validationFailed({ dangerLevel: ['请选择危险等级'] });
    let guardianEnc: string | null = null;
    let guardianMasked: string | null = null;
    if (input.guardianPhone) {
      const sealed = sealPhone(ctx.cipher, input.guardianPhone);
      if (!sealed.ok) throw validationFailed({ guardianPhone: [sealed.reason] });
      guardianEnc = sealed.sealed.enc;
      guardianMasked = sealed.sealed.masked;
    }
    const existing = await persons.tags([id], [group.id]);
    if (existing.length > 0) throw new AppError('conflict', `已在“${group.name}”中`);
    await persons.addTag({
      personId: id,
      areaId: p.area_id,
      groupId: group.id,
      attention: input.attention,
      reason: input.reason ?? null,
      since: input.since,
      validUntil: input.validUntil ?? null,
      dangerLevel: input.dangerLevel ?? null,
      guardianName: input.guardianName ?? null,
      guardianPhoneEnc: guardianEnc,
      guardianPhoneMasked: guardianMasked,
      createdBy: unit.actor.id,
    });
    const now = ctx.clock();
    await unit.use(historyRepository).append([{ recordType: 'person', recordId: id, areaId: p.area_id, action: 'tag', actorId: unit.actor.id, at: now, changes: { [group.code]: [null, { since: input.since, validUntil: input.validUntil ?? null, attention: input.attention }] } }]);
    await unit.audit({ action: 'tag', entity: 'person', entityId: id, areaId: p.area_id, after: { group: group.code, attention: input.attention } });
    return loadDetail(unit, ctx, id);
  });
}

export async function untagPerson(ctx: RequestContext, id: number, tagId: number): Promise<PersonDetail> {
  return write(ctx, 'basedata.manage', async (unit) => {
    const persons = unit.use(personRepository);
    const p = await persons.find(id, true);
    if (!p) throw notFound('人员');
    const groups = await visibleGroups(unit, unit.actor);
    const visible = await persons.tags([id], groups.map((g) => g.id));
    if (!visible.some((t) => t.id === tagId)) throw notFound('标签');
    const ended = await persons.endTag(id, tagId, ctx.clock());
    const group = groups.find((g) => g.id === ended?.groupId);
    await unit.use(historyRepository).append([{ recordType: 'person', recordId: id, areaId: p.area_id, action: 'untag', actorId: unit.actor.id, at: ctx.clock(), changes: { [group?.code ?? 'tag']: ['current', null] } }]);
    await unit.audit({ action: 'untag', entity: 'person', entityId: id, areaId: p.area_id, after: { group: group?.code ?? null } });
    return loadDetail(unit, ctx, id);
  });
}

/**
 * A reviewed merge (一人一档): the duplicate points at the survivor and is hidden from lists; both
 * histories stay, each with a 'merge' entry naming the other; empty fields of the survivor are
 * filled from the duplicate. Both records must lie in the reviewer's scope.
 */
export async function mergePersons(ctx: RequestContext, keepId: number, mergeId: number, note: string): Promise<PersonDetail> {
  return write(ctx, 'basedata.verify', async (unit) => {
    const persons = unit.use(personRepository);
    const keep = await persons.find(keepId, true);
    const gone = await persons.find(mergeId, true);
    if (!keep) throw notFound('保留的人员');
    if (!gone) throw notFound('被合并的人员');
    if (keep.merged_into !== null || gone.merged_into !== null) throw new AppError('conflict', '其中一条记录已被合并');
    const fill: PersonPatch = {};
    const fillable = ['id_enc', 'id_bidx', 'id_masked', 'phone_enc', 'phone_bidx', 'phone_masked', 'birth_date', 'sex', 'ethnicity', 'education', 'occupation', 'work_unit', 'registration_region', 'registration_address', 'current_address', 'household_id'] as const;
    for (const key of fillable) if (keep[key] === null && gone[key] !== null) (fill as Record<string, unknown>)[key] = gone[key];
    const now = ctx.clock();
    await persons.update(keepId, { ...fill, updated_at: now });
    await persons.update(mergeId, { merged_into: keepId, updated_at: now });
    await persons.repointMerged(mergeId, keepId);
    await persons.closeDuplicate(keepId, mergeId, 'merged', unit.actor.id, now, note);
    await unit.use(historyRepository).append([
      { recordType: 'person', recordId: keepId, areaId: keep.area_id, action: 'merge', source: 'merge', actorId: unit.actor.id, at: now, changes: { mergedFrom: [null, mergeId], ...Object.fromEntries(Object.keys(fill).filter((k) => !k.endsWith('_enc') && !k.endsWith('_bidx')).map((k) => [k, [null, (fill as Record<string, unknown>)[k]]])) } },
      { recordType: 'person', recordId: mergeId, areaId: gone.area_id, action: 'merged_into', source: 'merge', actorId: unit.actor.id, at: now, changes: { mergedInto: [null, keepId], note: [null, note] } },
    ]);
    await unit.audit({ action: 'merge', entity: 'person', entityId: keepId, areaId: keep.area_id, after: { kept: keepId, merged: mergeId, note } });
    return loadDetail(unit, ctx, keepId);
  });
}

