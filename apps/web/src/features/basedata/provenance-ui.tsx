import { SafetyCertificateOutlined } from '@ant-design/icons';
import type { Provenance } from '@redgrid/contracts';
import { App, Button, Popconfirm, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { formatDateTime } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { ProvenanceTag } from './basedata-ui';

interface Verifiable {
  provenance: Provenance;
  verifiedBy: string | null;
  verifiedAt: string | null;
  claimedBy?: string | null;
  claimedAt?: string | null;
}

/**
 * How a record came to be and who vouches for it: 录入 / 认领 (by whom, when) / 已核实 (by whom,
 * when), and a 核实 button only when the server says the user may verify (`abilities.verify`).
 */
export function VerificationLine({ record, canVerify, verify, testId }: { record: Verifiable; canVerify: boolean; verify: { mutate: (v: undefined, o: { onSuccess: () => void; onError: (e: unknown) => void }) => void; isPending: boolean }; testId?: string }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const { message } = App.useApp();
  const describe = useDescribeError();
  return (
    <Space size={8} wrap data-testid={testId}>
      <ProvenanceTag provenance={record.provenance} />
      {record.claimedBy ? (
        <Typography.Text type="secondary">{t('basedata.verification.claimed', { name: record.claimedBy, at: formatDateTime(record.claimedAt ?? null, language) })}</Typography.Text>
      ) : null}
      {record.verifiedBy ? (
        <Typography.Text type="secondary">{t('basedata.verification.verified', { name: record.verifiedBy, at: formatDateTime(record.verifiedAt, language) })}</Typography.Text>
      ) : null}
      {canVerify && record.provenance !== 'verified' ? (
        <Popconfirm
          title={t('basedata.verification.confirm')}
          onConfirm={() => verify.mutate(undefined, { onSuccess: () => void message.success(t('basedata.verification.done')), onError: (e) => void message.error(describe(e)) })}
        >
          <Button size="small" type="primary" ghost icon={<SafetyCertificateOutlined />} loading={verify.isPending}>
            {t('basedata.verification.verify')}
          </Button>
        </Popconfirm>
      ) : null}
    </Space>
  );
}
