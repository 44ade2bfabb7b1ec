import { IMPORT_ISSUE_LIST_LIMIT } from '@redgrid/contracts';
import { IssueList } from '../../platform/import-report.ts';
import { levelLabel, rowProblem, type CodeShape } from './division-rules.ts';

/**
 * Checks a division file's bytes in one pass, without making a string or an object per row: the
 * 31.7 MB national file in about a fifth of a second. It reads the records exactly as PostgreSQL's
 * COPY (CSV, `"` quotes, `""` inside quotes, an unquoted empty field is NULL) so that the rows it
 * vouches for are the rows COPY loads; the import compares the two counts.
 *
 * Per row: the code's length and its level's shape, the level, the name (present, not blank, at
 * most 100 characters), and the parent code — absent exactly for level 1, otherwise the code cut at
 * a level above. Across rows: duplicate codes, and every parent present in the file at a level above
 * its child. Every problem is reported with its line (the header is line 1), the first
 * IMPORT_ISSUE_LIST_LIMIT in file order.
 */

export interface ColumnOrder {
  code: number;
  name: number;
  level: number;
  parent_code: number;
}

export interface ScanResult {
  /** Data rows (the header and a final empty line excluded). */
  total: number;
  /** Rows per level, index 0 = level 1. */
  byLevel: number[];
  errors: IssueList;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const NAME_MAX = 100;

/** A field's bytes: [start, end), and whether it was quoted (a quoted empty field is '', not NULL). */
interface Field {
  start: number;
  end: number;
  quoted: boolean;
  /** A quoted field holding "" pairs: its text must be unescaped to be read. */
  escaped: boolean;
}

const decoder = new TextDecoder('utf-8');

function text(bytes: Uint8Array, f: Field): string {
  const raw = decoder.decode(bytes.subarray(f.start, f.end));
  return f.escaped ? raw.replaceAll('""', '"') : raw;
}

function isBlank(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i += 1) {
    const b = bytes[i];
    if (b !== SPACE && b !== TAB) return false;
  }
  return true;
}

/** The number written in a field, spaces around it allowed (as int8in allows); NaN if it is not one. */
function number(bytes: Uint8Array, f: Field): number {
  let i = f.start;
  let end = f.end;
  while (i < end && bytes[i] === SPACE) i += 1;
  while (end > i && bytes[end - 1] === SPACE) end -= 1;
  if (i === end || end - i > 15) return NaN;
  let value = 0;
  for (; i < end; i += 1) {
    const d = (bytes[i] ?? 0) - 0x30;
    if (d < 0 || d > 9) return NaN;
    value = value * 10 + d;
  }
  return value;
}

/** Rows read between two pauses of the asynchronous scan (a few milliseconds' work). */
const ROWS_PER_STEP = 8192;

