/**
 * Masked forms of personal data, as Chinese government and banking apps show them. Masked is the
 * default everywhere (lists, exports, audit rows, logs); the full value is only for a permitted
 * role's explicit, audited "show". Pure.
 */
import { normaliseIdentityNumber } from './identity-number.ts';
import { parsePhone } from './phone-number.ts';

/** 320402199001011234 -> 3204**********1234 (region prefix and last four kept, birth date hidden). */
export function maskIdentityNumber(value: string): string {
  const s = normaliseIdentityNumber(value);
  if (s.length < 9) return '*'.repeat(Math.max(4, s.length));
  return `${s.slice(0, 4)}${'*'.repeat(s.length - 8)}${s.slice(-4)}`;
}

/**
 * Mobiles 13812345678 -> 138****5678; landlines 0519-88005678 -> 0519-****5678 (the area code says
 * only the city; an extension is dropped). Anything else keeps at most its first 3 and last 4
 * characters, and a short value nothing.
 */
export function maskPhone(phone: string): string {
  const parsed = parsePhone(phone);
  if (parsed.ok && parsed.kind === 'landline') return `${parsed.areaCode}-****${parsed.number.slice(-4)}`;
  const s = parsed.ok ? parsed.value : phone.replace(/\s+/g, '');
  return s.length >= 7 ? `${s.slice(0, 3)}****${s.slice(-4)}` : '****';
}

/**
 * 张三 -> 张*, 张三丰 -> 张*丰, 欧阳娜娜 -> 欧**娜: first and last character kept (the family name
 * alone for two characters). Counted in code points, so a rare character outside the BMP is one.
 */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length === 0) return '';
  if (chars.length === 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}
