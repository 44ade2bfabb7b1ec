import type { Division, DivisionList } from '@redgrid/contracts';

/** A node of the lazy division tree; `division` is null for the "only the first N" marker. */
export interface DivisionTreeNode {
  key: string;
  title: string;
  isLeaf: boolean;
  selectable: boolean;
  division: Division | null;
  /** The marker only: how many children are shown. */
  shown?: number;
  children?: DivisionTreeNode[];
}

/**
 * The loaded part of an edition as tree nodes. Nodes whose children are not loaded have no
 * `children`, which is how a lazy Ant Design tree knows to call `loadData` on expand; a list cut
 * at the API's limit ends with a marker that says so instead of pretending to be complete.
 */
export function buildDivisionTree(list: DivisionList | undefined, childrenOf: ReadonlyMap<string, DivisionList>, parentKey = ''): DivisionTreeNode[] {
  if (!list) return [];
  const nodes = list.items.map((division): DivisionTreeNode => {
    const node: DivisionTreeNode = {
      key: division.code,
      title: division.name,
      isLeaf: !division.hasChildren,
      selectable: true,
      division,
    };
    const loaded = childrenOf.get(division.code);
    if (loaded && division.hasChildren) node.children = buildDivisionTree(loaded, childrenOf, division.code);
    return node;
  });
  if (list.truncated) nodes.push({ key: `${parentKey}#more`, title: '', isLeaf: true, selectable: false, division: null, shown: list.items.length });
  return nodes;
}

/** Every loaded division by code, to find the ancestors of a node picked in the tree. */
export function indexDivisions(lists: Iterable<DivisionList | undefined>): Map<string, Division> {
  const byCode = new Map<string, Division>();
  for (const list of lists) for (const division of list?.items ?? []) byCode.set(division.code, division);
  return byCode;
}
