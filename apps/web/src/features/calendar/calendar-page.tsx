import { DeleteOutlined, LeftOutlined, PlusOutlined, RightOutlined } from '@ant-design/icons';
import { type CalendarDayKind, type CalendarException, type CalendarYear, type TimeLimitUnit } from '@redgrid/contracts';
import { Alert, App, AutoComplete, Button, Card, Col, Descriptions, Form, Input, InputNumber, Modal, Radio, Row, Select, Space, Tag, Tooltip, Typography } from 'antd';
import { useEffect, useMemo, useState, type CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { useSubmitError } from '../../shared/forms/use-submit-error';
import { formatDateTime } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { useCalendarYear, useRemoveCalendarDay, useSetCalendarDay, useSetWorkingHours, useTryDeadline } from './calendar.api';

/** Colours of the four kinds of day, shared by the grid and the legend. */
const KIND_STYLE: Record<CalendarDayKind, { background: string; color: string; border: string }> = {
  workday: { background: '#ffffff', color: '#262626', border: '#f0f0f0' },
  weekend: { background: '#f5f5f5', color: '#8c8c8c', border: '#f0f0f0' },
  holiday: { background: '#fff1f0', color: '#cf1322', border: '#ffa39e' },
  makeup_workday: { background: '#e6f4ff', color: '#0958d9', border: '#91caff' },
};

const GRID_STYLE: CSSProperties = { display: 'grid', gridTemplateColumns: 'repeat(7, 1fr)', gap: 2 };
const HEAD_STYLE: CSSProperties = { textAlign: 'center', fontSize: 12, padding: '2px 0' };
const DAY_STYLE: CSSProperties = { width: '100%', height: 40, border: '1px solid', borderRadius: 4, padding: 0, display: 'flex', flexDirection: 'column', alignItems: 'center', justifyContent: 'center', lineHeight: 1.1, font: 'inherit' };
const LEGEND_STYLE: CSSProperties = { display: 'inline-flex', alignItems: 'center', gap: 4, fontSize: 12 };
const SWATCH_STYLE: CSSProperties = { display: 'inline-block', width: 14, height: 14, border: '1px solid', borderRadius: 3 };

const NAME_SUGGESTIONS = ['元旦', '春节', '清明节', '劳动节', '端午节', '中秋节', '国庆节', '元旦调休上班', '春节调休上班', '劳动节调休上班', '国庆节调休上班'];

/** 0 = Monday … 6 = Sunday, for a 'YYYY-MM-DD' date (a calendar date: no time zone involved). */
function weekdayOf(date: string): number {
  return (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
}

function isoDate(year: number, month: number, day: number): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Today's date in Beijing, 'YYYY-MM-DD' (en-CA formats dates that way). */
function beijingToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

function kindOf(date: string, exception: CalendarException | undefined): CalendarDayKind {
  const weekend = weekdayOf(date) >= 5;
  if (exception?.kind === 'holiday') return 'holiday';
  if (exception?.kind === 'workday' && weekend) return 'makeup_workday';
  return weekend ? 'weekend' : 'workday';
}

function MonthGrid({ year, month, exceptions, onPick }: { year: number; month: number; exceptions: ReadonlyMap<string, CalendarException>; onPick: ((date: string) => void) | null }) {
  const { t } = useTranslation();
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const lead = weekdayOf(isoDate(year, month, 1));
  const cells: (string | null)[] = [...Array<null>(lead).fill(null), ...Array.from({ length: days }, (_, i) => isoDate(year, month, i + 1))];
  while (cells.length % 7 !== 0) cells.push(null);
  const weekdays = t('calendar.weekdays').split(' ');
  const today = beijingToday();
  return (
    <Card size="small" title={t('calendar.month', { month })} styles={{ body: { padding: 8 } }} data-testid={`calendar-month-${month}`}>
      <div style={GRID_STYLE}>
        {weekdays.map((w, i) => (
          <div key={w} style={{ ...HEAD_STYLE, color: i >= 5 ? '#8c8c8c' : undefined }}>
            {w}
          </div>
        ))}
        {cells.map((date, i) => {
          if (!date) return <div key={`e${i}`} />;
          const exception = exceptions.get(date);
          const kind = kindOf(date, exception);
          const style = KIND_STYLE[kind];
          const label = exception ? `${date} ${exception.name}（${t(`calendar.kinds.${kind}`)}）` : `${date} ${t(`calendar.kinds.${kind}`)}`;
          const cell = (
            <button
              type="button"
              aria-label={label}
              aria-current={date === today ? 'date' : undefined}
              data-kind={kind}
              disabled={!onPick}
              onClick={onPick ? () => onPick(date) : undefined}
              style={{ ...DAY_STYLE, background: style.background, color: style.color, borderColor: style.border, cursor: onPick ? 'pointer' : 'default', outline: date === today ? '2px solid #faad14' : undefined }}
            >
              <span style={{ fontSize: 13 }}>{Number(date.slice(8))}</span>
              {exception ? <span style={{ fontSize: 10 }}>{kind === 'makeup_workday' ? '班' : exception.name.slice(0, 2)}</span> : null}
            </button>
          );
          return exception ? (
            <Tooltip key={date} title={`${exception.name} · ${t(`calendar.kinds.${kind}`)}`}>
              {cell}
            </Tooltip>
          ) : (
            <span key={date}>{cell}</span>
          );
        })}
      </div>
    </Card>
  );
}

interface DayForm {
  kind: 'none' | 'holiday' | 'workday';
  name?: string;
}

function DayDialog({ date, exception, onClose }: { date: string | null; exception: CalendarException | undefined; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<DayForm>();
  const setDay = useSetCalendarDay();
  const removeDay = useRemoveCalendarDay();
  const onError = useSubmitError(form, ['kind', 'name']);
  const weekend = date ? weekdayOf(date) >= 5 : false;
  const kind = Form.useWatch('kind', form);
  const weekdays = t('calendar.weekdays').split(' ');

  useEffect(() => {
    if (date) form.setFieldsValue({ kind: exception?.kind ?? 'none', name: exception?.name ?? '' });
  }, [date, exception, form]);

  async function submit(values: DayForm) {
    if (!date) return;
    try {
      if (values.kind === 'none') {
        if (exception) await removeDay.mutateAsync(date);
        void message.success(t('calendar.day.restored', { date }));
      } else {
        await setDay.mutateAsync({ date, input: { kind: values.kind, name: values.name ?? '' } });
        void message.success(t('calendar.day.saved', { date }));
      }
      onClose();
    } catch (err) {
      onError(err);
    }
  }

  return (
    <Modal
      open={date !== null}
      title={date ? t('calendar.day.title', { date, weekday: weekdays[weekdayOf(date)] }) : ''}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={setDay.isPending || removeDay.isPending}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{weekend ? t('calendar.day.ruleWeekend') : t('calendar.day.ruleWeekday')}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)}>
        <Form.Item name="kind" label={t('calendar.day.kind')}>
          <Radio.Group>
            <Radio value="none">{t('calendar.day.none')}</Radio>
            <Radio value="holiday">{t('calendar.day.holiday')}</Radio>
            <Tooltip title={weekend ? undefined : t('calendar.day.workdayOnlyWeekend')}>
              <Radio value="workday" disabled={!weekend}>
                {t('calendar.day.workday')}
              </Radio>
            </Tooltip>
          </Radio.Group>
        </Form.Item>
        {kind && kind !== 'none' ? (
          <Form.Item name="name" label={t('calendar.day.name')} rules={[{ required: true, whitespace: true, message: t('calendar.day.nameRequired') }, { max: 20 }]}>
            <AutoComplete options={NAME_SUGGESTIONS.map((n) => ({ value: n }))} placeholder={t('calendar.day.namePlaceholder')} filterOption={(input, option) => (option?.value ?? '').includes(input)} />
          </Form.Item>
        ) : null}
      </Form>
    </Modal>
  );
}

interface HoursForm {
  periods: { start: string; end: string }[];
}

function HoursCard({ data }: { data: CalendarYear }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<HoursForm>();
  const save = useSetWorkingHours();
  const onError = useSubmitError(form, ['periods']);

  useEffect(() => {
    form.setFieldsValue({ periods: data.periods });
  }, [data.year, data.periods, form]);

  async function submit(values: HoursForm) {
    // The server checks order and overlap (calendarHoursInputSchema) and answers field errors under the inputs.
    try {
      await save.mutateAsync({ year: data.year, input: values });
      void message.success(t('calendar.hours.saved'));
    } catch (err) {
      onError(err);
    }
  }

  const hhmm = { pattern: /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, message: t('calendar.hours.format') };
  return (
    <Card size="small" title={t('calendar.hours.title')} data-testid="calendar-hours">
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('calendar.hours.note')}
      </Typography.Paragraph>
      <Form form={form} onFinish={(v) => void submit(v)} disabled={!data.canManage}>
        <Form.List name="periods">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field) => (
                <Space key={field.key} align="baseline" wrap>
                  <Form.Item name={[field.name, 'start']} rules={[{ required: true, message: t('calendar.hours.format') }, hhmm]}>
                    <Input placeholder={t('calendar.hours.start')} style={{ width: 96 }} aria-label={t('calendar.hours.start')} />
                  </Form.Item>
                  <span>–</span>
                  <Form.Item name={[field.name, 'end']} rules={[{ required: true, message: t('calendar.hours.format') }, hhmm]}>
                    <Input placeholder={t('calendar.hours.end')} style={{ width: 96 }} aria-label={t('calendar.hours.end')} />
                  </Form.Item>
                  {data.canManage && fields.length > 1 ? <Button type="text" icon={<DeleteOutlined />} aria-label={t('calendar.hours.remove')} onClick={() => remove(field.name)} /> : null}
                </Space>
              ))}
              {data.canManage ? (
                <Space wrap>
                  {fields.length < 4 ? (
                    <Button icon={<PlusOutlined />} onClick={() => add({ start: '', end: '' })}>
                      {t('calendar.hours.add')}
                    </Button>
                  ) : null}
                  <Button type="primary" htmlType="submit" loading={save.isPending}>
                    {t('calendar.hours.save')}
                  </Button>
                </Space>
              ) : null}
            </>
          )}
        </Form.List>
      </Form>
    </Card>
  );
}

