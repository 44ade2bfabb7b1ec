import { DIVISION_LEVEL_NAMES, type DivisionLevelName, type ImportIssue } from '@redgrid/contracts';
import { levelLabel as areaLevelLabel } from './division-csv.ts';

/**
 * The shape of a division code, for the two kinds of file the library holds: the 12-digit statistical
 * code (PP CC DD TTT VVV, levels 1–5) and the 6-digit GB/T 2260 code (PP CC DD, levels 1–3). The
 * rules are those of the area tree's CSV import (division-csv.ts), except that a parent may sit more
 * than one level up wherever the data skips a level; division-scan.ts applies them to a whole file
 * in one pass and rowProblem words what it found.
 */
export type CodeLength = 6 | 12;

export interface CodeShape {
  length: CodeLength;
  /** Levels the file may use: 5 or 3. */
  levels: number;
  /** Digits filled at each level (index 0 = level 1). */
  significant: readonly number[];
  /** Digits shared with the parent at each level. */
  inherited: readonly number[];
}

export const CODE_SHAPES: Record<CodeLength, CodeShape> = {
  12: { length: 12, levels: 5, significant: [2, 4, 6, 9, 12], inherited: [0, 2, 4, 6, 9] },
  6: { length: 6, levels: 3, significant: [2, 4, 6], inherited: [0, 2, 4] },
};

export const NAME_MAX = 100;

export function levelName(level: number): DivisionLevelName {
  const name = DIVISION_LEVEL_NAMES[level - 1];
  if (!name) throw new Error(`no division level ${level}`);
  return name;
}

export function levelLabel(level: number): string {
  return areaLevelLabel(levelName(level));
}

/** The code written the way the level writes it: 'PPCC00000000'. */
function codeFormat(shape: CodeShape, level: number): string {
  const letters = 'PPCCDDTTTVVV'.slice(0, shape.length);
  const end = shape.significant[level - 1] ?? shape.length;
  return letters.slice(0, end) + '0'.repeat(shape.length - end);
}

/** A row a check refused, as written in the file (codes as digit strings). */
export interface StagedRow {
  line: number;
  code: string | null;
  name: string | null;
  level: number | null;
  parentCode: string | null;
  /** The level as written, when it is not a number. */
  levelText?: string;
}

function digits(value: string | null, shape: CodeShape): boolean {
  return value !== null && value.length === shape.length && /^[1-9]\d*$/.test(value);
}

/**
 * Why a row failed its own checks, in words: the first issue found, in the order a person would fix
 * them (code, level, name, parent).
 */
export function rowProblem(row: StagedRow, shape: CodeShape): ImportIssue {
  const at = { row: row.line, ...(digits(row.code, shape) && row.code ? { areaCode: row.code } : {}) };
  const n = shape.length;
  if (!digits(row.code, shape)) {
    return { ...at, field: 'code', code: 'bad_code', message: row.code === null ? '代码为空' : `代码“${row.code}”无效：应为 ${n} 位数字` };
  }
  const code = row.code ?? '';
  const level = row.level;
  if (level === null || level < 1 || level > shape.levels) {
    const allowed = Array.from({ length: shape.levels }, (_, i) => `${i + 1}（${levelLabel(i + 1)}）`).join('、');
    return { ...at, field: 'level', code: 'bad_level', message: `层级“${row.levelText ?? level ?? ''}”无效：应为 ${allowed}` };
  }
  const sig = shape.significant[level - 1] ?? n;
  const inh = shape.inherited[level - 1] ?? 0;
  if (!/^0*$/.test(code.slice(sig)) || /^0+$/.test(code.slice(inh, sig))) {
    return { ...at, field: 'code', code: 'bad_code', message: `代码 ${code} 不是${levelLabel(level)}级代码：应为 ${codeFormat(shape, level)} 的形式` };
  }
  const name = row.name?.trim() ?? '';
  if (name === '') return { ...at, field: 'name', code: 'bad_name', message: '名称为空' };
  if (name.length > NAME_MAX) return { ...at, field: 'name', code: 'bad_name', message: `名称超过 ${NAME_MAX} 个字` };
  if (level === 1) {
    return { ...at, field: 'parent_code', code: 'code_parent_mismatch', message: '省级区域没有上级：parent_code 应留空' };
  }
  if (row.parentCode === null) {
    return { ...at, field: 'parent_code', code: 'parent_missing', message: `${levelLabel(level)}级区域必须填写上级代码 parent_code` };
  }
  const above = ancestorCodes(Number(code), level, shape).map((c) => String(c).padStart(n, '0'));
  return {
    ...at,
    field: 'parent_code',
    code: 'code_parent_mismatch',
    message: `代码 ${code} 与上级 ${row.parentCode} 不符：${levelLabel(level)} ${code} 的上级代码应为 ${above.join(' 或 ')}`,
  };
}

/** The range of codes at or below `code` (a division of `level`): [code, last]. */
export function subtreeRange(code: number, level: number, shape: CodeShape): [number, number] {
  const sig = shape.significant[level - 1] ?? shape.length;
  return [code, code + 10 ** (shape.length - sig) - 1];
}

/** The codes of the divisions above `code` at each level, whether or not the edition holds them. */
export function ancestorCodes(code: number, level: number, shape: CodeShape): number[] {
  const out: number[] = [];
  for (let l = 1; l < level; l += 1) {
    const unit = 10 ** (shape.length - (shape.significant[l - 1] ?? shape.length));
    const ancestor = Math.floor(code / unit) * unit;
    if (ancestor !== code && !out.includes(ancestor)) out.push(ancestor);
  }
  return out;
}

/** Codes matched by a typed prefix ('3204' → every code starting 3204): [from, to]. */
export function prefixRange(prefix: string, shape: CodeShape): [number, number] | null {
  if (!/^\d+$/.test(prefix) || prefix.length > shape.length) return null;
  const unit = 10 ** (shape.length - prefix.length);
  const from = Number(prefix) * unit;
  return [from, from + unit - 1];
}
