import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClaimPage, ImportJob, OrganisationView, PersonDetail } from '@redgrid/contracts';
import { loginAsRole } from '../../../test/factories.ts';
import { areaIdByCode, loginAs, useTestApp, type Session } from '../../../test/harness.ts';
import { syntheticIdentityNumber } from '../../platform/identity-number.ts';
import { importRunners } from '../exchange/index.ts';
import { creditCodeCheckChar } from './organisations/credit-code.ts';

/** 认领: records waiting at a community, claimed into a grid by its workers; verify for organisations, rentals and components. */

const filesDir = await mkdtemp(path.join(tmpdir(), 'claims-'));
const ctx = useTestApp({ filesDir });
afterAll(async () => rm(filesDir, { recursive: true, force: true }));

let secretary: Session;
let leader: Session;
let g1Worker: Session;
let g2Worker: Session;
let communityWorker: Session;
let otherWorker: Session;
let zhanbei: number;
let grid1: number;
let grid2: number;
let grid1Point: { x: number; y: number };

type Refusal = { error: { code: string; message: string; details: { fields?: Record<string, string[]>; claimedBy?: string } | null } };
interface History {
  items: { action: string; actorName: string | null; changes: Record<string, [unknown, unknown]> }[];
}

async function call<T>(s: Session, method: 'GET' | 'POST', url: string, payload?: unknown): Promise<{ status: number; body: T }> {
  const res = await ctx.t.app.inject({ method, url, headers: s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.json() as T };
}

const db = () => ctx.t.database.db;

/** A record pushed from another source: it sits at the community itself, no grid below it. */
async function waitingPerson(name: string, householdId: number | null = null): Promise<number> {
  const row = await db().insertInto('persons').values({ area_id: zhanbei, household_id: householdId, name, name_pinyin: '', name_initials: '', current_address: `站北社区 ${name}家` }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

function creditCode(first17: string): string {
  return `${first17}${creditCodeCheckChar(first17)}`;
}

beforeAll(async () => {
  zhanbei = await areaIdByCode(ctx.t.database, '320412001001');
  const grids = await db().selectFrom('areas').select('id').where('parent_id', '=', zhanbei).where('level', '=', 'grid').where('status', '=', 'active').orderBy('code').execute();
  grid1 = grids[0]!.id;
  grid2 = grids[1]!.id;
  const p = await db().selectFrom('area_boundaries as b').select([(eb) => eb.fn<number>('ST_X', [eb.fn('ST_PointOnSurface', ['b.geom'])]).as('x'), (eb) => eb.fn<number>('ST_Y', [eb.fn('ST_PointOnSurface', ['b.geom'])]).as('y')]).where('b.area_id', '=', grid1).where('b.valid_to', 'is', null).executeTakeFirstOrThrow();
  grid1Point = { x: Number(p.x), y: Number(p.y) };
  secretary = await loginAs(ctx.t.app, 'zb_admin');
  leader = await loginAs(ctx.t.app, 'zb_leader');
  g1Worker = await loginAs(ctx.t.app, 'zb_g1_worker');
  communityWorker = await loginAs(ctx.t.app, 'zb_worker');
  otherWorker = await loginAs(ctx.t.app, 'lsh_worker');
  g2Worker = await loginAsRole(ctx.t.app, ctx.t.database, 'grid_worker', grid2);
});

describe('the community waiting list (待认领)', () => {
  it('shows a grid worker the records waiting at their community, and nothing to a worker of another community', async () => {
    const id = await waitingPerson('待认领甲');
    const mine = await call<ClaimPage>(g1Worker, 'GET', '/api/basedata/claims?kind=person');
    expect(mine.status).toBe(200);
    expect(mine.body.communities).toEqual([expect.objectContaining({ id: zhanbei, name: expect.stringContaining('站北社区'), persons: expect.any(Number) })]);
    expect(mine.body.items).toContainEqual(expect.objectContaining({ id, name: '待认领甲', kind: 'person', community: { id: zhanbei, name: expect.stringContaining('站北社区') } }));
    const filtered = await call<ClaimPage>(g1Worker, 'GET', `/api/basedata/claims?kind=person&q=${encodeURIComponent('待认领甲')}`);
    expect(filtered.body.items.map((i) => i.id)).toEqual([id]);
    const other = await call<ClaimPage>(otherWorker, 'GET', '/api/basedata/claims?kind=person');
    expect(other.status).toBe(200);
    expect(other.body.items.some((i) => i.id === id)).toBe(false);
    expect(other.body.communities.some((c) => c.id === zhanbei)).toBe(false);
    expect((await call(otherWorker, 'GET', `/api/basedata/claims?communityId=${zhanbei}`)).status).toBe(404);
    // The record itself is outside the grid worker's scope until it is claimed.
    expect((await call(g1Worker, 'GET', `/api/basedata/persons/${id}`)).status).toBe(404);
  });

  it('a claim moves the person into the worker\'s grid: provenance claimed, who and when, a claim in history; a retry changes nothing', async () => {
    const id = await waitingPerson('待认领乙');
    const claimed = await call<PersonDetail>(g1Worker, 'POST', `/api/basedata/persons/${id}/claim`, { areaId: grid1 });
    expect(claimed.status, JSON.stringify(claimed.body)).toBe(200);
    expect(claimed.body).toMatchObject({ provenance: 'claimed', claimedBy: '吴敏', claimedAt: ctx.t.clock.now.toISOString(), place: { gridId: grid1, communityName: expect.stringContaining('站北社区') } });
    const again = await call<PersonDetail>(g1Worker, 'POST', `/api/basedata/persons/${id}/claim`, { areaId: grid1 });
    expect(again.status).toBe(200);
    expect(again.body.claimedBy).toBe('吴敏');
    const history = await call<History>(g1Worker, 'GET', `/api/basedata/persons/${id}/history`);
    expect(history.body.items.filter((h) => h.action === 'claim')).toEqual([expect.objectContaining({ actorName: '吴敏', changes: { areaId: [zhanbei, grid1], provenance: ['entered', 'claimed'] } })]);
    const list = await call<ClaimPage>(g1Worker, 'GET', '/api/basedata/claims?kind=person');
    expect(list.body.items.some((i) => i.id === id)).toBe(false);
    const audit = await db().selectFrom('audit_log').select(['action', 'entity_id']).where('action', '=', 'claim').where('entity_id', '=', String(id) as never).execute();
    expect(audit).toHaveLength(1);
    // Someone else of the community is told who has it.
    const late = await call<Refusal>(communityWorker, 'POST', `/api/basedata/persons/${id}/claim`, { areaId: grid1 });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toContain('吴敏');
  });

  it('refuses a place outside the worker\'s own grid, and hides the record from another community', async () => {
    const id = await waitingPerson('待认领丙');
    const elsewhere = await call<Refusal>(g1Worker, 'POST', `/api/basedata/persons/${id}/claim`, { areaId: grid2 });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error.details?.fields?.areaId?.[0]).toContain('站北社区');
    expect((await call(otherWorker, 'POST', `/api/basedata/persons/${id}/claim`, { areaId: grid1 })).status).toBe(404);
    const still = await db().selectFrom('persons').select(['area_id', 'provenance']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(still).toEqual({ area_id: zhanbei, provenance: 'entered' });
  });

  it('claims a waiting household as one: its other members move too', async () => {
    const household = await db().insertInto('households').values({ area_id: zhanbei, household_no: 'CLAIM-H1' }).returning('id').executeTakeFirstOrThrow();
    const head = await waitingPerson('户主丁', household.id);
    const child = await waitingPerson('子女丁', household.id);
    const res = await call<PersonDetail>(g1Worker, 'POST', `/api/basedata/persons/${head}/claim`, { areaId: grid1 });
    expect(res.status).toBe(200);
    const rows = await db().selectFrom('persons').select(['id', 'area_id', 'provenance']).where('household_id', '=', household.id).orderBy('id').execute();
    expect(rows).toEqual([{ id: head, area_id: grid1, provenance: 'claimed' }, { id: child, area_id: grid1, provenance: 'claimed' }]);
    const moved = await db().selectFrom('households').select('area_id').where('id', '=', household.id).executeTakeFirstOrThrow();
    expect(moved.area_id).toBe(grid1);
    expect((await call<PersonDetail>(g1Worker, 'GET', `/api/basedata/persons/${child}`)).body.claimedBy).toBe('吴敏');
  });

  it('two workers claiming one organisation at the same moment: one wins, the other is told who has it', async () => {
    const org = await db().insertInto('organisations').values({ area_id: zhanbei, name: '待认领商行', credit_code: creditCode('91320412MA1CLAMP0') }).returning('id').executeTakeFirstOrThrow();
    const [a, b] = await Promise.all([
      call<OrganisationView | Refusal>(g1Worker, 'POST', `/api/basedata/organisations/${org.id}/claim`, { areaId: grid1 }),
      call<OrganisationView | Refusal>(g2Worker, 'POST', `/api/basedata/organisations/${org.id}/claim`, { areaId: grid2 }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = a.status === 200 ? { body: a.body as OrganisationView, grid: grid1 } : { body: b.body as OrganisationView, grid: grid2 };
    const loser = (a.status === 409 ? a.body : b.body) as Refusal;
    expect(winner.body).toMatchObject({ provenance: 'claimed', place: { gridId: winner.grid } });
    expect(loser.error.message).toContain(winner.body.claimedBy!);
    const row = await db().selectFrom('organisations').select('area_id').where('id', '=', org.id).executeTakeFirstOrThrow();
    expect(row.area_id).toBe(winner.grid);
    const claims = await db().selectFrom('record_history').select('id').where('record_type', '=', 'organisation').where('record_id', '=', org.id).where('action', '=', 'claim').execute();
    expect(claims).toHaveLength(1);
  });

  it('two workers claiming two members of one waiting household at once: the household goes to one of them', async () => {
    const household = await db().insertInto('households').values({ area_id: zhanbei, household_no: 'CLAIM-H2' }).returning('id').executeTakeFirstOrThrow();
    const a = await waitingPerson('户主己', household.id);
    const b = await waitingPerson('配偶己', household.id);
    const [first, second] = await Promise.all([
      call<PersonDetail | Refusal>(g1Worker, 'POST', `/api/basedata/persons/${a}/claim`, { areaId: grid1 }),
      call<PersonDetail | Refusal>(g2Worker, 'POST', `/api/basedata/persons/${b}/claim`, { areaId: grid2 }),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    const rows = await db().selectFrom('persons').select('area_id').where('household_id', '=', household.id).execute();
    const places = new Set(rows.map((r) => r.area_id));
    expect(places.size).toBe(1);
    expect([grid1, grid2]).toContain([...places][0]);
  });

  it('a person imported with only the community waits in the list, and is claimed from it', async () => {
    const idNumber = syntheticIdentityNumber({ regionCode: '320412', birthDate: '1979-05-06', sex: 'male', sequence: 77 });
    const file = Buffer.from(`\uFEFF姓名,身份证号,网格编码,现住址\n导入待认领,${idNumber},,站北社区某处\n`, 'utf8');
    const up = await ctx.t.app.inject({ method: 'POST', url: `/api/imports/kinds/persons/jobs?areaId=${zhanbei}&fileName=p.csv`, headers: { ...secretary.headers, 'content-type': 'application/octet-stream' }, payload: file });
    expect(up.statusCode, up.body).toBe(201);
    const job = up.json<ImportJob>();
    await ctx.t.app.inject({ method: 'POST', url: `/api/imports/jobs/${job.id}/check`, headers: secretary.headers, payload: {} });
    await importRunners.get(ctx.t.deps)!.idle();
    const applied = await ctx.t.app.inject({ method: 'POST', url: `/api/imports/jobs/${job.id}/apply`, headers: secretary.headers, payload: {} });
    expect(applied.statusCode, applied.body).toBe(200);
    await importRunners.get(ctx.t.deps)!.idle();
    const list = await call<ClaimPage>(g1Worker, 'GET', `/api/basedata/claims?kind=person&q=${encodeURIComponent('导入待认领')}`);
    expect(list.body.items).toEqual([expect.objectContaining({ name: '导入待认领', number: expect.stringMatching(/^3204\*+/), address: '站北社区某处' })]);
    const id = list.body.items[0]!.id;
    expect((await call<PersonDetail>(g1Worker, 'POST', `/api/basedata/persons/${id}/claim`, { areaId: grid1 })).body.provenance).toBe('claimed');
    const history = await call<History>(g1Worker, 'GET', `/api/basedata/persons/${id}/history`);
    expect(history.body.items.map((h) => h.action)).toEqual(['claim', 'import']);
  });
});

describe('verify (已核实) for organisations, rentals and components', () => {
  it('an organisation: who verified it and when, with history; the button only for those allowed', async () => {
    const created = await call<OrganisationView>(secretary, 'POST', '/api/basedata/organisations', { name: '核实商店', areaId: grid1 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ provenance: 'entered', verifiedBy: null, abilities: { verify: true } });
    const workerView = await call<OrganisationView>(g1Worker, 'GET', `/api/basedata/organisations/${created.body.id}`);
    expect(workerView.body.abilities.verify).toBe(false);
    expect((await call(g1Worker, 'POST', `/api/basedata/organisations/${created.body.id}/verify`)).status).toBe(403);
    const verified = await call<OrganisationView>(leader, 'POST', `/api/basedata/organisations/${created.body.id}/verify`);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ provenance: 'verified', verifiedBy: '陈志强', verifiedAt: ctx.t.clock.now.toISOString() });
    const history = await call<History>(leader, 'GET', `/api/basedata/organisations/${created.body.id}/history`);
    expect(history.body.items[0]).toMatchObject({ action: 'verify', actorName: '陈志强', changes: { provenance: ['entered', 'verified'] } });
  });

  it('a rental, answered with its house', async () => {
    const house = await db().insertInto('houses').values({ area_id: grid1, address_key: 'claims-test-house-1', address: '站北社区 核实出租屋 101', room: '101' }).returning('id').executeTakeFirstOrThrow();
    const rental = await db().insertInto('rentals').values({ house_id: house.id, area_id: grid1, lessor_name: '出租人戊' }).returning('id').executeTakeFirstOrThrow();
    const before = await call<{ rental: { provenance: string; abilities: { verify: boolean } } }>(g1Worker, 'GET', `/api/basedata/houses/${house.id}`);
    expect(before.body.rental).toMatchObject({ provenance: 'entered', abilities: { verify: false } });
    const res = await call<{ rental: { provenance: string; verifiedBy: string | null } }>(leader, 'POST', `/api/basedata/rentals/${rental.id}/verify`);
    expect(res.status).toBe(200);
    expect(res.body.rental).toMatchObject({ provenance: 'verified', verifiedBy: '陈志强' });
    const history = await db().selectFrom('record_history').select(['action', 'actor_id']).where('record_type', '=', 'rental').where('record_id', '=', rental.id).execute();
    expect(history.map((h) => h.action)).toEqual(['verify']);
  });

  it('a city component', async () => {
    const created = await call<{ id: number; provenance: string; abilities: { verify: boolean } }>(g1Worker, 'POST', '/api/basedata/components', { classCode: '01', subclassCode: '01', name: '核实井盖', location: { lng: grid1Point.x, lat: grid1Point.y } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.abilities.verify).toBe(false);
    const res = await call<{ provenance: string; verifiedBy: string | null; verifiedAt: string | null }>(leader, 'POST', `/api/basedata/components/${created.body.id}/verify`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ provenance: 'verified', verifiedBy: '陈志强', verifiedAt: ctx.t.clock.now.toISOString() });
  });
});
