/**
 * Grid codes extend the code of the area they sit in: community code (12 digits) + a sequence of
 * `digits` (default 3), a sub-grid adds `subgridDigits` (default 2) to its grid's code. Sequences
 * continue after the highest code ever issued under the parent — retired grids keep their rows —
 * so a code is never reused.
 */
export function nextChildCode(parentCode: string, issuedChildCodes: readonly string[], digits: number): string {
  let highest = 0;
  for (const code of issuedChildCodes) {
    if (code.length !== parentCode.length + digits || !code.startsWith(parentCode)) continue;
    const seq = Number(code.slice(parentCode.length));
    if (Number.isInteger(seq) && seq > highest) highest = seq;
  }
  const next = highest + 1;
  if (next >= 10 ** digits) throw new Error(`no ${digits}-digit grid codes left under ${parentCode}`);
  return `${parentCode}${String(next).padStart(digits, '0')}`;
}

/** Pieces numbered the way grids are: north to south, then west to east (by representative point). */
export function orderNorthToSouth<T extends { x: number; y: number }>(pieces: readonly T[], rowHeight: number): T[] {
  return [...pieces].sort((a, b) => {
    const rowA = Math.round(-a.y / rowHeight);
    const rowB = Math.round(-b.y / rowHeight);
    return rowA !== rowB ? rowA - rowB : a.x - b.x;
  });
}
