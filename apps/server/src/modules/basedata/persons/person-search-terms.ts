/**
 * What a person search's text is, by its shape, and how an address typed by a grid worker becomes the
 * pieces matched against a person's address text (migration 0023, `persons.address_text`). Pure.
 */

export type QueryKind = 'id_number' | 'phone' | 'name' | 'pinyin' | 'address';

/**
 * Words that end or join a Chinese address, not a name. Looked for after the first character only: 路,
 * 苑 and 宫 are surnames too. A name never holds a digit, so any digit makes the text an address.
 */
const ADDRESS_WORDS = /.(路|街|巷|弄|村|组|幢|栋|座|单元|室|号楼|楼|小区|花园|公寓|大厦|社区|苑|新村|家园|广场|大道|园区)/u;

/** What a query string is, by its shape: an ID number, a phone, an address, a Chinese name, or pinyin. */
export function classifyQuery(q: string, by?: 'name' | 'address'): { kind: QueryKind; value: string } {
  const compact = q.normalize('NFKC').replace(/[\s-]/g, '');
  if (/^\d{17}[\dXx]$/.test(compact) || /^\d{15}$/.test(compact)) return { kind: 'id_number', value: compact };
  if (/^(\+?86)?1[3-9]\d{9}$/.test(compact) || /^0\d{9,11}$/.test(compact)) return { kind: 'phone', value: compact };
  if (by === 'address') return { kind: 'address', value: q.trim() };
  if (/^[a-zA-Z]+$/.test(compact)) return { kind: 'pinyin', value: compact.toLowerCase() };
  if (by !== 'name' && (/\d/.test(compact) || (compact.length >= 3 && ADDRESS_WORDS.test(compact)))) return { kind: 'address', value: q.trim() };
  return { kind: 'name', value: q.trim() };
}

/** The TypeScript twin of SQL `address_norm` (migration 0023): NFKC, lower case, blanks to '|', one word for a building. */
export function addressNorm(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s,，、·。|]+/gu, '|')
    .replace(/#楼|号楼|栋|座|#/gu, '幢')
    .replace(/(\d+)[-—–](\d+)[-—–](\d+)/gu, '$1幢$2单元$3')
    .replace(/(\d+)[-—–](\d+)/gu, '$1幢$2');
}

export interface AddressTerms {
  /** Each must occur in the address text (LIKE '%…%', already escaped for LIKE). */
  contains: string[];
  /** Each must be one of the address's whole numbers (SQL `address_numbers`): '501', or with its word, '3幢'. */
  numbers: string[];
}

const MAX_PIECES = 6;

/**
 * "站北花园3-2-501" → contains 站北花园, numbers 3幢 · 2单元 · 501; "3栋2单元" → 3幢 · 2单元; "延陵西路" → contains
 * 延陵西路. A number is matched whole (3幢 does not find 13幢; 501 does not find 1501); 501室 finds a room
 * written 501. Empty when nothing searchable is left (the caller answers no one).
 */
export function addressTerms(q: string): AddressTerms {
  const n = addressNorm(q);
  const contains: string[] = [];
  const numbers: string[] = [];
  const token = /(\d+)(幢|单元|室|号|层)?/gu;
  let last = 0;
  // A text piece is matched whole, within one part of the address: a blank typed splits it in two.
  const text = (s: string) => {
    for (const part of s.split('|')) if (part) contains.push(escapeLike(part));
  };
  for (const m of n.matchAll(token)) {
    text(n.slice(last, m.index));
    last = m.index + m[0].length;
    const [, digits, unit] = m;
    numbers.push(!unit || unit === '室' ? digits! : `${digits}${unit}`);
  }
  text(n.slice(last));
  return { contains: contains.slice(0, MAX_PIECES), numbers: [...new Set(numbers)].slice(0, MAX_PIECES) };
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Keyset cursors. A search by name pages in the order of the name index, (name, id): its cursor carries both,
 * `n<id>x<base64url name>`; every other search pages by id: `<id>`.
 */
export type Cursor = { id: number; name?: string };

export function encodeCursor(c: Cursor): string {
  return c.name === undefined ? String(c.id) : `n${c.id}x${Buffer.from(c.name, 'utf8').toString('base64url')}`;
}

export function decodeCursor(s: string): Cursor | null {
  if (/^\d{1,16}$/.test(s)) return { id: Number(s) };
  const m = /^n(\d{1,16})x([A-Za-z0-9_-]{1,280})$/.exec(s);
  if (!m) return null;
  const name = Buffer.from(m[2]!, 'base64url').toString('utf8');
  return name.length >= 1 && name.length <= 50 ? { id: Number(m[1]), name } : null;
}
