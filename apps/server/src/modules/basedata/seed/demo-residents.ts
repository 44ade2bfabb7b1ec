import { sql } from 'kysely';
import type { Scope } from '../../../platform/context.ts';
import type { FieldCipher } from '../../../platform/crypto.ts';
import { ownedInsert, scopedFrom, scopedUpdate, type Db } from '../../../platform/data-access.ts';
import { syntheticIdentityNumber } from '../../../platform/identity-number.ts';
import { maskIdentityNumber, maskPhone } from '../../../platform/masking.ts';
import type { SystemUnit } from '../../../platform/unit-of-work.ts';
import { seededRandom } from '../../geo/index.ts';
import { houseAddressKey } from '../buildings/building.service.ts';
import { addDays, namePinyin } from '../shared/names.ts';
import { EDUCATION, GIVEN_FEMALE, GIVEN_MALE, OCCUPATIONS, SOURCE_REGIONS, SURNAMES } from './synthetic-people.ts';
import { seedDemoOrganisations } from './demo-organisations.ts';
import { seedCreateHistory } from './seed-history.ts';

/**
 * Synthetic residents for the demo: every household of the chosen communities with its members —
 * registered families, floating tenants in rented flats, elders living alone — with ID numbers that
 * pass the GB 11643 check digit (only a shape: every other field is invented, and demo data is never
 * mixed with real records), virtual-operator phones (170/171), care groups and a few key
 * persons, and this month's visits. Deterministic per seed: the same people every time.
 */

const LOCAL_REGION = { code: '320412', place: '江苏省常州市武进区' };

export interface ResidentSeedOptions {
  /** Division codes of the communities to fill. */
  communityCodes: readonly string[];
  cipher: FieldCipher;
  /** 'YYYY-MM-DD': ages and visit dates are relative to it. */
  today: string;
  seed: number;
  /** The account that made this month's visits (the grid worker), if any. */
  visitorId: number | null;
}

export interface ResidentSeedCounts {
  houses: number;
  households: number;
  persons: number;
  rentals: number;
  tags: number;
  visits: number;
}

interface PlannedPerson {
  name: string;
  sex: 'male' | 'female';
  birthDate: string;
  relation: string;
  populationType: 'registered' | 'floating';
  residenceStatus: 'together' | 'registered_absent' | 'present_unregistered';
  region: { code: string; place: string };
  occupation: string | null;
  education: string | null;
  phone: string | null;
  groups: { code: string; reason: string; dangerLevel?: 'high' | 'medium' | 'low'; validUntil?: string }[];
}

function seedRepository(db: Db, scope: Scope) {
  return {
    buildings(communityCodes: readonly string[]) {
      return scopedFrom(db, scope, 'areas as b')
        .innerJoin('areas as g', 'g.id', 'b.parent_id')
        .innerJoin('areas as c', 'c.id', 'g.parent_id')
        .select(['b.id', 'b.code', 'b.name', 'b.households', 'c.name as community', 'g.id as gridId'])
        .where('b.level', '=', 'building')
        .where('b.status', '=', 'active')
        .where('c.code', 'in', [...communityCodes])
        .orderBy('b.code')
        .execute();
    },
    groupIds() {
      return db.selectFrom('person_groups').select(['id', 'code']).execute();
    },
    community(code: string) {
      return scopedFrom(db, scope, 'areas as c').select(['c.id', 'c.name']).where('c.code', '=', code).where('c.level', '=', 'community').executeTakeFirst();
    },
    async insertMany<T extends 'houses' | 'households' | 'persons' | 'rentals' | 'person_tags' | 'household_visits' | 'building_profiles' | 'record_history'>(table: T, rows: readonly Record<string, unknown>[], returning: boolean): Promise<number[]> {
      const ids: number[] = [];
      for (let i = 0; i < rows.length; i += 500) {
        const chunk = rows.slice(i, i + 500);
        const q = ownedInsert(db, scope, table).values(chunk as never);
        if (returning) ids.push(...(await q.returning(sql<number>`id`.as('id')).execute()).map((r) => (r as { id: number }).id));
        else await q.execute();
      }
      return ids;
    },
    async setHeads(pairs: readonly { householdId: number; personId: number }[]) {
      for (let i = 0; i < pairs.length; i += 1000) {
        const chunk = pairs.slice(i, i + 1000);
        await scopedUpdate(db, scope, 'households')
          .set({ head_person_id: sql`v.person_id` })
          .from(sql`(SELECT unnest(${chunk.map((p) => p.householdId)}::bigint[]) AS household_id, unnest(${chunk.map((p) => p.personId)}::bigint[]) AS person_id)`.as('v'))
          .whereRef('households.id', '=', sql.ref('v.household_id'))
          .execute();
      }
    },
  };
}

