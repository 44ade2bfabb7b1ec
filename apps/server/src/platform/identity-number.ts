/**
 * Resident identity numbers (公民身份号码, GB 11643-1999): 6-digit region code, 8-digit birth date,
 * 3-digit sequence (odd = male), ISO 7064 MOD 11-2 check digit. Pure: the caller passes "today"
 * (a birth date after it is impossible), so tests and imports decide what today is.
 */

export type Sex = 'male' | 'female';

/** Why a number was refused; the message says it in Chinese, the code lets an import report group them. */
export type IdentityNumberProblem = 'empty' | 'length' | 'characters' | 'province' | 'birth_date' | 'check_digit';

export type ParsedIdentityNumber =
  | {
      ok: true;
      /** 18 characters, a final x as X; a 15-digit first-generation number upgraded. */
      value: string;
      /** 'YYYY-MM-DD'. */
      birthDate: string;
      sex: Sex;
      /** The 6-digit administrative division code where the number was issued. */
      regionCode: string;
      /** True when the input was a 15-digit first-generation number. */
      upgraded: boolean;
    }
  | { ok: false; problem: IdentityNumberProblem; reason: string };

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/** First two digits of a province-level division (GB/T 2260), plus 71 Taiwan, 81 Hong Kong, 82 Macao. */
const PROVINCES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82',
]);

/** The check character of the first 17 digits. */
export function identityCheckDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('identityCheckDigit needs 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

/**
 * Full-width digits and Ｘ (typed with a Chinese input method), a lower-case x and every kind of
 * space are common in forms and spreadsheets; none of them changes the number.
 */
export function normaliseIdentityNumber(raw: string): string {
  return raw
    .replace(/[\s\u3000\u00a0\u200b\ufeff]+/g, '')
    .replace(/[\uff10-\uff19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xff10 + 0x30))
    .replace(/[xｘＸ]/g, 'X');
}

/** 'YYYY-MM-DD' of an instant in Beijing time (UTC+8, no daylight saving). */
function beijingDay(date: Date): string {
  return new Date(date.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

function realDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

const fail = (problem: IdentityNumberProblem, reason: string): ParsedIdentityNumber => ({ ok: false, problem, reason });

/**
 * Checks and normalises an identity number. `today` is a Date (its Beijing calendar day counts) or
 * 'YYYY-MM-DD'. A refusal names the first thing wrong, in Chinese, without repeating the number.
 */
export function parseIdentityNumber(raw: string, today: Date | string): ParsedIdentityNumber {
  const s = normaliseIdentityNumber(raw);
  if (s.length === 0) return fail('empty', '身份证号码为空');
  if (s.length !== 18 && s.length !== 15) return fail('length', `身份证号码应为18位（或15位一代证号码），实为${s.length}位`);
  if (s.length === 18 && !/^\d{17}[\dX]$/.test(s)) return fail('characters', '身份证号码只能是数字，最后一位可以是X');
  if (s.length === 15 && !/^\d{15}$/.test(s)) return fail('characters', '15位身份证号码只能是数字');
  if (!PROVINCES.has(s.slice(0, 2))) return fail('province', `身份证号码前两位“${s.slice(0, 2)}”不是有效的省级行政区划代码`);

  const upgraded = s.length === 15;
  // First-generation numbers (1984–1999) carry a 2-digit year, always 19yy, and no check digit.
  const first17 = upgraded ? `${s.slice(0, 6)}19${s.slice(6, 15)}` : s.slice(0, 17);
  const year = Number(first17.slice(6, 10));
  const month = Number(first17.slice(10, 12));
  const day = Number(first17.slice(12, 14));
  const birthDate = `${first17.slice(6, 10)}-${first17.slice(10, 12)}-${first17.slice(12, 14)}`;
  if (!realDate(year, month, day)) return fail('birth_date', `出生日期${year}年${month}月${day}日不存在`);
  if (year < 1900) return fail('birth_date', '出生日期早于1900年');
  const todayDay = typeof today === 'string' ? today : beijingDay(today);
  if (birthDate > todayDay) return fail('birth_date', '出生日期晚于今天');

  const check = identityCheckDigit(first17);
  if (!upgraded && s[17] !== check) return fail('check_digit', '身份证号码校验位不符（可能有数字录错）');
  return {
    ok: true,
    value: `${first17}${check}`,
    birthDate,
    sex: Number(first17[16]) % 2 === 1 ? 'male' : 'female',
    regionCode: first17.slice(0, 6),
    upgraded,
  };
}

/**
 * A well-formed number for demo residents and tests: the given region, birth date and sex, the
 * sequence (0–499) choosing among the 500 numbers a day and sex allows, and a valid check digit.
 * It is only a shape: any valid number may belong to a real person, so demo data stays synthetic
 * in every other field and is never mixed with real records.
 */
export function syntheticIdentityNumber(input: { regionCode: string; birthDate: string; sex: Sex; sequence: number }): string {
  const { regionCode, birthDate, sex, sequence } = input;
  if (!/^\d{6}$/.test(regionCode)) throw new RangeError('regionCode must be 6 digits');
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!m || !realDate(Number(m[1]), Number(m[2]), Number(m[3]))) throw new RangeError('birthDate must be a real YYYY-MM-DD date');
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > 499) throw new RangeError('sequence must be an integer 0–499');
  const seq = String(sequence * 2 + (sex === 'male' ? 1 : 0)).padStart(3, '0');
  const first17 = `${regionCode}${m[1]}${m[2]}${m[3]}${seq}`;
  return `${first17}${identityCheckDigit(first17)}`;
}
