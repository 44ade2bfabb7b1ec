import type { NotificationPage } from '@redgrid/contracts';
import { describe, expect, it } from 'vitest';
import { buildArea, buildUser } from '../../../../test/factories.ts';
import { areaIdByCode, loginAs, useTestApp } from '../../../../test/harness.ts';
import { schedulerFor } from '../../../platform/scheduler.ts';

const ctx = useTestApp();

const COMMUNITY = '320412001001'; // 站北社区: zb_worker and zb_leader work the community
const GRID = '320412001001001'; // its first grid: zb_g1_worker

async function groupId(code: string): Promise<number> {
  return (await ctx.t.database.db.selectFrom('person_groups').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
}

function day(offset: number): string {
  const d = new Date(Date.UTC(2026, 10, 20 + offset)); // the test clock starts on 2026-11-20 (Beijing)
  return d.toISOString().slice(0, 10);
}

async function runJob() {
  const reports = await schedulerFor(ctx.t.deps, ctx.t.app.log).runDue(ctx.t.clock.read());
  return reports.find((r) => r.job === 'basedata.tag-expiry');
}

async function told(kind: string) {
  return ctx.t.database.db
    .selectFrom('notifications as n')
    .innerJoin('users as u', 'u.id', 'n.recipient_id')
    .select(['u.username', 'n.title', 'n.about_id', 'n.link', 'n.once_key'])
    .where('n.kind', '=', kind)
    .orderBy('n.id')
    .execute();
}

describe('tag expiry reminders', () => {
  it('tells the grid staff who may see the group, before and at expiry, once per tag and date', async () => {
    const db = ctx.t.database.db;
    const gridId = await areaIdByCode(ctx.t.database, GRID);
    const communityId = await areaIdByCode(ctx.t.database, COMMUNITY);
    const otherGrid = await buildArea(ctx.t.database, { level: 'grid', parentId: communityId, name: '测试第九网格' });
    await buildUser(ctx.t.database, { username: 'tag_leader', homeAreaId: gridId, roles: ['grid_leader'] });
    await buildUser(ctx.t.database, { username: 'tag_other_worker', homeAreaId: otherGrid.id, roles: ['grid_worker'] });
    await buildUser(ctx.t.database, { username: 'tag_admin', homeAreaId: communityId, roles: ['area_admin'] });
    const gone = await buildUser(ctx.t.database, { username: 'tag_disabled', homeAreaId: gridId, roles: ['grid_worker'] });
    await db.updateTable('users').set({ disabled: true }).where('id', '=', gone.id).execute();

    const person = await db.insertInto('persons').values({ area_id: gridId, name: '周到期', name_pinyin: 'zhoudaoqi', name_initials: 'zdq' }).returning('id').executeTakeFirstOrThrow();
    const tag = async (group: string, validUntil: string, since = '2025-01-01') =>
      (await db.insertInto('person_tags').values({ person_id: person.id, area_id: gridId, group_id: await groupId(group), since, valid_until: validUntil }).returning('id').executeTakeFirstOrThrow()).id;
    const elderly = await tag('elderly_alone', day(10)); // reminder due (30 days ahead)
    const drug = await tag('drug_user', day(5)); // reminder due; grid workers may not see this group
    const lowIncome = await tag('low_income', day(90)); // 60 days ahead: not yet
    const veteran = await tag('veteran', day(-1)); // ended yesterday
    await tag('disabled', day(-100)); // ended long before: marked without a notice

    // Two reminders, one notice, one marked quietly; the low-income tag is not due yet.
    expect(await runJob()).toMatchObject({ status: 'ok', processed: 4 });
    const expiring = await told('basedata.tag_expiring');
    const byTag = (id: number) => expiring.filter((n) => n.about_id === id).map((n) => n.username).sort();
    expect(byTag(elderly)).toEqual(['tag_leader', 'zb_g1_worker', 'zb_leader', 'zb_worker']);
    expect(byTag(drug)).toEqual(['tag_leader', 'zb_leader']);
    expect(byTag(lowIncome)).toEqual([]);
    expect(expiring.find((n) => n.about_id === elderly)).toMatchObject({ title: '周到期的「独居老人」标记将于2026年11月30日到期', link: `/people/${person.id}` });
    const expired = await told('basedata.tag_expired');
    expect(expired.map((n) => n.username).sort()).toEqual(['tag_leader', 'zb_g1_worker', 'zb_leader', 'zb_worker']);
    expect(expired.every((n) => n.about_id === veteran)).toBe(true);

    // The worker sees it at the bell.
    const worker = await loginAs(ctx.t.app, 'zb_g1_worker');
    const inbox = (await ctx.t.app.inject({ method: 'GET', url: '/api/notifications', headers: { cookie: worker.cookie } })).json<NotificationPage>();
    expect(inbox.items.map((n) => n.title)).toContain('周到期的「独居老人」标记将于2026年11月30日到期');
    expect(inbox.items.map((n) => n.title).join()).not.toContain('吸毒');

    // A later run, or a restarted server (a new scheduler on the same database), tells nobody again.
    ctx.t.clock.advanceMinutes(61);
    expect(await runJob()).toMatchObject({ status: 'ok', processed: 0 });
    expect((await told('basedata.tag_expiring')).length).toBe(expiring.length);
    expect((await told('basedata.tag_expired')).length).toBe(expired.length);

    // A new validity date is a new reminder; the low-income tag's time comes 60 days before its end.
    await db.updateTable('person_tags').set({ valid_until: day(20) }).where('id', '=', elderly).execute();
    ctx.t.clock.advanceMinutes(61);
    expect(await runJob()).toMatchObject({ processed: 1 });
    const keys = (await told('basedata.tag_expiring')).filter((n) => n.about_id === elderly).map((n) => n.once_key);
    expect(new Set(keys)).toEqual(new Set([`tag-reminder:${elderly}:${day(10)}`, `tag-reminder:${elderly}:${day(20)}`]));
    expect(keys).toHaveLength(8);

    ctx.t.clock.now = new Date('2026-12-22T01:00:00Z'); // 2026-12-22 in Beijing: 60 days before day(90) is 12-19
    await runJob();
    const again = await told('basedata.tag_expiring');
    expect(again.filter((n) => n.about_id === lowIncome).map((n) => n.username).sort()).toEqual(['tag_leader', 'zb_g1_worker', 'zb_leader', 'zb_worker']);
    // By then the elderly tag (until 12-10) and the drug tag (until 11-25) have ended too.
    const ended = await told('basedata.tag_expired');
    expect(new Set(ended.map((n) => n.about_id))).toEqual(new Set([veteran, elderly, drug]));
    expect(ended.some((n) => n.username === 'tag_other_worker' || n.username === 'tag_admin' || n.username === 'tag_disabled')).toBe(false);
  });
});
