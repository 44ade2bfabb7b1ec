import {
  CloseOutlined,
  DeleteOutlined,
  EditOutlined,
  HistoryOutlined,
  MergeCellsOutlined,
  PlusSquareOutlined,
  ProfileOutlined,
  ScissorOutlined,
  ShareAltOutlined,
} from '@ant-design/icons';
import type { AreaDetail } from '@redgrid/contracts';
import { Alert, Breadcrumb, Button, Card, Descriptions, Drawer, Empty, List, Skeleton, Space, Switch, Table, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { areaLevelLabel, formatAreaM2, formatDateTime, formatJson } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { useAreaHistory } from './map.api';
import { balanceStatus, type HouseholdRange } from './map-style';

export type EditTool = 'redraw' | 'split' | 'merge' | 'retire' | 'create' | 'propose';

const BALANCE_TAG = { under: 'blue', in: 'green', over: 'volcano' } as const;

export interface AreaCardProps {
  area: AreaDetail;
  /** Ancestors above the user's scope: shown in the path, but not selectable. */
  aboveScope: ReadonlySet<number>;
  range: HouseholdRange;
  canManage: boolean;
  mergeCount: number;
  multiMode: boolean;
  onMultiMode: (on: boolean) => void;
  onSelect: (id: number) => void;
  onClose: () => void;
  onTool: (tool: EditTool) => void;
}

/** What the map knows of the selected area, its path, and what a manager may do to it. */
export function AreaCard({ area, aboveScope, range, canManage, mergeCount, multiMode, onMultiMode, onSelect, onClose, onTool }: AreaCardProps) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const [historyOpen, setHistoryOpen] = useState(false);
  const isGrid = area.level === 'grid';
  const status = isGrid ? balanceStatus(area.households, range) : null;
  const retired = area.status === 'retired';

  return (
    <Card
      size="small"
      className="rg-map-card"
      data-testid="map-area-card"
      title={
        <Space size={6} wrap>
          <span className="rg-map-card-name">{area.name}</span>
          <Tag color="red">{areaLevelLabel(area.level, language)}</Tag>
          {retired ? <Tag>{t('map.card.retired')}</Tag> : null}
        </Space>
      }
      extra={<Button type="text" size="small" icon={<CloseOutlined />} onClick={onClose} aria-label={t('map.card.close')} />}
    >
      <Breadcrumb
        className="rg-map-card-path"
        items={[...area.ancestors, area].map((a) => ({
          key: a.id,
          title: a.id === area.id || aboveScope.has(a.id) ? a.name : <a onClick={() => onSelect(a.id)}>{a.name}</a>,
        }))}
      />
      <Descriptions
        size="small"
        column={1}
        className="rg-map-card-facts"
        items={[
          { key: 'code', label: t('map.card.code'), children: <Typography.Text className="rg-mono" copyable>{area.code}</Typography.Text> },
          // Household counts come only to those who may read reports (area.report): absent, the row is too.
          ...(area.households !== null
            ? [
                {
                  key: 'households',
                  label: t('map.card.households'),
                  children: (
                    <Space size={4}>
                      {area.households}
                      {status ? <Tag color={BALANCE_TAG[status]}>{t(`map.balance.${status}`)}</Tag> : null}
                    </Space>
                  ),
                },
              ]
            : []),
          isGrid
            ? { key: 'gridType', label: t('map.card.gridType'), children: area.gridType ? t(`map.gridTypes.${area.gridType}`) : '—' }
            : { key: 'children', label: t('map.card.children'), children: area.childCount },
        ]}
      />
      <Space size={4} wrap>
        <Button size="small" icon={<HistoryOutlined />} onClick={() => setHistoryOpen(true)}>
          {t('map.card.history')}
        </Button>
        <Link to={`/areas?id=${area.id}`}>
          <Button size="small" icon={<ProfileOutlined />}>
            {t('map.card.openInAreas')}
          </Button>
        </Link>
      </Space>

      {canManage && !retired && (isGrid || area.level === 'community') ? (
        <div className="rg-map-card-tools" data-testid="map-edit-tools">
          <Typography.Text type="secondary" className="rg-map-card-tools-title">
            {t('map.edit.tools')}
          </Typography.Text>
          {isGrid ? (
            <>
              <Space size={4} wrap>
                <Button size="small" icon={<EditOutlined />} onClick={() => onTool('redraw')}>
                  {t('map.edit.redraw')}
                </Button>
                <Button size="small" icon={<ScissorOutlined />} onClick={() => onTool('split')} data-testid="map-tool-split">
                  {t('map.edit.split')}
                </Button>
                <Tooltip title={mergeCount < 2 ? t('map.edit.mergeHint') : undefined}>
                  <Button size="small" icon={<MergeCellsOutlined />} disabled={mergeCount < 2} onClick={() => onTool('merge')}>
                    {mergeCount >= 2 ? t('map.edit.mergeCount', { count: mergeCount }) : t('map.edit.merge')}
                  </Button>
                </Tooltip>
                <Button size="small" danger icon={<DeleteOutlined />} onClick={() => onTool('retire')}>
                  {t('map.edit.retire')}
                </Button>
              </Space>
              <div className="rg-map-card-multi">
                <Switch size="small" checked={multiMode} onChange={onMultiMode} />
                <Typography.Text type="secondary">{t('map.edit.multiSelect')}</Typography.Text>
              </div>
            </>
          ) : (
            <Space size={4} wrap>
              <Button size="small" icon={<PlusSquareOutlined />} onClick={() => onTool('create')}>
                {t('map.edit.create')}
              </Button>
              {area.level === 'community' ? (
                <Button size="small" icon={<ShareAltOutlined />} onClick={() => onTool('propose')} data-testid="map-tool-propose">
                  {t('map.edit.propose')}
                </Button>
              ) : null}
            </Space>
          )}
        </div>
      ) : null}
      <AreaHistoryDrawer area={area} open={historyOpen} onClose={() => setHistoryOpen(false)} />
    </Card>
  );
}

