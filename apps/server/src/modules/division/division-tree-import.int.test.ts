import { readFileSync } from 'node:fs';
import { divisionImportReportSchema, errorBodySchema, type DivisionImportReport, type ImportIssue } from '@redgrid/contracts';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { areaIdByCode, createTestApp, loginAs, userIdByName, type Session, type TestApp } from '../../../test/harness.ts';

/** The real statistical files shipped beside the repository (see /work/shared/data/divisions/README.md). */
const DIVISIONS = new URL('../../../../../../shared/data/divisions/', import.meta.url);
const divisionFile = (name: string) => readFileSync(new URL(name, DIVISIONS));

let t: TestApp;
let admin: Session;
let jkAdmin: Session;
let zbWorker: Session;

beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAs(t.app, 'admin');
  jkAdmin = await loginAs(t.app, 'jk_admin');
  zbWorker = await loginAs(t.app, 'zb_worker');
});
afterAll(async () => t?.close());

const postCsv = (session: Session, payload: string | Buffer, query = '') =>
  t.app.inject({ method: 'POST', url: `/api/areas/import/divisions${query}`, headers: { ...session.headers, 'content-type': 'text/csv; charset=utf-8' }, payload });

type Response = Awaited<ReturnType<typeof postCsv>>;

function divisionReport(res: Response): DivisionImportReport {
  if (res.statusCode === 422) return divisionImportReportSchema.parse(errorBodySchema.parse(res.json()).error.details?.report);
  expect(res.statusCode, res.body).toBe(200);
  return divisionImportReportSchema.parse(res.json());
}

/** What an import may change: if none of these move, nothing was half-imported. */
async function snapshot() {
  const { rows } = await sql<{ areas: number; changes: number; audit: number; boundaries: number; names: string }>`
    SELECT (SELECT count(*)::int FROM areas) AS areas,
           (SELECT count(*)::int FROM area_changes) AS changes,
           (SELECT count(*)::int FROM audit_log) AS audit,
           (SELECT count(*)::int FROM area_boundaries) AS boundaries,
           (SELECT md5(string_agg(code || name, ',' ORDER BY code)) FROM areas) AS names`.execute(t.database.db);
  return rows[0];
}

const issues = (list: ImportIssue[]) => list.map((e) => [e.row ?? e.feature, e.code]);
const csv = (...lines: string[]) => ['code,name,level,parent_code', ...lines].join('\n');

