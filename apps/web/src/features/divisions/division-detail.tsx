import { NodeIndexOutlined } from '@ant-design/icons';
import type { Division, DivisionEdition } from '@redgrid/contracts';
import { Breadcrumb, Button, Descriptions, Divider, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { areaLevelLabel } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { useMe } from '../auth/auth.api';
import { AdoptPanel } from './adopt-panel';
import { isAdoptableCode, type DivisionLink } from './division-format';

export interface SelectedDivision {
  division: Division;
  /** Province first, down to the parent. */
  ancestors: DivisionLink[];
}

/** One division's facts, and for area managers the way into the area tree. */
export function DivisionDetail({ edition, selected }: { edition: DivisionEdition; selected: SelectedDivision }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const me = useMe();
  const [adopting, setAdopting] = useState(false);
  const { division, ancestors } = selected;
  const parent = ancestors.at(-1);
  const canAdopt = me.permissions.includes('area.manage') && isAdoptableCode(division.code);

  return (
    <div data-testid="division-detail">
      <Descriptions
        className="rg-division-facts"
        column={{ xs: 1, sm: 2 }}
        size="small"
        bordered
        items={[
          { key: 'name', label: t('divisions.detail.name'), children: division.name },
          {
            key: 'code',
            label: t('divisions.detail.code'),
            children: (
              <Typography.Text className="rg-mono" copyable>
                {division.code}
              </Typography.Text>
            ),
          },
          { key: 'level', label: t('divisions.detail.level'), children: <Tag color="red">{areaLevelLabel(division.level, language)}</Tag> },
          {
            key: 'hasChildren',
            label: t('divisions.detail.hasChildren'),
            children: division.hasChildren ? t('divisions.detail.withChildren') : t('divisions.detail.withoutChildren'),
          },
          {
            key: 'parent',
            label: t('divisions.detail.parent'),
            span: 'filled',
            children: parent ? (
              <span>
                {parent.name} <span className="rg-mono">{parent.code}</span>
              </span>
            ) : division.parentCode ? (
              <span className="rg-mono">{division.parentCode}</span>
            ) : (
              t('divisions.detail.topLevel')
            ),
          },
          ...(ancestors.length > 0
            ? [
                {
                  key: 'path',
                  label: t('divisions.detail.path'),
                  span: 'filled' as const,
                  children: <Breadcrumb separator="›" items={[...ancestors, division].map((link) => ({ key: link.code, title: link.name }))} />,
                },
              ]
            : []),
        ]}
      />
      {canAdopt ? (
        <>
          <Divider style={{ margin: '16px 0 12px' }} />
          {adopting ? (
            <>
              <Typography.Title level={5}>{t('divisions.adopt.action')}</Typography.Title>
              <AdoptPanel key={`${edition.id}:${division.code}`} edition={edition} division={division} />
            </>
          ) : (
            <Button icon={<NodeIndexOutlined />} onClick={() => setAdopting(true)} data-testid="division-adopt-open">
              {t('divisions.adopt.action')}
            </Button>
          )}
        </>
      ) : null}
    </div>
  );
}