interface TryForm {
  start: string;
  amount: number;
  unit: TimeLimitUnit;
  extensionDays: number;
}

function TryoutCard({ year }: { year: number }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const describe = useDescribeError();
  const [form] = Form.useForm<TryForm>();
  const run = useTryDeadline();
  const submit = (v: TryForm) =>
    // The input is Beijing wall-clock time, whatever the device's zone.
    run.mutate({ start: `${v.start}:00+08:00`, amount: v.amount, unit: v.unit, extensionDays: v.extensionDays ?? 0 });
  return (
    <Card size="small" title={t('calendar.tryout.title')} data-testid="calendar-tryout">
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('calendar.tryout.note')}
      </Typography.Paragraph>
      <Form form={form} layout="vertical" initialValues={{ start: `${year}-09-30T16:00`, amount: 4, unit: 'work_hours', extensionDays: 0 }} onFinish={submit}>
        <Form.Item name="start" label={t('calendar.tryout.start')} rules={[{ required: true }]}>
          <Input type="datetime-local" />
        </Form.Item>
        <Space wrap>
          <Form.Item name="amount" label={t('calendar.tryout.amount')} rules={[{ required: true }]}>
            <InputNumber min={0} max={10000} style={{ width: 100 }} />
          </Form.Item>
          <Form.Item name="unit" label={t('calendar.tryout.unit')}>
            <Select
              style={{ width: 120 }}
              options={[
                { value: 'work_hours', label: t('calendar.tryout.work_hours') },
                { value: 'work_days', label: t('calendar.tryout.work_days') },
              ]}
            />
          </Form.Item>
          <Form.Item name="extensionDays" label={t('calendar.tryout.extension')}>
            <InputNumber min={0} max={365} precision={0} style={{ width: 100 }} />
          </Form.Item>
        </Space>
        <Button htmlType="submit" loading={run.isPending}>
          {t('calendar.tryout.run')}
        </Button>
      </Form>
      {run.data ? (
        <Alert style={{ marginTop: 12 }} type="info" showIcon data-testid="calendar-tryout-result" title={t('calendar.tryout.result', { deadline: formatDateTime(run.data.deadline, language), hours: run.data.workingHours })} />
      ) : null}
      {run.isError ? <Alert style={{ marginTop: 12 }} type="error" showIcon title={describe(run.error)} /> : null}
    </Card>
  );
}

