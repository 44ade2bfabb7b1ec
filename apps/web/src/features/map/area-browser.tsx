import type { AreaDetail, AreaView } from '@redgrid/contracts';
import { Alert, Empty, Input, List, Skeleton, Tag, Tree, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { areaLevelLabel } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { AreaTitle } from '../areas/area-tree-select';
import { useAreaSearch } from '../areas/areas.api';
import { useLazyAreaTree } from '../areas/area-tree';
import { BALANCE_COLORS, balanceStatus, type HouseholdRange } from './map-style';

/** Grids end the map's tree: their buildings have no boundary of their own. */
const stopAtGrids = (area: AreaView) => area.level === 'grid' || area.childCount === 0;

export interface AreaBrowserProps {
  selectedId: number | undefined;
  /** The selected area with its ancestors, to open the tree down to it. */
  selected: AreaDetail | undefined;
  range: HouseholdRange;
  /** Changes after an adjustment: the loaded levels are fetched again. */
  version: number;
  onSelect: (id: number) => void;
}

/** Search by name or code, or browse the tree; both select and zoom the map. */
export function AreaBrowser({ selectedId, selected, range, version, onSelect }: AreaBrowserProps) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const describe = useDescribeError();
  const [q, setQ] = useState('');
  const search = useAreaSearch(q);
  const renderTitle = useCallback(
    (area: AreaView) => (
      <span className="rg-map-tree-title">
        {area.level === 'grid' ? (
          <span className="rg-map-dot" style={{ background: BALANCE_COLORS[balanceStatus(area.households, range)] }} aria-hidden />
        ) : null}
        <AreaTitle area={area} />
        {area.level === 'grid' && area.households !== null ? (
          <Typography.Text type="secondary" className="rg-map-tree-count">
            {t('map.households', { count: area.households })}
          </Typography.Text>
        ) : null}
      </span>
    ),
    [range, t],
  );
  const { treeData, roots, loadChildren, refresh } = useLazyAreaTree(renderTitle, stopAtGrids);
  const [expanded, setExpanded] = useState<number[]>([]);
  const treeRef = useRef<HTMLDivElement>(null);

  // Handlers read the latest loaders; the effects below must not re-run when the tree grows.
  const loaders = useRef({ loadChildren, refresh });
  useEffect(() => {
    loaders.current = { loadChildren, refresh };
  });

  useEffect(() => {
    if (version > 0) void loaders.current.refresh();
  }, [version]);

  const rootIds = (roots.data ?? []).map((r) => r.id).join(',');

  // One top area: open it, its children are what the user came for.
  useEffect(() => {
    const ids = rootIds ? rootIds.split(',').map(Number) : [];
    const only = ids.length === 1 ? ids[0] : undefined;
    if (only === undefined) return;
    void loaders.current.loadChildren(only).then(() => setExpanded((prev) => (prev.length > 0 ? prev : [only])));
  }, [rootIds]);

  // Open the tree down to an area chosen on the map, and bring it into view.
  useEffect(() => {
    if (!selected || !rootIds) return;
    const roots = new Set(rootIds.split(',').map(Number));
    const chain = [...selected.ancestors.map((a) => a.id), selected.id];
    const from = chain.findIndex((id) => roots.has(id));
    if (from < 0) return;
    const toOpen = chain.slice(from, -1);
    let cancelled = false;
    void (async () => {
      for (const id of toOpen) await loaders.current.loadChildren(id);
      if (cancelled) return;
      setExpanded((prev) => [...new Set([...prev, ...toOpen])]);
      setTimeout(() => treeRef.current?.querySelector('.ant-tree-treenode-selected')?.scrollIntoView({ block: 'nearest' }), 50);
    })();
    return () => {
      cancelled = true;
    };
  }, [selected, rootIds]);

  return (
    <div className="rg-map-browser">
      <Input.Search
        allowClear
        placeholder={t('map.searchPlaceholder')}
        onSearch={(v) => setQ(v.trim())}
        onChange={(e) => {
          if (!e.target.value) setQ('');
        }}
        maxLength={50}
        style={{ marginBottom: 8 }}
      />
      {q ? (
        <List<AreaView>
          size="small"
          header={<Typography.Text type="secondary">{t('map.searchResults')}</Typography.Text>}
          loading={search.isFetching}
          dataSource={search.data ?? []}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('map.noResults')} /> }}
          renderItem={(a) => (
            <List.Item
              onClick={() => onSelect(a.id)}
              className={a.id === selectedId ? 'rg-map-list-item rg-map-list-item-active' : 'rg-map-list-item'}
            >
              <List.Item.Meta title={a.name} description={<span className="rg-mono">{a.code}</span>} />
              <Tag>{areaLevelLabel(a.level, language)}</Tag>
            </List.Item>
          )}
        />
      ) : roots.isPending ? (
        <Skeleton active />
      ) : roots.isError ? (
        <Alert type="error" showIcon title={describe(roots.error)} />
      ) : (
        <div ref={treeRef} data-testid="map-area-tree">
          <Tree
            showLine
            blockNode
            treeData={treeData}
            expandedKeys={expanded}
            onExpand={(keys) => setExpanded(keys.map(Number))}
            selectedKeys={selectedId ? [selectedId] : []}
            loadData={(node) => loadChildren(Number(node.key))}
            onSelect={(keys) => {
              const key = keys[0];
              if (key !== undefined) onSelect(Number(key));
            }}
          />
        </div>
      )}
    </div>
  );
}
