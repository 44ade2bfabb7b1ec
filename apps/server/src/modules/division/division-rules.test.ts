import { describe, expect, it } from 'vitest';
import { copyProblem } from './division-library.service.ts';
import { ancestorCodes, CODE_SHAPES, prefixRange, rowProblem, subtreeRange } from './division-rules.ts';
import { scanDivisionFile } from './division-scan.ts';

const S12 = CODE_SHAPES[12];
const S6 = CODE_SHAPES[6];

describe('division code shapes', () => {
  it('names the ancestors of a code at every level above, skipping levels a code skips', () => {
    expect(ancestorCodes(320412001001, 5, S12)).toEqual([320000000000, 320400000000, 320412000000, 320412001000]);
    // 东莞 (4419) has towns straight under the city: the county cut equals the city.
    expect(ancestorCodes(441900003000, 4, S12)).toEqual([440000000000, 441900000000]);
    expect(ancestorCodes(110101, 3, S6)).toEqual([110000, 110100]);
    expect(ancestorCodes(320000000000, 1, S12)).toEqual([]);
  });

  it('gives the code range of a subtree and of a typed prefix', () => {
    expect(subtreeRange(320412000000, 3, S12)).toEqual([320412000000, 320412999999]);
    expect(subtreeRange(320412001000, 4, S12)).toEqual([320412001000, 320412001999]);
    expect(subtreeRange(320412001001, 5, S12)).toEqual([320412001001, 320412001001]);
    expect(prefixRange('3204', S12)).toEqual([320400000000, 320499999999]);
    expect(prefixRange('3204120010011', S12)).toBeNull();
    expect(prefixRange('32x', S12)).toBeNull();
  });

});

describe('what a refused row is told', () => {
  const row = (code: string | null, level: number | null, parentCode: string | null, name: string | null = '某地') => ({ line: 7, code, name, level, parentCode });

  it.each([
    [row('3204', 2, '320000000000'), 'bad_code', '应为 12 位数字'],
    [row(null, 2, '320000000000'), 'bad_code', '代码为空'],
    [row('320400000000', 9, '320000000000'), 'bad_level', '层级“9”无效'],
    [row('320400000000', 3, '320000000000'), 'bad_code', '不是区/县级代码：应为 PPCCDD000000 的形式'],
    [row('320400000000', 2, '320000000000', ' '), 'bad_name', '名称为空'],
    [row('320400000000', 2, '320000000000', '长'.repeat(101)), 'bad_name', '超过 100 个字'],
    [row('320000000000', 1, '110000000000'), 'code_parent_mismatch', '省级区域没有上级'],
    [row('320400000000', 2, null), 'parent_missing', '必须填写上级代码'],
    [row('320400000000', 2, '330000000000'), 'code_parent_mismatch', '上级代码应为 320000000000'],
  ])('%o → %s', (r, code, message) => {
    const issue = rowProblem(r, S12);
    expect(issue).toMatchObject({ row: 7, code });
    expect(issue.message).toContain(message);
  });

  it('reads the line and column of a row COPY could not read from PostgreSQL’s report', () => {
    const err = Object.assign(new Error('invalid input syntax for type smallint: "x"'), { code: '22P02', where: 'COPY division_part_3, line 12, column level: "x"' });
    expect(copyProblem(err)).toMatchObject({ row: 12, field: 'level', code: 'bad_level' });
    const extra = Object.assign(new Error('extra data after last expected column'), { code: '22P04', where: 'COPY division_part_3, line 5: "1,2,3,4,5"' });
    expect(copyProblem(extra)).toMatchObject({ row: 5, code: 'bad_row' });
    expect(copyProblem(Object.assign(new Error('deadlock'), { code: '40P01' }))).toBeNull();
  });
});

describe('scanning a file in one pass', () => {
  const columns = { code: 0, name: 1, level: 2, parent_code: 3 };
  const scan = (body: string, shape = S12) => {
    const bytes = Buffer.from(`code,name,level,parent_code\n${body}`, 'utf8');
    return scanDivisionFile(bytes, bytes.indexOf(10) + 1, columns, shape);
  };
  const found = (body: string, shape = S12) => scan(body, shape).errors.list().map((e) => [e.row, e.code]);

  it('counts rows per level and accepts CRLF, quotes, doubled quotes and a missing final newline', () => {
    const r = scan('320000000000,江苏省,1,\r\n320400000000,"常州市,""龙城""",2,320000000000\r\n320412000000,武进区,3,320400000000');
    expect(r.errors.count).toBe(0);
    expect(r.total).toBe(3);
    expect(r.byLevel).toEqual([1, 1, 1, 0, 0]);
  });

  it('finds duplicates and missing parents in a file in any order', () => {
    expect(found('320400000000,常州市,2,320000000000\n320000000000,江苏省,1,\n320400000000,常州,2,320000000000\n')).toEqual([[4, 'duplicate_code']]);
    expect(found('320000000000,江苏省,1,\n320412000000,武进区,3,320400000000\n')).toEqual([[3, 'parent_missing']]);
    // Adjacent duplicates (a file otherwise in code order) are found too.
    expect(found('320000000000,江苏省,1,\n320000000000,江苏,1,\n')).toEqual([[3, 'duplicate_code']]);
    expect(scan('320000000000,江苏省,1,\n320000000000,江苏,1,\n').byLevel).toEqual([1, 0, 0, 0, 0]);
  });

  it('lets a level be skipped where the code skips it (GB/T 2260: 110101 under 110000)', () => {
    expect(found('110000,北京市,1,\n110101,东城区,3,110000\n', S6)).toEqual([]);
    expect(found('110000,北京市,1,\n110101,东城区,3,120000\n', S6)).toEqual([[3, 'code_parent_mismatch']]);
  });

  it('names rows it cannot read: blank lines, broken quotes, wrong field counts', () => {
    expect(found('320000000000,江苏省,1,\n\n320400000000,常州市,2,320000000000\n')).toEqual([[3, 'bad_row']]);
    expect(found('320000000000,"江苏省,1,\n')).toEqual([[2, 'bad_row']]);
    expect(found('320000000000,江苏省,1\n')).toEqual([[2, 'bad_row']]);
    expect(found('320000000000,江苏省,x,\n')).toEqual([[2, 'bad_level']]);
  });
});