function AreaHistoryDrawer({ area, open, onClose }: { area: AreaDetail; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const describe = useDescribeError();
  const history = useAreaHistory(open ? area.id : undefined);
  const kindLabel = (kind: string) => (isChangeKind(kind) ? t(`map.history.kinds.${kind}`) : kind);

  return (
    <Drawer title={t('map.history.title', { name: area.name })} open={open} onClose={onClose} size={520} destroyOnHidden>
      {history.isPending ? (
        <Skeleton active />
      ) : history.isError ? (
        <Alert type="error" showIcon title={describe(history.error)} />
      ) : (
        <>
          <Typography.Title level={5}>{t('map.history.versions')}</Typography.Title>
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={[...history.data.versions].reverse()}
            locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('map.history.none')} /> }}
            columns={[
              { title: t('map.history.validFrom'), dataIndex: 'validFrom', render: (v: string) => formatDateTime(v, language) },
              {
                title: t('map.history.validTo'),
                dataIndex: 'validTo',
                render: (v: string | null) => (v ? formatDateTime(v, language) : <Tag color="green">{t('map.history.current')}</Tag>),
              },
              { title: t('map.history.area'), dataIndex: 'areaM2', align: 'right', render: (v: number) => formatAreaM2(v, language) },
            ]}
          />
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('map.history.changes')}
          </Typography.Title>
          <List
            size="small"
            dataSource={[...history.data.changes].reverse()}
            locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('map.history.none')} /> }}
            renderItem={(c) => (
              <List.Item>
                <List.Item.Meta
                  title={
                    <Space size={6} wrap>
                      <Tag color="red">{kindLabel(c.kind)}</Tag>
                      <span>{formatDateTime(c.at, language)}</span>
                      <Typography.Text type="secondary">{c.actorName ?? t('map.history.system')}</Typography.Text>
                    </Space>
                  }
                  description={<pre className="rg-json">{formatJson(c.summary)}</pre>}
                />
              </List.Item>
            )}
          />
        </>
      )}
    </Drawer>
  );
}

const CHANGE_KINDS = ['seed', 'create', 'split', 'merge', 'redraw', 'retire', 'proposal'] as const;

function isChangeKind(kind: string): kind is (typeof CHANGE_KINDS)[number] {
  return (CHANGE_KINDS as readonly string[]).includes(kind);
}
