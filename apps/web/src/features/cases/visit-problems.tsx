import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Form, Input, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useItemOptions } from '../hotline/hotline.api';

/** One problem on the visit form, as the form holds it. */
export interface VisitProblemValue {
  itemCode?: string;
  description?: string;
}

/** The problems worth sending: an item and a description each (blank rows are the worker's unused slots). */
export function problemsToSend(values: readonly (VisitProblemValue | undefined)[] | undefined): { itemCode: string; description: string }[] {
  return (values ?? []).flatMap((p) => (p?.itemCode && p.description?.trim() ? [{ itemCode: p.itemCode, description: p.description.trim() }] : []));
}

/**
 * 发现问题，上报事件: inside the household visit form (a Form.List named `problems`). Each problem is reported
 * as a case in the household's grid when the visit is sent, in the same request: a retried visit files none twice.
 */
export function VisitProblems() {
  const { t } = useTranslation();
  const catalogue = useItemOptions();
  const items = catalogue.options;
  return (
    <div data-testid="visit-problems">
      <Typography.Title level={5}>{t('hotline.visit.problems')}</Typography.Title>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('hotline.visit.problemsHint')}
      </Typography.Paragraph>
      <Form.List name="problems">
        {(fields, { add, remove }) => (
          <>
            {fields.map((field, i) => (
              <Card key={field.key} size="small" style={{ marginBottom: 8 }} title={`${t('hotline.visit.problems').split('，')[0]} ${i + 1}`} extra={<Button type="text" danger icon={<DeleteOutlined />} aria-label={t('hotline.visit.remove')} onClick={() => remove(field.name)} />}>
                <Form.Item name={[field.name, 'itemCode']} label={t('hotline.visit.item')} rules={[{ required: true }]} style={{ marginBottom: 8 }}>
                  <Select showSearch options={items} optionFilterProp="label" loading={catalogue.loading} data-testid={`visit-problem-item-${i}`} />
                </Form.Item>
                <Form.Item name={[field.name, 'description']} label={t('hotline.visit.description')} rules={[{ required: true }]} style={{ marginBottom: 0 }}>
                  <Input.TextArea rows={2} maxLength={4000} data-testid={`visit-problem-description-${i}`} />
                </Form.Item>
              </Card>
            ))}
            <Button type="dashed" block icon={<PlusOutlined />} disabled={fields.length >= 5} onClick={() => add({ itemCode: undefined, description: '' })} data-testid="visit-problem-add">
              {t('hotline.visit.add')}
            </Button>
          </>
        )}
      </Form.List>
    </div>
  );
}