describe('division CSV import: bad input', () => {
  it.each([
    ['a duplicate code', csv('320412001901,甲社区,5,320412001000', '320412001901,乙社区,5,320412001000'), [[3, 'duplicate_code']]],
    ['a parent neither in the file nor in the database', csv('320412001901,甲社区,5,320412001000', '320412009001,乙村,5,320412009000'), [[3, 'parent_missing']]],
    ['a code that does not fit its parent', csv('320412002901,甲社区,5,320412001000'), [[2, 'code_parent_mismatch']]],
    ['a cycle in parent links', csv('320412091000,甲街道,4,320412092000', '320412092000,乙街道,4,320412091000'), [[2, 'cycle'], [3, 'cycle']]],
    ['a bad level', csv('320412001901,甲社区,7,320412001000'), [[2, 'bad_level']]],
    ['a bad code format', csv('3204120019,甲社区,5,320412001000'), [[2, 'bad_code']]],
    ['a parent outside the caller’s scope', csv('320413000000,新区,3,320400000000', '320413001000,甲街道,4,320413000000'), [[2, 'out_of_scope']]],
    ['an existing area outside the caller’s scope', csv('320400000000,常州市,2,320000000000'), [[2, 'out_of_scope']]],
    ['a community filed under another township', csv('320412001001,站北社区居民委员会,5,320412002000'), [[2, 'code_parent_mismatch']]],
    ['a township declared a district', csv('320412001000,戚墅堰街道,3,320412000000'), [[2, 'bad_code']]],
  ])('%s: a row-level error, 422, and nothing written', async (_what, file, expected) => {
    const before = await snapshot();
    const res = await postCsv(jkAdmin, file);
    expect(res.statusCode, res.body).toBe(422);
    expect(errorBodySchema.parse(res.json()).error.code).toBe('import_rejected');
    const report = divisionReport(res);
    expect(issues(report.errors)).toEqual(expected);
    expect(report).toMatchObject({ applied: false, changeId: null, errorCount: expected.length });
    expect(report.errors.every((e) => /[\u4e00-\u9fff]/.test(e.message))).toBe(true);
    expect(await snapshot()).toEqual(before);
  });

  it('never moves an existing area: another parent that fits the code rule is an error', async () => {
    const res = await postCsv(jkAdmin, csv('320412001000,戚墅堰街道,4,320412000000', '320412001901,甲社区,5,320412001000', '320412001001,站北社区居民委员会,5,320412001000'));
    expect(divisionReport(res)).toMatchObject({ errorCount: 0, created: 1, unchanged: 2 });
    const moved = await postCsv(jkAdmin, csv('320412001901,甲社区,5,320412001001'));
    expect(issues(divisionReport(moved).errors)).toEqual([[2, 'parent_changed']]);
  });

  it('applies nothing when one row of many is bad', async () => {
    const before = await snapshot();
    const res = await postCsv(jkAdmin, csv('320412001902,好社区,5,320412001000', '320412001903,好社区二,5,320412001000', '320412001904,坏社区,5,320412002000'));
    expect(issues(divisionReport(res).errors)).toEqual([[4, 'code_parent_mismatch']]);
    expect(await snapshot()).toEqual(before);
    expect(await t.database.db.selectFrom('areas').select('id').where('code', '=', '320412001902').executeTakeFirst()).toBeUndefined();
  });

  it('refuses a grid worker (403) and anything but CSV (415)', async () => {
    expect((await postCsv(zbWorker, csv('320412001905,甲社区,5,320412001000'))).statusCode).toBe(403);
    const json = await t.app.inject({ method: 'POST', url: '/api/areas/import/divisions', headers: jkAdmin.headers, payload: { rows: [] } });
    expect(json.statusCode).toBe(415);
    expect(errorBodySchema.parse(json.json()).error.code).toBe('unsupported_media_type');
  });

  it('reads a GBK file as Excel writes it', async () => {
    const gbk = Buffer.from([
      ...Buffer.from('code,name,level,parent_code\n320412001906,', 'ascii'),
      0xb2, 0xe2, 0xca, 0xd4, // 测试
      ...Buffer.from(',5,320412001000\n', 'ascii'),
    ]);
    const report = divisionReport(await postCsv(jkAdmin, gbk, '?dryRun=true'));
    expect(report).toMatchObject({ errorCount: 0, created: 1, applied: false, dryRun: true });
  });
});

