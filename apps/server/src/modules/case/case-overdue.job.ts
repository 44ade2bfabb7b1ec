import { sql } from 'kysely';
import type { Scope } from '../../platform/context.ts';
import { ownedInsert, scopedFrom, scopedUpdate, type Db } from '../../platform/data-access.ts';
import type { ScheduledJob } from '../../platform/scheduler.ts';
import { asSystem, type SystemUnit } from '../../platform/unit-of-work.ts';
import { notify } from '../notification/index.ts';
import { AREA_STAFF_ROLES } from './case-staff.ts';
import { applyEvent, type CaseSnapshot } from './case-workflow.ts';

/**
 * Overdue alerts on the working-time clock (issue 10): every minute, open cases whose step passed its
 * yellow deadline (warning) or its red one (overdue) get an `overdue_alert` row on their timeline, their
 * alarm level raised, and the people holding them told (in-app); at red the level above is told too and,
 * unless turned off, the system issues a yellow card (黄牌督办) — a case already carded stays as it is.
 * Each case is alerted once per level and step (the alarm column is reset when a step starts), a run
 * takes at most BATCH cases (skipping rows another server is alerting), so it never holds the loop long.
 */

export const OVERDUE_BATCH = 200;
const OPEN = ['reported', 'accepted', 'dispatched', 'handling', 'handled'] as const;

interface DueCase {
  id: number;
  caseNo: string;
  title: string;
  gridId: number;
  state: string;
  holderLevel: string;
  holderAreaId: number | null;
  holderDepartmentId: number | null;
  departmentId: number | null;
  alarm: string;
  supervision: string | null;
  snapshot: CaseSnapshot;
  version: number;
  dueYellowAt: Date;
  dueRedAt: Date | null;
  holderPath: string | null;
}

function overdueRepository(db: Db, scope: Scope) {
  return {
    due(now: Date): Promise<DueCase[]> {
      return scopedFrom(db, scope, 'cases as c')
        .leftJoin('areas as ha', 'ha.id', 'c.holder_area_id')
        .select(['c.id', 'c.case_no as caseNo', 'c.title', 'c.grid_id as gridId', 'c.state', 'c.holder_level as holderLevel', 'c.holder_area_id as holderAreaId', 'c.holder_department_id as holderDepartmentId', 'c.department_id as departmentId', 'c.alarm', 'c.supervision', 'c.snapshot', 'c.version', 'c.due_yellow_at as dueYellowAt', 'c.due_red_at as dueRedAt', 'ha.path as holderPath'])
        .where('c.state', 'in', [...OPEN])
        .where((eb) => eb.or([eb.and([eb('c.due_yellow_at', '<=', now), eb('c.alarm', '=', 'none')]), eb.and([eb('c.due_red_at', '<=', now), eb('c.alarm', '!=', 'red')])]))
        .orderBy('c.due_yellow_at')
        .orderBy('c.id')
        .limit(OVERDUE_BATCH)
        .forUpdate('c')
        .skipLocked()
        .execute() as Promise<DueCase[]>;
    },

    /** Staff holding a case: an area's own staff (and, for `above`, the staff of the areas over it), or a department's. */
    async staffOf(c: DueCase, above: boolean): Promise<number[]> {
      if (c.holderLevel === 'department' && c.holderDepartmentId !== null) {
        const rows = await scopedFrom(db, scope, 'role_assignments as r').innerJoin('users as u', 'u.id', 'r.user_id').select('r.user_id as id').where('r.role', '=', 'dept_staff').where('r.department_id', '=', c.holderDepartmentId).where('u.disabled', '=', false).execute();
        return rows.map((r) => r.id);
      }
      if (!c.holderPath) return [];
      const ids = c.holderPath.split('/').filter(Boolean);
      const paths = above ? ids.map((_x, i) => `/${ids.slice(0, i + 1).join('/')}/`) : [c.holderPath];
      const rows = await scopedFrom(db, scope, 'role_assignments as r')
        .innerJoin('areas as a', 'a.id', 'r.area_id')
        .innerJoin('users as u', 'u.id', 'r.user_id')
        .select('r.user_id as id')
        .where('r.role', 'in', [...AREA_STAFF_ROLES])
        .where('a.path', 'in', paths)
        .where('u.disabled', '=', false)
        .execute();
      return rows.map((r) => r.id);
    },

    async raise(c: DueCase, alarm: 'yellow' | 'red', snapshot: CaseSnapshot, supervision: string | null, now: Date, actions: readonly { action: string; payload: unknown }[]): Promise<void> {
      await scopedUpdate(db, scope, 'cases').set({ alarm, snapshot: JSON.stringify(snapshot), supervision, version: sql`version + 1`, updated_at: now }).where('id', '=', c.id).execute();
      const last = await scopedFrom(db, scope, 'case_events as e').select(sql<number>`max(e.seq)`.as('seq')).where('e.case_id', '=', c.id).executeTakeFirst();
      let seq = Number(last?.seq ?? 0);
      for (const a of actions) {
        seq += 1;
        await ownedInsert(db, scope, 'case_events')
          .values({ case_id: c.id, seq, action: a.action, actor_id: null, actor_name: '系统', actor_level: null, from_state: c.state, to_state: c.state, holder_level: c.holderLevel, holder_area_id: c.holderAreaId, holder_department_id: c.holderDepartmentId, payload: JSON.stringify(a.payload), grid_id: c.gridId, department_id: c.departmentId, created_at: now })
          .execute();
      }
    },
  };
}

