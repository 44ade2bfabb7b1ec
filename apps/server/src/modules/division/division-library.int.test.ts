import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import {
  divisionCompareSchema,
  divisionEditionImportReportSchema,
  divisionEditionListSchema,
  divisionImportReportSchema,
  divisionListSchema,
  divisionTreeDiffSchema,
  errorBodySchema,
  type DivisionEditionImportReport,
  type ImportIssue,
} from '@redgrid/contracts';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { areaIdByCode, createTestApp, loginAs, type Session, type TestApp } from '../../../test/harness.ts';

/** The real statistical files shipped beside the repository (see /work/shared/data/divisions/README.md). */
const DIVISIONS = new URL('../../../../../../shared/data/divisions/', import.meta.url);
const divisionFile = (name: string) => readFileSync(new URL(name, DIVISIONS));

let t: TestApp;
let admin: Session;
let jkAdmin: Session;
let zbWorker: Session;
let zbAdmin: Session;

beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAs(t.app, 'admin');
  jkAdmin = await loginAs(t.app, 'jk_admin');
  zbWorker = await loginAs(t.app, 'zb_worker');
  zbAdmin = await loginAs(t.app, 'zb_admin');
});
afterAll(async () => t?.close());

const upload = (session: Session, payload: string | Buffer, query: string, contentType = 'text/csv') =>
  t.app.inject({ method: 'POST', url: `/api/divisions/editions?${query}`, headers: { ...session.headers, 'content-type': contentType }, payload });

type Response = Awaited<ReturnType<typeof upload>>;

function report(res: Response): DivisionEditionImportReport {
  if (res.statusCode === 422) return divisionEditionImportReportSchema.parse(errorBodySchema.parse(res.json()).error.details?.report);
  expect(res.statusCode, res.body).toBe(200);
  return divisionEditionImportReportSchema.parse(res.json());
}

const get = (session: Session, url: string) => t.app.inject({ method: 'GET', url, headers: session.headers });

/** What an edition import may change: if none of these move, nothing was half-imported. */
async function snapshot() {
  const { rows } = await sql<{ editions: number; divisions: number; audit: number; tables: number }>`
    SELECT (SELECT count(*)::int FROM division_editions) AS editions,
           (SELECT count(*)::int FROM divisions) AS divisions,
           (SELECT count(*)::int FROM audit_log) AS audit,
           (SELECT count(*)::int FROM pg_class WHERE relname LIKE 'division_part_%') AS tables`.execute(t.database.db);
  return rows[0];
}

const issues = (list: ImportIssue[]) => list.map((e) => [e.row, e.code]);
const csv = (...lines: string[]) => ['code,name,level,parent_code', ...lines].join('\n') + '\n';

