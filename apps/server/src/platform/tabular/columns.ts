/**
 * Which file column feeds which field. Headers are matched to a field's Chinese label, its key or
 * any alias, ignoring case, spaces, full-width forms and a trailing "*" (the template marks required
 * columns so); a mapping the user chose overrides the automatic one. A required field without a
 * column stops the import; a column no field takes is a warning (it is ignored).
 */

export interface TableField {
  /** The field's key in the parsed record (idNumber). */
  key: string;
  /** The Chinese column title in templates and reports (身份证号). */
  label: string;
  /** Other titles seen in real files (公民身份号码, 证件号码 …). */
  aliases?: readonly string[];
  required?: boolean;
}

/** Field key → column index (0-based) in the file. */
export type ColumnMapping = Record<string, number>;

export interface MappingResult {
  mapping: ColumnMapping;
  /** Required fields without a column. */
  missing: TableField[];
  /** Columns (index and title) that no field takes. */
  unknown: { column: number; header: string }[];
  /** Columns a second field or a repeated title would also match: the first one wins. */
  duplicates: { column: number; header: string }[];
}

/** Full-width to half-width, no spaces, lower case, no required-marker: how two titles are compared. */
export function normaliseHeader(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\s\u3000]+/g, '')
    .replace(/[*＊]+$/, '')
    .replace(/^[*＊]+/, '')
    .replace(/[（(].*?[)）]$/, '')
    .toLowerCase();
}

export function mapColumns(headers: readonly string[], fields: readonly TableField[], chosen: Readonly<Record<string, number | null>> = {}): MappingResult {
  const byTitle = new Map<string, string>();
  for (const f of fields) {
    for (const title of [f.label, f.key, ...(f.aliases ?? [])]) {
      const n = normaliseHeader(title);
      if (n && !byTitle.has(n)) byTitle.set(n, f.key);
    }
  }
  const mapping: ColumnMapping = {};
  const taken = new Set<number>();
  const duplicates: MappingResult['duplicates'] = [];
  const known = new Set(fields.map((f) => f.key));
  // The user's choices first: a field set to null is deliberately left unmapped.
  for (const [key, column] of Object.entries(chosen)) {
    if (!known.has(key) || column === null || column < 0 || column >= headers.length) continue;
    mapping[key] = column;
    taken.add(column);
  }
  headers.forEach((header, column) => {
    if (taken.has(column)) return;
    const key = byTitle.get(normaliseHeader(header));
    if (!key || key in chosen) return;
    if (key in mapping) {
      duplicates.push({ column, header });
      return;
    }
    mapping[key] = column;
    taken.add(column);
  });
  const missing = fields.filter((f) => f.required && mapping[f.key] === undefined);
  const unknown = headers
    .map((header, column) => ({ column, header }))
    .filter(({ column, header }) => !taken.has(column) && header !== '' && !duplicates.some((d) => d.column === column));
  return { mapping, missing, unknown, duplicates };
}

/** The cells of one row as field key → text ('' for an unmapped or absent column). */
export function pickFields(cells: readonly string[], mapping: ColumnMapping, fields: readonly TableField[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) {
    const column = mapping[f.key];
    out[f.key] = column === undefined ? '' : (cells[column] ?? '');
  }
  return out;
}
