import type { Division } from '@redgrid/contracts';
import { Alert, Empty, List, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { areaLevelLabel } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import type { SelectedDivision } from './division-detail';
import { formatAncestorChain } from './division-format';
import { useDivisionSearch } from './divisions.api';

export interface DivisionSearchProps {
  edition: number;
  q: string;
  selectedCode: string | undefined;
  onSelect: (selected: SelectedDivision) => void;
}

/** Matches of a code prefix or a part of a name, each with the chain it sits in (省 › 市 › 区). */
export function DivisionSearch({ edition, q, selectedCode, onSelect }: DivisionSearchProps) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const describe = useDescribeError();
  const search = useDivisionSearch(edition, q);

  if (search.isError) return <Alert type="error" showIcon title={describe(search.error)} />;
  return (
    <div data-testid="division-search-results">
      <List<Division>
        size="small"
        header={
          <Typography.Text type="secondary">
            {t('divisions.browse.searchResults')}
            {search.data?.truncated ? ` · ${t('divisions.browse.truncated', { count: search.data.items.length })}` : ''}
          </Typography.Text>
        }
        loading={search.isFetching}
        dataSource={search.data?.items ?? []}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('divisions.browse.noResults')} /> }}
        renderItem={(division) => {
          const ancestors = division.ancestors ?? [];
          return (
            <List.Item
              onClick={() => onSelect({ division, ancestors })}
              style={{ cursor: 'pointer', background: division.code === selectedCode ? '#fff1f0' : undefined }}
            >
              <List.Item.Meta
                title={
                  <span>
                    {division.name} <span className="rg-mono">{division.code}</span>
                  </span>
                }
                description={ancestors.length > 0 ? formatAncestorChain(ancestors) : undefined}
              />
              <Tag>{areaLevelLabel(division.level, language)}</Tag>
            </List.Item>
          );
        }}
      />
    </div>
  );
}
