import { AimOutlined, EnvironmentOutlined } from '@ant-design/icons';
import { createPlaceSchema, type AreaDetail, type CrsName } from '@redgrid/contracts';
import { Alert, App, Button, Form, Input, InputNumber, Modal, Select, Space, Spin, Typography, type FormInstance } from 'antd';
import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../shared/api/api-error';
import { schemaRule } from '../../shared/forms/form-rules';
import { useSubmitError } from '../../shared/forms/use-submit-error';
import { gridTotalAfter, householdsWarning } from './area-upkeep';
import { useCreatePlace } from './areas.api';
import { currentDevicePosition, type DeviceProblem } from '../../shared/device/device-position';

// The picker carries MapLibre: it loads only when someone opens it.
const PointPicker = lazy(() => import('../map/point-picker').then((m) => ({ default: m.PointPicker })));

export interface PlaceValues {
  name: string;
  households: number | null;
  lng: number | null;
  lat: number | null;
  crs: CrsName;
}

const FIELDS = ['name', 'households', 'lng', 'lat', 'crs'] as const;
const nameRule = schemaRule(createPlaceSchema.shape.name);
const CRS_OPTIONS: readonly CrsName[] = ['gcj02', 'wgs84', 'bd09'];

/** The request a filled form sends: a building carries its position in the crs it was given in. */
export function placeRequest(parent: Pick<AreaDetail, 'id' | 'level'>, v: PlaceValues) {
  const level = parent.level === 'grid' ? ('building' as const) : ('unit' as const);
  return {
    parentId: parent.id,
    level,
    name: v.name.trim(),
    households: v.households ?? 0,
    ...(level === 'building' && v.lng !== null && v.lat !== null ? { location: { lng: v.lng, lat: v.lat, crs: v.crs } } : {}),
  };
}

/**
 * 新建楼栋 / 新建单元: a building under a grid (its position picked on the map, typed in any crs,
 * or the phone's own) or a unit under a building, with its households. The grid's total after the
 * addition is judged against its range before anything is saved.
 *
 * The building's own particulars (use, floors, property manager, hazards) belong in this form too:
 * add them as further sections below the position.
 */
export function PlaceForm({ parent, grid, open, onClose, onCreated }: {
  /** A grid (a building is added) or a building (a unit is added). */
  parent: AreaDetail;
  /** The grid the households count in: the parent itself, or the building's grid. */
  grid: AreaDetail | undefined;
  open: boolean;
  onClose: () => void;
  onCreated: (id: number) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<PlaceValues>();
  const create = useCreatePlace();
  const onError = useSubmitError(form, FIELDS);
  const building = parent.level === 'grid';
  const values = Form.useWatch([], form) as Partial<PlaceValues> | undefined;

  useEffect(() => {
    if (open) form.setFieldsValue({ name: '', households: null, lng: null, lat: null, crs: 'gcj02' });
  }, [open, form]);

  const added = values?.households ?? null;
  // A unit's households are part of its building's, already counted in the grid: only a building adds to it.
  const warning = building && grid && added !== null ? householdsWarning(t, grid.name, gridTotalAfter(grid.households, 0, added), grid.householdRange) : null;

  const submit = (v: PlaceValues) => {
    if (building && (v.lng === null || v.lat === null)) {
      form.setFields([{ name: 'lng', errors: [t('areas.place.positionRequired')] }]);
      return;
    }
    create.mutate(placeRequest(parent, v), {
      onSuccess: (created) => {
        void message.success(t(building ? 'areas.place.buildingCreated' : 'areas.place.unitCreated', { name: created.name, code: created.code }));
        onCreated(created.id);
        onClose();
      },
      onError: (error) => {
        // The server names the position `location` (or `location.lng`); the inputs are lng and lat.
        const location = isApiError(error) ? Object.entries(error.fieldErrors).filter(([path]) => path.startsWith('location')).flatMap(([, messages]) => messages) : [];
        if (location.length > 0) form.setFields([{ name: 'lng', errors: location }]);
        else onError(error);
      },
    });
  };

  return (
    <Modal
      open={open}
      title={building ? t('areas.place.newBuilding', { name: parent.name }) : t('areas.place.newUnit', { name: parent.name })}
      okText={t('areas.place.create')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={create.isPending}
      okButtonProps={{ id: 'place-save' }}
      destroyOnHidden
      width={building ? 720 : 560}
    >
      <Form<PlaceValues> form={form} layout="vertical" onFinish={submit} requiredMark={false} data-testid="place-form">
        <Space size={12} wrap align="start" style={{ width: '100%' }}>
          <Form.Item name="name" label={t(building ? 'areas.place.buildingName' : 'areas.place.unitName')} rules={[{ required: true, whitespace: true, message: t('areas.edit.nameRequired') }, nameRule]} style={{ minWidth: 220 }}>
            <Input maxLength={60} placeholder={t(building ? 'areas.place.buildingPlaceholder' : 'areas.place.unitPlaceholder')} />
          </Form.Item>
          <Form.Item name="households" label={t('areas.edit.households')} rules={[{ required: true, message: t('areas.edit.householdsRequired') }]}>
            <InputNumber min={0} max={10_000} precision={0} style={{ width: 140 }} />
          </Form.Item>
        </Space>
        {building ? <PlacePositionFields form={form} gridId={parent.id} range={parent.householdRange} /> : null}
        {warning ? <Alert type="warning" showIcon title={warning} style={{ marginTop: 8 }} data-testid="place-warning" /> : null}
        {building && grid && added !== null && !warning ? (
          <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }} data-testid="place-total">
            {t('areas.place.gridAfter', { name: grid.name, households: gridTotalAfter(grid.households, 0, added) })}
          </Typography.Paragraph>
        ) : null}
      </Form>
    </Modal>
  );
}