describe('division CSV import: the real Changzhou file', () => {
  it('imports 1,140 rows end to end; a second run changes nothing and says so', async () => {
    const file = divisionFile('changzhou_3204_5level_2021.csv');
    const before = await snapshot();
    const codes = file.toString('utf8').split('\n').slice(1).map((line) => line.split(',')[0] ?? '').filter(Boolean);
    const existing = await t.database.db.selectFrom('areas').select('code').where('code', 'in', codes).execute();
    expect(existing.length).toBeGreaterThan(80); // 江苏省, 常州市 and the demo district

    const first = divisionReport(await postCsv(admin, file));
    expect(first).toMatchObject({ applied: true, total: 1140, ok: 1140, errorCount: 0, created: 1140 - existing.length, unchanged: existing.length });
    const byLevel = first.createdByLevel;
    expect(byLevel.province + byLevel.city).toBe(0);
    expect(byLevel.district + byLevel.street + byLevel.community).toBe(first.created);
    // The demo's local name for the statistical 武进区 code is kept, and the report says so.
    expect(issues(first.warnings)).toEqual([[first.warnings[0]?.row, 'name_differs']]);
    expect(first.warnings[0]?.areaCode).toBe('320412000000');

    const after = await snapshot();
    expect(after?.areas).toBe((before?.areas ?? 0) + first.created);
    expect(after?.changes).toBe((before?.changes ?? 0) + 1);
    expect(after?.audit).toBe((before?.audit ?? 0) + 1);

    // Paths derive from the parents: a new village sits under its township, its district and 常州市.
    const village = await t.database.db.selectFrom('areas').select(['path', 'depth', 'level', 'name']).where('code', '=', '320481102201').executeTakeFirst();
    const city = await areaIdByCode(t.database, '320400000000');
    const township = await areaIdByCode(t.database, '320481102000');
    expect(village?.level).toBe('community');
    expect(village?.path).toMatch(new RegExp(`/${city}/\\d+/${township}/\\d+/$`));
    expect((await t.database.db.selectFrom('areas').select('name').where('code', '=', '320412000000').executeTakeFirstOrThrow()).name).toBe('常州经开区');

    const change = await t.database.db.selectFrom('area_changes').selectAll().where('id', '=', first.changeId ?? 0).executeTakeFirstOrThrow();
    expect(change).toMatchObject({ kind: 'import', actor_id: await userIdByName(t.database, 'admin'), area_id: city });
    expect(change.summary).toMatchObject({ source: 'divisions_csv', created: first.created, rows: 1140 });
    const audit = await t.database.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ action: 'import', entity: 'area_change', entity_id: String(first.changeId), area_id: city });

    const again = divisionReport(await postCsv(admin, file));
    expect(again).toMatchObject({ applied: false, changeId: null, created: 0, renamed: 0, unchanged: 1140, errorCount: 0 });
    expect(again.message).toContain('没有需要变更');
    expect(await snapshot()).toEqual(after);
  });

  it('a dry run with updateNames reports the rename and writes nothing', async () => {
    const before = await snapshot();
    const report = divisionReport(await postCsv(admin, divisionFile('changzhou_3204_5level_2021.csv'), '?dryRun=true&updateNames=true'));
    expect(report).toMatchObject({ applied: false, dryRun: true, renamed: 1, created: 0, unchanged: 1139 });
    expect(await snapshot()).toEqual(before);
  });

  it('rejects an unknown query option with a 400 naming it', async () => {
    const res = await postCsv(admin, csv(), '?dryrun=yes');
    expect(res.statusCode).toBe(400);
    expect(Object.keys(errorBodySchema.parse(res.json()).error.details?.fields ?? {})).toEqual(['dryrun']);
  });
});

describe("division CSV import: Ma'anshan, a new province under the national root", () => {
  it('needs the country root, and a caller whose scope holds it', async () => {
    const file = divisionFile('maanshan_3405_5level_2021.csv');
    const noRoot = divisionReport(await postCsv(admin, file));
    expect(issues(noRoot.errors)).toEqual([[2, 'parent_missing']]);

    // A national deployment: 中华人民共和国 above 江苏省, and a system admin for the whole country.
    const country = await t.database.db.insertInto('areas').values({ code: '000000000000', name: '中华人民共和国', level: 'country', parent_id: null }).returning('id').executeTakeFirstOrThrow();
    await t.database.db.updateTable('areas').set({ parent_id: country.id }).where('code', '=', '320000000000').execute();
    const outOfScope = divisionReport(await postCsv(admin, file));
    expect(issues(outOfScope.errors)).toEqual([[2, 'out_of_scope']]);

    await t.database.db.insertInto('role_assignments').values({ user_id: await userIdByName(t.database, 'admin'), role: 'system_admin', area_id: country.id }).execute();
    const before = await snapshot();
    const report = divisionReport(await postCsv(admin, file));
    expect(report).toMatchObject({ applied: true, total: 636, created: 636, errorCount: 0 });
    expect(report.createdByLevel.province).toBe(1);
    const province = await t.database.db.selectFrom('areas').select(['parent_id', 'path', 'depth']).where('code', '=', '340000000000').executeTakeFirstOrThrow();
    expect(province).toMatchObject({ parent_id: country.id, depth: 1 });
    expect((await snapshot())?.areas).toBe((before?.areas ?? 0) + 636);

    // The Jiangsu rows, now under the root, still match the file: the province's parent is the country.
    const changzhou = divisionReport(await postCsv(admin, divisionFile('changzhou_3204_5level_2021.csv')));
    expect(changzhou).toMatchObject({ errorCount: 0, created: 0, unchanged: 1140 });
    expect(divisionReport(await postCsv(admin, file))).toMatchObject({ applied: false, created: 0, unchanged: 636 });
  });
});