/** Six persons (one household of two among them) at the community itself, waiting to be claimed. */
async function seedWaiting(unit: SystemUnit, options: ResidentSeedOptions, rand: () => number, sequenceFrom: number): Promise<{ persons: number[]; households: number[] }> {
  const repo = unit.use(seedRepository);
  const code = options.communityCodes[0];
  const community = code ? await repo.community(code) : undefined;
  if (!community) return { persons: [], households: [] };
  const [household] = await repo.insertMany('households', [{ area_id: community.id, household_no: '320412099000001', kind: 'family', registration_address: null, provenance: 'entered' }], true);
  const short = shortCommunity(community.name);
  let sequence = sequenceFrom;
  const rows = Array.from({ length: 6 }, (_, i) => {
    const sex: 'male' | 'female' = i % 2 === 0 ? 'male' : 'female';
    const birthDate = `${1960 + Math.floor(rand() * 45)}-0${1 + Math.floor(rand() * 9)}-1${Math.floor(rand() * 9)}`;
    const region = i < 2 ? { code: LOCAL_REGION.code, place: LOCAL_REGION.place } : SOURCE_REGIONS[Math.floor(rand() * SOURCE_REGIONS.length)]!;
    sequence = (sequence + 1) % 500;
    const id = syntheticIdentityNumber({ regionCode: region.code, birthDate, sex, sequence });
    const name = makeName(rand, sex);
    const pinyin = namePinyin(name);
    const inHousehold = i < 2;
    return {
      area_id: community.id,
      household_id: inHousehold ? household : null,
      name,
      name_pinyin: pinyin.full,
      name_initials: pinyin.initials,
      id_type: 'resident_id',
      id_enc: options.cipher.encrypt(id),
      id_bidx: options.cipher.blindIndex(id),
      id_masked: maskIdentityNumber(id),
      birth_date: birthDate,
      sex,
      population_type: inHousehold ? 'registered' : 'floating',
      residence_status: inHousehold ? 'together' : 'present_unregistered',
      relation_to_head: inHousehold ? (i === 0 ? 'head' : 'spouse') : null,
      registration_region: region.code,
      registration_address: inHousehold ? null : region.place,
      current_address: `${short}${pick(rand, ['站北路', '和平北路', '通江大道'])}${10 + Math.floor(rand() * 180)}号`,
      provenance: 'entered',
    };
  });
  const persons = await repo.insertMany('persons', rows, true);
  if (household !== undefined && persons[0] !== undefined) await repo.setHeads([{ householdId: household, personId: persons[0] }]);
  return { persons, households: household !== undefined ? [household] : [] };
}

/** 站北社区居民委员会 → 站北社区, 某某村村民委员会 → 某某村: how residents write their address. */
function shortCommunity(name: string): string {
  return name.replace(/居民委员会$/, '').replace(/村民委员会$/, '');
}

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

function birthDate(rand: () => number, today: string, minAge: number, maxAge: number): string {
  const days = Math.floor((minAge + rand() * (maxAge - minAge)) * 365.25);
  return addDays(today, -days);
}

