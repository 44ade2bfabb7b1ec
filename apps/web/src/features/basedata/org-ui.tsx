import type { RecordHistory } from '@redgrid/contracts';
import { Card, InputNumber, Skeleton, Space, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { Muted } from './basedata-ui';

const show = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/**
 * A record's change history (organisation or component): who, when, field before → after. `prefix` is
 * the strings section whose keys name the fields (basedata.org / basedata.comp); a field without a
 * string shows as sent.
 */
export function HistoryTimeline({ history, loading, prefix }: { history: RecordHistory | undefined; loading: boolean; prefix: 'basedata.org' | 'basedata.comp' }) {
  const { t, i18n } = useTranslation();
  const fieldLabel = (field: string) => (i18n.exists(`${prefix}.${field}`) ? t(`${prefix}.${field}` as never) : field);
  const valueLabel = (field: string, v: unknown) => {
    if (typeof v === 'boolean') return v ? t('basedata.org.yes') : t('basedata.org.no');
    if (field === 'state' && typeof v === 'string' && i18n.exists(`basedata.comp.states.${v}`)) return t(`basedata.comp.states.${v}` as never);
    if (field === 'kind' && typeof v === 'string' && i18n.exists(`basedata.org.kinds.${v}`)) return t(`basedata.org.kinds.${v}` as never);
    if (field === 'fireSafetyLevel' && typeof v === 'string' && i18n.exists(`basedata.org.fireLevels.${v}`)) return t(`basedata.org.fireLevels.${v}` as never);
    if (field === 'location' && v && typeof v === 'object' && 'lng' in v && 'lat' in v) return `${Number(v.lng).toFixed(6)}, ${Number(v.lat).toFixed(6)}`;
    return show(v);
  };
  const { language } = useLanguage();
  return (
    <Card size="small" title={t('basedata.person.history')}>
      {loading ? <Skeleton active paragraph={{ rows: 2 }} /> : null}
      {history && history.items.length === 0 ? <Muted>{t('basedata.person.noHistory')}</Muted> : null}
      <Timeline
        items={(history?.items ?? []).map((entry) => ({
          key: entry.id,
          title: formatDateTime(entry.at, language),
          content: (
            <div>
              <div>
                <Tag style={{ marginInlineEnd: 6 }}>{t(`basedata.historyAction.${entry.action}`, { defaultValue: entry.action })}</Tag>
                <Muted>{t('basedata.person.historyBy', { who: entry.actorName ?? '—', source: t(`basedata.historySource.${entry.source}`, { defaultValue: entry.source }) })}</Muted>
              </div>
              {Object.entries(entry.changes).map(([field, [before, after]]) => (
                <div key={field} style={{ fontSize: 12, wordBreak: 'break-all' }}>
                  <Typography.Text type="secondary">{fieldLabel(field)}：</Typography.Text>
                  <Typography.Text delete type="secondary">
                    {valueLabel(field, before)}
                  </Typography.Text>{' '}
                  → {valueLabel(field, after)}
                </div>
              ))}
            </div>
          ),
        }))}
      />
    </Card>
  );
}

export interface PointValue {
  lng?: number | null;
  lat?: number | null;
}

/** Longitude and latitude (WGS84) side by side; used as a Form.Item control. */
export function PointInput({ value, onChange }: { value?: PointValue | null; onChange?: (v: PointValue) => void }) {
  const { t } = useTranslation();
  const v = value ?? {};
  return (
    <Space.Compact style={{ width: '100%' }}>
      <InputNumber<number>
        aria-label={t('basedata.org.lng')}
        placeholder={t('basedata.org.lng')}
        value={v.lng ?? null}
        min={73}
        max={136}
        step={0.0001}
        onChange={(lng) => onChange?.({ ...v, lng })}
        style={{ width: '50%' }}
      />
      <InputNumber<number>
        aria-label={t('basedata.org.lat')}
        placeholder={t('basedata.org.lat')}
        value={v.lat ?? null}
        min={3}
        max={54}
        step={0.0001}
        onChange={(lat) => onChange?.({ ...v, lat })}
        style={{ width: '50%' }}
      />
    </Space.Compact>
  );
}

/** A complete point or null (half a point is no point). */
export function pointOf(v: PointValue | null | undefined): { lng: number; lat: number } | null {
  return v && typeof v.lng === 'number' && typeof v.lat === 'number' ? { lng: v.lng, lat: v.lat } : null;
}
