import type { RecordHistory } from '@redgrid/contracts';
import { Card, InputNumber, Skeleton, Space, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { Muted } from './basedata-ui';

const show = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** A record's change history (organisation or component): who, when, field before → after. */
export function HistoryTimeline({ history, loading }: { history: RecordHistory | undefined; loading: boolean }) {
  const { t } = useTranslation();
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
                <Tag style={{ marginInlineEnd: 6 }}>{entry.action}</Tag>
                <Muted>{t('basedata.person.historyBy', { who: entry.actorName ?? '—', source: entry.source })}</Muted>
              </div>
              {Object.entries(entry.changes).map(([field, [before, after]]) => (
                <div key={field} style={{ fontSize: 12, wordBreak: 'break-all' }}>
                  <Typography.Text type="secondary">{field}：</Typography.Text>
                  <Typography.Text delete type="secondary">
                    {show(before)}
                  </Typography.Text>{' '}
                  → {show(after)}
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
