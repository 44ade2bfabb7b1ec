import { DownloadOutlined } from '@ant-design/icons';
import type { TableFormat } from '@redgrid/contracts';
import { App, Button, Dropdown } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Query } from '../../shared/api/api-client';
import { exportUrl } from './exchange.api';

export interface ExportButtonProps {
  /** The module's export endpoint (GET), e.g. /api/persons/export; it answers with the file. */
  path: string;
  /** The page's current filter: the export holds what the list shows (within the caller's scope). */
  query?: Query;
  disabled?: boolean;
}

/**
 * Export as CSV or Excel. The browser downloads the file straight from the endpoint (same-origin GET
 * with the session cookie), so a large export streams to disk and never sits in the page's memory.
 */
export function ExportButton({ path, query = {}, disabled }: ExportButtonProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const download = (format: TableFormat) => {
    const a = document.createElement('a');
    a.href = exportUrl(path, format, query);
    a.download = '';
    document.body.append(a);
    a.click();
    a.remove();
    void message.info(t('exchange.export.started'));
  };
  return (
    <Dropdown
      disabled={disabled}
      menu={{
        items: [
          { key: 'xlsx', label: t('exchange.export.xlsx') },
          { key: 'csv', label: t('exchange.export.csv') },
        ],
        onClick: ({ key }) => download(key as TableFormat),
      }}
    >
      <Button icon={<DownloadOutlined />} disabled={disabled} data-testid="export-button">
        {t('exchange.export.button')}
      </Button>
    </Dropdown>
  );
}