/** The position fields of a building: lng, lat and their crs, a form's `lng` / `lat` / `crs`. */
export interface PositionValues {
  lng: number | null;
  lat: number | null;
  crs: CrsName;
}

/**
 * A building's position: typed with its crs (GCJ-02 first: coordinates copied from Chinese web
 * maps), picked on a small map of the grid, or the device's own (WGS84). Used by the new-building
 * form and by a building's edit form.
 */
export function PlacePositionFields({ form, gridId, range }: { form: FormInstance; gridId: number; range: { min: number; max: number } }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [picking, setPicking] = useState(false);
  const [locating, setLocating] = useState(false);
  const values = Form.useWatch([], form) as Partial<PositionValues> | undefined;

  const useMyPosition = () => {
    setLocating(true);
    currentDevicePosition().then(
      ({ center: [lng, lat] }) => {
        setLocating(false);
        // The browser's position is WGS84, whatever map the phone shows.
        form.setFieldsValue({ lng: round7(lng), lat: round7(lat), crs: 'wgs84' });
        form.setFields([{ name: 'lng', errors: [] }]);
      },
      (problem: DeviceProblem) => {
        setLocating(false);
        void message.error(t(`device.${problem}`));
      },
    );
  };

  return (
    <section aria-label={t('areas.place.position')}>
      <Typography.Text strong>{t('areas.place.position')}</Typography.Text>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 8 }}>
        {t('areas.place.positionHint')}
      </Typography.Paragraph>
      <Space size={8} wrap align="start">
        <Form.Item name="lng" label={t('areas.place.lng')} style={{ marginBottom: 8 }}>
          <InputNumber min={73} max={136} step={0.0001} style={{ width: 150 }} />
        </Form.Item>
        <Form.Item name="lat" label={t('areas.place.lat')} style={{ marginBottom: 8 }}>
          <InputNumber min={3} max={54} step={0.0001} style={{ width: 150 }} />
        </Form.Item>
        <Form.Item name="crs" label={t('areas.place.crs')} style={{ marginBottom: 8 }}>
          <Select<CrsName> style={{ width: 200 }} options={CRS_OPTIONS.map((value) => ({ value, label: t(`areas.crs.${value}`) }))} />
        </Form.Item>
      </Space>
      <Space wrap style={{ marginBottom: 8 }}>
        <Button icon={<EnvironmentOutlined />} onClick={() => setPicking((p) => !p)} data-testid="place-pick">
          {picking ? t('areas.place.hideMap') : t('areas.place.pickOnMap')}
        </Button>
        <Button icon={<AimOutlined />} loading={locating} onClick={useMyPosition}>
          {t('areas.place.myPosition')}
        </Button>
      </Space>
      {picking ? (
        <Suspense fallback={<Spin />}>
          <PointPicker
            areaId={gridId}
            range={range}
            value={values?.crs === 'wgs84' && values.lng != null && values.lat != null ? [values.lng, values.lat] : null}
            onPick={([lng, lat]) => {
              // A point picked on our map is WGS84: the map draws the stored boundaries.
              form.setFieldsValue({ lng: round7(lng), lat: round7(lat), crs: 'wgs84' });
              form.setFields([{ name: 'lng', errors: [] }]);
            }}
          />
        </Suspense>
      ) : null}
    </section>
  );
}

function round7(v: number): number {
  return Math.round(v * 1e7) / 1e7;
}
