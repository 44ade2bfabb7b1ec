import type { FieldCipher } from '../../../platform/crypto.ts';
import { parseIdentityNumber, type Sex } from '../../../platform/identity-number.ts';
import { maskIdentityNumber, maskPhone } from '../../../platform/masking.ts';
import { parsePhone } from '../../../platform/phone-number.ts';

/**
 * Identity numbers and phones as they are stored: SM4 ciphertext, HMAC-SM3 blind index, masked
 * form. The plain value is used here and dropped; nothing else in the module sees it.
 */
export interface Sealed {
  enc: string;
  bidx: string;
  masked: string;
}

export type SealResult<T> = { ok: true; sealed: Sealed; parsed: T } | { ok: false; reason: string };

export interface IdentityFacts {
  value: string;
  birthDate: string | null;
  sex: Sex | null;
}

/** Other documents (passports, permits): upper-case letters and digits, 5–20 characters. */
const OTHER_DOCUMENT = /^[A-Z0-9]{5,20}$/;

function maskDocument(value: string): string {
  return value.length <= 4 ? '****' : `${value.slice(0, 2)}${'*'.repeat(value.length - 4)}${value.slice(-2)}`;
}

export function sealIdentity(cipher: FieldCipher, idType: string, raw: string, today: Date): SealResult<IdentityFacts> {
  if (idType === 'resident_id') {
    const parsed = parseIdentityNumber(raw, today);
    if (!parsed.ok) return { ok: false, reason: parsed.reason };
    return {
      ok: true,
      sealed: { enc: cipher.encrypt(parsed.value), bidx: cipher.blindIndex(parsed.value), masked: maskIdentityNumber(parsed.value) },
      parsed: { value: parsed.value, birthDate: parsed.birthDate, sex: parsed.sex },
    };
  }
  const value = raw.normalize('NFKC').replace(/[\s-]/g, '').toUpperCase();
  if (!OTHER_DOCUMENT.test(value)) return { ok: false, reason: '证件号码应为 5–20 位字母或数字' };
  return { ok: true, sealed: { enc: cipher.encrypt(value), bidx: cipher.blindIndex(value), masked: maskDocument(value) }, parsed: { value, birthDate: null, sex: null } };
}

export function sealPhone(cipher: FieldCipher, raw: string): SealResult<{ value: string }> {
  const parsed = parsePhone(raw);
  if (!parsed.ok) return { ok: false, reason: parsed.reason };
  return { ok: true, sealed: { enc: cipher.encrypt(parsed.value), bidx: cipher.blindIndex(parsed.value), masked: maskPhone(parsed.value) }, parsed: { value: parsed.value } };
}

/** The blind indexes to look a typed value up by (more than one while a key rotation is half-way). */
export function lookupIndexes(cipher: FieldCipher, value: string): string[] {
  return cipher.blindIndexCandidates(value);
}
