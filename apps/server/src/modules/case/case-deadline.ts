import type { CaseState } from '@redgrid/contracts';
import type { Pause, WorkingClock } from '../../platform/working-time.ts';
import type { StepLimit } from '../affairs/index.ts';

/**
 * The deadlines of the step a case is in, on the working-time clock (pure). A case has one clock running
 * at a time: accepting (reported → accepted, or a department reporting in), handling (accepted →
 * handled; approved extensions move it), verifying (handled → closed, one working day by default). A
 * suspended (挂账) or finished case has none.
 */
export type StepKind = 'accept' | 'handle' | 'verify' | 'none';

export interface StepDeadlines {
  stepKind: StepKind;
  dueYellowAt: Date | null;
  dueRedAt: Date | null;
}

/** Verification by the grid worker: within one working day (yellow) / two (red). */
const VERIFY_LIMIT: StepLimit = { yellow: 1, red: 2, unit: 'work_days' };

export function stepOf(state: CaseState): StepKind {
  switch (state) {
    case 'reported':
    case 'dispatched':
      return 'accept';
    case 'accepted':
    case 'handling':
      return 'handle';
    case 'handled':
      return 'verify';
    default:
      return 'none';
  }
}

export function stepDeadlines(clock: WorkingClock, state: CaseState, stepStart: Date, limits: { accept: StepLimit; handle: StepLimit }, extensionDays: number, pauses: readonly Pause[] = []): StepDeadlines {
  const stepKind = stepOf(state);
  if (stepKind === 'none') return { stepKind, dueYellowAt: null, dueRedAt: null };
  const limit = stepKind === 'accept' ? limits.accept : stepKind === 'handle' ? limits.handle : VERIFY_LIMIT;
  const ext = stepKind === 'handle' ? extensionDays : 0;
  return {
    stepKind,
    dueYellowAt: clock.deadline({ start: stepStart, amount: limit.yellow, unit: limit.unit, pauses, extensionDays: ext }),
    dueRedAt: clock.deadline({ start: stepStart, amount: limit.red, unit: limit.unit, pauses, extensionDays: ext }),
  };
}

/** Where a case stands against its deadlines at `now`. */
export function alarmAt(d: Pick<StepDeadlines, 'dueYellowAt' | 'dueRedAt'>, now: Date): 'none' | 'yellow' | 'red' {
  if (d.dueRedAt && now >= d.dueRedAt) return 'red';
  if (d.dueYellowAt && now >= d.dueYellowAt) return 'yellow';
  return 'none';
}
