import type { AreaView } from '@redgrid/contracts';
import { TreeSelect, Typography } from 'antd';
import { useEffect, useMemo, useState, type CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { areaLevelLabel } from '../../shared/format/format';
import { isLanguage } from '../../shared/i18n/i18n';
import { useArea, useAreaSearch } from './areas.api';
import { useLazyAreaTree, type AreaTreeNode } from './area-tree';

export interface AreaTreeSelectProps {
  value?: number | null;
  onChange?: (id: number | undefined) => void;
  placeholder?: string;
  allowClear?: boolean;
  disabled?: boolean;
  style?: CSSProperties;
  className?: string;
  variant?: 'outlined' | 'borderless' | 'filled' | 'underlined';
  id?: string;
  status?: 'error' | 'warning' | '';
  'aria-label'?: string;
}

/** Name plus level; a component so that it follows a language switch. */
export function AreaTitle({ area }: { area: Pick<AreaView, 'name' | 'level'> }) {
  const { i18n } = useTranslation();
  return (
    <span>
      {area.name}{' '}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {areaLevelLabel(area.level, isLanguage(i18n.language) ? i18n.language : 'zh-CN')}
      </Typography.Text>
    </span>
  );
}

const renderTitle = (area: AreaView) => <AreaTitle area={area} />;

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/**
 * Picks one area of the user's scope. The tree loads level by level from the server (a district
 * holds thousands of grids); typing searches by name or code on the server instead.
 */
export function AreaTreeSelect({ value, onChange, placeholder, allowClear = true, ...rest }: AreaTreeSelectProps) {
  const { t } = useTranslation();
  const { treeData, roots, loadChildren } = useLazyAreaTree(renderTitle);
  const [search, setSearch] = useState('');
  const q = useDebounced(search, 300);
  const results = useAreaSearch(q);

  const selected = value ?? undefined;
  const loadedLabel = useMemo(() => (selected === undefined ? undefined : findLabel(treeData, selected)), [treeData, selected]);
  // A value chosen elsewhere (stored, or a user's home area) may sit deep in an unexpanded branch.
  const detail = useArea(selected !== undefined && loadedLabel === undefined ? selected : undefined);
  const label = loadedLabel ?? detail.data?.name ?? (selected === undefined ? undefined : `#${selected}`);

  const searching = search.trim().length > 0;
  const searchData: AreaTreeNode[] = (results.data ?? []).map((area) => ({
    key: area.id,
    value: area.id,
    title: (
      <span>
        {renderTitle(area)}{' '}
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {area.code}
        </Typography.Text>
      </span>
    ),
    label: area.name,
    isLeaf: true,
    area,
  }));

  return (
    <TreeSelect<{ value: number; label: string } | undefined>
      {...rest}
      labelInValue
      value={selected === undefined ? undefined : { value: selected, label: label ?? '' }}
      onChange={(next) => {
        setSearch('');
        onChange?.(next?.value);
      }}
      treeData={searching ? searchData : treeData}
      loadData={searching ? undefined : (node) => loadChildren(Number(node.value))}
      treeNodeLabelProp="label"
      placeholder={placeholder ?? t('header.areaPicker')}
      allowClear={allowClear}
      loading={roots.isLoading || (searching && results.isFetching)}
      showSearch={{ searchValue: search, onSearch: setSearch, filterTreeNode: false, autoClearSearchValue: true }}
      notFoundContent={searching && !results.isFetching ? t('areas.noResults') : undefined}
      popupMatchSelectWidth={false}
      styles={{ popup: { root: { minWidth: 260, maxWidth: 'calc(100vw - 16px)' } } }}
      listHeight={360}
    />
  );
}

function findLabel(nodes: readonly AreaTreeNode[], id: number): string | undefined {
  for (const node of nodes) {
    if (node.value === id) return node.label;
    const inChildren = node.children ? findLabel(node.children, id) : undefined;
    if (inChildren !== undefined) return inChildren;
  }
  return undefined;
}
