import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { areaIdByCode, loginAs, useTestApp, type Session } from '../../../../test/harness.ts';
import { addressTerms, classifyQuery } from './person-search-terms.ts';

const ctx = useTestApp({}, { residents: true });
const ZHANBEI = '320412001001';

interface Summary {
  id: number;
  name: string;
  address: string | null;
  populationType: string;
  residenceStatus: string;
  householdId: number | null;
  place: { areaId: number; gridId: number | null; communityName: string | null; placeName: string | null };
  tags: { groupCode: string }[];
}
interface Page {
  items: Summary[];
  next: string | null;
  matchedBy: string;
}

let secretary: Session;
let worker: Session;
let otherWorker: Session;
let zhanbei: number;

async function get<T = Page>(s: Session, url: string): Promise<{ status: number; body: T }> {
  const res = await ctx.t.app.inject({ method: 'GET', url, headers: s.headers });
  return { status: res.statusCode, body: res.json() as T };
}
const search = (s: Session, params: Record<string, string | number>) => get(s, `/api/basedata/persons?${new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString()}`);

/** Every page of a search, following `next`; bounded. */
async function allPages(s: Session, params: Record<string, string | number>): Promise<Summary[]> {
  const out: Summary[] = [];
  let after: string | null = null;
  for (let k = 0; k < 100; k += 1) {
    const { status, body } = await search(s, { ...params, ...(after ? { after } : {}) });
    expect(status).toBe(200);
    out.push(...body.items);
    after = body.next;
    if (!after) return out;
  }
  throw new Error('more than 100 pages');
}

beforeAll(async () => {
  secretary = await loginAs(ctx.t.app, 'zb_admin');
  worker = await loginAs(ctx.t.app, 'zb_worker');
  otherWorker = await loginAs(ctx.t.app, 'lsh_worker');
  zhanbei = await areaIdByCode(ctx.t.database, ZHANBEI);
});

describe('what is typed, by its shape', () => {
  it('tells addresses from names, ID numbers and phones', () => {
    expect(classifyQuery('3栋2单元').kind).toBe('address');
    expect(classifyQuery('站北花园3-2-501').kind).toBe('address');
    expect(classifyQuery('延陵西路').kind).toBe('address');
    expect(classifyQuery('路遥').kind).toBe('name');
    expect(classifyQuery('王').kind).toBe('name');
    expect(classifyQuery('延陵西路', 'name').kind).toBe('name');
    expect(classifyQuery('王建', 'address').kind).toBe('address');
    expect(classifyQuery('139-1500-0014').kind).toBe('phone');
    expect(classifyQuery('wj').kind).toBe('pinyin');
  });

  it('cuts an address into pieces matched whole', () => {
    expect(addressTerms('站北花园 3-2-501')).toEqual({ contains: ['站北花园'], numbers: ['3幢', '2单元', '501'] });
    expect(addressTerms('３号楼501室')).toEqual({ contains: [], numbers: ['3幢', '501'] });
    expect(addressTerms('幸福_路%')).toEqual({ contains: ['幸福\\_路\\%'], numbers: [] });
  });
});

describe('search by address', () => {
  it('finds a household by building and room however it is written, only within scope', async () => {
    const people = (await search(worker, { limit: 200 })).body.items;
    const someone = people.find((p) => p.householdId !== null && p.address && /(\d+)幢 (\d+)室/.test(p.address))!;
    const [, building, room] = /(\d+)幢 (\d+)室/.exec(someone.address!)!;
    for (const q of [`${building}栋${room}`, `${building}号楼 ${room}室`, `${building}-${room}`, `站北社区${building}幢${room}室`]) {
      const { status, body } = await search(worker, { q, limit: 200 });
      expect(status, q).toBe(200);
      expect(body.matchedBy, q).toBe('address');
      expect(body.items.map((p) => p.id), q).toContain(someone.id);
      for (const p of body.items) {
        expect(p.place.communityName, q).toMatch(/^站北社区/);
        // 3幢 is not 13幢, 501 is not 1501.
        expect(p.address, q).toMatch(new RegExp(`(^|[^0-9])${building}幢 ${room}室`));
      }
    }
    // The same building and room in another community: the worker there sees their own people, not this one.
    const elsewhere = await search(otherWorker, { q: `${building}栋${room}`, limit: 200 });
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body.items.map((p) => p.id)).not.toContain(someone.id);
    for (const p of elsewhere.body.items) expect(p.place.communityName).not.toMatch(/^站北社区/);
  });

  it('finds people by the building they are placed in, and by a registration address', async () => {
    const people = (await search(worker, { limit: 50 })).body.items;
    const someone = people.find((p) => p.place.placeName && /幢$/.test(p.place.placeName))!;
    const building = someone.place.placeName!;
    const inBuilding = await allPages(worker, { q: building, by: 'address', limit: 100 });
    expect(inBuilding.map((p) => p.id)).toContain(someone.id);
    // Registration address, plain text: a grid worker corrects it, then finds the person by it.
    const patched = await ctx.t.app.inject({ method: 'PATCH', url: `/api/basedata/persons/${someone.id}`, headers: worker.headers, payload: { registrationAddress: '安徽省阜阳市临泉县城关镇幸福路88号' } });
    expect(patched.statusCode).toBe(200);
    const byRegistration = await search(worker, { q: '幸福路88号' });
    expect(byRegistration.body.items.map((p) => p.id)).toEqual([someone.id]);
    expect((await search(otherWorker, { q: '幸福路88号' })).body.items).toEqual([]);
  });

  it('follows a renamed building: its people are found by the new name', async () => {
    const people = (await search(secretary, { areaId: zhanbei, limit: 50 })).body.items;
    const someone = people.find((p) => p.place.placeName && /幢$/.test(p.place.placeName))!;
    const renamed = await ctx.t.app.inject({ method: 'PATCH', url: `/api/areas/${someone.place.areaId}`, headers: secretary.headers, payload: { name: '丽园北区7号楼' } });
    expect(renamed.statusCode).toBe(200);
    const found = await allPages(secretary, { q: '丽园北区7栋', limit: 200 });
    expect(found.map((p) => p.id)).toContain(someone.id);
    expect(found.every((p) => p.place.areaId === someone.place.areaId)).toBe(true);
  });

  it('answers no one for an address with nothing searchable in it', async () => {
    const { status, body } = await search(worker, { q: '，，', by: 'address' });
    expect(status).toBe(200);
    expect(body.items).toEqual([]);
  });
});

