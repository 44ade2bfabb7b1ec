import type { Division, DivisionList } from '@redgrid/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Skeleton, Tree, Typography } from 'antd';
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { ancestorsOf } from './division-format';
import { buildDivisionTree, indexDivisions, type DivisionTreeNode } from './division-tree-data';
import { loadDivisionChildren, useDivisionRoots } from './divisions.api';
import type { SelectedDivision } from './division-detail';

/** An edition's provinces, and below them whatever has been expanded, loaded on demand. */
function useLazyDivisionTree(edition: number) {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const describe = useDescribeError();
  const roots = useDivisionRoots(edition);
  const [childrenOf, setChildrenOf] = useState<ReadonlyMap<string, DivisionList>>(new Map());

  const loadChildren = useCallback(
    async (code: string) => {
      if (childrenOf.has(code)) return;
      try {
        const list = await loadDivisionChildren(queryClient, edition, code);
        setChildrenOf((prev) => new Map(prev).set(code, list));
      } catch (error) {
        void message.error(describe(error));
      }
    },
    [childrenOf, queryClient, edition, message, describe],
  );

  const treeData = useMemo(() => buildDivisionTree(roots.data, childrenOf), [roots.data, childrenOf]);
  const byCode = useMemo(() => indexDivisions([roots.data, ...childrenOf.values()]), [roots.data, childrenOf]);
  return { roots, treeData, byCode, loadChildren };
}

function NodeTitle({ node }: { node: DivisionTreeNode }) {
  const { t } = useTranslation();
  if (!node.division) {
    return <Typography.Text type="secondary">{t('divisions.browse.moreChildren', { count: node.shown ?? 0 })}</Typography.Text>;
  }
  return (
    <span>
      {node.division.name}{' '}
      <Typography.Text type="secondary" className="rg-mono">
        {node.division.code}
      </Typography.Text>
    </span>
  );
}

export interface DivisionTreeProps {
  /** Remount (key) the tree for another edition: what was loaded belongs to this one. */
  edition: number;
  selectedCode: string | undefined;
  onSelect: (selected: SelectedDivision) => void;
}

/** Provinces down to villages, one level per expand: a whole edition is 660,000 rows. */
export function DivisionTree({ edition, selectedCode, onSelect }: DivisionTreeProps) {
  const describe = useDescribeError();
  const { roots, treeData, byCode, loadChildren } = useLazyDivisionTree(edition);

  if (roots.isPending) return <Skeleton active />;
  if (roots.isError) return <Alert type="error" showIcon title={describe(roots.error)} />;
  return (
    <div className="rg-division-tree">
      <Tree<DivisionTreeNode>
        showLine
        blockNode
        treeData={treeData}
        selectedKeys={selectedCode ? [selectedCode] : []}
        loadData={(node) => loadChildren(node.key)}
        titleRender={(node) => <NodeTitle node={node} />}
        onSelect={(_keys, { node }) => {
          const division: Division | null = node.division;
          if (division) onSelect({ division, ancestors: ancestorsOf(division, byCode) });
        }}
      />
    </div>
  );
}
