import { EDUCATION, GIVEN_FEMALE, GIVEN_MALE, OCCUPATIONS, SOURCE_REGIONS, SURNAMES } from '../modules/basedata/index.ts';
import { identityCheckDigit, syntheticIdentityNumber, type Sex } from '../platform/identity-number.ts';

/**
 * Synthetic persons for benchmarks and load tests (`npm run data:generate`, bench/person-import and
 * bench/person-search): one row a person as the persons import reads it (field keys of
 * PERSON_IMPORT_FIELDS, values as a clerk would type them), generated lazily so a million rows never
 * sit in memory. Deterministic: person i is the same on every run. Identity numbers pass the GB 11643
 * check digit and are unique for the first 5,843,800 persons (birth dates 1940–2019 × sequence numbers
 * 300–499; the demo seed counts its own from 0, so they rarely meet); phones are virtual-operator
 * numbers (170 + the person's number), unique too. With `bad`, that many rows, spread evenly, carry
 * one mistake each: a wrong check digit, an impossible birth date, or a malformed phone.
 */

const RELATIONS = { male: ['配偶', '子', '父亲'], female: ['配偶', '女', '母亲'] } as const;

/** Birth dates 1940-01-01 … 2019-12-31 and 200 sequence numbers a day: the unique identity space. */
const FIRST_DAY = Date.UTC(1940, 0, 1);
const DAYS = Math.round((Date.UTC(2020, 0, 1) - FIRST_DAY) / 86_400_000);
const SEQUENCES = 200;
export const SYNTHETIC_CAPACITY = DAYS * SEQUENCES;
/** Coprime with the capacity (2³·5²·61·479): i ↦ i·STRIDE mod capacity visits every slot once. */
const STRIDE = 1_000_003;

export type SyntheticBadKind = 'check_digit' | 'birth_date' | 'phone';

export interface SyntheticResident {
  /** 0-based number of the person (offset included). */
  index: number;
  /** Field key → cell text, as PERSON_IMPORT_FIELDS names them. */
  cells: Record<string, string>;
  /** The mistake this row carries, if it is one of the bad ones. */
  bad: SyntheticBadKind | null;
}

export interface SyntheticOptions {
  /** How many rows (bad ones included). */
  count: number;
  /** Person number of the first row, to generate a further slice of the same population. */
  offset?: number;
  /** How many of the rows carry a mistake, spread evenly. */
  bad?: number;
  /** Area codes (grids, buildings or units) the persons are spread over; empty leaves the column empty. */
  areaCodes?: readonly string[];
  /** Region code of the registered residents (the district's own). */
  regionCode?: string;
  /** Household numbers start with this (unique per run of a district). */
  householdPrefix?: string;
}

/** A small, fast, deterministic random number stream per person. */
function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function isoDay(day: number): string {
  return new Date(FIRST_DAY + day * 86_400_000).toISOString().slice(0, 10);
}

/** Household of person i: households of 1–5 members, numbered in order (person i's is `floor(i / 3)`-ish). */
function householdOf(i: number): { no: number; first: boolean } {
  // Blocks of 15 persons hold households of sizes 4, 1, 3, 5, 2 (average 3): cheap, deterministic, varied.
  const block = Math.floor(i / 15);
  const within = i % 15;
  const starts = [0, 4, 5, 8, 13];
  let k = 0;
  while (k + 1 < starts.length && within >= starts[k + 1]!) k += 1;
  return { no: block * 5 + k, first: within === starts[k] };
}

export function* syntheticResidents(options: SyntheticOptions): Generator<SyntheticResident> {
  const { count, offset = 0, bad = 0, areaCodes = [], regionCode = '320412', householdPrefix = 'SJ' } = options;
  if (offset + count > SYNTHETIC_CAPACITY) throw new RangeError(`at most ${SYNTHETIC_CAPACITY} distinct persons`);
  const badEvery = bad > 0 ? count / bad : Infinity;
  let nextBad = bad > 0 ? badEvery / 2 : Infinity;
  let badMade = 0;
  for (let n = 0; n < count; n += 1) {
    const i = offset + n;
    const rand = mulberry(i * 2654435761 + 17);
    const slot = (i * STRIDE) % SYNTHETIC_CAPACITY;
    const birthDate = isoDay(Math.floor(slot / SEQUENCES));
    const sequence = 300 + (slot % SEQUENCES);
    const sex: Sex = rand() < 0.5 ? 'male' : 'female';
    const roll = rand();
    const populationType = roll < 0.75 ? '户籍人口' : roll < 0.95 ? '流动人口' : roll < 0.98 ? '寄住人员' : '未落户人员';
    const source = SOURCE_REGIONS[Math.floor(rand() * SOURCE_REGIONS.length)]!;
    const region = populationType === '流动人口' || populationType === '寄住人员' ? source.code : regionCode;
    const surname = SURNAMES[Math.floor(rand() * SURNAMES.length)]!;
    const given = sex === 'male' ? GIVEN_MALE : GIVEN_FEMALE;
    const name = `${surname}${given[Math.floor(rand() * given.length)]!}`;
    let idNumber = syntheticIdentityNumber({ regionCode: region, birthDate, sex, sequence });
    let phone = rand() < 0.6 ? `170${String(i).padStart(8, '0')}` : '';
    let badKind: SyntheticBadKind | null = null;
    if (n >= nextBad && badMade < bad) {
      badKind = (['check_digit', 'birth_date', 'phone'] as const)[badMade % 3]!;
      badMade += 1;
      nextBad += badEvery;
      if (badKind === 'check_digit') idNumber = `${idNumber.slice(0, 17)}${idNumber[17] === '1' ? '2' : '1'}`;
      else if (badKind === 'birth_date') {
        // 30 February of the birth year, with a correct check digit: only the date is wrong.
        const first17 = `${region}${birthDate.slice(0, 4)}0230${idNumber.slice(14, 17)}`;
        idNumber = `${first17}${identityCheckDigit(first17)}`;
      } else phone = `1${String(i).padStart(9, '0')}`.slice(0, 10);
    }
    const household = householdOf(i);
    const area = areaCodes.length > 0 ? areaCodes[Math.floor(household.no / 40) % areaCodes.length]! : '';
    const floating = populationType !== '户籍人口';
    yield {
      index: i,
      bad: badKind,
      cells: {
        name,
        idNumber,
        phone,
        areaCode: area,
        householdNo: `${householdPrefix}${String(household.no).padStart(9, '0')}`,
        relation: household.first ? '户主' : RELATIONS[sex][Math.floor(rand() * 3)]!,
        populationType,
        residenceStatus: floating ? '人在户不在' : rand() < 0.9 ? '人户同在' : '户在人不在',
        ethnicity: rand() < 0.95 ? '汉族' : '回族',
        education: EDUCATION[Math.floor(rand() * EDUCATION.length)]!,
        occupation: OCCUPATIONS[Math.floor(rand() * OCCUPATIONS.length)]!,
        workUnit: '',
        currentAddress: `${area || '本社区'} ${1 + (Math.floor(household.no / 8) % 30)}幢 ${1 + (household.no % 8)}0${1 + (household.no % 4)}室`,
        registrationAddress: floating ? source.place : '',
      },
    };
  }
}

/** One CSV line (RFC 4180 quoting when a cell needs it). */
export function csvLine(cells: readonly string[]): string {
  return `${cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')}\n`;
}
