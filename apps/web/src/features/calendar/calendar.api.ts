import { calendarDeadlineSchema, calendarYearSchema, type CalendarDayInput, type CalendarDeadlineQuery, type CalendarHoursInput } from '@redgrid/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../shared/api/api-client';

export const calendarKeys = {
  all: ['calendar'] as const,
  year: (year: number) => ['calendar', 'year', year] as const,
};

/** One year of the working calendar: holidays, make-up days, working periods, whether the caller may edit. */
export function useCalendarYear(year: number) {
  return useQuery({ queryKey: calendarKeys.year(year), queryFn: () => api.get(`/api/calendar/years/${year}`, calendarYearSchema), placeholderData: keepPreviousData });
}

function useCalendarMutation<V>(fn: (vars: V) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => queryClient.invalidateQueries({ queryKey: calendarKeys.all }) });
}

export function useSetCalendarDay() {
  return useCalendarMutation(({ date, input }: { date: string; input: CalendarDayInput }) => api.put(`/api/calendar/days/${date}`, calendarYearSchema, input));
}

export function useRemoveCalendarDay() {
  return useCalendarMutation((date: string) => api.send('DELETE', `/api/calendar/days/${date}`));
}

export function useSetWorkingHours() {
  return useCalendarMutation(({ year, input }: { year: number; input: CalendarHoursInput }) => api.put(`/api/calendar/years/${year}/hours`, calendarYearSchema, input));
}

export function useTryDeadline() {
  return useMutation({
    mutationFn: (q: CalendarDeadlineQuery) =>
      api.get('/api/calendar/deadline', calendarDeadlineSchema, { query: { start: q.start, amount: q.amount, unit: q.unit, extensionDays: q.extensionDays } }),
  });
}
