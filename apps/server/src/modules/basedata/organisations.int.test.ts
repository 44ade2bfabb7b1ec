import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildGrid } from '../../../test/factories.ts';
import { areaIdByCode, loginAs, useTestApp, type Session } from '../../../test/harness.ts';
import { syntheticIdentityNumber } from '../../platform/identity-number.ts';
import { creditCodeCheckChar } from './organisations/credit-code.ts';

const ctx = useTestApp();
const ZHANBEI = '320412001001';

let secretary: Session;
let worker: Session;
let otherWorker: Session;
let zhanbei: number;
let grid: { id: number; name: string; x: number; y: number };

async function get<T>(s: Session, url: string): Promise<{ status: number; body: T }> {
  const res = await ctx.t.app.inject({ method: 'GET', url, headers: s.headers });
  return { status: res.statusCode, body: res.json() as T };
}
async function send<T>(s: Session, method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown): Promise<{ status: number; body: T }> {
  const res = await ctx.t.app.inject({ method, url, headers: s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.json() as T };
}
type Refusal = { error: { code: string; message: string; details: { fields?: Record<string, string[]> } | null } };

/** A valid credit code: the first 17 characters with their check character. */
function creditCode(first17: string): string {
  return `${first17}${creditCodeCheckChar(first17)}`;
}

interface Org {
  id: number;
  name: string;
  creditCode: string | null;
  legalRepPhoneMasked: string | null;
  keyUnit: boolean;
  dedicatedGrid: { id: number; name: string } | null;
  place: { gridId: number | null; communityName: string | null };
  employees: { personId: number; name: string; position: string | null }[];
}
interface Component {
  id: number;
  identifier: string;
  state: string;
  changedOn: string | null;
  place: { gridId: number | null };
}
interface History {
  items: { action: string; actorName: string | null; changes: Record<string, [unknown, unknown]> }[];
}

beforeAll(async () => {
  secretary = await loginAs(ctx.t.app, 'zb_admin');
  worker = await loginAs(ctx.t.app, 'zb_worker');
  otherWorker = await loginAs(ctx.t.app, 'lsh_worker');
  zhanbei = await areaIdByCode(ctx.t.database, ZHANBEI);
  const rows = await sql<{ id: number; name: string; x: number; y: number }>`
    SELECT a.id::int AS id, a.name, ST_X(ST_PointOnSurface(b.geom)) AS x, ST_Y(ST_PointOnSurface(b.geom)) AS y
      FROM areas a JOIN area_boundaries b ON b.area_id = a.id AND b.valid_to IS NULL
     WHERE a.parent_id = ${zhanbei} AND a.level = 'grid' AND a.status = 'active'
     ORDER BY a.code LIMIT 1`.execute(ctx.t.database.db);
  grid = rows.rows[0]!;
});

describe('organisations (实有单位)', () => {
  it('refuses a credit code whose check character is wrong, saying which character it should be', async () => {
    const good = creditCode('91320412MA1X0000A');
    const wrong = `${good.slice(0, 17)}${good[17] === '0' ? '1' : '0'}`;
    const refused = await send<Refusal>(worker, 'POST', '/api/basedata/organisations', { name: '常州校验测试有限公司', creditCode: wrong, areaId: grid.id });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details?.fields?.creditCode?.[0]).toContain(`第 18 位应为“${good[17]}”`);
    const short = await send<Refusal>(worker, 'POST', '/api/basedata/organisations', { name: '常州校验测试有限公司', creditCode: good.slice(0, 16), areaId: grid.id });
    expect(short.body.error.details?.fields?.creditCode?.[0]).toContain('18 位');
  });

  it('registers an organisation with a masked phone and history, and refuses the same code twice (409)', async () => {
    const code = creditCode('91320412MA1X0001B');
    const created = await send<Org>(worker, 'POST', '/api/basedata/organisations', {
      name: '常州站北五金有限公司',
      creditCode: code.toLowerCase(),
      areaId: grid.id,
      legalRepName: '王建国',
      legalRepPhone: '13912345678',
      keyUnit: true,
      fireSafetyLevel: 'key',
      employeesCount: 12,
      location: { lng: grid.x, lat: grid.y },
    });
    expect(created.status).toBe(201);
    expect(created.body.creditCode).toBe(code);
    expect(created.body.legalRepPhoneMasked).toBe('139****5678');
    expect(created.body.place.gridId).toBe(grid.id);
    expect(created.body.place.communityName).toMatch(/^站北社区/);
    expect(JSON.stringify(created.body)).not.toContain('13912345678');

    const again = await send<Refusal>(secretary, 'POST', '/api/basedata/organisations', { name: '另一家公司', creditCode: code, areaId: grid.id });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('已登记');

    const history = await get<History>(worker, `/api/basedata/organisations/${created.body.id}/history`);
    expect(history.body.items[0]!.action).toBe('create');
    expect(history.body.items[0]!.changes.legalRepPhone).toEqual([null, '139****5678']);
    expect(JSON.stringify(history.body)).not.toContain('13912345678');

    const audited = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE entity = 'organisation' AND action = 'create' AND entity_id = ${String(created.body.id)}`.execute(ctx.t.database.db);
    expect(audited.rows[0]!.n).toBe(1);

    const found = await get<{ items: Org[] }>(worker, `/api/basedata/organisations?q=${code}`);
    expect(found.body.items.map((o) => o.id)).toEqual([created.body.id]);
    const keyUnits = await get<{ items: Org[] }>(worker, `/api/basedata/organisations?keyUnit=true&areaId=${zhanbei}`);
    expect(keyUnits.body.items.map((o) => o.id)).toContain(created.body.id);
  });

  it('is invisible to a grid worker of another community', async () => {
    const code = creditCode('91320412MA1X0002C');
    const created = await send<Org>(worker, 'POST', '/api/basedata/organisations', { name: '站北社区便利店', creditCode: code, areaId: grid.id, kind: 'individual' });
    expect(created.status).toBe(201);
    expect((await get(otherWorker, `/api/basedata/organisations/${created.body.id}`)).status).toBe(404);
    expect((await get(otherWorker, `/api/basedata/organisations/${created.body.id}/history`)).status).toBe(404);
    expect((await send(otherWorker, 'PATCH', `/api/basedata/organisations/${created.body.id}`, { keyUnit: true })).status).toBe(404);
    expect((await get<{ items: Org[] }>(otherWorker, `/api/basedata/organisations?q=${code}`)).body.items).toEqual([]);
    expect((await get<{ items: Org[] }>(otherWorker, '/api/basedata/organisations?q=站北社区便利店')).body.items).toEqual([]);
    expect((await get(otherWorker, `/api/basedata/organisations?areaId=${zhanbei}`)).status).toBe(404);
  });

  it('links employees to persons in scope, with their position, and records it', async () => {
    const org = await send<Org>(worker, 'POST', '/api/basedata/organisations', { name: '站北物业服务中心', areaId: grid.id });
    const person = await send<{ id: number }>(worker, 'POST', '/api/basedata/persons', { name: '李保安', areaId: grid.id, idNumber: syntheticIdentityNumber({ regionCode: '320412', birthDate: '1975-05-01', sex: 'male', sequence: 31 }) });
    expect(person.status).toBe(201);
    const added = await send<Org>(worker, 'POST', `/api/basedata/organisations/${org.body.id}/employees`, { personId: person.body.id, position: '保安', since: '2024-03-01' });
    expect(added.status).toBe(200);
    expect(added.body.employees).toEqual([{ personId: person.body.id, name: '李保安', position: '保安', since: '2024-03-01' }]);
    // The other community's worker can neither see the organisation nor link the person.
    expect((await send(otherWorker, 'POST', `/api/basedata/organisations/${org.body.id}/employees`, { personId: person.body.id })).status).toBe(404);
    const history = await get<History>(worker, `/api/basedata/organisations/${org.body.id}/history`);
    expect(history.body.items[0]!.changes.employee).toEqual([null, '李保安（保安）']);
    const removed = await send<Org>(worker, 'DELETE', `/api/basedata/organisations/${org.body.id}/employees/${person.body.id}`);
    expect(removed.body.employees).toEqual([]);
    expect((await send(worker, 'DELETE', `/api/basedata/organisations/${org.body.id}/employees/${person.body.id}`)).status).toBe(404);
  });

  it('links a dedicated grid (专属网格) in scope and refuses a comprehensive one; an update goes to history', async () => {
    const dedicated = await buildGrid(ctx.t.database, { communityId: zhanbei, at: [grid.x, grid.y], name: '站北工业园专属网格' });
    await sql`UPDATE areas SET grid_type = 'dedicated', grid_subtype = 'park' WHERE id = ${dedicated.id}`.execute(ctx.t.database.db);
    const org = await send<Org>(worker, 'POST', '/api/basedata/organisations', { name: '站北工业园管理处', areaId: grid.id });
    const wrong = await send<Refusal>(worker, 'PATCH', `/api/basedata/organisations/${org.body.id}`, { dedicatedGridId: grid.id });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details?.fields?.dedicatedGridId?.[0]).toContain('专属网格');
    const linked = await send<Org>(worker, 'PATCH', `/api/basedata/organisations/${org.body.id}`, { dedicatedGridId: dedicated.id, keyUnit: true });
    expect(linked.status).toBe(200);
    expect(linked.body.dedicatedGrid).toEqual({ id: dedicated.id, name: '站北工业园专属网格' });
    const history = await get<History>(worker, `/api/basedata/organisations/${org.body.id}/history`);
    expect(history.body.items[0]!.action).toBe('update');
    expect(history.body.items[0]!.changes).toEqual({ dedicatedGridId: [null, dedicated.id], keyUnit: [false, true] });
  });
});

describe('city components (城市部件)', () => {
  it('issues the 16-digit identifier (county + class + sub-class + serial), finding the grid by the point', async () => {
    const body = { classCode: '01', subclassCode: '01', name: '上水井盖', location: { lng: grid.x, lat: grid.y }, ownerDept: '常州通用自来水公司', maintainerDept: '常州通用自来水公司' };
    const first = await send<Component>(worker, 'POST', '/api/basedata/components', body);
    expect(first.status).toBe(201);
    expect(first.body.identifier).toMatch(/^3204120101\d{6}$/);
    expect(first.body.place.gridId).toBe(grid.id);
    const second = await send<Component>(worker, 'POST', '/api/basedata/components', body);
    expect(Number(second.body.identifier.slice(10))).toBe(Number(first.body.identifier.slice(10)) + 1);
    const lamp = await send<Component>(secretary, 'POST', '/api/basedata/components', { ...body, subclassCode: '30', name: '路灯', areaId: grid.id });
    expect(lamp.body.identifier).toBe('3204120130000001');
  });

  it('refuses an unknown sub-class and a point outside every grid in scope', async () => {
    const unknown = await send<Refusal>(worker, 'POST', '/api/basedata/components', { classCode: '01', subclassCode: '99', name: '未知', location: { lng: grid.x, lat: grid.y } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details?.fields?.subclassCode?.[0]).toContain('不在分类表');
    const outside = await send<Refusal>(otherWorker, 'POST', '/api/basedata/components', { classCode: '01', subclassCode: '01', name: '井盖', location: { lng: grid.x, lat: grid.y } });
    expect(outside.status).toBe(400);
    expect(outside.body.error.details?.fields?.location?.[0]).toContain('不在您管辖的任何网格内');
  });

  it('changes state with a date and a history entry; lists by class and state, as GeoJSON too; hidden from others', async () => {
    const created = await send<Component>(worker, 'POST', '/api/basedata/components', { classCode: '03', subclassCode: '05', name: '分类垃圾箱', location: { lng: grid.x, lat: grid.y } });
    expect(created.body.state).toBe('intact');
    const damaged = await send<Component>(worker, 'PATCH', `/api/basedata/components/${created.body.id}`, { state: 'damaged' });
    expect(damaged.status).toBe(200);
    expect(damaged.body.state).toBe('damaged');
    expect(damaged.body.changedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const history = await get<History>(worker, `/api/basedata/components/${created.body.id}/history`);
    expect(history.body.items.map((h) => h.action)).toEqual(['update', 'create']);
    expect(history.body.items[0]!.changes.state).toEqual(['intact', 'damaged']);

    const list = await get<{ items: Component[] }>(worker, `/api/basedata/components?areaId=${zhanbei}&classCode=03&state=damaged`);
    expect(list.body.items.map((c) => c.id)).toEqual([created.body.id]);
    const geo = await get<{ type: string; features: { id: number; geometry: { coordinates: [number, number] } }[] }>(worker, `/api/basedata/components/geojson?areaId=${zhanbei}`);
    expect(geo.body.type).toBe('FeatureCollection');
    const feature = geo.body.features.find((f) => f.id === created.body.id)!;
    expect(feature.geometry.coordinates[0]).toBeCloseTo(grid.x, 6);

    expect((await get(otherWorker, `/api/basedata/components/${created.body.id}`)).status).toBe(404);
    expect((await send(otherWorker, 'PATCH', `/api/basedata/components/${created.body.id}`, { state: 'missing' })).status).toBe(404);
    expect((await get<{ items: Component[] }>(otherWorker, '/api/basedata/components')).body.items.map((c) => c.id)).not.toContain(created.body.id);
  });

  it('the API reference still builds', async () => {
    const res = await ctx.t.app.inject({ method: 'GET', url: '/api/openapi.json', headers: secretary.headers });
    expect(res.statusCode).toBe(200);
    expect(Object.keys((res.json() as { paths: Record<string, unknown> }).paths)).toContain('/api/basedata/components/{id}/history');
  });
});
