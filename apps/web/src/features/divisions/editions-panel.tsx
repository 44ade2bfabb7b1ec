import { DeleteOutlined, UploadOutlined } from '@ant-design/icons';
import type { DivisionEdition } from '@redgrid/contracts';
import { App, Button, Card, Empty, Grid, Popconfirm, Space, Spin, Table, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { formatDateTime } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { useDeleteEdition } from './divisions.api';
import { EditionImportModal } from './edition-import-modal';
import { LevelCounts } from './level-counts';

function DeleteEditionButton({ edition }: { edition: DivisionEdition }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const describe = useDescribeError();
  const remove = useDeleteEdition();
  return (
    <Popconfirm
      title={t('divisions.editions.confirmDelete', { name: edition.name })}
      description={t('divisions.editions.confirmDeleteHint')}
      okButtonProps={{ danger: true, loading: remove.isPending }}
      onConfirm={() =>
        remove
          .mutateAsync(edition.id)
          .then(() => void message.success(t('divisions.editions.deleted', { name: edition.name })))
          .catch((error: unknown) => void message.error(describe(error)))
      }
    >
      <Button type="link" size="small" danger icon={<DeleteOutlined />}>
        {t('divisions.editions.delete')}
      </Button>
    </Popconfirm>
  );
}

/** An edition as a card, for phones, where the table would need a long sideways scroll. */
function EditionCard({ edition, canManage }: { edition: DivisionEdition; canManage: boolean }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  return (
    <Card
      size="small"
      className="rg-division-edition-card"
      title={edition.name}
      extra={<Typography.Text type="secondary">{t('divisions.codeDigits', { count: edition.codeLength })}</Typography.Text>}
      actions={canManage ? [<DeleteEditionButton key="delete" edition={edition} />] : undefined}
    >
      <Space orientation="vertical" size={4} style={{ width: '100%' }}>
        <Typography.Text className="rg-mono" ellipsis>
          {edition.source || '—'}
        </Typography.Text>
        <div>
          <Typography.Text type="secondary">{t('divisions.editions.rowCount')}：</Typography.Text>
          {edition.rowCount.toLocaleString(language)}
        </div>
        <LevelCounts counts={edition.countsByLevel} />
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('divisions.editions.importedAt')}：{formatDateTime(edition.importedAt, language)} · {edition.importedBy?.displayName ?? '—'}
        </Typography.Text>
      </Space>
    </Card>
  );
}

export interface EditionsPanelProps {
  /** Newest first. */
  editions: readonly DivisionEdition[];
  loading: boolean;
  /** division.manage: import and delete. */
  canManage: boolean;
}

/** The editions in the library; system administrators load and remove them here. */
export function EditionsPanel({ editions, loading, canManage }: EditionsPanelProps) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const [importing, setImporting] = useState(false);
  const mobile = Grid.useBreakpoint().md === false;
  const empty = (
    <Empty description={t('divisions.noEditions')}>{canManage ? null : <Typography.Text type="secondary">{t('divisions.noEditionsHint')}</Typography.Text>}</Empty>
  );

  const columns: TableColumnsType<DivisionEdition> = [
    { title: t('divisions.editions.name'), dataIndex: 'name', width: 140, render: (v: string) => <Typography.Text strong>{v}</Typography.Text> },
    {
      title: t('divisions.editions.source'),
      dataIndex: 'source',
      width: 200,
      ellipsis: true,
      render: (v: string) => (v ? <span className="rg-mono">{v}</span> : '—'),
    },
    { title: t('divisions.editions.codeLength'), dataIndex: 'codeLength', width: 90, render: (v: number) => t('divisions.codeDigits', { count: v }) },
    { title: t('divisions.editions.rowCount'), dataIndex: 'rowCount', width: 100, align: 'right', render: (v: number) => v.toLocaleString(language) },
    { title: t('divisions.editions.levels'), key: 'levels', render: (_, e) => <LevelCounts counts={e.countsByLevel} /> },
    { title: t('divisions.editions.importedAt'), dataIndex: 'importedAt', width: 150, render: (v: string) => formatDateTime(v, language) },
    { title: t('divisions.editions.importedBy'), key: 'importedBy', width: 110, render: (_, e) => e.importedBy?.displayName ?? '—' },
    ...(canManage
      ? [{ title: t('common.actions'), key: 'actions', width: 90, fixed: 'right' as const, render: (_: unknown, e: DivisionEdition) => <DeleteEditionButton edition={e} /> }]
      : []),
  ];

  return (
    <div data-testid="division-editions">
      {canManage ? (
        <div className="rg-toolbar">
          <Button type="primary" icon={<UploadOutlined />} onClick={() => setImporting(true)} data-testid="division-import-open">
            {t('divisions.editions.import')}
          </Button>
        </div>
      ) : null}
      {mobile ? (
        <Spin spinning={loading}>
          {editions.length === 0 && !loading ? empty : null}
          {editions.map((edition) => (
            <EditionCard key={edition.id} edition={edition} canManage={canManage} />
          ))}
        </Spin>
      ) : (
        <Table<DivisionEdition>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={[...editions]}
          loading={loading}
          pagination={false}
          scroll={{ x: 1100 }}
          locale={{ emptyText: empty }}
        />
      )}
      {canManage ? <EditionImportModal open={importing} onClose={() => setImporting(false)} /> : null}
    </div>
  );
}
