import { describe, expect, it } from 'vitest';
import { limitsFor } from './affair-rules.ts';
import { parseAffairRow } from './affairs-exchange.ts';

const base = { acceptYellow: 1, acceptRed: 2, acceptUnit: 'work_hours', handleYellow: 4, handleRed: 8, handleUnit: 'work_hours' } as const;

describe('limitsFor', () => {
  it("gives the item's own limits, or a grade's override in the item's units", () => {
    const item = { ...base, gradeLimits: { A: { acceptYellow: 1, acceptRed: 2, handleYellow: 2, handleRed: 4 } } };
    expect(limitsFor(item)).toEqual({ accept: { yellow: 1, red: 2, unit: 'work_hours' }, handle: { yellow: 4, red: 8, unit: 'work_hours' } });
    expect(limitsFor(item, 'A').handle).toEqual({ yellow: 2, red: 4, unit: 'work_hours' });
    expect(limitsFor(item, 'C').handle).toEqual({ yellow: 4, red: 8, unit: 'work_hours' });
  });
});

describe('a catalogue row as imported', () => {
  const row = {
    code: '020101',
    name: '暴露垃圾',
    categoryCode: '0201',
    categoryPath: '城市管理 / 市容环境',
    handlingLevel: '网格',
    departmentKind: '城管',
    acceptYellow: '1',
    acceptRed: '2',
    acceptUnit: '工作时',
    handleYellow: '4',
    handleRed: '8',
    handleUnit: '工作时',
    gradeLimits: 'A 1/2/2/4',
    residentReportable: '是',
    maySkipLevel: '是',
    copyTo: '街道（镇）、应急管理',
    urgencyDefault: '紧急',
    cjtCode: '0101',
  };

  it('reads the labels people write', () => {
    const parsed = parseAffairRow(row);
    expect(parsed).toMatchObject({
      ok: true,
      row: {
        categoryCode: '0201',
        categoryNames: ['城市管理', '市容环境'],
        item: { handlingLevel: 'grid', departmentKind: 'urban_management', gradeLimits: { A: { handleRed: 4 } }, copyTo: { levels: ['town'], departmentKinds: ['emergency_management'] }, urgencyDefault: 'urgent', active: true },
      },
    });
  });

  it('names each bad column with its reason', () => {
    const parsed = parseAffairRow({ ...row, handleYellow: '8', handlingLevel: '小组', categoryPath: '市容环境', gradeLimits: 'A 2/1', residentReportable: '也许', customFields: '[{"key":"k","label":"类型","type":"select","options":["一"]}]' });
    expect(parsed.ok).toBe(false);
    const fields = parsed.ok ? [] : parsed.issues.map((i) => i.field);
    expect(fields.sort()).toEqual(['categoryPath', 'customFields', 'gradeLimits', 'handleYellow', 'handlingLevel', 'residentReportable']);
  });
});
