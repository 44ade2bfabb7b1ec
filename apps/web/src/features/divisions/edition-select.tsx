import type { DivisionEdition } from '@redgrid/contracts';
import { Select, Typography } from 'antd';
import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';

export interface EditionSelectProps {
  editions: readonly DivisionEdition[];
  /** Controlled, or left to a Form.Item. */
  value?: number | undefined;
  onChange?: (id: number) => void;
  id?: string;
  style?: CSSProperties;
  'aria-label'?: string;
}

/** Picks an edition by name, with its code length beside it (12-digit statistical or 6-digit GB/T 2260). */
export function EditionSelect({ editions, value, onChange, ...rest }: EditionSelectProps) {
  const { t } = useTranslation();
  return (
    <Select<number>
      {...rest}
      value={value}
      onChange={onChange}
      placeholder={t('divisions.editionPlaceholder')}
      options={editions.map((edition) => ({
        value: edition.id,
        label: (
          <span>
            {edition.name}{' '}
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('divisions.codeDigits', { count: edition.codeLength })}
            </Typography.Text>
          </span>
        ),
      }))}
      popupMatchSelectWidth={false}
    />
  );
}