/** The scan, all at once. */
export function scanDivisionFile(bytes: Uint8Array, start: number, columns: ColumnOrder, shape: CodeShape): ScanResult {
  const steps = scanSteps(bytes, start, columns, shape);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The scan in steps, letting the event loop run between them: while it reads, the bytes of a COPY to
 * PostgreSQL keep flowing out of this process (they leave the socket only when the loop turns).
 * `busyMs` is the time spent reading, without the pauses.
 */
export async function scanDivisionFileAsync(bytes: Uint8Array, start: number, columns: ColumnOrder, shape: CodeShape): Promise<ScanResult & { busyMs: number }> {
  const steps = scanSteps(bytes, start, columns, shape);
  let busyMs = 0;
  for (;;) {
    const started = performance.now();
    const step = steps.next();
    busyMs += performance.now() - started;
    if (step.done) return { ...step.value, busyMs };
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

function* scanSteps(bytes: Uint8Array, start: number, columns: ColumnOrder, shape: CodeShape): Generator<void, ScanResult> {
  const n = shape.length;
  const errors = new IssueList(IMPORT_ISSUE_LIST_LIMIT);
  const byLevel = [0, 0, 0, 0, 0];
  const units = shape.significant.map((sig) => 10 ** (n - sig));
  const owns = shape.significant.map((sig, i) => 10 ** (sig - (shape.inherited[i] ?? 0)));
  const low = 10 ** (n - 1);
  const high = 10 ** n - 1;

  // One slot per row that passed its own checks, for the checks across rows.
  let capacity = 1024;
  let codes = new Float64Array(capacity);
  let parents = new Float64Array(capacity);
  let levels = new Uint8Array(capacity);
  let lines = new Uint32Array(capacity);
  let nameAt = new Uint32Array(capacity * 2);
  let kept = 0;

  // The fields of the record being read, as parallel arrays: where each starts and ends, and what a
  // number reader would make of it, gathered in the same pass over the bytes.
  const MAX_FIELDS = 64;
  const fStart = new Int32Array(MAX_FIELDS);
  const fEnd = new Int32Array(MAX_FIELDS);
  const fQuoted = new Uint8Array(MAX_FIELDS);
  const fEscaped = new Uint8Array(MAX_FIELDS);
  const fValue = new Float64Array(MAX_FIELDS);
  const fDigits = new Int32Array(MAX_FIELDS);
  /** Bytes that are neither a digit nor a space (a number field must have none). */
  const fOther = new Int32Array(MAX_FIELDS);
  const field = (i: number): Field => ({ start: fStart[i] ?? 0, end: fEnd[i] ?? 0, quoted: fQuoted[i] === 1, escaped: fEscaped[i] === 1 });
  /** A field's number: NaN unless it is digits (and spaces) only, at most `max` of them. */
  const numberIn = (i: number, max: number): number => {
    if (fQuoted[i] === 1) return number(bytes, field(i));
    const digits = fDigits[i] ?? 0;
    return fOther[i] === 0 && digits > 0 && digits <= max ? (fValue[i] ?? NaN) : NaN;
  };
  let total = 0;
  let line = 1; // the header
  let at = start;
  const length = bytes.length;

  while (at < length) {
    if (total % ROWS_PER_STEP === ROWS_PER_STEP - 1) yield;
    line += 1;
    const rowLine = line;
    // Read one record.
    let count = 0;
    let broken: string | null = null;
    for (;;) {
      const f = count < MAX_FIELDS ? count : MAX_FIELDS - 1;
      count += 1;
      if (bytes[at] === QUOTE) {
        fQuoted[f] = 1;
        fEscaped[f] = 0;
        fStart[f] = at + 1;
        let i = at + 1;
        for (;;) {
          if (i >= length) {
            broken = '引号没有闭合';
            break;
          }
          const b = bytes[i];
          if (b === QUOTE) {
            if (bytes[i + 1] === QUOTE) {
              fEscaped[f] = 1;
              i += 2;
              continue;
            }
            break;
          }
          if (b === LF) line += 1;
          i += 1;
        }
        fEnd[f] = i;
        at = i + 1;
        if (broken) break;
        const next = bytes[at];
        if (next !== COMMA && next !== LF && next !== CR && at < length) {
          broken = '引号后面还有字符（名称中有引号时请写成两个引号）';
          while (at < length && bytes[at] !== LF) at += 1;
          break;
        }
      } else {
        fQuoted[f] = 0;
        fEscaped[f] = 0;
        fStart[f] = at;
        let value = 0;
        let digits = 0;
        let other = 0;
        while (at < length) {
          const b = bytes[at] ?? 0;
          if (b === COMMA || b === LF) break;
          const d = b - 0x30;
          if (d >= 0 && d <= 9) {
            value = value * 10 + d;
            digits += 1;
          } else if (b !== SPACE) other += 1;
          at += 1;
        }
        let end = at;
        if (end > fStart[f]! && bytes[end - 1] === CR) {
          end -= 1;
          other -= 1;
        }
        fEnd[f] = end;
        fValue[f] = value;
        fDigits[f] = digits;
        fOther[f] = other;
      }
      if (at < length && bytes[at] === COMMA) {
        at += 1;
        continue;
      }
      if (at < length && bytes[at] === CR) at += 1;
      at += 1; // past the newline (or the end)
      break;
    }
    total += 1;

    if (broken !== null) {
      errors.add({ row: rowLine, code: 'bad_row', message: `第 ${rowLine} 行无法读取：${broken}` });
      continue;
    }
    if (count !== 4) {
      const reason = count > 4 ? '列数多于表头（名称中有逗号时请用双引号括起）' : count === 1 && fStart[0] === fEnd[0] ? '空行' : '列数少于表头';
      errors.add({ row: rowLine, code: 'bad_row', message: `第 ${rowLine} 行无法读取：${reason}` });
      continue;
    }

    const c = columns.code;
    const nm = columns.name;
    const pc = columns.parent_code;
    const code = numberIn(c, n);
    const level = numberIn(columns.level, 2);
    const parentNull = fStart[pc] === fEnd[pc] && fQuoted[pc] === 0;
    const parent = parentNull ? NaN : numberIn(pc, 15);
    const nameStart = fStart[nm] ?? 0;
    const nameEnd = fEnd[nm] ?? 0;
    const nameNull = nameStart === nameEnd && fQuoted[nm] === 0;

    let ok = code >= low && code <= high && level >= 1 && level <= shape.levels;
    if (ok) {
      const unit = units[level - 1] ?? 1;
      ok = code % unit === 0 && Math.floor(code / unit) % (owns[level - 1] ?? 1) !== 0;
      if (ok) {
        if (level === 1) ok = parentNull;
        else {
          ok = false;
          for (let k = level - 2; k >= 0 && !ok; k -= 1) {
            const u = units[k] ?? 1;
            ok = parent === Math.floor(code / u) * u;
          }
        }
      }
    }
    if (ok) {
      ok = !nameNull && !isBlank(bytes, nameStart, nameEnd) && (nameEnd - nameStart <= NAME_MAX * 3 || [...text(bytes, field(nm))].length <= NAME_MAX);
    }
    if (!ok) {
      // The wording comes from the shared rules; only refused rows are decoded.
      const codeText = text(bytes, field(c)).trim();
      const levelText = text(bytes, field(columns.level)).trim();
      errors.add(
        rowProblem(
          {
            line: rowLine,
            code: codeText === '' ? null : codeText,
            name: nameNull ? null : text(bytes, field(nm)),
            level: /^\d+$/.test(levelText) ? Number(levelText) : levelText === '' ? null : -1,
            levelText,
            parentCode: parentNull ? null : text(bytes, field(pc)).trim(),
          },
          shape,
        ),
      );
      continue;
    }

    byLevel[level - 1] = (byLevel[level - 1] ?? 0) + 1;
    if (kept === capacity) {
      capacity *= 2;
      const grow = <T extends Float64Array | Uint8Array | Uint32Array>(a: T, make: (size: number) => T, size: number): T => {
        const b = make(size);
        b.set(a);
        return b;
      };
      codes = grow(codes, (s) => new Float64Array(s), capacity);
      parents = grow(parents, (s) => new Float64Array(s), capacity);
      levels = grow(levels, (s) => new Uint8Array(s), capacity);
      lines = grow(lines, (s) => new Uint32Array(s), capacity);
      nameAt = grow(nameAt, (s) => new Uint32Array(s), capacity * 2);
    }
    codes[kept] = code;
    parents[kept] = level === 1 ? NaN : parent;
    levels[kept] = level;
    lines[kept] = rowLine;
    nameAt[kept * 2] = nameStart;
    nameAt[kept * 2 + 1] = nameEnd;
    kept += 1;
  }

  // Across rows: the first row of every code, then duplicates and parents. The statistical files come
  // sorted by code, and then a binary search over the codes as read finds a parent without building
  // anything; a file in any other order goes through a map of its codes.
  const pad = (c: number) => String(c).padStart(n, '0');
  let sorted = true;
  for (let i = 1; i < kept && sorted; i += 1) sorted = (codes[i] ?? 0) > (codes[i - 1] ?? 0);
  let find: (code: number, row: number) => number | undefined;
  if (sorted) {
    // In code order a parent comes before its children and is, almost always, the last row seen at
    // its level: look there first, then search.
    const lastAt = new Int32Array(shape.levels).fill(-1);
    let lastRow = -1;
    find = (code, row) => {
      for (; lastRow < row; lastRow += 1) if (lastRow >= 0) lastAt[(levels[lastRow] ?? 1) - 1] = lastRow;
      for (let k = 0; k < lastAt.length; k += 1) {
        const at = lastAt[k] ?? -1;
        if (at >= 0 && codes[at] === code) return at;
      }
      let lo = 0;
      let hi = kept - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const c = codes[mid] ?? 0;
        if (c === code) return mid;
        if (c < code) lo = mid + 1;
        else hi = mid - 1;
      }
      return undefined;
    };
  } else {
    const first = new Map<number, number>();
    const nameOf = (i: number) => decoder.decode(bytes.subarray(nameAt[i * 2], nameAt[i * 2 + 1]));
    for (let i = 0; i < kept; i += 1) {
      const code = codes[i] ?? 0;
      const seen = first.get(code);
      if (seen === undefined) first.set(code, i);
      else {
        errors.add({ row: lines[i], field: 'code', code: 'duplicate_code', areaCode: pad(code), message: `代码 ${pad(code)} 重复：第 ${lines[seen]} 行已有（${nameOf(seen)}）` });
        byLevel[(levels[i] ?? 1) - 1] = (byLevel[(levels[i] ?? 1) - 1] ?? 1) - 1;
      }
    }
    find = (code) => first.get(code);
  }
  for (let i = 0; i < kept; i += 1) {
    const parent = parents[i] ?? NaN;
    if (Number.isNaN(parent)) continue;
    const p = find(parent, i);
    const code = pad(codes[i] ?? 0);
    if (p === undefined) {
      errors.add({ row: lines[i], areaCode: code, field: 'parent_code', code: 'parent_missing', message: `上级代码 ${pad(parent)} 不在文件中` });
    } else if ((levels[p] ?? 0) >= (levels[i] ?? 0)) {
      errors.add({
        row: lines[i],
        areaCode: code,
        field: 'level',
        code: 'bad_level',
        message: `上级 ${pad(parent)}（第 ${lines[p]} 行）是${levelLabel(levels[p] ?? 1)}级，不能管辖${levelLabel(levels[i] ?? 1)}级的 ${code}`,
      });
    }
  }
  return { total, byLevel, errors };
}
