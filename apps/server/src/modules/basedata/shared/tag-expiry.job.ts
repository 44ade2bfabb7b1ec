import { sql } from 'kysely';
import type { Role } from '@redgrid/contracts';
import type { Scope } from '../../../platform/context.ts';
import { scopedFrom, scopedUpdate, type Db } from '../../../platform/data-access.ts';
import type { ScheduledJob } from '../../../platform/scheduler.ts';
import { asSystem, type SystemUnit } from '../../../platform/unit-of-work.ts';
import { notify } from '../../notification/index.ts';
import { addDays, beijingToday } from './names.ts';

/**
 * Tag expiry reminders (issue 9): a care-group or key-population tag with a validity date is
 * announced to the grid workers and grid leaders above the person's place who may see that group
 * (`visible_roles`): `remind_days` before it ends ("将于…到期"), and once it has ended ("已到期").
 * Each tag row records the expiry date each was sent for, in the same transaction as the
 * notifications, so a re-run or a restart sends nothing twice, and a tag whose date is moved gets a
 * reminder for its new date. A run handles at most BATCH tags of each kind, then yields.
 */

export const TAG_EXPIRY_BATCH = 200;
/** Tags that ended longer ago than this when first seen (e.g. on the first start) are marked, not announced. */
const EXPIRED_NOTICE_WINDOW_DAYS = 30;
/** The roles told: those who work the grid, when the group is visible to them. */
const TOLD_ROLES: readonly Role[] = ['grid_worker', 'grid_leader'];

interface DueTag {
  id: number;
  personId: number;
  personName: string;
  areaId: number;
  areaPath: string;
  groupName: string;
  visibleRoles: string[];
  validUntil: string;
}

function tagExpiryRepository(db: Db, scope: Scope) {
  const due = (today: string, which: 'reminder' | 'expired') => {
    let q = scopedFrom(db, scope, 'person_tags as t')
      .innerJoin('person_groups as g', 'g.id', 't.group_id')
      .innerJoin('persons as p', 'p.id', 't.person_id')
      .innerJoin('areas as a', 'a.id', 't.area_id')
      .select(['t.id', 't.person_id as personId', 'p.name as personName', 't.area_id as areaId', 'a.path as areaPath', 'g.name as groupName', 'g.visible_roles as visibleRoles', sql<string>`to_char(t.valid_until, 'YYYY-MM-DD')`.as('validUntil')])
      .where('t.ended_at', 'is', null)
      .where('t.valid_until', 'is not', null)
      .where('g.active', '=', true);
    q = which === 'reminder'
      ? q
          .where('t.valid_until', '>=', today)
          .where(sql<boolean>`t.valid_until - g.remind_days <= ${today}::date`)
          .where(sql<boolean>`t.reminded_for IS DISTINCT FROM t.valid_until`)
      : q.where('t.valid_until', '<', today).where(sql<boolean>`t.expiry_noticed_for IS DISTINCT FROM t.valid_until`);
    return q.orderBy('t.valid_until').orderBy('t.id').limit(TAG_EXPIRY_BATCH).forUpdate('t').skipLocked().execute() as Promise<DueTag[]>;
  };
  return {
    dueReminders: (today: string) => due(today, 'reminder'),
    dueExpired: (today: string) => due(today, 'expired'),

    /** Grid workers and leaders (enabled accounts) holding a role on any of these areas. */
    async gridStaffOn(areaPaths: readonly string[]): Promise<{ userId: number; role: string; path: string }[]> {
      if (areaPaths.length === 0) return [];
      return scopedFrom(db, scope, 'role_assignments as r')
        .innerJoin('areas as ra', 'ra.id', 'r.area_id')
        .innerJoin('users as u', 'u.id', 'r.user_id')
        .select(['r.user_id as userId', 'r.role', 'ra.path as path'])
        .where('r.role', 'in', [...TOLD_ROLES])
        .where('u.disabled', '=', false)
        .where('ra.path', 'in', [...areaPaths])
        .execute();
    },

    async markReminded(ids: readonly number[]): Promise<void> {
      if (ids.length > 0) await scopedUpdate(db, scope, 'person_tags').set({ reminded_for: sql`valid_until` }).where('id', 'in', [...ids]).execute();
    },
    async markExpiryNoticed(ids: readonly number[]): Promise<void> {
      if (ids.length > 0) await scopedUpdate(db, scope, 'person_tags').set({ expiry_noticed_for: sql`valid_until` }).where('id', 'in', [...ids]).execute();
    },
  };
}

/** '/1/5/23/' → ['/1/', '/1/5/', '/1/5/23/']: the place and every area above it. */
function selfAndAncestors(path: string): string[] {
  const ids = path.split('/').filter((p) => p.length > 0);
  return ids.map((_id, i) => `/${ids.slice(0, i + 1).join('/')}/`);
}

async function announce(unit: SystemUnit, now: Date, tags: readonly DueTag[], kind: 'reminder' | 'expired'): Promise<void> {
  if (tags.length === 0) return;
  const repo = unit.use(tagExpiryRepository);
  const staff = await repo.gridStaffOn([...new Set(tags.flatMap((t) => selfAndAncestors(t.areaPath)))]);
  for (const tag of tags) {
    const recipients = staff.filter((s) => tag.areaPath.startsWith(s.path) && tag.visibleRoles.includes(s.role)).map((s) => s.userId);
    const [y, m, d] = tag.validUntil.split('-').map(Number);
    const date = `${y}年${m}月${d}日`;
    await notify(unit, {
      recipients,
      kind: kind === 'reminder' ? 'basedata.tag_expiring' : 'basedata.tag_expired',
      title: kind === 'reminder' ? `${tag.personName}的「${tag.groupName}」标记将于${date}到期` : `${tag.personName}的「${tag.groupName}」标记已于${date}到期`,
      body: kind === 'reminder' ? '请在到期前核实情况，续期或结束标记。' : '标记已过有效期，请核实后续期或结束。',
      link: `/people/${tag.personId}`,
      about: { type: 'person_tag', id: tag.id },
      areaId: tag.areaId,
      // In-app only: a name with a care or key-population group does not go out by text message.
      channels: ['in_app'],
      onceKey: `tag-${kind}:${tag.id}:${tag.validUntil}`,
      at: now,
    });
  }
  if (kind === 'reminder') await repo.markReminded(tags.map((t) => t.id));
  else await repo.markExpiryNoticed(tags.map((t) => t.id));
}

/** The scheduled job; registered by the base-data front door. */
export function tagExpiryJob(): ScheduledJob {
  return {
    name: 'basedata.tag-expiry',
    everySeconds: 3600,
    async run({ now, ctx }) {
      const today = beijingToday(now);
      const windowStart = addDays(today, -EXPIRED_NOTICE_WINDOW_DAYS);
      return asSystem(ctx, async (unit) => {
        const repo = unit.use(tagExpiryRepository);
        const reminders = await repo.dueReminders(today);
        await announce(unit, now, reminders, 'reminder');
        const expired = await repo.dueExpired(today);
        // Long ended before anyone could be told (first start, a restored backup): marked quietly.
        const stale = expired.filter((t) => t.validUntil < windowStart);
        await repo.markExpiryNoticed(stale.map((t) => t.id));
        await announce(unit, now, expired.filter((t) => t.validUntil >= windowStart), 'expired');
        return { processed: reminders.length + expired.length, more: reminders.length === TAG_EXPIRY_BATCH || expired.length === TAG_EXPIRY_BATCH };
      });
    },
  };
}
