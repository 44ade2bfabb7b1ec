/**
 * Chinese phone numbers as people type them: mobiles (11 digits, 1[3-9]…, with or without +86 /
 * 0086, spaces, dashes) and landlines (0 + a 2–3 digit area code + a 7–8 digit number, an optional
 * extension). Pure; the normalised value is what gets encrypted, indexed and masked.
 */

export type PhoneKind = 'mobile' | 'landline';

export type PhoneProblem = 'empty' | 'characters' | 'mobile' | 'landline' | 'unknown';

export type ParsedPhone =
  | {
      ok: true;
      kind: PhoneKind;
      /** '13812345678', or '0519-88001234' / '0519-88001234-123' with an extension. */
      value: string;
      /** Landlines: the area code with its 0 ('010', '0519'). */
      areaCode: string | null;
      /** Landlines: the local number; mobiles: the 11 digits. */
      number: string;
      extension: string | null;
    }
  | { ok: false; problem: PhoneProblem; reason: string };

const fail = (problem: PhoneProblem, reason: string): ParsedPhone => ({ ok: false, problem, reason });

/** Beijing, Tianjin, Shanghai, Chongqing and the big cities of 02x have 2-digit area codes (010, 02x). */
function areaCodeLength(digits: string): number {
  return digits.startsWith('10') || digits.startsWith('2') ? 2 : 3;
}

/**
 * Checks and normalises a phone number. Full-width digits count as digits; spaces, dashes, dots
 * and brackets around an area code are separators; an extension follows 转, ext, x, # or a dash.
 */
export function parsePhone(raw: string): ParsedPhone {
  let s = raw
    .replace(/[\uff10-\uff19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xff10 + 0x30))
    .replace(/[\uff08]/g, '(')
    .replace(/[\uff09]/g, ')')
    .replace(/[\uff0b]/g, '+')
    .replace(/[\uff0d\u2010-\u2015\u2212]/g, '-')
    .trim();
  if (s.length === 0) return fail('empty', '电话号码为空');

  let extension: string | null = null;
  const ext = /(?:\s*(?:转|分机|ext\.?|x|#)\s*)(\d{1,6})$/i.exec(s);
  if (ext) {
    extension = ext[1]!;
    s = s.slice(0, ext.index);
  }
  // Separators carry no meaning; a dash may also start an extension (0519-88001234-123), handled below.
  const groups = s.split('-').map((g) => g.replace(/[\s().\u3000]/g, ''));
  let digits = groups.join('');
  if (/^(\+|00)/.test(digits)) {
    const cc = /^(?:\+|00)86/.exec(digits);
    if (!cc) return fail('unknown', '只支持中国大陆的电话号码（+86）');
    digits = digits.slice(cc[0].length);
    // In international form a landline drops its leading 0 (+86 519 …).
    if (digits.length > 0 && !digits.startsWith('1')) digits = `0${digits}`;
  }
  if (!/^\d+$/.test(digits)) return fail('characters', '电话号码只能包含数字和分隔符');

  if (digits.startsWith('1')) {
    if (extension !== null) return fail('mobile', '手机号码不能带分机号');
    if (digits.length !== 11) return fail('mobile', `手机号码应为11位，实为${digits.length}位`);
    if (!/^1[3-9]/.test(digits)) return fail('mobile', '手机号码第二位应为3至9');
    return { ok: true, kind: 'mobile', value: digits, areaCode: null, number: digits, extension: null };
  }
  if (!digits.startsWith('0')) return fail('unknown', '不是有效的手机号码或固定电话（固定电话请带区号）');

  const areaLength = 1 + areaCodeLength(digits.slice(1));
  const areaCode = digits.slice(0, areaLength);
  let number = digits.slice(areaLength);
  // A third dash group is an extension: 0519-88001234-123.
  if (extension === null && groups.length === 3 && /^\d{1,6}$/.test(groups[2]!) && number.endsWith(groups[2]!)) {
    const local = number.slice(0, number.length - groups[2]!.length);
    if (local.length === 7 || local.length === 8) {
      extension = groups[2]!;
      number = local;
    }
  }
  if (number.length < 7 || number.length > 8) return fail('landline', `固定电话应为区号加7至8位号码，区号${areaCode}后实为${number.length}位`);
  if (/^[01]/.test(number)) return fail('landline', '固定电话号码（区号后）不能以0或1开头');
  return { ok: true, kind: 'landline', value: `${areaCode}-${number}${extension ? `-${extension}` : ''}`, areaCode, number, extension };
}
