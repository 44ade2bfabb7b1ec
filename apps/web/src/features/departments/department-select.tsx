import { DEPARTMENT_KIND_LABELS } from '@redgrid/contracts';
import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { isLanguage } from '../../shared/i18n/i18n';
import { useDepartments } from './departments.api';

/**
 * Picks one active department of the signed-in user's areas (the user form's dept_staff row). The
 * server checks again: a department outside the assigner's areas, or inactive, is refused.
 */
export function DepartmentSelect({ value, onChange, id }: { value?: number | null; onChange?: (id: number | undefined) => void; id?: string }) {
  const { t, i18n } = useTranslation();
  const lang = isLanguage(i18n.language) ? i18n.language : 'zh-CN';
  const list = useDepartments({ page: 1, pageSize: 200, active: 'true' });
  const options = (list.data?.items ?? []).map((d) => ({ value: d.id, label: `${d.name}（${DEPARTMENT_KIND_LABELS[d.kind][lang]}）`, title: d.area.name }));
  return (
    <Select
      id={id}
      showSearch={{ optionFilterProp: 'label' }}
      value={value ?? undefined}
      onChange={(v: number | undefined) => onChange?.(v)}
      options={options}
      loading={list.isLoading}
      placeholder={t('departments.departmentPlaceholder')}
      aria-label={t('departments.department')}
      style={{ width: '100%' }}
    />
  );
}
