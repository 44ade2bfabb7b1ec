import { UploadOutlined } from '@ant-design/icons';
import { divisionEditionImportQuerySchema } from '@redgrid/contracts';
import { useIsMutating } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, Modal, Space, Spin, Switch, Typography, Upload } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../shared/api/api-error';
import { formatBytes } from '../../shared/format/format';
import { schemaRule } from '../../shared/forms/form-rules';
import { useSubmitError } from '../../shared/forms/use-submit-error';
import { useLanguage } from '../../shared/i18n/use-language';
import { DIVISION_FILE_ACCEPT, divisionFileContentType, editionSource, guessEditionName } from './division-file';
import { divisionKeys, useImportEdition } from './divisions.api';
import { EditionImportReport } from './edition-import-report';

interface ImportValues {
  name: string;
  replace: boolean;
  dryRun: boolean;
}

const FIELDS = ['name', 'replace', 'dryRun'] as const;

/** Ticks while the file goes up and the server checks it; fetch cannot tell the two apart. */
function ImportProgress({ size }: { size: number }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const [seconds, setSeconds] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setSeconds((s) => s + 1), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <div style={{ textAlign: 'center', padding: '16px 0' }} data-testid="division-import-progress">
      <Spin description={t('divisions.import.uploading', { size: formatBytes(size, language) })} />
      <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
        {t('divisions.import.elapsed', { seconds })} · {t('divisions.import.keepOpen')}
      </Typography.Paragraph>
    </div>
  );
}

/** The dialog's body: pick a file, name the edition, send it, read the report. */
function EditionImportForm({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const { message } = App.useApp();
  const [form] = Form.useForm<ImportValues>();
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  // The name guessed from the last file: replaced by the next guess, unless the user typed over it.
  const [guessed, setGuessed] = useState('');
  const importEdition = useImportEdition();
  const onError = useSubmitError(form, FIELDS);
  const name = Form.useWatch('name', form);
  const dryRun = Form.useWatch('dryRun', form) ?? false;

  const pick = (picked: File) => {
    importEdition.reset();
    if (!divisionFileContentType(picked.name)) {
      setFile(null);
      setFileError(t('divisions.import.fileType'));
      return;
    }
    setFile(picked);
    setFileError(null);
    const current = (form.getFieldValue('name') as string | undefined)?.trim() ?? '';
    const guess = guessEditionName(picked.name);
    if (guess && (current === '' || current === guessed)) form.setFieldValue('name', guess);
    setGuessed(guess);
  };

  const send = (values: ImportValues) => {
    const contentType = file ? divisionFileContentType(file.name) : null;
    if (!file || !contentType) {
      setFileError(t('divisions.import.fileRequired'));
      return;
    }
    importEdition.mutate(
      { file, contentType, name: values.name.trim(), source: editionSource(file.name), replace: values.replace, dryRun: values.dryRun },
      {
        onError: (error) => {
          // A taken name is answered in place, with what to do about it.
          if (!(isApiError(error) && error.code === 'conflict')) onError(error);
        },
        onSuccess: ({ report }) => {
          if (report.applied) void message.success(t('divisions.report.applied'));
        },
      },
    );
  };

  const importChecked = () => {
    form.setFieldValue('dryRun', false);
    // A field that fails shows its message in place; nothing more to do here.
    void form.validateFields().then(send, () => undefined);
  };

  const pending = importEdition.isPending;
  const result = importEdition.data;
  const conflict = isApiError(importEdition.error) && importEdition.error.code === 'conflict';
  const checkedOk = result !== undefined && result.report.dryRun && result.report.errorCount === 0 && !result.report.unchanged;

  return (
    <>
      <Form<ImportValues>
        form={form}
        layout="vertical"
        initialValues={{ name: '', replace: false, dryRun: false }}
        onFinish={send}
        onValuesChange={() => importEdition.reset()}
        disabled={pending}
        requiredMark={false}
      >
        <Form.Item label={t('divisions.import.file')} required validateStatus={fileError ? 'error' : ''} help={fileError ?? t('divisions.import.fileHint')}>
          <Upload
            accept={DIVISION_FILE_ACCEPT}
            maxCount={1}
            beforeUpload={(picked) => {
              pick(picked);
              return false;
            }}
            fileList={file ? [{ uid: 'division-file', name: t('divisions.import.fileSize', { name: file.name, size: formatBytes(file.size, language) }), status: 'done' }] : []}
            onRemove={() => {
              setFile(null);
              importEdition.reset();
            }}
          >
            <Button icon={<UploadOutlined />}>{t('divisions.import.pickFile')}</Button>
          </Upload>
        </Form.Item>
        <Form.Item
          name="name"
          label={t('divisions.import.name')}
          extra={name && name === guessed ? t('divisions.import.nameGuessed') : undefined}
          rules={[{ required: true, whitespace: true, message: t('divisions.import.nameRequired') }, schemaRule(divisionEditionImportQuerySchema.shape.name)]}
        >
          <Input placeholder={t('divisions.import.namePlaceholder')} maxLength={40} autoComplete="off" />
        </Form.Item>
        <Space size={[24, 0]} wrap align="start">
          <Form.Item name="replace" label={t('divisions.import.replace')} valuePropName="checked" extra={t('divisions.import.replaceHint')}>
            <Switch />
          </Form.Item>
          <Form.Item name="dryRun" label={t('divisions.import.dryRun')} valuePropName="checked" extra={t('divisions.import.dryRunHint')}>
            <Switch />
          </Form.Item>
        </Space>
      </Form>

      {pending && file ? <ImportProgress size={file.size} /> : null}
      {conflict ? <Alert type="warning" showIcon title={t('divisions.import.conflict', { name: form.getFieldValue('name') as string })} /> : null}
      {result ? <EditionImportReport report={result.report} roundTripMs={result.roundTripMs} /> : null}

      <div className="rg-dialog-actions">
        <Button onClick={onClose} disabled={pending}>
          {t('divisions.import.close')}
        </Button>
        {checkedOk ? (
          <Button type="primary" onClick={importChecked}>
            {t('divisions.import.importNow')}
          </Button>
        ) : (
          <Button type="primary" loading={pending} onClick={() => form.submit()} data-testid="division-import-submit">
            {dryRun ? t('divisions.import.submitDryRun') : t('divisions.import.submit')}
          </Button>
        )}
      </div>
    </>
  );
}

/** Loads a division file as an edition (system administrators). Cannot be closed mid-upload. */
export function EditionImportModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const busy = useIsMutating({ mutationKey: divisionKeys.importing }) > 0;
  return (
    <Modal
      open={open}
      title={t('divisions.import.title')}
      onCancel={busy ? undefined : onClose}
      closable={!busy}
      mask={{ closable: false }}
      keyboard={!busy}
      footer={null}
      width={760}
      destroyOnHidden
    >
      <EditionImportForm onClose={onClose} />
    </Modal>
  );
}
