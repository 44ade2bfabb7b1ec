import type { ImportIssue } from '@redgrid/contracts';
import { Table, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';

export interface ImportIssueTableProps {
  title: string;
  issues: readonly ImportIssue[];
  /** All issues found; the report lists only the first IMPORT_ISSUE_LIST_LIMIT. */
  total: number;
  type: 'danger' | 'warning';
}

type IssueRow = ImportIssue & { key: number };

/** Problems of an import, row by row as an editor numbers the file's lines. */
export function ImportIssueTable({ title, issues, total, type }: ImportIssueTableProps) {
  const { t } = useTranslation();
  const columns: TableColumnsType<IssueRow> = [
    { title: t('divisions.report.row'), dataIndex: 'row', width: 80, align: 'right', render: (v: number | undefined) => v ?? '—' },
    { title: t('divisions.report.field'), dataIndex: 'field', width: 110, render: (v: string | undefined) => <span className="rg-mono">{v ?? '—'}</span> },
    { title: t('divisions.report.areaCode'), dataIndex: 'areaCode', width: 130, render: (v: string | undefined) => <span className="rg-mono">{v ?? '—'}</span> },
    {
      title: t('divisions.report.issue'),
      dataIndex: 'message',
      render: (v: string, issue) => (
        <Tooltip title={issue.code}>
          <span>{v}</span>
        </Tooltip>
      ),
    },
  ];
  return (
    <div style={{ marginTop: 12 }}>
      <Typography.Text strong type={type}>
        {title}
      </Typography.Text>{' '}
      <Typography.Text type="secondary">
        {issues.length < total ? t('divisions.report.listed', { total, shown: issues.length }) : t('common.total', { total })}
      </Typography.Text>
      <Table<IssueRow>
        rowKey="key"
        size="small"
        columns={columns}
        dataSource={issues.map((issue, key) => ({ ...issue, key }))}
        pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false, size: 'small' }}
        scroll={{ x: 560 }}
        style={{ marginTop: 8 }}
      />
    </div>
  );
}
