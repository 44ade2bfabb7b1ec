import { AimOutlined, EnvironmentOutlined } from '@ant-design/icons';
import type { CrsName, LocateResult } from '@redgrid/contracts';
import { Alert, Breadcrumb, Button, Form, Input, Result, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { formatDistance } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { CRS_CHOICES, formatLngLat, parseCoordinates, type ParsedPoint } from './coordinates';
import type { LocateInput } from './map.api';
import type { DevicePosition, DeviceProblem } from './use-locate-flow';

export interface LocatePanelProps {
  result: LocateResult | undefined;
  /** What was asked, to show the crs and a swapped-order note beside the answer. */
  asked: (LocateInput & { swapped: boolean }) | undefined;
  pending: boolean;
  error: unknown;
  onLocate: (input: LocateInput & { swapped: boolean }) => void;
  onSelect: (id: number) => void;
  /** The device's own position when the last locate came from it (its accuracy is shown). */
  device: DevicePosition | null;
  deviceProblem: DeviceProblem | null;
  devicePending: boolean;
  onLocateDevice: () => void;
}

/**
 * 定位: which grid holds a coordinate. People paste what their phone or a web map shows, which is
 * usually GCJ-02; the server converts to WGS84 before matching.
 */
export function LocatePanel({ result, asked, pending, error, onLocate, onSelect, device, deviceProblem, devicePending, onLocateDevice }: LocatePanelProps) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const describe = useDescribeError();
  const [text, setText] = useState('');
  const [crs, setCrs] = useState<CrsName>('gcj02');
  const [problem, setProblem] = useState<string | null>(null);

  const submit = () => {
    const parsed = parseCoordinates(text);
    if (!parsed.ok) {
      setProblem(t(`map.locate.parse.${parsed.reason}`));
      return;
    }
    setProblem(null);
    const point: ParsedPoint = parsed.point;
    onLocate({ lng: point.lng, lat: point.lat, crs, swapped: point.swapped });
  };

  return (
    <div className="rg-map-locate" data-testid="map-locate">
      <Button icon={<EnvironmentOutlined />} block loading={devicePending} onClick={onLocateDevice} data-testid="map-locate-device" style={{ marginBottom: 8 }}>
        {t('map.locate.useMyLocation')}
      </Button>
      {deviceProblem ? <Alert type="warning" showIcon title={t(`device.${deviceProblem}`)} style={{ marginBottom: 8 }} data-testid="map-locate-device-problem" /> : null}
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 12 }}>
        {t('map.locate.holdHint')}
      </Typography.Paragraph>
      <Form layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item label={t('map.locate.input')} validateStatus={problem ? 'error' : ''} help={problem ?? undefined} style={{ marginBottom: 12 }}>
          <Input
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder={t('map.locate.placeholder')}
            allowClear
            inputMode="decimal"
            data-testid="map-locate-input"
          />
        </Form.Item>
        <Form.Item label={t('map.locate.crs')} style={{ marginBottom: 12 }}>
          <Select<CrsName>
            value={crs}
            onChange={setCrs}
            options={CRS_CHOICES.map((value) => ({ value, label: t(`map.locate.crsNames.${value}`) }))}
            data-testid="map-locate-crs"
          />
        </Form.Item>
        <Button type="primary" htmlType="submit" icon={<AimOutlined />} loading={pending} block>
          {t('map.locate.submit')}
        </Button>
      </Form>

      {error ? <Alert type="error" showIcon title={describe(error)} style={{ marginTop: 12 }} /> : null}
      {result && !error ? (
        <div className="rg-map-locate-result" data-testid="map-locate-result">
          {asked?.swapped ? (
            <Alert type="warning" showIcon style={{ marginBottom: 8 }} title={t('map.locate.swapped', { longitude: asked.lng, latitude: asked.lat })} />
          ) : null}
          {result.area ? (
            <Result
              status="success"
              className="rg-map-locate-found"
              title={result.area.name}
              subTitle={
                <Space orientation="vertical" size={4}>
                  <Breadcrumb items={result.path.map((a) => ({ key: a.id, title: a.name }))} />
                  <Typography.Text type="secondary" className="rg-mono">
                    {t('map.locate.point')}：{formatLngLat(result.wgs84[0], result.wgs84[1])}
                    {asked ? ` · ${t(`map.locate.crsShort.${asked.crs}`)}` : ''}
                  </Typography.Text>
                  {device ? (
                    <Typography.Text type="secondary" data-testid="map-locate-accuracy">
                      {t('map.locate.accuracy', { meters: Math.round(device.accuracy) })}
                    </Typography.Text>
                  ) : null}
                </Space>
              }
              extra={
                <Button size="small" onClick={() => (result.area ? onSelect(result.area.id) : undefined)}>
                  {t('map.locate.showArea')}
                </Button>
              }
            />
          ) : (
            <Result
              status="warning"
              className="rg-map-locate-found"
              title={t('map.locate.outside')}
              subTitle={
                <Space orientation="vertical" size={4}>
                  {result.nearest ? (
                    <Typography.Text>{t('map.locate.nearest', { name: result.nearest.area.name, distance: formatDistance(result.nearest.distanceMeters, language) })}</Typography.Text>
                  ) : (
                    // Without a nearest grid the server's message says why (outside China, or no grid in scope).
                    <Typography.Text type="secondary">{language === 'zh-CN' && result.message ? result.message : t('map.locate.noArea')}</Typography.Text>
                  )}
                  <Typography.Text type="secondary" className="rg-mono">
                    {t('map.locate.point')}：{formatLngLat(result.wgs84[0], result.wgs84[1])}
                  </Typography.Text>
                  {device ? <Typography.Text type="secondary">{t('map.locate.accuracy', { meters: Math.round(device.accuracy) })}</Typography.Text> : null}
                </Space>
              }
              extra={
                result.nearest ? (
                  <Button size="small" onClick={() => (result.nearest ? onSelect(result.nearest.area.id) : undefined)}>
                    {t('map.locate.showNearest')}
                  </Button>
                ) : null
              }
            />
          )}
        </div>
      ) : null}
      <div className="rg-map-locate-hint">
        <Typography.Paragraph type="secondary">{t('map.locate.hint')}</Typography.Paragraph>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('map.locate.clickHint')}
        </Typography.Paragraph>
      </div>
    </div>
  );
}