/** 工作日历: a year as twelve month grids, the working periods, and a deadline to try. */
export function CalendarPage() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const describe = useDescribeError();
  const [year, setYear] = useState(() => Number(beijingToday().slice(0, 4)));
  const [picked, setPicked] = useState<string | null>(null);
  const query = useCalendarYear(year);
  const data = query.data;
  const exceptions = useMemo(() => new Map((data?.exceptions ?? []).map((e) => [e.date, e])), [data]);

  return (
    <div className="rg-page" data-testid="calendar-page">
      <Space align="center" wrap style={{ marginBottom: 8 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('calendar.title')}
        </Typography.Title>
        <Button icon={<LeftOutlined />} aria-label={t('calendar.previousYear')} onClick={() => setYear((y) => Math.max(2000, y - 1))} />
        <InputNumber aria-label={t('calendar.year')} value={year} min={2000} max={2100} precision={0} onChange={(v) => v && setYear(v)} style={{ width: 96 }} />
        <Button icon={<RightOutlined />} aria-label={t('calendar.nextYear')} onClick={() => setYear((y) => Math.min(2100, y + 1))} />
        {data ? data.configured ? <Tag color="green">{t('calendar.configured')}</Tag> : <Tag>{t('calendar.notConfigured')}</Tag> : null}
      </Space>
      <Typography.Paragraph type="secondary">{t('calendar.intro')}</Typography.Paragraph>
      {query.isError ? <Alert type="error" showIcon title={describe(query.error)} style={{ marginBottom: 12 }} /> : null}
      {data ? (
        <>
          <Descriptions size="small" column={{ xs: 1, md: 3 }} style={{ marginBottom: 8 }}>
            <Descriptions.Item label={t('calendar.year')}>{t('calendar.summary', { days: data.workingDays, hours: data.hoursPerDay })}</Descriptions.Item>
            <Descriptions.Item label={t('calendar.source')}>{data.source ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('calendar.updatedAt')}>{formatDateTime(data.updatedAt, language)}</Descriptions.Item>
          </Descriptions>
          <Space wrap style={{ marginBottom: 12 }}>
            {(Object.keys(KIND_STYLE) as CalendarDayKind[]).map((k) => (
              <span key={k} style={LEGEND_STYLE}>
                <span style={{ ...SWATCH_STYLE, background: KIND_STYLE[k].background, borderColor: KIND_STYLE[k].border }} />
                {t(`calendar.kinds.${k}`)}
              </span>
            ))}
            <Typography.Text type="secondary">{data.canManage ? t('calendar.clickHint') : t('calendar.readOnly')}</Typography.Text>
          </Space>
          <Row gutter={[12, 12]}>
            {Array.from({ length: 12 }, (_, i) => (
              <Col key={i} xs={24} sm={12} lg={8} xxl={6}>
                <MonthGrid year={year} month={i + 1} exceptions={exceptions} onPick={data.canManage ? setPicked : null} />
              </Col>
            ))}
          </Row>
          <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
            <Col xs={24} lg={12}>
              <HoursCard data={data} />
            </Col>
            <Col xs={24} lg={12}>
              <TryoutCard year={year} />
            </Col>
          </Row>
          <DayDialog date={picked} exception={picked ? exceptions.get(picked) : undefined} onClose={() => setPicked(null)} />
        </>
      ) : null}
    </div>
  );
}
