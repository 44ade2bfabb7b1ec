import { describe, expect, it } from 'vitest';
import { copyProblem } from './division-library.service.ts';
import { ancestorCodes, CODE_SHAPES, prefixRange, rowCheckSql, rowProblem, subtreeRange } from './division-rules.ts';

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

  it('writes the row check as integer SQL for the file’s code length', () => {
    const twelve = rowCheckSql(S12);
    expect(twelve).toContain('code BETWEEN 100000000000 AND 999999999999');
    expect(twelve).toContain('CASE level WHEN 5 THEN code % 1000 <> 0 AND parent_code IN (code / 1000 * 1000, ');
    expect(rowCheckSql(S6)).not.toContain('WHEN 4');
    expect(rowCheckSql(S12, 'c')).toContain('c.parent_code IN (c.code / ');
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
