import { describe, expect, it } from 'vitest';
import { codeFitsLevel, codeFitsParent, csvRecords, findCycles, readDivisionFile } from './division-csv.ts';

const HEADER = 'code,name,level,parent_code';
const file = (...lines: string[]) => [HEADER, ...lines].join('\n');
const read = (text: string) => readDivisionFile(text, 100);
const codesOf = (text: string) => read(text).errors.list().map((e) => [e.row, e.code, e.field]);

describe('division file: code shapes', () => {
  it.each([
    ['320000000000', 'province', true],
    ['320400000000', 'city', true],
    ['320412000000', 'district', true],
    ['320412001000', 'street', true],
    ['320412001001', 'community', true],
    ['320412001001', 'street', false], // village digits set on a township
    ['320400000000', 'province', false],
    ['320012000000', 'district', true], // city segment 00 is the city's business, not the district's
    ['320400000000', 'district', false], // own segment empty
    ['320412000000', 'street', false],
  ] as const)('%s fits %s: %s', (code, level, fits) => {
    expect(codeFitsLevel(code, level)).toBe(fits);
  });

  it.each([
    ['320412001001', 'community', '320412001000', true],
    ['320412001001', 'community', '320412002000', false],
    ['320412000000', 'district', '320400000000', true],
    ['320412000000', 'district', '330400000000', false],
    // 东莞: townships straight under the prefecture, the county segment being 00.
    ['441900003000', 'street', '441900000000', true],
    ['441901003000', 'street', '441900000000', false],
  ] as const)('%s (%s) under %s: %s', (code, level, parent, fits) => {
    expect(codeFitsParent(code, level, parent)).toBe(fits);
  });
});

describe('division file: records', () => {
  it('splits quote-free text itself and hands quoted text to csv-parse, with the same result', () => {
    const records = (text: string) => [...csvRecords(text)].map((r) => [r.line, ...r.fields]);
    expect(records('\ufeffcode,name\r\n1,甲\r\n2,乙\r\n')).toEqual([[1, 'code', 'name'], [2, '1', '甲'], [3, '2', '乙']]);
    expect(records('code,name\n1,"甲,乙"\n2,"说""好"""\n')).toEqual([[1, 'code', 'name'], [2, '1', '甲,乙'], [3, '2', '说"好"']]);
  });

  it('numbers records by the line they start on when a quoted field spans lines', () => {
    const records = (text: string) => [...csvRecords(text)].map((r) => [r.line, ...r.fields]);
    expect(records('code,name\n1,"甲\n乙"\n2,丙\n')).toEqual([[1, 'code', 'name'], [2, '1', '甲\n乙'], [4, '2', '丙']]);
  });
});

describe('division file: quote errors are a report row with the line, not a crash (issue 7, fault 8)', () => {
  const header = 'code,name,level,parent_code';
  it.each([
    { name: 'a quote never closed', text: [header, '320000000000,江苏省,1,', '320400000000,"常州市,2,320000000000', '320412000000,武进区,3,320400000000'], line: 3, says: '没有闭合' },
    { name: 'text after a closing quote', text: [header, '320000000000,"江苏"省,1,'], line: 2, says: '闭合的 "' },
    { name: 'a quote inside an unquoted field', text: [header, '320000000000,江苏省,1,', '320400000000,常"州"市,2,320000000000'], line: 3, says: '未加引号' },
  ])('$name → bad_csv on line $line', ({ text, line, says }) => {
    const result = read(`${text.join('\n')}\n`);
    const issues = result.errors.list();
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ row: line, code: 'bad_csv' });
    expect(issues[0]?.message).toContain(`第 ${line} 行`);
    expect(issues[0]?.message).toContain(says);
    expect(result.rows).toEqual([]);
  });
});

