import { sql } from 'kysely';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CaseActionRequest, CaseKpi, ReportCaseInput } from '@redgrid/contracts';
import { areaIdByCode, loginAs, useTestApp } from '../../../test/harness.ts';
import { actorFromRoles, scopeFromRoles, type RequestContext } from '../../platform/context.ts';
import { listOwnRoles } from '../../platform/cross-scope.repository.ts';
import { systemContext, withActor, write } from '../../platform/unit-of-work.ts';
import { receiveAttachment, saveAttachment } from '../attachment/index.ts';
import { workingClock } from '../calendar/index.ts';
import { fold } from './case-workflow.ts';
import { actOnCase, eventOfRow, reportCase } from './case.service.ts';

/**
 * The "Done when" of issue 10: the KPI page reproduces a scripted replay of the Qingcao quarter — 144
 * reports in one town over one quarter, 102 closed on the spot (自办自结), 39 escalated to the community,
 * 3 to the town office, every one closed. Driven through the real use cases (reportCase, actOnCase) by
 * the people who do each step, on a clock the script moves across the working days of the 2026 calendar.
 *
 * The town is 戚墅堰街道 of the demo; its grid workers (站北社区: 刘芳 on every grid, 吴敏 on the first)
 * report; 站北社区's secretary takes what they pass up, handles it or whistles 城管 in; the street's admin
 * takes the three that skip to the town (an item the catalogue lets skip) and whistles the police station.
 */

const ctx = useTestApp();

const TOWN = '320412001000';
const COMMUNITY = '320412001001';
const QUARTER = { from: '2026-07-01', to: '2026-09-30' };
const BEIJING_MS = 8 * 3600_000;

type Kind = 'self' | 'community' | 'community_dispatch' | 'town';
interface Planned {
  kind: Kind;
  day: string;
  /** Minutes after Beijing midnight the report is made. */
  minute: number;
  grid: { id: number; code: string; lng: number; lat: number };
  urgent: boolean;
}

/** A Beijing wall-clock time of a date as an instant. */
function beijing(day: string, minute: number): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - BEIJING_MS + minute * 60_000);
}

/** Every calendar date of the quarter, in order. */
function datesOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/**
 * The quarter's script: 144 reports spread evenly over the working days (two or three a day, morning
 * first), the three for the town a month apart, the 39 for the community spread among the rest (nine of
 * them whistled to 城管), everything else closed on the spot.
 */
function planQuarter(workingDays: readonly string[], grids: readonly Planned['grid'][]): Planned[] {
  const town = new Set([20, 70, 120]);
  const plan: Planned[] = [];
  let j = 0;
  let community = 0;
  const perDay = new Map<string, number>();
  for (let i = 0; i < 144; i += 1) {
    let kind: Kind = 'self';
    if (town.has(i)) kind = 'town';
    else {
      // Exactly 39 of the other 141, evenly spaced.
      if (Math.floor(((j + 1) * 39) / 141) > Math.floor((j * 39) / 141)) {
        kind = community % 4 === 1 && community < 36 ? 'community_dispatch' : 'community';
        community += 1;
      }
      j += 1;
    }
    const day = workingDays[Math.floor((i * workingDays.length) / 144)]!;
    const slot = perDay.get(day) ?? 0;
    perDay.set(day, slot + 1);
    plan.push({ kind, day, minute: 8 * 60 + 30 + slot * 120, grid: grids[i % grids.length]!, urgent: kind === 'town' || i % 7 === 3 });
  }
  return plan;
}

const ITEMS: Record<Kind, string> = { self: '暴露垃圾', community: '物业管理纠纷', community_dispatch: '违规户外广告', town: '矛盾激化苗头' };

let people: Record<'communityWorker' | 'gridOneWorker' | 'secretary' | 'street' | 'cg' | 'police', RequestContext>;
let itemCodes: Record<Kind, string>;
let grids: Planned['grid'][];
let photo: Buffer;

/** A context acting as a demo account, built the way a login builds one. */
async function as(username: string): Promise<RequestContext> {
  const user = await ctx.t.database.db.selectFrom('users').select(['id', 'username', 'display_name']).where('username', '=', username).executeTakeFirstOrThrow();
  const roles = await listOwnRoles(ctx.t.database.db as never, user.id);
  const actor = actorFromRoles({ id: user.id, username: user.username, displayName: user.display_name }, roles, { mustChangePassword: false, sessionId: null });
  return withActor(systemContext(ctx.t.deps, ctx.t.app.log), actor, scopeFromRoles(roles));
}

