// @vitest-environment jsdom
import type { Division } from '@redgrid/contracts';
import { describe, expect, it } from 'vitest';
import { ancestorsOf, commonCodeLength, expandCodePrefix, formatAncestorChain, isAdoptableCode, levelCountEntries, levelsBetween, sortEditionsNewestFirst } from './division-format';

const division = (code: string, name: string, level: Division['level'], parentCode: string | null): Division => ({ code, name, level, parentCode, hasChildren: true });

describe('formatAncestorChain', () => {
  it('joins names top down', () => {
    expect(formatAncestorChain([{ name: '江苏省' }, { name: '常州市' }, { name: '武进区' }])).toBe('江苏省 › 常州市 › 武进区');
    expect(formatAncestorChain([])).toBe('');
    expect(formatAncestorChain([{ name: '江苏省' }, { name: '常州市' }], ' / ')).toBe('江苏省 / 常州市');
  });
});

describe('ancestorsOf', () => {
  const loaded = new Map(
    [
      division('320000000000', '江苏省', 'province', null),
      division('320400000000', '常州市', 'city', '320000000000'),
      division('320412000000', '武进区', 'district', '320400000000'),
    ].map((d) => [d.code, d]),
  );

  it('walks the loaded parents up to the province', () => {
    expect(ancestorsOf({ parentCode: '320412000000' }, loaded)).toEqual([
      { code: '320000000000', name: '江苏省', level: 'province' },
      { code: '320400000000', name: '常州市', level: 'city' },
      { code: '320412000000', name: '武进区', level: 'district' },
    ]);
    expect(ancestorsOf({ parentCode: null }, loaded)).toEqual([]);
  });

  it('stops at a gap or a loop', () => {
    expect(ancestorsOf({ parentCode: '330100000000' }, loaded)).toEqual([]);
    const loop = new Map([
      ['1', division('1', 'A', 'city', '2')],
      ['2', division('2', 'B', 'province', '1')],
    ]);
    expect(ancestorsOf({ parentCode: '1' }, loop).map((l) => l.name)).toEqual(['B', 'A']);
  });
});

describe('levelCountEntries / levelsBetween', () => {
  it('lists the levels an edition holds, top first', () => {
    expect(levelCountEntries({ province: 31, city: 342, district: 2844, street: 0, community: 0 })).toEqual([
      { level: 'province', count: 31 },
      { level: 'city', count: 342 },
      { level: 'district', count: 2844 },
    ]);
  });

  it('spans the levels from one to another', () => {
    expect(levelsBetween('district', 'community')).toEqual(['district', 'street', 'community']);
    expect(levelsBetween('community', 'community')).toEqual(['community']);
    expect(levelsBetween('street', 'city')).toEqual([]);
  });
});

describe('expandCodePrefix', () => {
  it.each([
    ['32', 12, '320000000000'],
    ['3204', 12, '320400000000'],
    [' 320412 ', 12, '320412000000'],
    ['320412001', 12, '320412001000'],
    ['320412001001', 12, '320412001001'],
    ['3204', 6, '320400'],
    ['32041', 12, null],
    ['320412001', 6, null],
    ['32a4', 12, null],
    ['', 12, null],
  ] as const)('%j in %i digits -> %j', (prefix, length, expected) => {
    expect(expandCodePrefix(prefix, length)).toBe(expected);
  });

  it('compares in 12 digits only when both editions have them', () => {
    expect(commonCodeLength({ codeLength: 12 }, { codeLength: 12 })).toBe(12);
    expect(commonCodeLength({ codeLength: 12 }, { codeLength: 6 })).toBe(6);
  });
});

describe('sortEditionsNewestFirst', () => {
  it('puts the latest data year first, then the latest load', () => {
    const editions = [
      { id: 1, name: '2023 四级', importedAt: '2026-01-01T00:00:00Z' },
      { id: 2, name: '2021', importedAt: '2026-03-01T00:00:00Z' },
      { id: 3, name: 'GB/T 2260-2024', importedAt: '2026-02-01T00:00:00Z' },
      { id: 4, name: '本地', importedAt: '2026-04-01T00:00:00Z' },
      { id: 5, name: '2021 复核', importedAt: '2026-05-01T00:00:00Z' },
    ];
    expect(sortEditionsNewestFirst(editions).map((e) => e.id)).toEqual([3, 1, 5, 2, 4]);
  });
});

describe('isAdoptableCode', () => {
  it('accepts 12-digit statistical codes only', () => {
    expect(isAdoptableCode('320412001001')).toBe(true);
    expect(isAdoptableCode('320412')).toBe(false);
    expect(isAdoptableCode('32041200100a')).toBe(false);
  });
});
