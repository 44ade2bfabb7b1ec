import { describe, expect, it } from 'vitest';
import { loginAs, useTestApp } from '../../../test/harness.ts';

const ctx = useTestApp();

interface YearBody {
  year: number;
  configured: boolean;
  periods: { start: string; end: string }[];
  hoursPerDay: number;
  workingDays: number;
  exceptions: { date: string; kind: string; name: string }[];
  source: string | null;
  canManage: boolean;
}

async function year(who: string, y: number): Promise<YearBody> {
  const s = await loginAs(ctx.t.app, who);
  const res = await ctx.t.app.inject({ url: `/api/calendar/years/${y}`, headers: s.headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<YearBody>();
}

/** The deadline the clock gives, as an ISO instant. */
async function deadline(start: string, amount: number, unit: 'work_hours' | 'work_days', extensionDays = 0): Promise<string> {
  const s = await loginAs(ctx.t.app, 'zb_worker');
  const q = new URLSearchParams({ start, amount: String(amount), unit, extensionDays: String(extensionDays) });
  const res = await ctx.t.app.inject({ url: `/api/calendar/deadline?${q}`, headers: s.headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ deadline: string }>().deadline;
}

async function auditRows(entityId: string) {
  return ctx.t.database.db.selectFrom('audit_log').select(['action', 'actor_name', 'before', 'after']).where('entity', '=', 'work_calendar').where('entity_id', '=', entityId).orderBy('id').execute();
}

describe('the stored calendar', () => {
  it('holds the State Council schedule for 2026, readable by anyone signed in', async () => {
    const y = await year('zb_worker', 2026);
    expect(y.configured).toBe(true);
    expect(y.source).toContain('国务院办公厅关于2026年部分节假日安排的通知');
    expect(y.periods).toEqual([{ start: '08:30', end: '12:00' }, { start: '13:30', end: '17:30' }]);
    expect(y.hoursPerDay).toBe(7.5);
    expect(y.workingDays).toBe(248);
    expect(y.canManage).toBe(false);
    const holidays = y.exceptions.filter((e) => e.kind === 'holiday');
    const workdays = y.exceptions.filter((e) => e.kind === 'workday');
    expect(holidays).toHaveLength(33);
    expect(workdays.map((e) => e.date)).toEqual(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
    expect(holidays.filter((e) => e.name === '春节').map((e) => e.date)).toEqual(['2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-21', '2026-02-22', '2026-02-23']);
    expect(holidays.filter((e) => e.name === '国庆节')).toHaveLength(7);
    expect(new Set(holidays.map((e) => e.name))).toEqual(new Set(['元旦', '春节', '清明节', '劳动节', '端午节', '中秋节', '国庆节']));
  });

  it('answers a year nobody stored with the weekend rule', async () => {
    const y = await year('zb_worker', 2027);
    expect(y).toMatchObject({ year: 2027, configured: false, exceptions: [], workingDays: 261, hoursPerDay: 7.5 });
    const none = await ctx.t.app.inject({ url: '/api/calendar/years/2026' });
    expect(none.statusCode).toBe(401);
    const s = await loginAs(ctx.t.app, 'zb_worker');
    expect((await ctx.t.app.inject({ url: '/api/calendar/years/1999', headers: s.headers })).statusCode).toBe(400);
  });

  it('gives deadlines across the 国庆 golden week and its make-up Saturday', async () => {
    expect(await deadline('2026-09-30T16:00:00+08:00', 4, 'work_hours')).toBe('2026-10-08T03:00:00.000Z');
    expect(await deadline('2026-09-30T10:00:00+08:00', 3, 'work_days')).toBe('2026-10-10T09:30:00.000Z');
    expect(await deadline('2026-09-30T10:00:00+08:00', 3, 'work_days', 2)).toBe('2026-10-13T09:30:00.000Z');
    const s = await loginAs(ctx.t.app, 'zb_worker');
    const bad = await ctx.t.app.inject({ url: '/api/calendar/deadline?start=2026-09-30T10:00:00%2B08:00&amount=1.5&unit=work_days', headers: s.headers });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.details.fields)).toEqual(['amount']);
  });
});

describe('editing the calendar', () => {
  it('is for the system admin and district-level admins only', async () => {
    expect((await year('admin', 2026)).canManage).toBe(true);
    expect((await year('jk_admin', 2026)).canManage).toBe(true);
    expect((await year('zb_admin', 2026)).canManage).toBe(false);
    for (const who of ['zb_admin', 'qsy_admin', 'zb_worker', 'secadmin']) {
      const s = await loginAs(ctx.t.app, who);
      const res = await ctx.t.app.inject({ method: 'PUT', url: '/api/calendar/days/2026-10-08', headers: s.headers, payload: { kind: 'holiday', name: '越权' } });
      expect(res.statusCode, who).toBe(403);
    }
    expect(await auditRows('2026-10-08')).toEqual([]);
  });

  it('adds and removes a holiday, audited, and the clock follows at once', async () => {
    expect(await deadline('2026-09-30T16:00:00+08:00', 4, 'work_hours')).toBe('2026-10-08T03:00:00.000Z');
    const jk = await loginAs(ctx.t.app, 'jk_admin');
    const put = await ctx.t.app.inject({ method: 'PUT', url: '/api/calendar/days/2026-10-08', headers: jk.headers, payload: { kind: 'holiday', name: ' 国庆节延长 ' } });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json<YearBody>().exceptions).toContainEqual({ date: '2026-10-08', kind: 'holiday', name: '国庆节延长' });
    expect(put.json<YearBody>().workingDays).toBe(247);
    expect(await deadline('2026-09-30T16:00:00+08:00', 4, 'work_hours')).toBe('2026-10-09T03:00:00.000Z');

    const renamed = await ctx.t.app.inject({ method: 'PUT', url: '/api/calendar/days/2026-10-08', headers: jk.headers, payload: { kind: 'holiday', name: '临时休假' } });
    expect(renamed.statusCode).toBe(200);

    const del = await ctx.t.app.inject({ method: 'DELETE', url: '/api/calendar/days/2026-10-08', headers: jk.headers });
    expect(del.statusCode, del.body).toBe(200);
    expect(del.json<YearBody>().exceptions.some((e) => e.date === '2026-10-08')).toBe(false);
    expect(await deadline('2026-09-30T16:00:00+08:00', 4, 'work_hours')).toBe('2026-10-08T03:00:00.000Z');

    expect(await auditRows('2026-10-08')).toEqual([
      { action: 'create', actor_name: 'jk_admin', before: null, after: { kind: 'holiday', name: '国庆节延长' } },
      { action: 'update', actor_name: 'jk_admin', before: { kind: 'holiday', name: '国庆节延长' }, after: { kind: 'holiday', name: '临时休假' } },
      { action: 'delete', actor_name: 'jk_admin', before: { kind: 'holiday', name: '临时休假' }, after: null },
    ]);
  });

  it('refuses a make-up working day on a weekday and dates that do not exist', async () => {
    const admin = await loginAs(ctx.t.app, 'admin');
    const weekday = await ctx.t.app.inject({ method: 'PUT', url: '/api/calendar/days/2026-10-12', headers: admin.headers, payload: { kind: 'workday', name: '补班' } });
    expect(weekday.statusCode).toBe(400);
    expect(Object.keys(weekday.json().error.details.fields)).toEqual(['kind']);
    const noSuchDay = await ctx.t.app.inject({ method: 'PUT', url: '/api/calendar/days/2026-02-30', headers: admin.headers, payload: { kind: 'holiday', name: '不存在' } });
    expect(noSuchDay.statusCode).toBe(400);
    const noName = await ctx.t.app.inject({ method: 'PUT', url: '/api/calendar/days/2026-10-13', headers: admin.headers, payload: { kind: 'holiday', name: '  ' } });
    expect(noName.statusCode).toBe(400);
  });

  it('stores a year not yet configured when a day of it is marked', async () => {
    const admin = await loginAs(ctx.t.app, 'admin');
    // 2027-02-06 is a Saturday.
    const res = await ctx.t.app.inject({ method: 'PUT', url: '/api/calendar/days/2027-02-06', headers: admin.headers, payload: { kind: 'workday', name: '春节调休上班' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<YearBody>()).toMatchObject({ year: 2027, configured: true, workingDays: 262, hoursPerDay: 7.5 });
    expect(await deadline('2027-02-05T16:00:00+08:00', 4, 'work_hours')).toBe('2027-02-06T03:00:00.000Z');
  });

  it('sets the working hours of a year, audited, and deadlines follow', async () => {
    const admin = await loginAs(ctx.t.app, 'admin');
    const overlapping = await ctx.t.app.inject({ method: 'PUT', url: '/api/calendar/years/2026/hours', headers: admin.headers, payload: { periods: [{ start: '09:00', end: '12:00' }, { start: '11:00', end: '18:00' }] } });
    expect(overlapping.statusCode).toBe(400);
    expect(Object.keys(overlapping.json().error.details.fields)).toEqual(['periods.1.start']);

    const periods = [{ start: '09:00', end: '12:00' }, { start: '14:00', end: '18:00' }];
    const res = await ctx.t.app.inject({ method: 'PUT', url: '/api/calendar/years/2026/hours', headers: admin.headers, payload: { periods } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<YearBody>()).toMatchObject({ periods, hoursPerDay: 7 });
    // Monday 11:00 + 2 working hours: 11:00–12:00, 14:00–15:00.
    expect(await deadline('2026-12-07T11:00:00+08:00', 2, 'work_hours')).toBe('2026-12-07T07:00:00.000Z');
    expect(await auditRows('2026')).toEqual([
      { action: 'update', actor_name: 'admin', before: { periods: [{ start: '08:30', end: '12:00' }, { start: '13:30', end: '17:30' }] }, after: { periods } },
    ]);
  });
});
