import { AREA_GRADES, GRID_SUBTYPES, updateAreaSchema, type AreaDetail, type AreaGrade, type CrsName, type GridSubtype, type UpdateArea } from '@redgrid/contracts';
import { Alert, App, Form, Input, InputNumber, Modal, Radio, Select, Space, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../shared/api/api-error';
import { schemaRule } from '../../shared/forms/form-rules';
import { useSubmitError } from '../../shared/forms/use-submit-error';
import { householdsWarning, rangeInvalid } from './area-upkeep';
import { useArea, useBalancePreview, useUpdateArea } from './areas.api';
import { PlacePositionFields } from './place-form';

interface EditValues {
  name: string;
  households: number | null;
  gridType: 'comprehensive' | 'dedicated';
  gridSubtype: GridSubtype | null;
  balanceMin: number | null;
  balanceMax: number | null;
  grade: AreaGrade | null;
  /** A building's position, as shown (WGS84) or as retyped in another crs. */
  lng: number | null;
  lat: number | null;
  crs: CrsName;
}

const FIELDS = ['name', 'households', 'gridType', 'gridSubtype', 'balanceMin', 'balanceMax', 'grade', 'lng', 'lat', 'crs'] as const;
const nameRule = schemaRule(updateAreaSchema.shape.name.unwrap());

/** Levels whose own household figure is kept (above a grid it is the sum of the grids). */
function ownsHouseholds(area: AreaDetail): boolean {
  return area.level === 'building' || area.level === 'unit' || area.level === 'grid';
}

/** Levels that set the households-per-grid range for the grids below them (a grid for itself). */
function setsRange(area: AreaDetail): boolean {
  return area.level !== 'building' && area.level !== 'unit';
}

/** Levels that carry a grade for case time limits. */
function takesGrade(area: AreaDetail): boolean {
  return area.level === 'street' || area.level === 'community' || area.level === 'grid';
}

/** Only what changed goes to the server; an empty form changes nothing. */
export function changesOf(area: AreaDetail, v: EditValues): UpdateArea {
  const changes: UpdateArea = {};
  if (v.name.trim() !== area.name) changes.name = v.name.trim();
  if (ownsHouseholds(area) && v.households !== area.households && !(area.level === 'grid' && v.households === null)) changes.households = v.households;
  if (area.level === 'grid') {
    if (v.gridType !== area.gridType) changes.gridType = v.gridType;
    if (v.gridSubtype !== area.gridSubtype) changes.gridSubtype = v.gridSubtype;
  }
  if (setsRange(area)) {
    if (v.balanceMin !== area.balanceMin) changes.balanceMin = v.balanceMin;
    if (v.balanceMax !== area.balanceMax) changes.balanceMax = v.balanceMax;
  }
  if (takesGrade(area) && (v.grade ?? null) !== area.grade) changes.grade = v.grade ?? null;
  if (area.level === 'building' && v.lng !== null && v.lat !== null) {
    const same = v.crs === 'wgs84' && area.location !== null && Math.abs(v.lng - area.location.lng) < 1e-7 && Math.abs(v.lat - area.location.lat) < 1e-7;
    if (!same) changes.location = { lng: v.lng, lat: v.lat, crs: v.crs };
  }
  return changes;
}

/**
 * 编辑区域: name, households, grid type and the household range, with what the change would
 * flag shown before it is saved (a grid out of its range, grids outside a new range).
 */
export function AreaEditForm({ area, open, onClose }: { area: AreaDetail; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<EditValues>();
  const update = useUpdateArea();
  const onError = useSubmitError(form, FIELDS);
  const values = Form.useWatch([], form) as Partial<EditValues> | undefined;
  // A building's households count in its grid: the grid's total after the change is what matters.
  const grid = useArea(area.level === 'building' && area.parentId !== null && open ? area.parentId : undefined);

  useEffect(() => {
    if (!open) return;
    form.setFieldsValue({
      name: area.name,
      households: area.households,
      gridType: area.gridType ?? 'comprehensive',
      gridSubtype: area.gridSubtype,
      balanceMin: area.balanceMin,
      balanceMax: area.balanceMax,
      grade: area.grade,
      lng: area.location ? round7(area.location.lng) : null,
      lat: area.location ? round7(area.location.lat) : null,
      crs: 'wgs84',
    });
  }, [open, area, form]);

  const min = values?.balanceMin ?? null;
  const max = values?.balanceMax ?? null;
  const badRange = rangeInvalid(min, max);
  const rangeChanged = setsRange(area) && (min !== area.balanceMin || max !== area.balanceMax);
  // The range a save would put in force here: the one typed, else what is in force now.
  const newRange = { min: min ?? area.householdRange.min, max: max ?? area.householdRange.max };
  const balance = useBalancePreview(open && rangeChanged && !badRange && area.level !== 'grid' ? area.id : undefined, { min: newRange.min, max: newRange.max });

  let warning: string | null = null;
  const households = values?.households ?? null;
  if (area.level === 'grid') warning = householdsWarning(t, area.name, households ?? area.households, newRange);
  else if (area.level === 'building' && grid.data && households !== null) {
    const total = (grid.data.households ?? 0) - (area.households ?? 0) + households;
    warning = householdsWarning(t, grid.data.name, total, grid.data.householdRange);
  }

  const submit = (v: EditValues) => {
    const changes = changesOf(area, v);
    if (Object.keys(changes).length === 0) {
      onClose();
      return;
    }
    update.mutate(
      { id: area.id, changes },
      {
        onSuccess: () => {
          void message.success(t('areas.edit.saved'));
          onClose();
        },
        onError: (error) => {
          // The server names the position `location`; the inputs are lng and lat.
          const location = isApiError(error) ? Object.entries(error.fieldErrors).filter(([path]) => path.startsWith('location')).flatMap(([, messages]) => messages) : [];
          if (location.length > 0) form.setFields([{ name: 'lng', errors: location }]);
          else onError(error);
        },
      },
    );
  };

  return (
    <Modal
      open={open}
      title={t('areas.edit.title', { name: area.name })}
      okText={t('areas.edit.save')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={update.isPending}
      okButtonProps={{ disabled: badRange, id: 'area-edit-save' }}
      destroyOnHidden
      width={area.level === 'building' ? 720 : 560}
    >
      <Form<EditValues> form={form} layout="vertical" onFinish={submit} requiredMark={false} data-testid="area-edit-form">
        <Form.Item name="name" label={t('areas.name')} rules={[{ required: true, whitespace: true, message: t('areas.edit.nameRequired') }, nameRule]}>
          <Input maxLength={60} />
        </Form.Item>
        {ownsHouseholds(area) ? (
          <Form.Item
            name="households"
            label={t('areas.edit.households')}
            extra={area.level === 'grid' ? t('areas.edit.gridHouseholdsHint') : undefined}
            rules={[{ required: area.level !== 'grid', message: t('areas.edit.householdsRequired') }]}
          >
            <InputNumber min={0} max={1_000_000} precision={0} style={{ width: 160 }} />
          </Form.Item>
        ) : null}
        {area.level === 'grid' ? (
          <Space size={16} wrap align="start">
            <Form.Item name="gridType" label={t('areas.edit.gridType')}>
              <Radio.Group
                options={[
                  { value: 'comprehensive', label: t('areas.gridTypes.comprehensive') },
                  { value: 'dedicated', label: t('areas.gridTypes.dedicated') },
                ]}
              />
            </Form.Item>
            <Form.Item name="gridSubtype" label={t('areas.edit.gridSubtype')}>
              <Select<GridSubtype | null>
                allowClear
                style={{ width: 160 }}
                placeholder={t('areas.edit.none')}
                options={GRID_SUBTYPES.map((value) => ({ value, label: t(`areas.gridSubtypes.${value}`) }))}
                onClear={() => form.setFieldValue('gridSubtype', null)}
              />
            </Form.Item>
          </Space>
        ) : null}
        {area.level === 'building' && area.parentId !== null ? <PlacePositionFields form={form} gridId={area.parentId} range={area.householdRange} /> : null}
        {setsRange(area) ? (
          <>
            <div>
              <Typography.Text strong>{area.level === 'grid' ? t('areas.edit.rangeOwn') : t('areas.edit.rangeBelow')}</Typography.Text>
            </div>
            <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 8 }}>
              {t('areas.edit.rangeInForce', { min: area.householdRange.min, max: area.householdRange.max })}
            </Typography.Paragraph>
            <Space size={8} wrap align="start">
              <Form.Item name="balanceMin" label={t('areas.edit.min')} style={{ marginBottom: 8 }}>
                <InputNumber min={0} max={100_000} precision={0} placeholder={t('areas.edit.inherit')} style={{ width: 120 }} />
              </Form.Item>
              <Form.Item name="balanceMax" label={t('areas.edit.max')} style={{ marginBottom: 8 }} validateStatus={badRange ? 'error' : ''} help={badRange ? t('areas.edit.rangeInvalid') : undefined}>
                <InputNumber min={1} max={100_000} precision={0} placeholder={t('areas.edit.inherit')} style={{ width: 120 }} />
              </Form.Item>
            </Space>
          </>
        ) : null}
        {takesGrade(area) ? (
          <Form.Item name="grade" label={t('areas.edit.grade')} extra={t('areas.edit.gradeHint', { grade: area.gradeInForce ?? t('areas.edit.gradeNone') })}>
            <Select
              allowClear
              style={{ width: 160 }}
              placeholder={t('areas.edit.inherit')}
              options={AREA_GRADES.map((value) => ({ value, label: value }))}
              onClear={() => form.setFieldValue('grade', null)}
              data-testid="area-edit-grade"
            />
          </Form.Item>
        ) : null}
        {warning ? <Alert type="warning" showIcon title={warning} style={{ marginTop: 8 }} data-testid="area-edit-warning" /> : null}
        {rangeChanged && !badRange && balance.data && area.level !== 'grid' ? (
          <Alert
            type={balance.data.outside.length > 0 ? 'warning' : 'success'}
            showIcon
            style={{ marginTop: 8 }}
            data-testid="area-edit-balance"
            title={
              balance.data.outside.length > 0
                ? t('areas.edit.balanceOutside', { count: balance.data.outside.length, grids: balance.data.grids, min: newRange.min, max: newRange.max })
                : t('areas.edit.balanceAllIn', { grids: balance.data.grids, min: newRange.min, max: newRange.max })
            }
            description={
              balance.data.outside.length > 0 ? (
                <ul style={{ margin: 0, paddingLeft: 18 }}>
                  {balance.data.outside.slice(0, 8).map((g) => (
                    <li key={g.id}>{t('areas.edit.gridOutside', { name: g.name, households: g.households, status: t(`areas.edit.status.${g.status}`) })}</li>
                  ))}
                  {balance.data.outside.length > 8 ? <li>…</li> : null}
                </ul>
              ) : undefined
            }
          />
        ) : null}
      </Form>
    </Modal>
  );
}

function round7(v: number): number {
  return Math.round(v * 1e7) / 1e7;
}