describe('filters combine with the text', () => {
  it('area, population type and 人户状态 narrow an address search to their intersection', async () => {
    const all = await allPages(secretary, { q: '1幢', limit: 200 });
    expect(all.length).toBeGreaterThan(10);
    const building = all[0]!.place.areaId;
    const filtered = await allPages(secretary, { q: '1幢', areaId: building, populationType: 'registered', residenceStatus: 'together', limit: 200 });
    const expected = all.filter((p) => p.place.areaId === building && p.populationType === 'registered' && p.residenceStatus === 'together').map((p) => p.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(filtered.map((p) => p.id)).toEqual(expected);
  });

  it('a visible group with a name: only its members of that name', async () => {
    const members = await allPages(secretary, { group: 'low_income', areaId: zhanbei, limit: 200 });
    expect(members.length).toBeGreaterThan(0);
    const surname = members[0]!.name.slice(0, 1);
    const combined = await allPages(secretary, { group: 'low_income', q: surname, limit: 200 });
    expect(combined.map((p) => p.id).sort((a, b) => a - b)).toEqual(members.filter((p) => p.name.startsWith(surname)).map((p) => p.id).sort((a, b) => a - b));
    for (const p of combined) expect(p.tags.map((t) => t.groupCode)).toContain('low_income');
  });

  it('a group the caller may not see is refused, with or without a text, and never shows in tags', async () => {
    for (const params of [{ group: 'community_correction' }, { group: 'community_correction', q: '1幢' }, { group: 'community_correction', q: '王' }, { group: 'no_such_group' }] as Record<string, string>[]) {
      const res = await search(worker, params);
      expect(res.status, JSON.stringify(params)).toBe(403);
      expect(JSON.stringify(res.body)).not.toMatch(/"items"/);
    }
    // A member of the hidden group in the worker's community: found by their address, the tag not shown.
    const member = await sql<{ id: number; address: string }>`SELECT p.id, ho.address FROM person_tags t JOIN person_groups g ON g.id = t.group_id
      JOIN persons p ON p.id = t.person_id JOIN areas a ON a.id = p.area_id JOIN households h ON h.id = p.household_id JOIN houses ho ON ho.id = h.house_id
      WHERE g.code = 'community_correction' AND t.ended_at IS NULL AND a.path LIKE ${`%/${zhanbei}/%`} ORDER BY p.id LIMIT 1`.execute(ctx.t.database.db);
    const { id, address } = member.rows[0]!;
    const found = await allPages(worker, { q: address, by: 'address', limit: 200 });
    expect(found.map((p) => p.id)).toContain(id);
    for (const p of found) expect(p.tags.map((t) => t.groupCode)).not.toContain('community_correction');
  });
});

describe('keyset paging', () => {
  it('a one-character surname pages by name then id: no one twice, no one missed', async () => {
    const one = await allPages(worker, { q: '王', limit: 200 });
    const paged = await allPages(worker, { q: '王', limit: 7 });
    expect(paged.map((p) => p.id)).toEqual(one.map((p) => p.id));
    expect(new Set(paged.map((p) => p.id)).size).toBe(paged.length);
    expect(paged.length).toBeGreaterThan(14);
    for (let i = 1; i < paged.length; i += 1) {
      const [a, b] = [paged[i - 1]!, paged[i]!];
      expect(Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)) < 0 || (a.name === b.name && a.id < b.id)).toBe(true);
    }
  });

  it('an address search pages by id, stable across pages', async () => {
    const one = await allPages(worker, { q: '1幢', limit: 200 });
    const paged = await allPages(worker, { q: '1幢', limit: 100 });
    expect(paged.map((p) => p.id)).toEqual(one.map((p) => p.id));
    expect(paged.length).toBeGreaterThan(200);
  }, 120_000);

  it('refuses a cursor of one order on the other, or a forged one', async () => {
    const page = await search(worker, { q: '王', limit: 2 });
    expect(page.body.next).toMatch(/^n\d+x/);
    expect((await search(worker, { q: '1幢', after: page.body.next! })).status).toBe(400);
    expect((await search(worker, { q: '王', after: '12345' })).status).toBe(400);
    expect((await search(worker, { q: '王', after: 'n1x' })).status).toBe(400);
  });
});