beforeAll(async () => {
  const names = ['zb_worker', 'zb_g1_worker', 'zb_admin', 'qsy_admin', 'cg_staff', 'pcs_staff'] as const;
  const [communityWorker, gridOneWorker, secretary, street, cg, police] = await Promise.all(names.map(as));
  people = { communityWorker: communityWorker!, gridOneWorker: gridOneWorker!, secretary: secretary!, street: street!, cg: cg!, police: police! };
  const db = ctx.t.database.db;
  const found = await sql<{ id: number; code: string; lng: number; lat: number }>`
    SELECT a.id::int AS id, a.code, ST_X(ST_PointOnSurface(b.geom)) AS lng, ST_Y(ST_PointOnSurface(b.geom)) AS lat
      FROM areas a JOIN area_boundaries b ON b.area_id = a.id AND b.valid_to IS NULL
     WHERE a.level = 'grid' AND a.code LIKE ${`${COMMUNITY}%`} ORDER BY a.code`.execute(db);
  grids = found.rows.map((g) => ({ ...g, lng: Number(g.lng), lat: Number(g.lat) }));
  const items = await sql<{ code: string; name: string }>`SELECT code, name FROM affair_items WHERE name IN (${sql.join(Object.values(ITEMS))})`.execute(db);
  const codeOf = (name: string) => items.rows.find((r) => r.name === name)!.code;
  itemCodes = { self: codeOf(ITEMS.self), community: codeOf(ITEMS.community), community_dispatch: codeOf(ITEMS.community_dispatch), town: codeOf(ITEMS.town) };
  photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 90, g: 120, b: 60 } } }).jpeg().toBuffer();
});

/** The photo taken on the spot, uploaded to the case the way the phone does (prepared, then recorded). */
async function photoOf(who: RequestContext, caseId: number, gridId: number, key: string): Promise<string> {
  async function* bytes() {
    yield new Uint8Array(photo);
  }
  const saved = await receiveAttachment(who, bytes(), { purpose: 'photo', fileName: '现场.jpg' }, (prepared) =>
    write(who, 'case.read', (unit) => saveAttachment(who, unit, { type: 'case', id: caseId, areaId: gridId }, prepared, { clientKey: key })),
  );
  return saved.attachment.id;
}