describe('division library: loading an edition', () => {
  let changzhou: number;

  it('loads the real Changzhou 2021 file: every row, per level, audited, and browsable', async () => {
    const res = await upload(admin, divisionFile('changzhou_3204_5level_2021.csv'), 'name=2021&source=changzhou_3204_5level_2021.csv');
    const r = report(res);
    expect(r.applied).toBe(true);
    expect(r.total).toBe(1140);
    expect(r.edition?.countsByLevel).toEqual({ province: 1, city: 1, district: 7, street: 67, community: 1064 });
    expect(r.edition?.maxLevel).toBe('community');
    expect(r.message).toContain('导入完成');
    changzhou = r.edition?.id ?? 0;

    const audit = await t.database.db.selectFrom('audit_log').select(['action', 'entity', 'entity_id']).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(audit).toEqual({ action: 'import', entity: 'division_edition', entity_id: String(changzhou) });

    const roots = divisionListSchema.parse((await get(zbAdmin, `/api/divisions?edition=${changzhou}`)).json());
    expect(roots.items.map((d) => [d.code, d.name, d.hasChildren])).toEqual([['320000000000', '江苏省', true]]);
    const districts = divisionListSchema.parse((await get(zbAdmin, `/api/divisions?edition=${changzhou}&parent=320400000000`)).json());
    expect(districts.items.map((d) => d.name)).toContain('武进区');
    expect(districts.items.every((d) => d.level === 'district')).toBe(true);
  });

  it('finds divisions by code prefix or by name, with their ancestors', async () => {
    const byName = divisionListSchema.parse((await get(zbAdmin, `/api/divisions?edition=${changzhou}&q=${encodeURIComponent('站北社区')}`)).json());
    const zb = byName.items.find((d) => d.code === '320412001001');
    expect(zb?.ancestors?.map((a) => a.name)).toEqual(['江苏省', '常州市', '武进区', '戚墅堰街道']);
    const byCode = divisionListSchema.parse((await get(zbAdmin, `/api/divisions?edition=${changzhou}&q=320412001&limit=5`)).json());
    expect(byCode.items[0]?.code).toBe('320412001000');
    expect(byCode.truncated).toBe(true);
    // A name with LIKE wildcards matches literally.
    const none = divisionListSchema.parse((await get(zbAdmin, `/api/divisions?edition=${changzhou}&q=${encodeURIComponent('%')}`)).json());
    expect(none.items).toEqual([]);
  });

  it('loading the same file under the same name again changes nothing', async () => {
    const before = await snapshot();
    const r = report(await upload(admin, divisionFile('changzhou_3204_5level_2021.csv'), 'name=2021'));
    expect(r.unchanged).toBe(true);
    expect(r.applied).toBe(false);
    expect(await snapshot()).toEqual(before);
  });

  it('another file under an existing name is a conflict unless replace is set; replacing swaps the rows in one go', async () => {
    const other = divisionFile('maanshan_3405_5level_2021.csv');
    const conflict = await upload(admin, other, 'name=2021');
    expect(conflict.statusCode).toBe(409);
    expect(errorBodySchema.parse(conflict.json()).error.message).toContain('替换同名版本');

    const r = report(await upload(admin, gzipSync(other), 'name=2021&replace=true', 'application/gzip'));
    expect(r.replaced).toBe(true);
    expect(r.total).toBe(636);
    const list = divisionEditionListSchema.parse((await get(admin, '/api/divisions/editions')).json());
    expect(list.items.filter((e) => e.name === '2021').map((e) => e.rowCount)).toEqual([636]);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM divisions WHERE code BETWEEN 320400000000 AND 320499999999`.execute(t.database.db);
    expect(rows[0]?.n).toBe(0);
  });

  it('reads a GBK file (what Excel writes) and a header in another column order', async () => {
    const gbk = Buffer.from([
      ...Buffer.from('name,code,parent_code,level\n', 'ascii'),
      0xbd, 0xad, 0xcb, 0xd5, 0xca, 0xa1, // 江苏省
      ...Buffer.from(',320000000000,,1\n', 'ascii'),
      0xb3, 0xa3, 0xd6, 0xdd, 0xca, 0xd0, // 常州市
      ...Buffer.from(',320400000000,320000000000,2\n', 'ascii'),
    ]);
    const r = report(await upload(admin, gbk, 'name=gbk-test'));
    expect(r.total).toBe(2);
    const found = divisionListSchema.parse((await get(admin, `/api/divisions?edition=${r.edition?.id}&parent=320000000000`)).json());
    expect(found.items.map((d) => d.name)).toEqual(['常州市']);
  });

  it('takes a 6-digit GB/T 2260 file as a three-level edition', async () => {
    const r = report(await upload(admin, divisionFile('gbt2260_county_2024.csv'), 'name=GB/T 2260-2024'));
    expect(r.errors.slice(0, 3)).toEqual([]);
    expect(r.edition?.codeLength).toBe(6);
    expect(r.edition?.maxLevel).toBe('district');
    expect(r.total).toBeGreaterThan(3000);
  });
});

describe('division library: bad files are refused whole, row by row', () => {
  it.each([
    ['a duplicate code', csv('320000000000,江苏省,1,', '320000000000,江苏,1,'), [[3, 'duplicate_code']]],
    ['a parent not in the file', csv('320000000000,江苏省,1,', '320412001000,甲街道,4,320412000000'), [[3, 'parent_missing']]],
    ['a code that does not fit its parent', csv('320000000000,江苏省,1,', '330100000000,杭州市,2,320000000000'), [[3, 'code_parent_mismatch']]],
    ['a code not of its level', csv('320000000000,江苏省,1,', '320400000000,常州市,3,320000000000'), [[3, 'bad_code']]],
    ['a level out of range', csv('320000000000,江苏省,6,'), [[2, 'bad_level']]],
    ['a short code', csv('32000000000,江苏省,1,'), [[2, 'bad_code']]],
    ['an empty name', csv('320000000000,,1,'), [[2, 'bad_name']]],
    ['a name of spaces', csv('320000000000,"   ",1,'), [[2, 'bad_name']]],
    ['a name over 100 characters', csv(`320000000000,${'江'.repeat(101)},1,`), [[2, 'bad_name']]],
    ['a letter in the level column', csv('320000000000,江苏省,1,', '320400000000,常州市,x,320000000000'), [[3, 'bad_level']]],
    ['a row with an extra column', csv('320000000000,江苏省,1,', '320400000000,常州市,2,320000000000,多'), [[3, 'bad_row']]],
    ['a province with a parent', csv('320000000000,江苏省,1,110000000000'), [[2, 'code_parent_mismatch']]],
  ])('%s', async (_what, file, expected) => {
    const before = await snapshot();
    const res = await upload(admin, file, 'name=bad');
    expect(res.statusCode, res.body).toBe(422);
    const r = report(res);
    expect(issues(r.errors)).toEqual(expected);
    expect(r.applied).toBe(false);
    expect(r.errors[0]?.message).toMatch(/[\u4e00-\u9fa5]/);
    expect(await snapshot()).toEqual(before);
  });

  it('reports every bad row of a large file, not just the first', async () => {
    const lines = ['320000000000,江苏省,1,'];
    for (let i = 1; i <= 1500; i += 1) lines.push(`32${String(i % 100).padStart(2, '0')}00000000,市${i},2,320000000000`);
    const r = report(await upload(admin, csv(...lines), 'name=many'));
    // 99 distinct city codes (3201…3299, and 3200 is not a city) over 1500 rows: duplicates and bad codes.
    expect(r.errorCount).toBeGreaterThan(1400);
    expect(r.errors.length).toBeLessThanOrEqual(1000);
  });

  it('a wrong header, an empty file and a header without rows are refused before loading', async () => {
    expect(issues(report(await upload(admin, 'id,name\n1,x\n', 'name=bad')).errors)).toEqual([[1, 'bad_header']]);
    expect(issues(report(await upload(admin, '', 'name=bad')).errors)).toEqual([[1, 'empty_file']]);
    expect(issues(report(await upload(admin, 'code,name,level,parent_code\n', 'name=bad')).errors)).toEqual([[2, 'empty_file']]);
  });

  it('a dry run checks everything and writes nothing', async () => {
    const before = await snapshot();
    const r = report(await upload(admin, divisionFile('jiuquan_6209_5level_2021.csv'), 'name=dry&dryRun=true'));
    expect(r.dryRun).toBe(true);
    expect(r.applied).toBe(false);
    expect(r.total).toBe(621);
    expect(r.message).toContain('未写入');
    expect(await snapshot()).toEqual(before);
  });

  it('only a system admin may load or delete editions; bad names and bodies get clear errors', async () => {
    const file = csv('320000000000,江苏省,1,');
    expect((await upload(jkAdmin, file, 'name=x')).statusCode).toBe(403);
    expect((await upload(zbWorker, file, 'name=x')).statusCode).toBe(403);
    expect((await upload(admin, file, 'name=')).statusCode).toBe(400);
    expect((await upload(admin, file, 'name=a;drop')).statusCode).toBe(400);
    expect((await upload(admin, '{}', 'name=x', 'application/json')).statusCode).toBe(415);
    const list = divisionEditionListSchema.parse((await get(zbAdmin, '/api/divisions/editions')).json());
    const first = list.items[0];
    if (!first) throw new Error('no edition');
    expect((await t.app.inject({ method: 'DELETE', url: `/api/divisions/editions/${first.id}`, headers: jkAdmin.headers })).statusCode).toBe(403);
  });

  it('the library is for those who keep codes: a grid worker is refused it; a community secretary sees every edition and who loaded it, though that account is outside their scope', async () => {
    expect((await get(zbWorker, '/api/divisions/editions')).statusCode).toBe(403);
    expect((await get(zbWorker, '/api/divisions?q=320412')).statusCode).toBe(403);
    const list = divisionEditionListSchema.parse((await get(zbAdmin, '/api/divisions/editions')).json());
    expect(list.items.length).toBeGreaterThan(0);
    for (const e of list.items) expect(e.importedBy?.displayName).toBe('系统管理员');
    // The same account is not reachable through the worker's scope.
    const adminId = list.items[0]?.importedBy?.id ?? 0;
    expect((await get(zbAdmin, `/api/users/${adminId}`)).statusCode).not.toBe(200);
  });
});

describe('division library: against other editions and the area tree', () => {
  let e2021: number;
  let e2023: number;

  beforeAll(async () => {
    e2021 = report(await upload(admin, divisionFile('changzhou_3204_5level_2021.csv'), 'name=常州2021&replace=true')).edition?.id ?? 0;
    const national2023 = divisionFile('china_4level_2023.csv').toString('utf8').split('\n');
    const jiangsu = [national2023[0], ...national2023.filter((l) => l.startsWith('32'))].join('\n') + '\n';
    e2023 = report(await upload(admin, jiangsu, 'name=江苏2023')).edition?.id ?? 0;
  });

  it('compares two editions under one code: the levels both hold, added / removed / renamed', async () => {
    const res = await get(zbAdmin, `/api/divisions/compare?from=${e2021}&to=${e2023}&under=320400000000`);
    expect(res.statusCode, res.body).toBe(200);
    const diff = divisionCompareSchema.parse(res.json());
    expect(diff.maxLevel).toBe('street');
    expect(diff.counts.unchanged).toBeGreaterThan(50);
    const total = diff.counts.added + diff.counts.removed + diff.counts.renamed;
    expect(diff.changes).toHaveLength(Math.min(total, 500));
    for (const c of diff.changes) {
      expect(c.code.startsWith('3204')).toBe(true);
      if (c.kind === 'renamed') expect(c.previousName).not.toBe(c.name);
    }
  });

  it('compares the tree of 常州经开区 with the edition: local names and missing divisions, within scope', async () => {
    const jk = await areaIdByCode(t.database, '320412000000');
    const res = await get(jkAdmin, `/api/divisions/tree-diff?edition=${e2021}&area=${jk}`);
    expect(res.statusCode, res.body).toBe(200);
    const diff = divisionTreeDiffSchema.parse(res.json());
    // The district carries 武进区's statistical code under its local name.
    expect(diff.items).toContainEqual(expect.objectContaining({ kind: 'name_differs', code: '320412000000', name: '武进区', areaName: '常州经开区' }));
    expect(diff.counts.matched).toBeGreaterThan(50);
    // 武进区 has streets outside 经开区: in the edition, not in this tree.
    expect(diff.counts.missingInTree).toBeGreaterThan(0);

    const zb = await areaIdByCode(t.database, '320412001001');
    const other = await areaIdByCode(t.database, '320412001002');
    expect((await get(zbAdmin, `/api/divisions/tree-diff?edition=${e2021}&area=${zb}`)).statusCode).toBe(200);
    expect((await get(zbAdmin, `/api/divisions/tree-diff?edition=${e2021}&area=${other}`)).statusCode).toBe(404);
  });

  it('adopts a street from the edition into the tree: dry run first, then for real, then nothing left to do', async () => {
    const jk = await areaIdByCode(t.database, '320412000000');
    const before = divisionTreeDiffSchema.parse((await get(jkAdmin, `/api/divisions/tree-diff?edition=${e2021}&area=${jk}`)).json());
    const missingStreet = before.items.find((i) => i.kind === 'missing_in_tree' && i.level === 'street');
    if (!missingStreet) throw new Error('no street to adopt');
    const adopt = (dryRun: boolean) =>
      t.app.inject({ method: 'POST', url: '/api/divisions/adopt', headers: { ...jkAdmin.headers, 'content-type': 'application/json' }, payload: { edition: e2021, code: missingStreet.code, dryRun } });

    const dry = divisionImportReportSchema.parse((await adopt(true)).json());
    expect(dry.applied).toBe(false);
    expect(dry.createdByLevel.street).toBe(1);
    expect(dry.createdByLevel.community).toBeGreaterThan(0);

    const real = divisionImportReportSchema.parse((await adopt(false)).json());
    expect(real.applied).toBe(true);
    expect(real.created).toBe(dry.created);
    const again = divisionImportReportSchema.parse((await adopt(false)).json());
    expect(again.created).toBe(0);
    expect(again.unchanged).toBe(dry.created);

    const after = divisionTreeDiffSchema.parse((await get(jkAdmin, `/api/divisions/tree-diff?edition=${e2021}&area=${jk}`)).json());
    expect(after.counts.missingInTree).toBe(before.counts.missingInTree - dry.created);
    // A grid worker may read the library but not change the tree.
    const denied = await t.app.inject({ method: 'POST', url: '/api/divisions/adopt', headers: { ...zbWorker.headers, 'content-type': 'application/json' }, payload: { edition: e2021, code: missingStreet.code } });
    expect(denied.statusCode).toBe(403);
  });

  it('adopting a division whose parent is outside the caller’s scope is refused row by row', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/divisions/adopt', headers: { ...jkAdmin.headers, 'content-type': 'application/json' }, payload: { edition: e2021, code: '320402000000' } });
    expect(res.statusCode).toBe(422);
  });

  it('deleting an edition removes its rows and is audited', async () => {
    const res = await t.app.inject({ method: 'DELETE', url: `/api/divisions/editions/${e2023}`, headers: admin.headers });
    expect(res.statusCode, res.body).toBe(204);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM divisions WHERE edition_id = ${e2023}`.execute(t.database.db);
    expect(rows[0]?.n).toBe(0);
    expect((await get(admin, `/api/divisions?edition=${e2023}`)).statusCode).toBe(404);
  });
});