describe('division file: rows', () => {
  it('accepts a well-formed tree with the real quirks (市辖区 without children, a skipped county level)', () => {
    const result = read(
      file(
        '440000000000,广东省,1,',
        '441900000000,东莞市,2,440000000000',
        '441900003000,东城街道,4,441900000000',
        '441900003001,岗贝社区居民委员会,5,441900003000',
        '440100000000,广州市,2,440000000000',
        '440101000000,市辖区,3,440100000000',
      ),
    );
    expect(result.errors.list()).toEqual([]);
    expect(result.rows.map((r) => [r.row, r.code, r.level, r.parentCode])).toEqual([
      [2, '440000000000', 'province', null],
      [3, '441900000000', 'city', '440000000000'],
      [4, '441900003000', 'street', '441900000000'],
      [5, '441900003001', 'community', '441900003000'],
      [6, '440100000000', 'city', '440000000000'],
      [7, '440101000000', 'district', '440100000000'],
    ]);
  });

  it('accepts the columns in any order and blank lines, keeping line numbers', () => {
    const result = read('parent_code,level,name,code\n,1,江苏省,320000000000\n\n320000000000,2,常州市,320400000000\n');
    expect(result.errors.count).toBe(0);
    expect(result.rows.map((r) => [r.row, r.code])).toEqual([[2, '320000000000'], [4, '320400000000']]);
  });

  it.each([
    ['a wrong header', 'id,title\n1,x', [[1, 'bad_header', undefined]]],
    ['no data rows', HEADER, [[2, 'empty_file', undefined]]],
    ['a short row', file('320000000000,江苏省'), [[2, 'bad_row', undefined]]],
    ['a bad level', file('320000000000,江苏省,6,'), [[2, 'bad_level', 'level']]],
    ['a code that is not 12 digits', file('32000000000X,江苏省,1,'), [[2, 'bad_code', 'code']]],
    ['a code of the wrong level', file('320400000000,常州市,1,'), [[2, 'bad_code', 'code']]],
    ['an empty name', file('320000000000,,1,'), [[2, 'bad_name', 'name']]],
    ['mojibake in a name', file('320000000000,\ufffd\ufffd,1,'), [[2, 'bad_name', 'name']]],
    ['a province with a parent', file('320000000000,江苏省,1,110000000000'), [[2, 'code_parent_mismatch', 'parent_code']]],
    ['a city without a parent', file('320400000000,常州市,2,'), [[2, 'parent_missing', 'parent_code']]],
    ['a malformed parent code', file('320400000000,常州市,2,32'), [[2, 'bad_code', 'parent_code']]],
    ['a duplicate code', file('320000000000,江苏省,1,', '320000000000,江苏,1,'), [[3, 'duplicate_code', 'code']]],
    ['a code that does not fit its parent', file('320000000000,江苏省,1,', '330400000000,嘉兴市,2,320000000000'), [[3, 'code_parent_mismatch', 'parent_code']]],
    [
      'a parent of the same level',
      file('320400000000,常州市,2,320000000000', '320412000000,武进区,3,320400000000', '320412001000,甲,4,320412000000', '320412001001,乙,5,320412001000', '320412001002,丙,5,320412001001'),
      [[6, 'bad_level', 'level']],
    ],
  ] as const)('names %s', (_what, text, expected) => {
    expect(codesOf(text)).toEqual(expected);
  });

  it('tells a code of the wrong shape from a parent of the wrong level', () => {
    expect(codesOf(file('320400000000,常州市,3,320000000000'))).toEqual([[2, 'bad_code', 'code']]);
    expect(codesOf(file('320412000000,武进区,3,320400000000', '320412100000,乙,3,320412000000'))).toEqual([[3, 'bad_code', 'code']]);
    expect(codesOf(file('320412001000,甲,4,320412000000', '320412001001,乙,4,320412001000'))).toEqual([[3, 'bad_code', 'code']]);
    expect(codesOf(file('320412001000,甲,4,320412000000', '320412002000,乙,4,320412001000'))).toEqual([[3, 'bad_level', 'level']]);
  });

  it('names every row on a cycle, and a row that is its own parent', () => {
    const text = file(
      '320412001000,甲街道,4,320412002000',
      '320412002000,乙街道,4,320412001000',
      '320412003000,丙街道,4,320412003000',
      '320412003001,丁社区,5,320412003000',
    );
    const issues = read(text).errors.list();
    expect(issues.map((e) => [e.row, e.code])).toEqual([[2, 'cycle'], [3, 'cycle'], [4, 'cycle']]);
    expect(issues[0]?.message).toContain('320412001000 → 320412002000 → 320412001000');
  });

  it('stops at the row limit', () => {
    const rows = Array.from({ length: 101 }, (_, i) => `3204120010${String(i).padStart(2, '0')},x,5,320412001000`);
    expect(codesOf(file(...rows)).at(-1)?.[1]).toBe('too_many_rows');
  });
});

describe('findCycles', () => {
  it('is linear and finds only the loops, not the chains leading into them', () => {
    const nodes = new Map<string, { parentCode: string | null; level: 'street' | 'community' }>([
      ['a', { parentCode: 'b', level: 'community' }],
      ['b', { parentCode: 'c', level: 'street' }],
      ['c', { parentCode: 'b', level: 'street' }],
      ['d', { parentCode: null, level: 'street' }],
      ['e', { parentCode: 'x', level: 'community' }],
      ['f', { parentCode: 'f', level: 'community' }],
    ]);
    expect([...findCycles(nodes)].sort()).toEqual(['b', 'c', 'f']);
    nodes.delete('c');
    nodes.delete('f');
    expect(findCycles(nodes).size).toBe(0);
  });
});