function makeName(rand: () => number, sex: 'male' | 'female', surname?: string): string {
  return (surname ?? pick(rand, [...SURNAMES])) + pick(rand, sex === 'male' ? GIVEN_MALE : GIVEN_FEMALE);
}

function mobile(rand: () => number): string {
  return `17${rand() < 0.5 ? '0' : '1'}${String(Math.floor(rand() * 1e8)).padStart(8, '0')}`;
}

/** One household's people: a family (head, spouse, children, maybe a parent), an elder alone, or tenants. */
function planHousehold(rand: () => number, today: string, kind: 'family' | 'alone' | 'tenants'): PlannedPerson[] {
  const people: PlannedPerson[] = [];
  const base = (p: Omit<PlannedPerson, 'groups' | 'phone' | 'occupation' | 'education'> & Partial<PlannedPerson>): PlannedPerson => ({ phone: null, occupation: null, education: null, groups: [], ...p });
  if (kind === 'alone') {
    const sex = rand() < 0.6 ? 'female' : 'male';
    people.push(base({ name: makeName(rand, sex), sex, birthDate: birthDate(rand, today, 70, 92), relation: 'head', populationType: 'registered', residenceStatus: 'together', region: LOCAL_REGION, occupation: '退休', phone: mobile(rand), groups: [{ code: 'elderly_alone', reason: '独居，子女在外地' }] }));
    return people;
  }
  if (kind === 'tenants') {
    const region = pick(rand, SOURCE_REGIONS);
    const n = 1 + Math.floor(rand() * 3);
    for (let i = 0; i < n; i += 1) {
      const sex = rand() < 0.55 ? 'male' : 'female';
      people.push(base({ name: makeName(rand, sex), sex, birthDate: birthDate(rand, today, 19, 50), relation: i === 0 ? 'head' : 'other', populationType: 'floating', residenceStatus: 'present_unregistered', region, occupation: pick(rand, ['工人', '快递员', '厨师', '个体经营', '销售', '保安']), education: pick(rand, EDUCATION.slice(1, 5)), phone: mobile(rand) }));
    }
    return people;
  }
  const surname = pick(rand, [...SURNAMES]);
  const headSex = rand() < 0.75 ? 'male' : 'female';
  const headAge = 28 + rand() * 45;
  const headBirth = birthDate(rand, today, headAge, headAge + 0.9);
  const awayHead = rand() < 0.06;
  people.push(base({ name: makeName(rand, headSex, surname), sex: headSex, birthDate: headBirth, relation: 'head', populationType: 'registered', residenceStatus: awayHead ? 'registered_absent' : 'together', region: LOCAL_REGION, occupation: headAge > 62 ? '退休' : pick(rand, OCCUPATIONS.slice(0, 6)), education: pick(rand, EDUCATION), phone: mobile(rand) }));
  if (rand() < 0.85) {
    const sex = headSex === 'male' ? 'female' : 'male';
    people.push(base({ name: makeName(rand, sex), sex, birthDate: birthDate(rand, today, headAge - 4, headAge + 3), relation: 'spouse', populationType: 'registered', residenceStatus: 'together', region: LOCAL_REGION, occupation: headAge > 60 ? '退休' : pick(rand, OCCUPATIONS), education: pick(rand, EDUCATION), phone: mobile(rand) }));
  }
  const children = headAge < 36 ? Math.floor(rand() * 2) : headAge < 60 ? 1 + Math.floor(rand() * 2) : Math.floor(rand() * 2);
  for (let i = 0; i < children; i += 1) {
    const sex = rand() < 0.5 ? 'male' : 'female';
    const age = Math.max(0.5, headAge - 24 - rand() * 10);
    const away = age > 18 && rand() < 0.3;
    people.push(base({ name: makeName(rand, sex, surname), sex, birthDate: birthDate(rand, today, age, age + 0.9), relation: 'child', populationType: 'registered', residenceStatus: away ? 'registered_absent' : 'together', region: LOCAL_REGION, occupation: age < 22 ? '学生' : pick(rand, OCCUPATIONS.slice(0, 6)), education: age < 7 ? null : pick(rand, EDUCATION) }));
  }
  if (headAge < 50 && rand() < 0.2) {
    const sex = rand() < 0.5 ? 'male' : 'female';
    people.push(base({ name: makeName(rand, sex, sex === 'male' ? surname : undefined), sex, birthDate: birthDate(rand, today, headAge + 24, headAge + 32), relation: 'parent', populationType: 'registered', residenceStatus: 'together', region: LOCAL_REGION, occupation: '退休' }));
  }
  return people;
}

