import { DIVISION_LEVEL_NAMES, type Division, type DivisionEdition, type DivisionLevelCounts, type DivisionLevelName } from '@redgrid/contracts';
import { guessEditionName } from './division-file';

/** A link of an ancestor chain: what search results carry, and what the tree knows of a node. */
export interface DivisionLink {
  code: string;
  name: string;
  level: DivisionLevelName;
}

/** The chain as people write it, top down: 江苏省 › 常州市 › 武进区. */
export function formatAncestorChain(chain: readonly Pick<DivisionLink, 'name'>[], separator = ' › '): string {
  return chain.map((link) => link.name).join(separator);
}

/**
 * The ancestors of a division from what a lazy tree has loaded (code -> division), province first.
 * A node can only be reached by expanding its parents, so they are all there; the walk stops at a
 * missing link or a loop rather than trusting the data.
 */
export function ancestorsOf(division: Pick<Division, 'parentCode'>, byCode: ReadonlyMap<string, Division>): DivisionLink[] {
  const chain: DivisionLink[] = [];
  const seen = new Set<string>();
  let code = division.parentCode;
  while (code !== null && !seen.has(code)) {
    seen.add(code);
    const parent = byCode.get(code);
    if (!parent) break;
    chain.unshift({ code: parent.code, name: parent.name, level: parent.level });
    code = parent.parentCode;
  }
  return chain;
}

/** Only 12-digit statistical codes can become areas (the adopt request's rule). */
export function isAdoptableCode(code: string): boolean {
  return /^\d{12}$/.test(code);
}

/** Counts per level, top level first, leaving out the levels an edition does not hold. */
export function levelCountEntries(counts: DivisionLevelCounts): { level: DivisionLevelName; count: number }[] {
  return DIVISION_LEVEL_NAMES.filter((level) => counts[level] > 0).map((level) => ({ level, count: counts[level] }));
}

/** Levels from `from` down to `to`, both included (maxLevel choices below a division). */
export function levelsBetween(from: DivisionLevelName, to: DivisionLevelName): DivisionLevelName[] {
  const start = DIVISION_LEVEL_NAMES.indexOf(from);
  const end = DIVISION_LEVEL_NAMES.indexOf(to);
  return DIVISION_LEVEL_NAMES.slice(start, end + 1);
}

/**
 * Prefix lengths that end on a level boundary: province 2, city 4, district 6, street 9,
 * community 12 (a 6-digit GB/T 2260 code stops at the district).
 */
const PREFIX_LENGTHS: Record<6 | 12, readonly number[]> = { 6: [2, 4, 6], 12: [2, 4, 6, 9, 12] };

/**
 * The full division code a typed prefix stands for ("3204" -> "320400000000", 常州市), or null
 * when the prefix does not end on a level boundary: "32041" names no division, and padding it
 * would silently ask about one that does not exist.
 */
export function expandCodePrefix(prefix: string, codeLength: 6 | 12): string | null {
  const digits = prefix.trim();
  if (!/^\d+$/.test(digits) || !PREFIX_LENGTHS[codeLength].includes(digits.length)) return null;
  return digits.padEnd(codeLength, '0');
}

/** The code length two editions can be compared under: 12 only when both hold 12-digit codes. */
export function commonCodeLength(a: Pick<DivisionEdition, 'codeLength'>, b: Pick<DivisionEdition, 'codeLength'>): 6 | 12 {
  return a.codeLength === 12 && b.codeLength === 12 ? 12 : 6;
}

/**
 * Editions newest first: by the year in the name (an edition is named for its data year, and a
 * 2021 file loaded late is still older than 2023), then by when it was loaded.
 */
export function sortEditionsNewestFirst<E extends Pick<DivisionEdition, 'id' | 'name' | 'importedAt'>>(editions: readonly E[]): E[] {
  const year = (e: E) => Number(guessEditionName(e.name) || 0);
  const loaded = (e: E) => Date.parse(e.importedAt) || 0;
  return [...editions].sort((a, b) => year(b) - year(a) || loaded(b) - loaded(a) || b.id - a.id);
}
