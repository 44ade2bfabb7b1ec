// @vitest-environment jsdom
import type { Division, DivisionList } from '@redgrid/contracts';
import { describe, expect, it } from 'vitest';
import { buildDivisionTree, indexDivisions } from './division-tree-data';

const division = (code: string, name: string, parentCode: string | null, hasChildren = true): Division => ({
  code,
  name,
  level: parentCode === null ? 'province' : 'city',
  parentCode,
  hasChildren,
});
const list = (items: Division[], truncated = false): DivisionList => ({ edition: 1, items, truncated });

const provinces = list([division('320000000000', '江苏省', null), division('810000000000', '香港', null, false)]);
const cities = list([division('320100000000', '南京市', '320000000000'), division('320200000000', '无锡市', '320000000000')], true);

describe('buildDivisionTree', () => {
  it('leaves unloaded branches open for loadData and marks leaves', () => {
    const tree = buildDivisionTree(provinces, new Map());
    expect(tree.map((n) => [n.key, n.isLeaf, n.children])).toEqual([
      ['320000000000', false, undefined],
      ['810000000000', true, undefined],
    ]);
  });

  it('nests loaded children and ends a cut list with a marker', () => {
    const tree = buildDivisionTree(provinces, new Map([['320000000000', cities]]));
    const children = tree[0]?.children ?? [];
    expect(children.map((n) => n.key)).toEqual(['320100000000', '320200000000', '320000000000#more']);
    expect(children[2]).toMatchObject({ division: null, selectable: false, isLeaf: true, shown: 2 });
  });

  it('has nothing to show before the roots arrive', () => {
    expect(buildDivisionTree(undefined, new Map())).toEqual([]);
  });
});

describe('indexDivisions', () => {
  it('finds every loaded division by code', () => {
    const byCode = indexDivisions([provinces, undefined, cities]);
    expect(byCode.get('320200000000')?.name).toBe('无锡市');
    expect(byCode.size).toBe(4);
  });
});
