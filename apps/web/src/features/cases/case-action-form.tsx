import { CASE_ACTION_LABELS, CASE_RATING_LABELS, CASE_RATINGS, DEPARTMENT_KIND_LABELS, DEPARTMENT_KINDS, HANDLING_LEVEL_LABELS, SUPERVISION_GRADE_LABELS, SUPERVISION_GRADES, type Attachment, type CaseAction, type CaseActionRequest, type CaseDetail } from '@redgrid/contracts';
import { Alert, App, Checkbox, Form, Input, InputNumber, Modal, Radio, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../shared/api/api-error';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { useLanguage } from '../../shared/i18n/use-language';
import { AreaTreeSelect } from '../areas/area-tree-select';
import { newClientKey } from './case-draft';
import { uploadCasePhoto, useCaseAction, useReportCatalogue } from './cases.api';
import { PhotoPicker, type PickedPhoto } from './photo-picker';

type Field = 'reason' | 'result' | 'note' | 'noteOptional' | 'grade' | 'workDays' | 'rating' | 'comment' | 'level' | 'departmentKind' | 'intoCaseId' | 'itemCode' | 'gridId' | 'photos';

/** What each action asks for (the contract's caseActionSchema); an action with none is a confirmation. */
export const ACTION_FIELDS: Partial<Record<CaseAction, readonly Field[]>> = {
  accept: [],
  reject: ['reason'],
  self_close: ['result', 'photos'],
  escalate: ['level', 'reason'],
  dispatch: ['departmentKind', 'noteOptional'],
  acknowledge: [],
  return: ['reason'],
  handle: ['result', 'photos'],
  verify_pass: ['noteOptional', 'photos'],
  verify_fail: ['reason', 'photos'],
  request_extension: ['workDays', 'reason'],
  approve_extension: [],
  deny_extension: ['reason'],
  suspend: ['reason'],
  resume: [],
  supervise: ['grade', 'note'],
  instruct: ['note'],
  expedite: ['noteOptional'],
  reroute: ['itemCode', 'gridId', 'reason'],
  merge: ['intoCaseId'],
  close_unfixed: ['reason'],
  rate: ['rating', 'comment'],
  reopen: ['reason'],
  comment: ['note', 'photos'],
};

/** The actions the server allows that the console has a form for (never 'report' or the system's alerts). */
export function actionableOf(allowed: readonly CaseAction[]): CaseAction[] {
  return allowed.filter((a) => ACTION_FIELDS[a] !== undefined);
}

interface Values {
  reason?: string;
  result?: string;
  note?: string;
  noteOptional?: string;
  grade?: (typeof SUPERVISION_GRADES)[number];
  workDays?: number;
  rating?: (typeof CASE_RATINGS)[number];
  comment?: string;
  level?: 'community' | 'town' | 'district';
  departmentKind?: (typeof DEPARTMENT_KINDS)[number];
  intoCaseId?: number;
  itemCode?: string;
  gridId?: number;
}

/** The request for one action from the form's values (optional texts left out when empty). */
function toRequest(action: CaseAction, v: Values): CaseActionRequest {
  const opt = (s: string | undefined) => (s && s.trim() ? s.trim() : undefined);
  switch (action) {
    case 'reject':
    case 'return':
    case 'verify_fail':
    case 'deny_extension':
    case 'suspend':
    case 'close_unfixed':
    case 'reopen':
      return { action, reason: v.reason ?? '' };
    case 'self_close':
    case 'handle':
      return { action, result: v.result ?? '' };
    case 'escalate':
      return { action, to: { level: v.level ?? 'community' }, reason: v.reason ?? '' };
    case 'dispatch':
      return { action, departmentKind: v.departmentKind, note: opt(v.noteOptional) };
    case 'verify_pass':
    case 'expedite':
      return { action, note: opt(v.noteOptional) };
    case 'request_extension':
      return { action, workDays: v.workDays ?? 1, reason: v.reason ?? '' };
    case 'supervise':
      return { action, grade: v.grade ?? 'ordinary', note: v.note ?? '' };
    case 'instruct':
    case 'comment':
      return { action, note: v.note ?? '' };
    case 'reroute':
      return { action, itemCode: opt(v.itemCode), gridId: v.gridId, reason: v.reason ?? '' };
    case 'merge':
      return { action, intoCaseId: v.intoCaseId ?? 0 };
    case 'rate':
      return { action, rating: v.rating ?? 'satisfied', comment: opt(v.comment) };
    default:
      return { action } as CaseActionRequest;
  }
}

/**
 * One action on a case in a small dialog: the fields it needs, photos where they prove the work
 * (uploaded first, then named in the action), the case version the person was looking at and a
 * client key made when the dialog opened, so a double click or a retry is one step. A refusal
 * (409: someone else was quicker) shows the server's words and reloads the case.
 */
export function CaseActionDialog({ detail, loose, action, onClose, onConflict }: { detail: CaseDetail; loose: readonly Attachment[]; action: CaseAction; onClose: () => void; onConflict: () => void }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const { message } = App.useApp();
  const describe = useDescribeError();
  const [form] = Form.useForm<Values>();
  const act = useCaseAction(detail.id);
  const [clientKey] = useState(() => newClientKey());
  const [photos, setPhotos] = useState<PickedPhoto[]>([]);
  const [uploading, setUploading] = useState(false);
  const [withLoose, setWithLoose] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const fields = ACTION_FIELDS[action] ?? [];
  const label = CASE_ACTION_LABELS[action][language];
  const needsPhoto = action === 'self_close';
  const takesPhotos = fields.includes('photos');
  const carried = takesPhotos && withLoose ? loose.map((a) => a.id) : [];

  const submit = async () => {
    const values = await form.validateFields();
    if (needsPhoto && photos.length === 0 && carried.length === 0) {
      setError(t('cases.action.photoNeeded'));
      return;
    }
    setError(null);
    try {
      setUploading(photos.length > 0);
      const attachmentIds: string[] = [...carried];
      for (const p of photos) attachmentIds.push((await uploadCasePhoto(detail.id, p.file, p.file.name, p.clientKey)).id);
      setUploading(false);
      await act.mutateAsync({ ...toRequest(action, values), version: detail.version, attachmentIds, clientKey } as CaseActionRequest);
      void message.success(t('cases.action.done', { action: label }));
      onClose();
    } catch (err) {
      setUploading(false);
      if (isApiError(err) && err.status === 409) {
        void message.warning(`${describe(err)}${language === 'zh-CN' ? '' : ` — ${t('cases.action.conflict')}`}`);
        onConflict();
        onClose();
        return;
      }
      const fieldErrors = isApiError(err) ? Object.entries(err.fieldErrors ?? {}) : [];
      setError(fieldErrors.length > 0 ? `${describe(err)}：${fieldErrors.map(([k, v]) => `${k} ${v.join('，')}`).join('；')}` : describe(err));
    }
  };

  const textRule = (max: number) => [{ required: true, whitespace: true, message: t('cases.action.required') }, { max, message: `≤ ${max}` }];

  return (
    <Modal
      open
      title={label}
      okText={t('cases.action.submit')}
      cancelText={t('cases.action.cancel')}
      onOk={() => void submit()}
      onCancel={onClose}
      confirmLoading={act.isPending || uploading}
      destroyOnHidden
      maskClosable={false}
    >
      <Form form={form} layout="vertical" requiredMark="optional" initialValues={{ level: 'community', grade: 'ordinary', workDays: 3, rating: 'satisfied' }} data-testid={`action-form-${action}`}>
        {fields.length === 0 ? <Typography.Paragraph>{t('cases.action.confirm', { action: label })}</Typography.Paragraph> : null}
        {fields.includes('level') ? (
          <Form.Item name="level" label={t('cases.action.level')} rules={[{ required: true }]}>
            <Radio.Group optionType="button" options={(['community', 'town', 'district'] as const).map((l) => ({ value: l, label: HANDLING_LEVEL_LABELS[l][language] }))} />
          </Form.Item>
        ) : null}
        {fields.includes('departmentKind') ? (
          <Form.Item name="departmentKind" label={t('cases.action.departmentKind')} extra={t('cases.action.departmentKindHint')}>
            <Select allowClear showSearch optionFilterProp="label" options={DEPARTMENT_KINDS.map((k) => ({ value: k, label: DEPARTMENT_KIND_LABELS[k][language] }))} />
          </Form.Item>
        ) : null}
        {fields.includes('grade') ? (
          <Form.Item name="grade" label={t('cases.action.grade')} rules={[{ required: true }]}>
            <Radio.Group optionType="button" options={SUPERVISION_GRADES.map((g) => ({ value: g, label: SUPERVISION_GRADE_LABELS[g][language] }))} />
          </Form.Item>
        ) : null}
        {fields.includes('workDays') ? (
          <Form.Item name="workDays" label={t('cases.action.workDays')} rules={[{ required: true }]}>
            <InputNumber min={1} max={30} precision={0} />
          </Form.Item>
        ) : null}
        {fields.includes('rating') ? (
          <Form.Item name="rating" label={t('cases.action.rating')} rules={[{ required: true }]}>
            <Radio.Group optionType="button" options={CASE_RATINGS.map((r) => ({ value: r, label: CASE_RATING_LABELS[r][language] }))} />
          </Form.Item>
        ) : null}
        {fields.includes('intoCaseId') ? (
          <Form.Item name="intoCaseId" label={t('cases.action.intoCaseId')} rules={[{ required: true }]}>
            <InputNumber min={1} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        ) : null}
        {fields.includes('itemCode') ? (
          <Form.Item name="itemCode" label={t('cases.action.itemCode')}>
            <ItemSelect placeholder={t('cases.form.itemPlaceholder')} />
          </Form.Item>
        ) : null}
        {fields.includes('gridId') ? (
          <Form.Item name="gridId" label={t('cases.action.gridId')} extra={t('cases.action.rerouteHint')}>
            <AreaTreeSelect aria-label={t('cases.action.gridId')} />
          </Form.Item>
        ) : null}
        {fields.includes('result') ? (
          <Form.Item name="result" label={t('cases.action.result')} rules={textRule(2000)}>
            <Input.TextArea rows={3} maxLength={2000} showCount />
          </Form.Item>
        ) : null}
        {fields.includes('reason') ? (
          <Form.Item name="reason" label={t('cases.action.reason')} rules={textRule(500)}>
            <Input.TextArea rows={3} maxLength={500} showCount />
          </Form.Item>
        ) : null}
        {fields.includes('note') ? (
          <Form.Item name="note" label={t('cases.action.note')} rules={textRule(action === 'supervise' ? 500 : 1000)}>
            <Input.TextArea rows={3} maxLength={action === 'supervise' ? 500 : 1000} showCount />
          </Form.Item>
        ) : null}
        {fields.includes('noteOptional') ? (
          <Form.Item name="noteOptional" label={t('cases.action.noteOptional')} rules={[{ max: 500 }]}>
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
        ) : null}
        {fields.includes('comment') ? (
          <Form.Item name="comment" label={t('cases.action.comment')} rules={[{ max: 500 }]}>
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
        ) : null}
        {fields.includes('photos') ? (
          <Form.Item label={t('cases.action.photos')} required={needsPhoto}>
            <Space direction="vertical">
              {loose.length > 0 ? (
                <Checkbox checked={withLoose} onChange={(e) => setWithLoose(e.target.checked)}>
                  {t('cases.action.withUploaded', { count: loose.length })}
                </Checkbox>
              ) : null}
              <PhotoPicker value={photos} onChange={setPhotos} disabled={act.isPending || uploading} />
            </Space>
          </Form.Item>
        ) : null}
        {uploading ? <Typography.Text type="secondary">{t('cases.action.uploading')}</Typography.Text> : null}
        {error ? <Alert type="error" showIcon message={error} /> : null}
      </Form>
    </Modal>
  );
}

/** The active items of the catalogue, searched by name or code (改派/改类: the server checks the new grid's catalogue). */
function ItemSelect({ value, onChange, placeholder }: { value?: string; onChange?: (code: string | undefined) => void; placeholder: string }) {
  const catalogue = useReportCatalogue();
  const options = (catalogue.data?.items ?? []).filter((i) => i.active).map((i) => ({ value: i.code, label: `${i.name}（${i.code}）` }));
  return <Select showSearch allowClear optionFilterProp="label" loading={catalogue.isLoading} options={options} value={value} onChange={onChange} placeholder={placeholder} data-testid="case-action-item" />;
}