async function alert(unit: SystemUnit, c: DueCase, now: Date, autoCard: boolean): Promise<void> {
  const repo = unit.use(overdueRepository);
  const red = c.dueRedAt !== null && c.dueRedAt <= now;
  const alarm = red ? 'red' : 'yellow';
  const actions: { action: string; payload: unknown }[] = [{ action: 'overdue_alert', payload: { level: alarm, dueAt: (red ? c.dueRedAt! : c.dueYellowAt).toISOString() } }];
  let snapshot = c.snapshot;
  let supervision = c.supervision;
  if (red && autoCard && supervision === null) {
    snapshot = applyEvent(snapshot, { action: 'supervise', grade: 'yellow' });
    supervision = 'yellow';
    actions.push({ action: 'supervise', payload: { grade: 'yellow', note: '超过红色时限，系统自动黄牌督办', automatic: true } });
  }
  await repo.raise(c, alarm, snapshot, supervision, now, actions);
  const recipients = await repo.staffOf(c, red);
  await notify(unit, {
    recipients,
    kind: red ? 'case.overdue' : 'case.due_soon',
    title: red ? `事件 ${c.caseNo} 已超期：${c.title}` : `事件 ${c.caseNo} 即将超期：${c.title}`,
    body: red ? (supervision === 'yellow' && c.supervision === null ? '已超过红色时限，系统已黄牌督办，请尽快办理。' : '已超过红色时限，请尽快办理。') : '已超过黄色预警时限，请及时办理。',
    link: `/cases/${c.id}`,
    about: { type: 'case', id: c.id },
    areaId: c.gridId,
    channels: ['in_app'],
    onceKey: `case-${alarm}:${c.id}:${(red ? c.dueRedAt! : c.dueYellowAt).toISOString()}`,
    at: now,
  });
}

/** The scheduled job; registered by the case front door. */
export function caseOverdueJob(options: { autoYellowCard: boolean }): ScheduledJob {
  return {
    name: 'case.overdue',
    everySeconds: 60,
    async run({ now, ctx }) {
      return asSystem(ctx, async (unit) => {
        const due = await unit.use(overdueRepository).due(now);
        for (const c of due) await alert(unit, { ...c, dueYellowAt: new Date(c.dueYellowAt), dueRedAt: c.dueRedAt ? new Date(c.dueRedAt) : null }, now, options.autoYellowCard);
        return { processed: due.length, more: due.length === OVERDUE_BATCH };
      });
    },
  };
}
