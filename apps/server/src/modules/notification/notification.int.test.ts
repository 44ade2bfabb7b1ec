import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NotificationPage } from '@redgrid/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUser } from '../../../test/factories.ts';
import { areaIdByCode, loginAs, userIdByName, useTestApp } from '../../../test/harness.ts';
import type { AppConfig } from '../../config.ts';
import { schedulerFor } from '../../platform/scheduler.ts';
import { asSystem, systemContext } from '../../platform/unit-of-work.ts';
import { notify, type NotifyInput } from './index.ts';

// A local SMS gateway: answers 503 while `failing`, records what it was sent.
let gateway: Server;
const received: { phone: string; text: string; template: string }[] = [];
let failing = true;
const overrides: Partial<AppConfig> = { sms: { sender: 'http', url: 'http://127.0.0.1:9/unset', timeoutMs: 2000, maxAttempts: 3 } };
beforeAll(async () => {
  gateway = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push(JSON.parse(body) as (typeof received)[number]);
      res.statusCode = failing ? 503 : 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  overrides.sms = { sender: 'http', url: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/sms`, timeoutMs: 2000, maxAttempts: 3 };
});
afterAll(async () => {
  gateway.closeAllConnections();
  await new Promise((resolve) => gateway.close(resolve));
});

const ctx = useTestApp(overrides);

const GRID = '320412001001001'; // 站北社区第1网格: in zb_worker's and zb_g1_worker's scope

async function send(input: Omit<NotifyInput, 'at' | 'areaId'> & { areaId?: number }): Promise<number> {
  const areaId = input.areaId ?? (await areaIdByCode(ctx.t.database, GRID));
  return asSystem(systemContext(ctx.t.deps, ctx.t.app.log), (unit) => notify(unit, { ...input, areaId, at: ctx.t.clock.read() }));
}

async function inbox(username: string, query = '') {
  const s = await loginAs(ctx.t.app, username);
  const res = await ctx.t.app.inject({ method: 'GET', url: `/api/notifications${query}`, headers: { cookie: s.cookie } });
  expect(res.statusCode).toBe(200);
  return { session: s, page: res.json<NotificationPage>() };
}

function deliveries() {
  return ctx.t.database.db.selectFrom('notification_deliveries').selectAll().orderBy('id').execute();
}

describe('notifications', () => {
  it('sends nothing when the use case that notified rolls back', async () => {
    const worker = await userIdByName(ctx.t.database, 'zb_worker');
    const areaId = await areaIdByCode(ctx.t.database, GRID);
    const attempt = asSystem(systemContext(ctx.t.deps, ctx.t.app.log), async (unit) => {
      await notify(unit, { recipients: [worker], kind: 'test.rolled_back', title: '不应出现的消息', areaId, channels: ['in_app', 'sms'], at: ctx.t.clock.read() });
      throw new Error('the use case fails after notifying');
    });
    await expect(attempt).rejects.toThrow('the use case fails');
    const rows = await ctx.t.database.db.selectFrom('notifications').select('id').where('kind', '=', 'test.rolled_back').execute();
    expect(rows).toEqual([]);
    expect(await deliveries()).toEqual([]);
    expect((await inbox('zb_worker')).page.items.map((n) => n.title)).not.toContain('不应出现的消息');
  });

  it('refuses an ID number or a phone in a title or body', async () => {
    const worker = await userIdByName(ctx.t.database, 'zb_worker');
    await expect(send({ recipients: [worker], kind: 'test.leak', title: '请联系 13812345678' })).rejects.toThrow('ID number or phone');
    await expect(send({ recipients: [worker], kind: 'test.leak', title: '核对', body: '身份证 320402199001011234' })).rejects.toThrow('ID number or phone');
    // A grid code or a case number is not a personal number.
    const leader = await userIdByName(ctx.t.database, 'zb_leader');
    expect(await send({ recipients: [leader], kind: 'test.codes', title: '网格 320412001001001 事件 202611200001' })).toBe(1);
  });

  it("shows each account its own notifications only, newest first, keyset-paged, once per key", async () => {
    const worker = await userIdByName(ctx.t.database, 'zb_worker');
    const g1 = await userIdByName(ctx.t.database, 'zb_g1_worker');
    for (let i = 1; i <= 3; i += 1) await send({ recipients: [worker], kind: 'test.mine', title: `给刘芳的消息${i}`, link: `/basedata/persons/${i}`, about: { type: 'person', id: i } });
    await send({ recipients: [g1], kind: 'test.theirs', title: '给吴敏的消息' });
    // A re-run with the same key adds nothing.
    expect(await send({ recipients: [worker, worker], kind: 'test.once', title: '只发一次', onceKey: 'once:1' })).toBe(1);
    expect(await send({ recipients: [worker], kind: 'test.once', title: '只发一次', onceKey: 'once:1' })).toBe(0);

    const first = await inbox('zb_worker', '?limit=2');
    expect(first.page.items.map((n) => n.title)).toEqual(['只发一次', '给刘芳的消息3']);
    expect(first.page.unread).toBe(4);
    expect(first.page.items[1]).toMatchObject({ link: '/basedata/persons/3', about: { type: 'person', id: 3 }, readAt: null });
    const second = await inbox('zb_worker', `?limit=2&before=${first.page.next}`);
    expect(second.page.items.map((n) => n.title)).toEqual(['给刘芳的消息2', '给刘芳的消息1']);
    expect((await inbox('zb_worker')).page.items.map((n) => n.title)).not.toContain('给吴敏的消息');
    expect((await inbox('zb_g1_worker')).page.items.map((n) => n.title)).toEqual(['给吴敏的消息']);

    // Marking someone else's is a 404; marking one's own twice keeps the first time.
    const theirs = (await inbox('zb_g1_worker')).page.items[0]!.id;
    const s = first.session;
    expect((await ctx.t.app.inject({ method: 'POST', url: `/api/notifications/${theirs}/read`, headers: s.headers })).statusCode).toBe(404);
    const mine = first.page.items[1]!.id;
    const once = await ctx.t.app.inject({ method: 'POST', url: `/api/notifications/${mine}/read`, headers: s.headers });
    expect(once.statusCode).toBe(200);
    ctx.t.clock.advanceMinutes(5);
    const twice = await ctx.t.app.inject({ method: 'POST', url: `/api/notifications/${mine}/read`, headers: s.headers });
    expect(twice.json()).toEqual(once.json());
    const count = await ctx.t.app.inject({ method: 'GET', url: '/api/notifications/unread-count', headers: { cookie: s.cookie } });
    expect(count.json()).toEqual({ unread: 3 });
    expect((await inbox('zb_worker', '?unread=true')).page.items.map((n) => n.id)).not.toContain(mine);

    const all = await ctx.t.app.inject({ method: 'POST', url: '/api/notifications/read-all', headers: s.headers });
    expect(all.json()).toEqual({ marked: 3, unread: 0 });
    expect((await ctx.t.app.inject({ method: 'POST', url: '/api/notifications/read-all', headers: s.headers })).json()).toEqual({ marked: 0, unread: 0 });
    expect((await inbox('zb_g1_worker')).page.unread).toBe(1);
  });

  it('hides a notification about an area the recipient no longer governs', async () => {
    const g1 = await userIdByName(ctx.t.database, 'zb_g1_worker');
    const community = await areaIdByCode(ctx.t.database, '320412001001');
    await send({ recipients: [g1], kind: 'test.wider', title: '社区层面的消息', areaId: community });
    expect((await inbox('zb_g1_worker')).page.items.map((n) => n.title)).not.toContain('社区层面的消息');
  });

  it('sends an SMS through the gateway with the unsealed phone, retries with backoff and gives up after the last attempt', async () => {
    const worker = await userIdByName(ctx.t.database, 'zb_worker');
    const scheduler = schedulerFor(ctx.t.deps, ctx.t.app.log);
    const run = async () => (await scheduler.runDue(ctx.t.clock.read())).find((r) => r.job === 'notification.deliver');
    // 10:05 Beijing: outside quiet hours.
    ctx.t.clock.now = new Date('2026-11-20T02:05:00Z');
    failing = true;
    await send({ recipients: [worker], kind: 'test.sms_retry', title: '短信重试', channels: ['in_app', 'sms'] });
    expect(await run()).toMatchObject({ status: 'ok', processed: 1 });
    let [d] = await deliveries();
    expect(d).toMatchObject({ status: 'pending', attempts: 1, last_error: 'SmsGatewayError: gateway answered 503' });
    expect(d!.next_attempt_at.toISOString()).toBe('2026-11-20T02:06:00.000Z');
    expect(received.at(-1)).toEqual({ phone: '13915000014', text: '【红网格】短信重试', template: 'test.sms_retry' });

    // Not before its time (the job's own interval is a minute too).
    ctx.t.clock.advanceMinutes(1);
    expect(await run()).toMatchObject({ processed: 1 });
    [d] = await deliveries();
    expect(d).toMatchObject({ status: 'pending', attempts: 2 });
    expect(d!.next_attempt_at.toISOString()).toBe('2026-11-20T02:08:00.000Z');
    ctx.t.clock.advanceMinutes(1);
    expect(await run()).toMatchObject({ processed: 0 });

    failing = false;
    ctx.t.clock.advanceMinutes(1);
    expect(await run()).toMatchObject({ processed: 1 });
    [d] = await deliveries();
    expect(d).toMatchObject({ status: 'sent', attempts: 3, last_error: null });
    expect(received.filter((r) => r.template === 'test.sms_retry')).toHaveLength(3);

    // Always refused: given up after maxAttempts (3), never tried again.
    failing = true;
    await send({ recipients: [worker], kind: 'test.sms_fail', title: '短信放弃' });
    await send({ recipients: [worker], kind: 'test.sms_fail', title: '短信放弃', channels: ['sms'] });
    for (let i = 0; i < 10; i += 1) {
      ctx.t.clock.advanceMinutes(5);
      await run();
    }
    const failed = (await deliveries()).at(-1);
    expect(failed).toMatchObject({ status: 'failed', attempts: 3 });
    expect(received.filter((r) => r.template === 'test.sms_fail')).toHaveLength(3);
  });

  it('skips a text message to an account without a phone, and sends its in-app notification all the same', async () => {
    const noPhone = await buildUser(ctx.t.database, { username: 'ntf_no_phone', homeAreaId: await areaIdByCode(ctx.t.database, GRID), roles: ['grid_worker'] });
    ctx.t.clock.advanceMinutes(5);
    await send({ recipients: [noPhone.id], kind: 'test.sms_no_phone', title: '无手机号', channels: ['in_app', 'sms'] });
    await schedulerFor(ctx.t.deps, ctx.t.app.log).runDue(ctx.t.clock.read());
    expect((await deliveries()).at(-1)).toMatchObject({ status: 'skipped', last_error: 'no phone', attempts: 1 });
    expect(received.filter((r) => r.template === 'test.sms_no_phone')).toHaveLength(0);
    expect(await ctx.t.database.db.selectFrom('notifications').select('title').where('recipient_id', '=', noPhone.id).execute()).toEqual([{ title: '无手机号' }]);
  });

  it('holds text messages in quiet hours (22:00–07:00 Beijing) and sends them at 07:00', async () => {
    const worker = await userIdByName(ctx.t.database, 'zb_worker');
    const scheduler = schedulerFor(ctx.t.deps, ctx.t.app.log);
    failing = false;
    ctx.t.clock.now = new Date('2026-11-20T15:00:00Z'); // 23:00 Beijing
    await send({ recipients: [worker], kind: 'test.sms_night', title: '夜间消息', channels: ['in_app', 'sms'] });
    const queued = (await deliveries()).at(-1)!;
    expect(queued.next_attempt_at.toISOString()).toBe('2026-11-20T23:00:00.000Z'); // 07:00 Beijing
    ctx.t.clock.now = new Date('2026-11-20T22:59:00Z'); // 06:59
    await scheduler.runDue(ctx.t.clock.read());
    expect(received.filter((r) => r.template === 'test.sms_night')).toHaveLength(0);
    ctx.t.clock.now = new Date('2026-11-20T23:00:00Z');
    await scheduler.runDue(ctx.t.clock.read());
    expect(received.filter((r) => r.template === 'test.sms_night')).toHaveLength(1);
    expect((await deliveries()).at(-1)).toMatchObject({ status: 'sent' });
  });

  it('purges read notifications after 180 days and unread ones after a year, never one whose text message still waits', async () => {
    const worker = await userIdByName(ctx.t.database, 'zb_worker');
    const start = new Date('2027-01-04T02:00:00Z');
    ctx.t.clock.now = start;
    const kept = await send({ recipients: [worker], kind: 'test.keep_recent', title: '近期消息' });
    const read = await send({ recipients: [worker], kind: 'test.purge_read', title: '已读旧消息' });
    const unread = await send({ recipients: [worker], kind: 'test.purge_unread', title: '未读旧消息' });
    const waiting = await send({ recipients: [worker], kind: 'test.purge_waiting', title: '待发短信', channels: ['in_app', 'sms'] });
    const ids = async (kind: string) => (await ctx.t.database.db.selectFrom('notifications').select('id').where('kind', '=', kind).execute()).length;
    const db = ctx.t.database.db;
    await db.updateTable('notifications').set({ read_at: start }).where('kind', '=', 'test.purge_read').execute();
    // Backdate: the read one and the unread one to 400 days ago, the recent one stays.
    const old = new Date(start.getTime() - 400 * 86_400_000);
    await db.updateTable('notifications').set({ created_at: old }).where('kind', 'in', ['test.purge_unread', 'test.purge_waiting']).execute();
    await db.updateTable('notifications').set({ created_at: old, read_at: new Date(start.getTime() - 181 * 86_400_000) }).where('kind', '=', 'test.purge_read').execute();
    await db.updateTable('notification_deliveries').set({ next_attempt_at: new Date(start.getTime() + 3_600_000) }).where('status', '=', 'pending').execute();
    expect([kept, read, unread, waiting]).toEqual([1, 1, 1, 1]);
    const report = (await schedulerFor(ctx.t.deps, ctx.t.app.log).runDue(ctx.t.clock.read())).find((r) => r.job === 'notification.purge');
    expect(report?.status).toBe('ok');
    expect(await ids('test.purge_read')).toBe(0);
    expect(await ids('test.purge_unread')).toBe(0);
    expect(await ids('test.purge_waiting')).toBe(1);
    expect(await ids('test.keep_recent')).toBe(1);
  });
});