describe('the Qingcao quarter, replayed', () => {
  it('gives the town 144 reports, 102 closed on the spot, 39 escalated to the community, 3 to the town, all closed', async () => {
    const clock = ctx.t.clock;
    const at = (d: Date) => {
      clock.now = d;
    };
    const calendar = await workingClock(people.communityWorker);
    const workingDays = datesOf(QUARTER.from, QUARTER.to).filter((d) => calendar.isWorkingDay(d));
    // The 2026 schedule: 66 working days in the third quarter (中秋 25 Sep off, 20 Sep a make-up day).
    expect(workingDays.length).toBeGreaterThan(60);
    const plan = planQuarter(workingDays, grids);
    // About two matters a working day.
    expect(144 / workingDays.length).toBeGreaterThan(2);
    expect(144 / workingDays.length).toBeLessThan(2.5);

    const act = async (who: RequestContext, id: number, when: Date, body: CaseActionRequest) => {
      at(when);
      const done = await actOnCase(who, id, body);
      return done.state;
    };
    let n = 0;
    for (const p of plan) {
      n += 1;
      const start = beijing(p.day, p.minute);
      const minutes = (m: number) => new Date(start.getTime() + m * 60_000);
      const reporter = p.grid.code === `${COMMUNITY}001` && n % 2 === 0 ? people.gridOneWorker : people.communityWorker;
      at(start);
      const input: ReportCaseInput = {
        itemCode: itemCodes[p.kind],
        title: `${ITEMS[p.kind]}（第 ${n} 件）`,
        description: `${p.day} 巡查发现：${ITEMS[p.kind]}`,
        location: { lng: p.grid.lng, lat: p.grid.lat, crs: 'wgs84', source: 'gps' },
        ...(p.urgent ? { urgency: 'urgent' as const } : {}),
        clientKey: `qingcao-${String(n).padStart(4, '0')}`,
      };
      const reported = await reportCase(reporter, input);
      expect(reported.grid.id).toBe(p.grid.id);
      const id = reported.id;
      switch (p.kind) {
        case 'self': {
          at(minutes(15));
          const evidence = await photoOf(reporter, id, p.grid.id, `qingcao-photo-${String(n).padStart(4, '0')}`);
          expect(await act(reporter, id, minutes(20), { action: 'self_close', result: '已现场清理，垃圾清运完毕', attachmentIds: [evidence] })).toBe('closed');
          break;
        }
        case 'community':
        case 'community_dispatch': {
          await act(reporter, id, minutes(10), { action: 'accept' });
          await act(reporter, id, minutes(30), { action: 'escalate', to: { level: 'community' }, reason: '网格内无法协调，请社区处理' });
          await act(people.secretary, id, minutes(60), { action: 'accept' });
          if (p.kind === 'community_dispatch') {
            expect(await act(people.secretary, id, minutes(70), { action: 'dispatch' })).toBe('dispatched');
            await act(people.cg, id, minutes(90), { action: 'acknowledge' });
            await act(people.cg, id, minutes(180), { action: 'handle', result: '已责令拆除违规广告牌' });
          } else {
            await act(people.secretary, id, minutes(150), { action: 'handle', result: '已约谈物业，问题解决' });
          }
          expect(await act(reporter, id, minutes(240), { action: 'verify_pass' })).toBe('closed');
          break;
        }
        case 'town': {
          // The item may skip the community: it goes straight to the street.
          await act(reporter, id, minutes(5), { action: 'escalate', to: { level: 'town' }, reason: '矛盾有激化风险，直报街道' });
          await act(people.street, id, minutes(20), { action: 'accept' });
          expect(await act(people.street, id, minutes(25), { action: 'dispatch' })).toBe('dispatched');
          await act(people.police, id, minutes(40), { action: 'acknowledge' });
          await act(people.police, id, minutes(150), { action: 'handle', result: '民警到场调解，双方达成和解' });
          expect(await act(reporter, id, minutes(240), { action: 'verify_pass' })).toBe('closed');
          break;
        }
      }
    }

    // After the quarter, the street's admin opens the KPI page for the town and the quarter.
    at(new Date('2026-10-12T02:00:00Z'));
    const admin = await loginAs(ctx.t.app, 'qsy_admin');
    const town = await areaIdByCode(ctx.t.database, TOWN);
    const res = await ctx.t.app.inject({ method: 'GET', url: `/api/cases/kpi?areaId=${town}&from=${QUARTER.from}&to=${QUARTER.to}`, headers: admin.headers });
    expect(res.statusCode).toBe(200);
    const kpi = res.json<CaseKpi>();
    expect(kpi.figures).toMatchObject({
      reported: 144,
      selfHandled: 102,
      escalated: { community: 39, town: 3, district: 0 },
      dispatched: 12,
      closed: 144,
      closureRate: 1,
      handlingRate: 1,
      onTimeClosureRate: 1,
      open: 0,
      overdue: 0,
    });
    expect(kpi.figures.selfHandledRate).toBeCloseTo(102 / 144, 4);
    // 小事不出网格、大事不出社区: everything but the town's three closed within the community.
    expect(kpi.figures.closedWithinGridRate).toBeCloseTo(102 / 144, 4);

    // Each stored case is the fold of its timeline.
    const db = ctx.t.database.db;
    const events = await sql<{ caseId: number; action: string; holderLevel: string; holderAreaId: number | null; holderDepartmentId: number | null; payload: unknown; attachmentIds: string[] }>`
      SELECT case_id::int AS "caseId", action, holder_level AS "holderLevel", holder_area_id::int AS "holderAreaId", holder_department_id::int AS "holderDepartmentId", payload, attachment_ids AS "attachmentIds"
        FROM case_events ORDER BY case_id, seq`.execute(db);
    const snapshots = await sql<{ id: number; snapshot: unknown }>`SELECT id::int AS id, snapshot FROM cases`.execute(db);
    expect(snapshots.rows).toHaveLength(144);
    for (const c of snapshots.rows) expect(fold(events.rows.filter((e) => e.caseId === c.id).map(eventOfRow))).toEqual(c.snapshot);
  }, 600_000);
});
