import { calendarDayInputSchema, calendarDayParamsSchema, calendarDeadlineQuerySchema, calendarDeadlineSchema, calendarHoursInputSchema, calendarYearParamsSchema, calendarYearSchema, errorBodySchema } from '@redgrid/contracts';
import { ctxOf, type App } from '../../platform/http.ts';
import { getCalendarYear, removeCalendarDay, setCalendarDay, setWorkingHours, tryDeadline } from './calendar.service.ts';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };

export function registerCalendarRoutes(app: App): void {
  app.get('/api/calendar/years/:year', {
    config: { permission: 'signed_in' },
    schema: { tags: ['calendar'], summary: '工作日历：一年的节假日、调休上班日与工作时段', params: calendarYearParamsSchema, response: { 200: calendarYearSchema, ...errors } },
  }, (req) => getCalendarYear(ctxOf(req), req.params.year));

  app.put('/api/calendar/days/:date', {
    config: { permission: 'calendar.manage' },
    schema: { tags: ['calendar'], summary: '设为节假日或调休上班日（系统管理员、区级以上管理员）', params: calendarDayParamsSchema, body: calendarDayInputSchema, response: { 200: calendarYearSchema, ...errors } },
  }, (req) => setCalendarDay(ctxOf(req), req.params.date, req.body));

  app.delete('/api/calendar/days/:date', {
    config: { permission: 'calendar.manage' },
    schema: { tags: ['calendar'], summary: '恢复为按周末规则（工作日上班、周末休息）', params: calendarDayParamsSchema, response: { 200: calendarYearSchema, ...errors } },
  }, (req) => removeCalendarDay(ctxOf(req), req.params.date));

  app.put('/api/calendar/years/:year/hours', {
    config: { permission: 'calendar.manage' },
    schema: { tags: ['calendar'], summary: '设置一年的工作时段', params: calendarYearParamsSchema, body: calendarHoursInputSchema, response: { 200: calendarYearSchema, ...errors } },
  }, (req) => setWorkingHours(ctxOf(req), req.params.year, req.body));

  app.get('/api/calendar/deadline', {
    config: { permission: 'signed_in' },
    schema: { tags: ['calendar'], summary: '试算期限：从某时起若干工作时／工作日（含延期）何时到期', querystring: calendarDeadlineQuerySchema, response: { 200: calendarDeadlineSchema, ...errors } },
  }, (req) => tryDeadline(ctxOf(req), req.query));
}
