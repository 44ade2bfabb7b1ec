/**
 * The working-time calendar (工作日历): holidays, make-up working days and working hours per year, and
 * the clock other modules count time limits on (`workingClockFor(unit)` inside their own unit of work,
 * `workingClock(ctx)` for a request). The arithmetic itself is platform/working-time.ts.
 */
import { defineModule } from '../../platform/module.ts';
import { registerCalendarRoutes } from './calendar.routes.ts';

export const calendarModule = defineModule('calendar', (app) => registerCalendarRoutes(app));
export { canEditCalendar, workingClock, workingClockFor } from './calendar.service.ts';
export type { WorkingClock, Pause, DeadlineInput } from '../../platform/working-time.ts';
