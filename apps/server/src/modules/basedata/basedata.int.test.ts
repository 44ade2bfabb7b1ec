import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { areaIdByCode, loginAs, useTestApp, type Session } from '../../../test/harness.ts';
import { syntheticIdentityNumber } from '../../platform/identity-number.ts';

const ctx = useTestApp({}, { residents: true });
const ZHANBEI = '320412001001';
const MASKED_ID = /^\d{4}\*{10}[\dX]{4}$/;

let secretary: Session;
let worker: Session;
let otherWorker: Session;
let zhanbei: number;

async function get<T>(s: Session, url: string): Promise<{ status: number; body: T }> {
  const res = await ctx.t.app.inject({ method: 'GET', url, headers: s.headers });
  return { status: res.statusCode, body: res.json() as T };
}
async function send<T>(s: Session, method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: unknown): Promise<{ status: number; body: T }> {
  const res = await ctx.t.app.inject({ method, url, headers: s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.json() as T };
}

interface PersonPage {
  items: { id: number; name: string; idMasked: string | null; phoneMasked: string | null; place: { gridId: number | null; gridName: string | null; communityName: string | null }; tags: { groupCode: string }[]; householdId: number | null }[];
  next: string | null;
  matchedBy: string;
}

beforeAll(async () => {
  secretary = await loginAs(ctx.t.app, 'zb_admin');
  worker = await loginAs(ctx.t.app, 'zb_worker');
  otherWorker = await loginAs(ctx.t.app, 'lsh_worker');
  zhanbei = await areaIdByCode(ctx.t.database, ZHANBEI);
});

describe('the demo district holds residents', () => {
  it('站北社区 has households with members, houses, rentals and this month’s visits', async () => {
    const { status, body } = await get<{ persons: number; households: number; houses: number; rentals: number; byPopulationType: Record<string, number> }>(secretary, `/api/basedata/overview?areaId=${zhanbei}`);
    expect(status).toBe(200);
    expect(body.households).toBeGreaterThan(500);
    expect(body.persons).toBeGreaterThan(body.households);
    expect(body.rentals).toBeGreaterThan(20);
    expect(body.byPopulationType.floating).toBeGreaterThan(0);
  });

  it('no identity number or phone is stored in plain text in any table', async () => {
    const { body } = await get<{ value: string }>(secretary, `/api/basedata/persons?areaId=${zhanbei}&limit=1`);
    const first = (body as unknown as PersonPage).items[0]!;
    const revealed = await send<{ value: string }>(secretary, 'POST', `/api/basedata/persons/${first.id}/reveal`, { field: 'idNumber', reason: '核对户籍信息' });
    expect(revealed.status).toBe(200);
    const plain = revealed.body.value;
    expect(plain).toMatch(/^\d{17}[\dX]$/);
    const tables = await sql<{ table_name: string }>`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`.execute(ctx.t.database.db);
    for (const { table_name } of tables.rows) {
      const hits = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table_name)} t WHERE t::text LIKE ${`%${plain}%`}`.execute(ctx.t.database.db);
      expect(hits.rows[0]!.n, table_name).toBe(0);
    }
  });
});

describe('a grid worker sees masked values, only their area', () => {
  it('lists people with masked ID numbers and phones and where they live', async () => {
    const { status, body } = await get<PersonPage>(worker, '/api/basedata/persons?limit=20');
    expect(status).toBe(200);
    expect(body.items).toHaveLength(20);
    expect(body.next).not.toBeNull();
    for (const p of body.items) {
      expect(p.idMasked).toMatch(MASKED_ID);
      expect(p.place.communityName).toMatch(/^站北社区/);
      expect(p.place.gridName).toMatch(/网格/);
    }
    const second = await get<PersonPage>(worker, `/api/basedata/persons?limit=20&after=${body.next}`);
    expect(second.body.items[0]!.id).toBeGreaterThan(body.items[19]!.id);
  });

  it('cannot reveal, and a person of another community is not found', async () => {
    const { body } = await get<PersonPage>(otherWorker, '/api/basedata/persons?limit=1');
    const elsewhere = body.items[0]!;
    expect((await get(worker, `/api/basedata/persons/${elsewhere.id}`)).status).toBe(404);
    const mine = (await get<PersonPage>(worker, '/api/basedata/persons?limit=1')).body.items[0]!;
    expect((await send(worker, 'POST', `/api/basedata/persons/${mine.id}/reveal`, { field: 'idNumber', reason: '核对户籍信息' })).status).toBe(403);
  });

  it('does not see key-population tags the secretary sees', async () => {
    const secretaryView = await get<PersonPage>(secretary, `/api/basedata/persons?group=community_correction&areaId=${zhanbei}`);
    expect(secretaryView.status).toBe(200);
    expect(secretaryView.body.items.length).toBeGreaterThan(0);
    expect((await get(worker, '/api/basedata/persons?group=community_correction')).status).toBe(403);
    const person = secretaryView.body.items[0]!;
    const detail = await get<{ tagsDetail: { groupCode: string }[] }>(worker, `/api/basedata/persons/${person.id}`);
    expect(detail.body.tagsDetail.map((t) => t.groupCode)).not.toContain('community_correction');
  });
});

describe('search', () => {
  it('finds a person by full ID number, by phone, by name, pinyin and initials', async () => {
    const person = (await get<PersonPage>(worker, '/api/basedata/persons?limit=5')).body.items.find((p) => p.phoneMasked)!;
    const id = (await send<{ value: string }>(secretary, 'POST', `/api/basedata/persons/${person.id}/reveal`, { field: 'idNumber', reason: '核对户籍信息' })).body.value;
    const phone = (await send<{ value: string }>(secretary, 'POST', `/api/basedata/persons/${person.id}/reveal`, { field: 'phone', reason: '联系本人' })).body.value;
    const byId = await get<PersonPage>(worker, `/api/basedata/persons?q=${id}`);
    expect(byId.body.matchedBy).toBe('id_number');
    expect(byId.body.items.map((p) => p.id)).toContain(person.id);
    const byPhone = await get<PersonPage>(worker, `/api/basedata/persons?q=${phone.slice(0, 3)}-${phone.slice(3, 7)}-${phone.slice(7)}`);
    expect(byPhone.body.matchedBy).toBe('phone');
    expect(byPhone.body.items.map((p) => p.id)).toContain(person.id);
    const byName = await get<PersonPage>(worker, `/api/basedata/persons?q=${encodeURIComponent(person.name)}&limit=200`);
    expect(byName.body.items.map((p) => p.id)).toContain(person.id);
    // The other community's worker finds nobody by the same ID number.
    expect((await get<PersonPage>(otherWorker, `/api/basedata/persons?q=${id}`)).body.items).toEqual([]);
  });

  it('matches pinyin and initials of a newly entered person', async () => {
    const grid = (await get<PersonPage>(worker, '/api/basedata/persons?limit=1')).body.items[0]!.place.gridId!;
    const created = await send<{ id: number }>(worker, 'POST', '/api/basedata/persons', { name: '欧阳晓燕', areaId: grid, idNumber: syntheticIdentityNumber({ regionCode: '320412', birthDate: '1988-03-09', sex: 'female', sequence: 7 }) });
    expect(created.status).toBe(201);
    for (const q of ['ouyangx', 'oyxy']) {
      const found = await get<PersonPage>(worker, `/api/basedata/persons?q=${q}&limit=200`);
      expect(found.body.matchedBy).toBe('pinyin');
      expect(found.body.items.map((p) => p.id)).toContain(created.body.id);
    }
  });
});

describe('entering and changing a person', () => {
  it('refuses a wrong check digit and derives birth date and sex from a good number', async () => {
    const grid = (await get<PersonPage>(worker, '/api/basedata/persons?limit=1')).body.items[0]!.place.gridId!;
    const good = syntheticIdentityNumber({ regionCode: '320412', birthDate: '1990-02-28', sex: 'male', sequence: 12 });
    const bad = `${good.slice(0, 17)}${good[17] === '0' ? '1' : '0'}`;
    const refused = await send<{ error: { details: { fields: Record<string, string[]> } } }>(worker, 'POST', '/api/basedata/persons', { name: '测试甲', areaId: grid, idNumber: bad });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.fields.idNumber![0]).toMatch(/校验/);
    const ok = await send<{ birthDate: string; sex: string; idMasked: string }>(worker, 'POST', '/api/basedata/persons', { name: '测试甲', areaId: grid, idNumber: good });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ birthDate: '1990-02-28', sex: 'male' });
    expect(ok.body.idMasked).toMatch(MASKED_ID);
  });

  it('flags a second record with the same ID number as a possible duplicate, and a merge keeps both histories', async () => {
    const coverage = await get<{ grids: { gridId: number }[] }>(secretary, `/api/basedata/visits/coverage?areaId=${zhanbei}&from=2026-11-01&to=2026-11-20`);
    const [g1, g2] = coverage.body.grids.map((g) => g.gridId);
    const id = syntheticIdentityNumber({ regionCode: '320412', birthDate: '1975-06-01', sex: 'female', sequence: 33 });
    const a = await send<{ id: number }>(secretary, 'POST', '/api/basedata/persons', { name: '重复乙', areaId: g1, idNumber: id, occupation: '教师' });
    const b = await send<{ id: number; duplicates: { personId: number; reason: string }[] }>(secretary, 'POST', '/api/basedata/persons', { name: '重复乙', areaId: g2 ?? g1, idNumber: id });
    expect(b.body.duplicates).toEqual([expect.objectContaining({ personId: a.body.id, reason: 'same_id' })]);
    const merged = await send<{ id: number; occupation: string; duplicates: unknown[] }>(secretary, 'POST', '/api/basedata/persons/merge', { keepId: b.body.id, mergeId: a.body.id, note: '同一人两处登记' });
    expect(merged.status).toBe(200);
    expect(merged.body.occupation).toBe('教师');
    expect(merged.body.duplicates).toEqual([]);
    const kept = await get<{ items: { action: string }[] }>(secretary, `/api/basedata/persons/${b.body.id}/history`);
    expect(kept.body.items.map((h) => h.action)).toEqual(expect.arrayContaining(['create', 'merge']));
    const gone = await get<{ items: { action: string }[] }>(secretary, `/api/basedata/persons/${a.body.id}/history`);
    expect(gone.body.items.map((h) => h.action)).toEqual(expect.arrayContaining(['create', 'merged_into']));
    const byId = await get<PersonPage>(secretary, `/api/basedata/persons?q=${id}`);
    expect(byId.body.items.map((p) => p.id)).toEqual([b.body.id]);
  });

  it('moving a person to another grid keeps the history', async () => {
    const person = (await get<PersonPage>(secretary, `/api/basedata/persons?areaId=${zhanbei}&limit=1`)).body.items[0]!;
    const coverage = await get<{ grids: { gridId: number }[] }>(secretary, `/api/basedata/visits/coverage?areaId=${zhanbei}&from=2026-11-01&to=2026-11-20`);
    const otherGrid = coverage.body.grids.find((g) => g.gridId !== person.place.gridId)!.gridId;
    const moved = await send<{ place: { gridId: number } }>(secretary, 'PATCH', `/api/basedata/persons/${person.id}`, { areaId: otherGrid, householdId: null });
    expect(moved.status).toBe(200);
    expect(moved.body.place.gridId).toBe(otherGrid);
    const history = await get<{ items: { action: string; changes: Record<string, unknown> }[] }>(secretary, `/api/basedata/persons/${person.id}/history`);
    expect(history.body.items[0]!.action).toBe('move');
    expect(history.body.items.length).toBeGreaterThanOrEqual(1);
  });

  it('writes an unmasking to the audit trail with its reason, never the value', async () => {
    const person = (await get<PersonPage>(secretary, `/api/basedata/persons?areaId=${zhanbei}&limit=1`)).body.items[0]!;
    const revealed = await send<{ value: string }>(secretary, 'POST', `/api/basedata/persons/${person.id}/reveal`, { field: 'phone', reason: '通知疫苗接种' });
    const rows = await ctx.t.database.db.selectFrom('audit_log').select(['action', 'entity', 'entity_id', 'after']).where('action', '=', 'reveal').where('entity_id', '=', String(person.id)).execute();
    expect(rows.some((r) => JSON.stringify(r.after).includes('通知疫苗接种'))).toBe(true);
    if (revealed.body.value) expect(JSON.stringify(rows)).not.toContain(revealed.body.value);
    expect((await send(secretary, 'POST', `/api/basedata/persons/${person.id}/reveal`, { field: 'phone', reason: '看' })).status).toBe(400);
  });
});

describe('household visits', () => {
  it('a retried visit is one visit; coverage counts it and the household leaves the not-visited list', async () => {
    const today = ctx.t.clock.now.toISOString().slice(0, 10);
    const monthStart = `${today.slice(0, 8)}01`;
    const notVisited = await get<{ items: { id: number; place: { gridId: number } }[] }>(worker, `/api/basedata/households?notVisitedSince=${monthStart}&limit=5`);
    expect(notVisited.body.items.length).toBeGreaterThan(0);
    const household = notVisited.body.items[0]!;
    const before = await get<{ grids: { gridId: number; visited: number; households: number }[] }>(worker, `/api/basedata/visits/coverage?areaId=${household.place.gridId}&from=${monthStart}&to=${today}`);
    const payload = { householdId: household.id, visitedOn: today, kind: 'routine', findings: '老人身体尚可', clientKey: 'visit-key-00000001' };
    const first = await send<{ id: number }>(worker, 'POST', '/api/basedata/visits', payload);
    const retry = await send<{ id: number }>(worker, 'POST', '/api/basedata/visits', payload);
    expect(first.status).toBe(200);
    expect(retry.body.id).toBe(first.body.id);
    const after = await get<{ grids: { gridId: number; visited: number; households: number; share: number }[] }>(worker, `/api/basedata/visits/coverage?areaId=${household.place.gridId}&from=${monthStart}&to=${today}`);
    expect(after.body.grids[0]!.visited).toBe(before.body.grids[0]!.visited + 1);
    expect(after.body.grids[0]!.share).toBeGreaterThan(0);
    const stillNot = await get<{ items: { id: number }[] }>(worker, `/api/basedata/households?notVisitedSince=${monthStart}&areaId=${household.place.gridId}&limit=200`);
    expect(stillNot.body.items.map((h) => h.id)).not.toContain(household.id);
  });

  it('refuses a visit dated tomorrow, and a proposed change waits for the community to confirm it', async () => {
    const household = (await get<{ items: { id: number }[] }>(worker, '/api/basedata/households?limit=1')).body.items[0]!;
    const tomorrow = new Date(ctx.t.clock.now.getTime() + 86_400_000).toISOString().slice(0, 10);
    expect((await send(worker, 'POST', '/api/basedata/visits', { householdId: household.id, visitedOn: tomorrow, kind: 'routine' })).status).toBe(400);
    const detail = await get<{ members: { id: number }[] }>(worker, `/api/basedata/households/${household.id}`);
    const member = detail.body.members[0]!;
    const today = ctx.t.clock.now.toISOString().slice(0, 10);
    const visit = await send(worker, 'POST', '/api/basedata/visits', { householdId: household.id, visitedOn: today, kind: 'info_check', proposals: [{ recordType: 'person', recordId: member.id, changes: { phone: '17012345678', occupation: '快递员' } }] });
    expect(visit.status).toBe(200);
    const pending = await get<{ id: number; changes: Record<string, unknown> }[]>(secretary, '/api/basedata/proposals');
    const mine = pending.body.find((p) => (p.changes as { occupation?: string }).occupation === '快递员')!;
    expect(mine.changes.phone).toBe('170****5678');
    expect((await send(worker, 'POST', `/api/basedata/proposals/${mine.id}/decision`, { decision: 'confirm' })).status).toBe(403);
    expect((await send(secretary, 'POST', `/api/basedata/proposals/${mine.id}/decision`, { decision: 'confirm' })).status).toBe(200);
    const person = await get<{ occupation: string; phoneMasked: string }>(secretary, `/api/basedata/persons/${member.id}`);
    expect(person.body).toMatchObject({ occupation: '快递员', phoneMasked: '170****5678' });
  });
});

describe('buildings and houses', () => {
  it('shows a building floor by floor with its households and rentals (楼盘表)', async () => {
    const household = (await get<{ items: { id: number }[] }>(worker, '/api/basedata/households?limit=1')).body.items[0]!;
    const house = (await get<{ houseId: number }>(worker, `/api/basedata/households/${household.id}`)).body.houseId;
    const houseView = await get<{ place: { areaId: number } }>(worker, `/api/basedata/houses/${house}`);
    const board = await get<{ floors: { floor: number; houses: { occupancy: string; households: number }[] }[]; totals: { houses: number; households: number; residents: number } }>(worker, `/api/basedata/buildings/${houseView.body.place.areaId}/board`);
    expect(board.status).toBe(200);
    expect(board.body.floors.length).toBeGreaterThan(1);
    expect(board.body.floors[0]!.floor).toBeGreaterThan(board.body.floors[board.body.floors.length - 1]!.floor);
    expect(board.body.totals.households).toBeGreaterThan(0);
    expect(board.body.totals.residents).toBeGreaterThan(board.body.totals.households - 1);
    const elsewhere = (await get<{ items: { id: number }[] }>(otherWorker, '/api/basedata/households?limit=1')).body.items[0]!;
    const otherHouse = (await get<{ houseId: number }>(otherWorker, `/api/basedata/households/${elsewhere.id}`)).body.houseId;
    expect((await get(worker, `/api/basedata/houses/${otherHouse}`)).status).toBe(404);
  });
});


describe('a grid worker of one grid', () => {
  it('sees only the residents of that grid', async () => {
    const g1 = await loginAs(ctx.t.app, 'zb_g1_worker');
    const gridId = await areaIdByCode(ctx.t.database, '320412001001001');
    const page = await get<PersonPage>(g1, '/api/basedata/persons?limit=200');
    expect(page.body.items.length).toBeGreaterThan(0);
    expect(new Set(page.body.items.map((p) => p.place.gridId))).toEqual(new Set([gridId]));
    const coverage = await get<{ grids: { gridId: number }[] }>(secretary, `/api/basedata/visits/coverage?areaId=${zhanbei}&from=2026-11-01&to=2026-11-20`);
    const otherGrid = coverage.body.grids.find((g) => g.gridId !== gridId)!.gridId;
    const neighbour = (await get<PersonPage>(secretary, `/api/basedata/persons?areaId=${otherGrid}&limit=1`)).body.items[0]!;
    expect((await get(g1, `/api/basedata/persons/${neighbour.id}`)).status).toBe(404);
  });
});

describe('tags with end dates', () => {
  it('lists the persons whose tag ends within its reminder days (到期提醒)', async () => {
    const page = await get<PersonPage>(secretary, `/api/basedata/persons?areaId=${zhanbei}&expiring=1&limit=20`);
    expect(page.status).toBe(200);
    expect(page.body.items.length).toBeGreaterThan(0);
    for (const p of page.body.items.slice(0, 5)) {
      const detail = await get<{ tagsDetail: { expiring: boolean }[] }>(secretary, `/api/basedata/persons/${p.id}`);
      expect(detail.body.tagsDetail.some((t) => t.expiring)).toBe(true);
    }
  });
});

describe('configuring the groups (system admin)', () => {
  it('grants a role sight of a category, and only the system admin may', async () => {
    const admin = await loginAs(ctx.t.app, 'admin');
    expect((await get(secretary, '/api/basedata/group-config')).status).toBe(403);
    const list = await get<{ code: string; visibleRoles: string[] }[]>(admin, '/api/basedata/group-config');
    const correction = list.body.find((g) => g.code === 'community_correction')!;
    expect(correction.visibleRoles).not.toContain('grid_worker');
    expect((await get(worker, '/api/basedata/persons?group=community_correction')).status).toBe(403);
    const changed = await send(admin, 'PATCH', '/api/basedata/group-config/community_correction', { visibleRoles: [...correction.visibleRoles, 'grid_worker'] });
    expect(changed.status).toBe(200);
    expect((await get(worker, '/api/basedata/persons?group=community_correction')).status).toBe(200);
    expect((await send(admin, 'PATCH', '/api/basedata/group-config/community_correction', { visibleRoles: ['system_admin'] })).status).toBe(400);
    const created = await send<{ code: string }[]>(admin, 'POST', '/api/basedata/group-config', { code: 'pregnant', kind: 'care', name: '孕产妇', sensitive: true, visibleRoles: ['area_admin', 'grid_worker'], withDangerLevel: false, remindDays: 30, sortOrder: 80, active: true });
    expect(created.body.map((g) => g.code)).toContain('pregnant');
    expect((await get<{ code: string }[]>(worker, '/api/basedata/groups')).body.map((g) => g.code)).toContain('pregnant');
  });
});

describe('houses and households: verify and reveal', () => {
  it('a secretary verifies a household and a house; a lessor phone shows only with a reason', async () => {
    const household = (await get<{ items: { id: number }[] }>(secretary, `/api/basedata/households?areaId=${zhanbei}&limit=1`)).body.items[0]!;
    expect((await send(worker, 'POST', `/api/basedata/households/${household.id}/verify`)).status).toBe(403);
    const verified = await send<{ provenance: string }>(secretary, 'POST', `/api/basedata/households/${household.id}/verify`);
    expect(verified.body.provenance).toBe('verified');
    const houseId = (await get<{ houseId: number }>(secretary, `/api/basedata/households/${household.id}`)).body.houseId;
    const let_ = await send<{ rental: { lessorPhoneMasked: string } }>(secretary, 'PUT', `/api/basedata/houses/${houseId}/rental`, { lessorName: '房东甲', lessorPhone: '171 2345 6789', occupants: 2, occupantLimit: 3 });
    expect(let_.status).toBe(200);
    expect(let_.body.rental.lessorPhoneMasked).toBe('171****6789');
    expect((await send(worker, 'POST', `/api/basedata/houses/${houseId}/reveal`, { field: 'lessorPhone', reason: '联系房东核实' })).status).toBe(403);
    const shown = await send<{ value: string }>(secretary, 'POST', `/api/basedata/houses/${houseId}/reveal`, { field: 'lessorPhone', reason: '联系房东核实' });
    expect(shown.body.value).toBe('17123456789');
    expect((await send<{ provenance: string }>(secretary, 'POST', `/api/basedata/houses/${houseId}/verify`)).body.provenance).toBe('verified');
  });
});

describe('what a visit may propose', () => {
  it('refuses a value the record would refuse (before anyone confirms it)', async () => {
    const household = (await get<{ items: { id: number }[] }>(worker, '/api/basedata/households?limit=1')).body.items[0]!;
    const member = (await get<{ members: { id: number }[] }>(worker, `/api/basedata/households/${household.id}`)).body.members[0]!;
    const today = ctx.t.clock.now.toISOString().slice(0, 10);
    const bad = await send<{ error: { details: { fields: Record<string, string[]> } } }>(worker, 'POST', '/api/basedata/visits', { householdId: household.id, visitedOn: today, kind: 'info_check', proposals: [{ recordType: 'person', recordId: member.id, changes: { residenceStatus: '不知道' } }] });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.details.fields)[0]).toMatch(/^proposals\.0\.changes\.residenceStatus/);
  });
});

describe('how seeded records came to be', () => {
  it('every seeded record has a create row from the seed; a handful wait in 站北社区 to be claimed', async () => {
    for (const [type, table] of [['person', 'persons'], ['household', 'households'], ['house', 'houses'], ['rental', 'rentals'], ['organisation', 'organisations'], ['component', 'city_components']] as const) {
      // Records the tests above added came by a form or an import: those are their first rows.
      const { rows } = await sql<{ missing: number; seeded: number }>`
        SELECT count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM record_history h WHERE h.record_type = ${type} AND h.record_id = r.id AND h.action IN ('create', 'import')))::int AS missing,
               count(*) FILTER (WHERE EXISTS (SELECT 1 FROM record_history h WHERE h.record_type = ${type} AND h.record_id = r.id AND h.action = 'create' AND h.source = 'seed' AND h.actor_id IS NULL))::int AS seeded
          FROM ${sql.table(table)} r`.execute(ctx.t.database.db);
      expect(rows[0]!.seeded, table).toBeGreaterThan(0);
      expect(rows[0]!.missing, table).toBe(0);
    }
    const g1 = await loginAs(ctx.t.app, 'zb_g1_worker');
    const person = (await get<PersonPage>(g1, '/api/basedata/persons?limit=1')).body.items[0]!;
    const history = await get<{ items: { action: string; source: string; actorName: string | null }[] }>(g1, `/api/basedata/persons/${person.id}/history`);
    expect(history.body.items.at(-1)).toMatchObject({ action: 'create', source: 'seed', actorName: null });
    const waiting = await get<{ items: { community: { id: number } }[]; communities: { id: number; persons: number }[] }>(g1, '/api/basedata/claims?kind=person');
    expect(waiting.body.communities).toEqual([expect.objectContaining({ id: zhanbei, persons: 6 })]);
    expect(waiting.body.items).toHaveLength(6);
  });
});
