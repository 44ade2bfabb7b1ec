/**
 * Working-time clock benchmark (platform/working-time.ts): what one deadline costs, on the 2026
 * official calendar, because a KPI over a million cases computes a deadline (and an elapsed time) each.
 *
 *   node --import tsx bench/working-time.bench.ts [--n 1000000]
 *   npm run bench -- working-time
 *
 * Pure arithmetic, no database. Starts spread over 2026 (every 97 s); the first call of a year builds
 * that year's table, the rest reuse it.
 */
import { parseArgs } from 'node:util';
import { createWorkingClock, DEFAULT_WORKING_PERIODS, type CalendarException } from '../apps/server/src/platform/working-time.ts';

const { values } = parseArgs({ options: { n: { type: 'string', default: '1000000' } } });
const N = Number(values.n);

function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}
// 国务院办公厅关于2026年部分节假日安排的通知 (as seeded by migration 0015).
const exceptions = new Map<string, CalendarException>([
  ...[['2026-01-01', '2026-01-03'], ['2026-02-15', '2026-02-23'], ['2026-04-04', '2026-04-06'], ['2026-05-01', '2026-05-05'], ['2026-06-19', '2026-06-21'], ['2026-09-25', '2026-09-27'], ['2026-10-01', '2026-10-07']]
    .flatMap(([a, b]) => days(a ?? '', b ?? ''))
    .map((d) => [d, 'holiday'] as const),
  ...['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'].map((d) => [d, 'workday'] as const),
]);
const clock = createWorkingClock({ years: new Map([[2026, { exceptions, periods: DEFAULT_WORKING_PERIODS }]]) });
const base = Date.parse('2026-01-01T00:00:00+08:00');
const startAt = (i: number) => new Date(base + (i % 300_000) * 97_000);

const cases: [string, (i: number) => number][] = [
  ['deadline, 4 working hours', (i) => clock.addWorkingTime(startAt(i), 4, 'work_hours').getTime()],
  ['deadline, 5 working days', (i) => clock.addWorkingTime(startAt(i), 5, 'work_days').getTime()],
  ['deadline, 3 working days + 1 pause + 2 days extension', (i) => clock.deadline({ start: startAt(i), amount: 3, unit: 'work_days', extensionDays: 2, pauses: [{ from: new Date(startAt(i).getTime() + 3_600_000), to: new Date(startAt(i).getTime() + 30 * 3_600_000) }] })?.getTime() ?? 0],
  ['working hours between two instants 9 days apart', (i) => clock.workingMsBetween(startAt(i), new Date(startAt(i).getTime() + 9 * 86_400_000))],
];

let sink = 0;
for (const [name, run] of cases) {
  for (let i = 0; i < 10_000; i += 1) sink += run(i);
  const started = process.hrtime.bigint();
  for (let i = 0; i < N; i += 1) sink += run(i);
  const ns = Number(process.hrtime.bigint() - started) / N;
  console.log(`${name.padEnd(56)} ${(ns / 1000).toFixed(2)} µs each, ${N.toLocaleString('en-US')} in ${((ns * N) / 1e9).toFixed(2)} s`);
}
if (!Number.isFinite(sink)) throw new Error('unreachable');
