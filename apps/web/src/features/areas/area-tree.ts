import type { AreaView } from '@redgrid/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useState, type ReactNode } from 'react';
import { loadAreaChildren, useAreaRoots } from './areas.api';

export interface AreaTreeNode {
  key: number;
  value: number;
  /** What the tree shows for the node (name plus decorations). */
  title: ReactNode;
  /** Plain name: what a TreeSelect shows once the node is chosen. */
  label: string;
  isLeaf: boolean;
  area: AreaView;
  children?: AreaTreeNode[];
}

/**
 * Turns the loaded part of the area tree into tree nodes. Nodes whose children are not loaded yet
 * have no `children`, which is how Ant Design's lazy trees know to call `loadData` on expand.
 */
export function buildAreaTree(
  areas: readonly AreaView[],
  childrenOf: ReadonlyMap<number, readonly AreaView[]>,
  renderTitle: (area: AreaView) => ReactNode = (area) => area.name,
  isLeaf: (area: AreaView) => boolean = hasNoChildren,
): AreaTreeNode[] {
  return areas.map((area) => {
    const loaded = childrenOf.get(area.id);
    const node: AreaTreeNode = {
      key: area.id,
      value: area.id,
      title: renderTitle(area),
      label: area.name,
      isLeaf: isLeaf(area),
      area,
    };
    if (loaded && !node.isLeaf) node.children = buildAreaTree(loaded, childrenOf, renderTitle, isLeaf);
    return node;
  });
}

function hasNoChildren(area: AreaView): boolean {
  return area.childCount === 0;
}

/**
 * Roots of the user's scope plus whatever has been expanded, loaded on demand. `isLeaf` stops the
 * tree at a level (the map stops at grids; their buildings have no boundary to show).
 */
export function useLazyAreaTree(renderTitle?: (area: AreaView) => ReactNode, isLeaf?: (area: AreaView) => boolean) {
  const queryClient = useQueryClient();
  const roots = useAreaRoots();
  const [childrenOf, setChildrenOf] = useState<ReadonlyMap<number, readonly AreaView[]>>(new Map());

  const loadChildren = useCallback(
    async (id: number) => {
      if (childrenOf.has(id)) return;
      const children = await loadAreaChildren(queryClient, id);
      setChildrenOf((prev) => new Map(prev).set(id, children));
    },
    [childrenOf, queryClient],
  );

  /** Loads every expanded level again, after the tree changed on the server (split, merge …). */
  const refresh = useCallback(async () => {
    const ids = [...childrenOf.keys()];
    const fresh = await Promise.all(ids.map((id) => loadAreaChildren(queryClient, id).catch(() => undefined)));
    setChildrenOf((prev) => {
      const next = new Map(prev);
      ids.forEach((id, i) => {
        const children = fresh[i];
        if (children) next.set(id, children);
      });
      return next;
    });
  }, [childrenOf, queryClient]);

  const treeData = useMemo(() => buildAreaTree(roots.data ?? [], childrenOf, renderTitle, isLeaf), [roots.data, childrenOf, renderTitle, isLeaf]);

  return { treeData, roots, loadChildren, refresh };
}
