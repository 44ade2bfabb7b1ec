/**
 * 统一社会信用代码 (GB 32100-2015): 18 characters from 0-9 and the capitals without I, O, S, V, Z;
 * the 18th is a check character over the first 17 (weights 3^i mod 31, check = 31 − (sum mod 31),
 * 31 → 0). Pure.
 */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export type CreditCodeResult = { ok: true; value: string } | { ok: false; reason: string };

/** The check character the first 17 characters call for (they must be from the alphabet). */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += ALPHABET.indexOf(first17[i]!) * WEIGHTS[i]!;
  const check = 31 - (sum % 31);
  return ALPHABET[check === 31 ? 0 : check]!;
}

/** Normalises (full-width, spaces, lower case) and checks a code; the reason says what is wrong. */
export function parseCreditCode(raw: string): CreditCodeResult {
  const value = raw.normalize('NFKC').replace(/[\s-]/g, '').toUpperCase();
  if (value.length !== 18) return { ok: false, reason: `统一社会信用代码应为 18 位，这里是 ${value.length} 位` };
  for (let i = 0; i < 18; i += 1) {
    if (!ALPHABET.includes(value[i]!)) return { ok: false, reason: `统一社会信用代码第 ${i + 1} 位“${value[i]}”不是允许的字符（数字或除 I、O、S、V、Z 外的大写字母）` };
  }
  const expected = creditCodeCheckChar(value.slice(0, 17));
  if (value[17] !== expected) return { ok: false, reason: `统一社会信用代码校验位不符：第 18 位应为“${expected}”，填写的是“${value[17]}”，请核对` };
  return { ok: true, value };
}
