import type { DivisionEdition } from '@redgrid/contracts';
import { Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { EditionCompare } from './edition-compare';
import { TreeDiffPanel } from './tree-diff-panel';

/** 版本比对 (edition against edition) and 与区域树比对 (an area of the live tree against an edition). */
export function ComparePanel({ editions }: { editions: readonly DivisionEdition[] }) {
  const { t } = useTranslation();
  return (
    <Tabs
      type="card"
      size="small"
      items={[
        { key: 'editions', label: t('divisions.compare.editions'), children: <EditionCompare editions={editions} /> },
        { key: 'tree', label: t('divisions.compare.tree'), children: <TreeDiffPanel editions={editions} /> },
      ]}
    />
  );
}