/**
 * Fills the chosen communities: each building's houses floor by floor (four flats a floor), a
 * household in every occupied flat, its members, rentals for the let flats, care groups and a few key
 * persons, and visits this month. Runs in the caller's system unit (one transaction with the rest of
 * the demo). Answers what it wrote.
 */
export async function seedDemoResidents(unit: SystemUnit, options: ResidentSeedOptions): Promise<ResidentSeedCounts> {
  const repo = unit.use(seedRepository);
  const rand = seededRandom(options.seed, 'residents');
  const buildings = await repo.buildings(options.communityCodes);
  const groupIds = new Map((await repo.groupIds()).map((g) => [g.code, g.id]));
  const { cipher, today } = options;

  const houseRows: Record<string, unknown>[] = [];
  const houseMeta: { buildingId: number; gridId: number; kind: 'family' | 'alone' | 'tenants' | 'vacant'; address: string; owner: string }[] = [];
  const profiles: Record<string, unknown>[] = [];
  for (const b of buildings) {
    const wanted = b.households ?? 0;
    const floors = Math.max(2, Math.ceil(wanted / 4));
    profiles.push({ area_id: b.id, use: 'residential', floors_above: floors, floors_below: floors > 6 ? 1 : 0, units_count: 2, built_year: 1995 + Math.floor(rand() * 25), structure: floors > 6 ? '钢混' : '砖混', property_manager: rand() < 0.7 ? '常州经开物业服务有限公司' : null, head_name: makeName(rand, rand() < 0.5 ? 'male' : 'female'), hazard: rand() < 0.03, hazard_note: null });
    let made = 0;
    for (let floor = 1; floor <= floors && made < wanted + Math.ceil(wanted * 0.05); floor += 1) {
      for (let k = 1; k <= 4; k += 1) {
        const room = `${floor}0${k}`;
        const r = rand();
        const kind = made >= wanted ? 'vacant' : r < 0.05 ? 'vacant' : r < 0.17 ? 'tenants' : r < 0.23 ? 'alone' : 'family';
        if (kind !== 'vacant') made += 1;
        const address = `${shortCommunity(b.community)} ${b.name} ${room}室`;
        houseRows.push({
          area_id: b.id,
          address_key: houseAddressKey(b.code, floor, room),
          address,
          floor,
          room,
          floor_area: 60 + Math.round(rand() * 80),
          use: 'residence',
          occupancy: kind === 'vacant' ? 'vacant' : kind === 'tenants' ? 'rented' : 'owner',
          owner_type: 'person',
          provenance: rand() < 0.6 ? 'verified' : 'entered',
        });
        houseMeta.push({ buildingId: b.id, gridId: b.gridId, kind, address, owner: makeName(rand, rand() < 0.5 ? 'male' : 'female') });
      }
    }
  }
  await repo.insertMany('building_profiles', profiles, false);
  for (let i = 0; i < houseRows.length; i += 1) houseRows[i]!.owner_name = houseMeta[i]!.owner;
  const houseIds = await repo.insertMany('houses', houseRows, true);

  const rentals: Record<string, unknown>[] = [];
  const householdRows: Record<string, unknown>[] = [];
  const householdPeople: PlannedPerson[][] = [];
  const householdMeta: { areaId: number; gridId: number }[] = [];
  let serial = 0;
  houseMeta.forEach((h, i) => {
    if (h.kind === 'vacant') return;
    const people = planHousehold(rand, today, h.kind);
    if (h.kind === 'tenants') {
      const limit = 2 + Math.floor(rand() * 3);
      const hazard = rand() < 0.08 ? 'general' : rand() < 0.02 ? 'serious' : 'safe';
      rentals.push({ house_id: houseIds[i], area_id: h.buildingId, lessor_name: h.owner, filing_no: rand() < 0.8 ? `CZ-JK-${String(100000 + i)}` : null, filed_on: rand() < 0.8 ? addDays(today, -Math.floor(rand() * 700)) : null, rooms_let: 1 + Math.floor(rand() * 3), monthly_rent: 1200 + Math.round(rand() * 20) * 100, use: 'housing', kind: 'suite', occupant_limit: limit, occupants: people.length, safety_pledge: rand() < 0.85, hazard_level: hazard });
    }
    serial += 1;
    householdRows.push({ area_id: h.buildingId, house_id: houseIds[i], household_no: h.kind === 'tenants' ? null : `3204120${String(serial).padStart(8, '0')}`, kind: 'family', registration_address: h.kind === 'tenants' ? null : h.address, provenance: rand() < 0.7 ? 'verified' : 'entered' });
    householdPeople.push(people);
    householdMeta.push({ areaId: h.buildingId, gridId: h.gridId });
  });
  const rentalIds = await repo.insertMany('rentals', rentals, true);
  const householdIds = await repo.insertMany('households', householdRows, true);

  // A few care and key groups among the adults, deterministic like the rest.
  const personRows: Record<string, unknown>[] = [];
  const personTags: { index: number; code: string; reason: string; dangerLevel?: string; validUntil?: string }[] = [];
  const heads: { householdIndex: number; personIndex: number }[] = [];
  let sequence = 0;
  householdPeople.forEach((people, hi) => {
    for (const p of people) {
      const age = Number(today.slice(0, 4)) - Number(p.birthDate.slice(0, 4));
      const r = rand();
      if (age >= 18 && r < 0.012) p.groups.push({ code: 'disabled', reason: '肢体残疾二级' });
      else if (age >= 30 && r < 0.02) p.groups.push({ code: 'low_income', reason: '低保家庭', validUntil: addDays(today, Math.floor(rand() * 200) - 20) });
      else if (age >= 25 && r < 0.024) p.groups.push({ code: 'veteran', reason: '退役军人' });
      else if (age >= 20 && age < 60 && r < 0.0265) p.groups.push({ code: 'community_correction', reason: '缓刑，社区矫正', validUntil: addDays(today, Math.floor(rand() * 300) + 10) });
      else if (age >= 20 && r < 0.029) p.groups.push({ code: 'mental_disorder', reason: '精神分裂症，规律服药', dangerLevel: rand() < 0.2 ? 'high' : rand() < 0.5 ? 'medium' : 'low' });
      sequence = (sequence + 1) % 500;
      const id = syntheticIdentityNumber({ regionCode: p.region.code, birthDate: p.birthDate, sex: p.sex, sequence });
      const pinyin = namePinyin(p.name);
      const index = personRows.length;
      if (p.relation === 'head') heads.push({ householdIndex: hi, personIndex: index });
      for (const g of p.groups) personTags.push({ index, ...g });
      personRows.push({
        area_id: householdMeta[hi]!.areaId,
        household_id: householdIds[hi],
        name: p.name,
        name_pinyin: pinyin.full,
        name_initials: pinyin.initials,
        id_type: 'resident_id',
        id_enc: cipher.encrypt(id),
        id_bidx: cipher.blindIndex(id),
        id_masked: maskIdentityNumber(id),
        birth_date: p.birthDate,
        sex: p.sex,
        ethnicity: rand() < 0.97 ? '汉族' : pick(rand, ['回族', '满族', '壮族', '苗族']),
        political_status: rand() < 0.08 ? 'party_member' : 'masses',
        education: p.education,
        occupation: p.occupation,
        marital_status: p.relation === 'child' ? 'single' : 'married',
        phone_enc: p.phone ? cipher.encrypt(p.phone) : null,
        phone_bidx: p.phone ? cipher.blindIndex(p.phone) : null,
        phone_masked: p.phone ? maskPhone(p.phone) : null,
        population_type: p.populationType,
        residence_status: p.residenceStatus,
        relation_to_head: p.relation,
        registration_region: p.region.code,
        registration_address: p.populationType === 'registered' ? null : p.region.place,
        details: JSON.stringify(p.populationType === 'floating' ? { inflowDate: addDays(today, -Math.floor(rand() * 900)), inflowReason: '务工', sourcePlace: p.region.place, permitStatus: rand() < 0.7 ? '已办理居住证' : '未办理' } : {}),
        provenance: rand() < 0.65 ? 'verified' : 'entered',
      });
    }
  });
  const personIds = await repo.insertMany('persons', personRows, true);
  await repo.setHeads(heads.map((h) => ({ householdId: householdIds[h.householdIndex]!, personId: personIds[h.personIndex]! })));
  await repo.insertMany(
    'person_tags',
    personTags.map((t) => ({
      person_id: personIds[t.index],
      area_id: personRows[t.index]!.area_id,
      group_id: groupIds.get(t.code),
      attention: t.code === 'mental_disorder' || t.code === 'community_correction' || t.code === 'elderly_alone',
      reason: t.reason,
      since: addDays(today, -Math.floor(rand() * 1500) - 30),
      valid_until: t.validUntil ?? null,
      danger_level: t.dangerLevel ?? null,
      guardian_name: t.code === 'mental_disorder' ? makeName(rand, 'female') : null,
    })),
    false,
  );

  // This month's visits: about 40% of households, by the grid worker when one is given.
  const visits: Record<string, unknown>[] = [];
  if (options.visitorId !== null) {
    const monthStart = `${today.slice(0, 8)}01`;
    const span = Math.max(0, Math.round((Date.parse(today) - Date.parse(monthStart)) / 86_400_000));
    householdIds.forEach((id, i) => {
      if (rand() >= 0.4) return;
      visits.push({ household_id: id, area_id: householdMeta[i]!.areaId, grid_id: householdMeta[i]!.gridId, visited_on: addDays(monthStart, Math.floor(rand() * (span + 1))), worker_id: options.visitorId, kind: rand() < 0.7 ? 'routine' : pick(rand, ['info_check', 'hazard_check', 'hardship']), findings: rand() < 0.5 ? '家中情况正常' : '了解家庭近况，无新增诉求', location_check: 'none' });
    });
    await repo.insertMany('household_visits', visits, false);
  }
  // A handful waiting at the first community, as if pushed from another source (the public security
  // population register): no grid yet, in the community's 待认领 list for its grid workers to claim.
  const waitingIds = await seedWaiting(unit, options, rand, sequence);
  personIds.push(...waitingIds.persons);
  householdIds.push(...waitingIds.households);

  // Every record's history starts with the seed that made it (Beijing midnight of the seed's day).
  const seededAt = new Date(`${today}T00:00:00+08:00`);
  await seedCreateHistory(unit, 'house', houseIds, seededAt);
  await seedCreateHistory(unit, 'rental', rentalIds, seededAt);
  await seedCreateHistory(unit, 'household', householdIds, seededAt);
  await seedCreateHistory(unit, 'person', personIds, seededAt);
  await seedDemoOrganisations(unit, { communityCodes: options.communityCodes, cipher, seed: options.seed, at: seededAt });
  return { houses: houseIds.length, households: householdIds.length, persons: personIds.length, rentals: rentals.length, tags: personTags.length, visits: visits.length };
}
