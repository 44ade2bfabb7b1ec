import type { DivisionEdition } from '@redgrid/contracts';
import { Card, Col, Empty, Input, Row, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DivisionDetail, type SelectedDivision } from './division-detail';
import { DivisionSearch } from './division-search';
import { DivisionTree } from './division-tree';
import { EditionSelect } from './edition-select';

export interface BrowsePanelProps {
  /** Newest first; the first is the default. */
  editions: readonly DivisionEdition[];
}

/** One edition as a tree to expand or a list to search, and the chosen division's card. */
export function BrowsePanel({ editions }: BrowsePanelProps) {
  const { t } = useTranslation();
  const [chosen, setChosen] = useState<number>();
  const [q, setQ] = useState('');
  const [selected, setSelected] = useState<SelectedDivision | null>(null);
  // A deleted edition falls back to the newest.
  const edition = editions.find((e) => e.id === chosen) ?? editions[0];
  if (!edition) return null;

  const choose = (id: number) => {
    setChosen(id);
    setSelected(null);
  };
  const selectedCode = selected?.division.code;

  return (
    <Row gutter={[16, 16]} data-testid="division-browse">
      <Col xs={24} lg={10} xl={9}>
        <Card size="small" title={t('divisions.browse.tree')}>
          <Space orientation="vertical" size={12} style={{ width: '100%' }}>
            <EditionSelect editions={editions} value={edition.id} onChange={choose} style={{ width: '100%' }} aria-label={t('divisions.edition')} />
            <Input.Search
              allowClear
              placeholder={t('divisions.browse.searchPlaceholder')}
              onSearch={(value) => setQ(value.trim())}
              maxLength={40}
              aria-label={t('divisions.browse.searchPlaceholder')}
            />
            {q ? (
              <DivisionSearch edition={edition.id} q={q} selectedCode={selectedCode} onSelect={setSelected} />
            ) : (
              // Keyed by content: a replaced edition (same id, new file) starts from its provinces again.
              <DivisionTree key={`${edition.id}:${edition.sha256}`} edition={edition.id} selectedCode={selectedCode} onSelect={setSelected} />
            )}
          </Space>
        </Card>
      </Col>
      <Col xs={24} lg={14} xl={15}>
        <Card size="small" title={t('divisions.browse.details')}>
          {selected ? (
            <DivisionDetail key={`${edition.id}:${selected.division.code}`} edition={edition} selected={selected} />
          ) : (
            <Empty description={<Typography.Text type="secondary">{t('divisions.browse.selectHint')}</Typography.Text>} />
          )}
        </Card>
      </Col>
    </Row>
  );
}
