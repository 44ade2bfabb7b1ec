import { describe, expect, it } from 'vitest';
import { nextChildCode, orderNorthToSouth } from './area-code.ts';

describe('nextChildCode', () => {
  it('continues after the highest code ever issued, never filling holes', () => {
    expect(nextChildCode('320412001001', [], 3)).toBe('320412001001001');
    expect(nextChildCode('320412001001', ['320412001001001', '320412001001004', '320412001001002'], 3)).toBe('320412001001005');
  });

  it('ignores codes of other parents and other depths', () => {
    expect(nextChildCode('320412001001', ['320412001002009', '32041200100100100001', '320412001001003'], 3)).toBe('320412001001004');
  });

  it('extends a grid code by the sub-grid digits', () => {
    expect(nextChildCode('320412001001003', ['32041200100100301'], 2)).toBe('32041200100100302');
  });

  it('refuses to overflow', () => {
    expect(() => nextChildCode('1', ['199'], 2)).toThrow(/no 2-digit/);
  });
});

describe('orderNorthToSouth', () => {
  it('orders rows from north, then west to east', () => {
    const pieces = [
      { id: 'se', x: 2, y: 0 },
      { id: 'nw', x: 0, y: 1 },
      { id: 'sw', x: 0, y: 0.05 },
      { id: 'ne', x: 2, y: 1.02 },
    ];
    expect(orderNorthToSouth(pieces, 0.5).map((p) => p.id)).toEqual(['nw', 'ne', 'sw', 'se']);
  });
});
