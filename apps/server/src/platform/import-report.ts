import { IMPORT_ISSUE_LIST_LIMIT, type ImportIssue } from '@redgrid/contracts';

/** Where an issue sits: a CSV line or a GeoJSON feature index. */
function position(issue: ImportIssue): number {
  return issue.row ?? issue.feature ?? -1;
}

/**
 * The issues of one kind (errors or warnings) found by an import. Counts every issue but keeps only
 * the first `limit` in file order: a file of 663,128 rows handed to the wrong account yields that
 * many errors, and the report must stay small while naming the first ones exactly.
 */
export class IssueList {
  #kept: ImportIssue[] = [];
  #count = 0;
  #sorted = true;
  readonly #rows = new Set<number>();

  constructor(private readonly limit = IMPORT_ISSUE_LIST_LIMIT) {}

  add(issue: ImportIssue): void {
    this.#count += 1;
    const at = position(issue);
    if (at >= 0) this.#rows.add(at);
    this.#kept.push(issue);
    this.#sorted = false;
    // Trim now and then rather than on every add: amortised O(n log limit) however many arrive.
    if (this.#kept.length >= this.limit * 2) this.#trim();
  }

  get count(): number {
    return this.#count;
  }

  /** Rows (or features) with at least one issue in this list. */
  get positions(): ReadonlySet<number> {
    return this.#rows;
  }

  has(at: number): boolean {
    return this.#rows.has(at);
  }

  list(): ImportIssue[] {
    this.#trim();
    return [...this.#kept];
  }

  #trim(): void {
    if (!this.#sorted) {
      // Stable: issues of one row keep the order in which the checks found them.
      this.#kept.sort((a, b) => position(a) - position(b));
      this.#sorted = true;
    }
    if (this.#kept.length > this.limit) this.#kept.length = this.limit;
  }
}

/** The part every import report shares: totals and the kept issues of both lists. */
export function issueTotals(total: number, errors: IssueList, warnings: IssueList) {
  return {
    total,
    ok: Math.max(0, total - errors.positions.size),
    errorCount: errors.count,
    warningCount: warnings.count,
    errors: errors.list(),
    warnings: warnings.list(),
  };
}

/**
 * The deepest area whose subtree holds every given materialised path ('/1/5/23/'): the owning area
 * of a change that touches several areas. Null when the paths share no root.
 */
export function commonAncestorId(paths: readonly string[]): number | null {
  let common: string[] | null = null;
  for (const path of paths) {
    const ids = path.split('/').filter(Boolean);
    if (common === null) {
      common = ids;
      continue;
    }
    let i = 0;
    while (i < common.length && i < ids.length && common[i] === ids[i]) i += 1;
    common = common.slice(0, i);
  }
  const last = common?.at(-1);
  return last === undefined ? null : Number(last);
}
