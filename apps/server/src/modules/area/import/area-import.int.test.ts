import { readFileSync } from 'node:fs';
import {
  boundaryImportReportSchema,
  divisionImportReportSchema,
  errorBodySchema,
  type BoundaryImportReport,
  type DivisionImportReport,
  type ImportIssue,
} from '@redgrid/contracts';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { areaIdByCode, createTestApp, loginAs, userIdByName, type Session, type TestApp } from '../../../../test/harness.ts';
import { distanceMeters, fromWgs84 } from '../../geo/crs.ts';

/** The real statistical files shipped beside the repository (see /work/shared/data/divisions/README.md). */
const DIVISIONS = new URL('../../../../../../../shared/data/divisions/', import.meta.url);
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

const postGeoJson = (session: Session, payload: unknown) =>
  t.app.inject({ method: 'POST', url: '/api/areas/import/boundaries', headers: { ...session.headers, 'content-type': 'application/json' }, payload: JSON.stringify(payload) });

type Response = Awaited<ReturnType<typeof postCsv>>;

function divisionReport(res: Response): DivisionImportReport {
  if (res.statusCode === 422) return divisionImportReportSchema.parse(errorBodySchema.parse(res.json()).error.details?.report);
  expect(res.statusCode, res.body).toBe(200);
  return divisionImportReportSchema.parse(res.json());
}

function boundaryReport(res: Response): BoundaryImportReport {
  if (res.statusCode === 422) return boundaryImportReportSchema.parse(errorBodySchema.parse(res.json()).error.details?.report);
  expect(res.statusCode, res.body).toBe(200);
  return boundaryImportReportSchema.parse(res.json());
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

/** A square of about 1 km × 1 km in 戚墅堰 (WGS84). */
const SQUARE: [number, number][] = [
  [120.05, 31.75],
  [120.06, 31.75],
  [120.06, 31.76],
  [120.05, 31.76],
  [120.05, 31.75],
];

const collection = (features: unknown[]) => ({ type: 'FeatureCollection', features });
const polygonFeature = (code: string, ring: [number, number][], name?: string) => ({
  type: 'Feature',
  properties: { DM: code, ...(name ? { MC: name } : {}) },
  geometry: { type: 'Polygon', coordinates: [ring] },
});
const request = (features: unknown[], extra: Record<string, unknown> = {}) => ({ crs: 'wgs84', mapping: { code: 'DM', name: 'MC' }, featureCollection: collection(features), ...extra });

const multiPolygon = z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(z.array(z.tuple([z.number(), z.number()])))) });

async function currentRing(code: string): Promise<[number, number][]> {
  const { rows } = await sql<{ geojson: string }>`
    SELECT ST_AsGeoJSON(b.geom) AS geojson FROM area_boundaries b JOIN areas a ON a.id = b.area_id
     WHERE a.code = ${code} AND b.valid_to IS NULL`.execute(t.database.db);
  const parsed = multiPolygon.parse(JSON.parse(rows[0]?.geojson ?? 'null'));
  const ring = parsed.coordinates[0]?.[0];
  if (!ring) throw new Error(`no current boundary for ${code}`);
  return ring;
}

describe('boundary GeoJSON import', () => {
  it('stores GCJ-02 input where the WGS84 equivalent lies, closes the previous version, and is idempotent', async () => {
    t.clock.advanceMinutes(10);
    const gcj = SQUARE.map(([lng, lat]) => fromWgs84(lng, lat, 'gcj02'));
    const areaId = await areaIdByCode(t.database, '320412001002');
    const versionsBefore = await t.database.db.selectFrom('area_boundaries').select(['id', 'valid_to']).where('area_id', '=', areaId).execute();
    expect(versionsBefore.filter((v) => v.valid_to === null)).toHaveLength(1);

    const report = boundaryReport(await postGeoJson(jkAdmin, request([polygonFeature('320412001002', gcj, '戚大街社区居民委员会')], { crs: 'gcj02' })));
    expect(report).toMatchObject({ applied: true, total: 1, ok: 1, replaced: 1, created: 0, errorCount: 0, warningCount: 0 });
    const stored = await currentRing('320412001002');
    stored.forEach((p, i) => expect(distanceMeters(p, SQUARE[i] ?? [0, 0])).toBeLessThan(0.5));

    const versions = await t.database.db.selectFrom('area_boundaries').selectAll().where('area_id', '=', areaId).orderBy('id').execute();
    expect(versions).toHaveLength(versionsBefore.length + 1);
    expect(versions.at(-2)?.valid_to?.toISOString()).toBe(t.clock.now.toISOString());
    expect(versions.at(-1)).toMatchObject({ valid_to: null, change_id: report.changeId });
    expect(versions.at(-1)?.valid_from.toISOString()).toBe(t.clock.now.toISOString());

    const before = await snapshot();
    const again = boundaryReport(await postGeoJson(jkAdmin, request([polygonFeature('320412001002', gcj)], { crs: 'gcj02' })));
    expect(again).toMatchObject({ applied: false, unchanged: 1, changeId: null });
    expect(await snapshot()).toEqual(before);
  });

  it('warns when the mapped name does not match the area', async () => {
    const report = boundaryReport(await postGeoJson(jkAdmin, request([polygonFeature('320412001003', SQUARE, '别的社区')], { dryRun: true })));
    expect(issues(report.warnings)).toEqual([[0, 'name_mismatch']]);
    expect(report).toMatchObject({ applied: false, dryRun: true, errorCount: 0 });
  });

  // A square whose last edge crosses the first just before closing: a sliver of a loop.
  const TWISTED: [number, number][] = [[120, 31.7], [120.01, 31.7], [120.01, 31.71], [120, 31.71], [120.0001, 31.6999], [120, 31.7]];
  const BOW_TIE: [number, number][] = [[120, 31.7], [120.01, 31.71], [120.01, 31.7], [120, 31.71], [120, 31.7]];

  it('repairs a self-intersection only where that is safe, and only when asked', async () => {
    const unrepaired = boundaryReport(await postGeoJson(jkAdmin, request([polygonFeature('320412001004', TWISTED)])));
    expect(issues(unrepaired.errors)).toEqual([[0, 'invalid_geometry']]);
    expect(unrepaired.errors[0]?.message).toContain('自相交');

    const before = await snapshot();
    const bowTie = boundaryReport(await postGeoJson(jkAdmin, request([polygonFeature('320412001004', TWISTED), polygonFeature('320412001005', BOW_TIE)], { repair: true })));
    expect(issues(bowTie.errors)).toEqual([[1, 'invalid_geometry']]);
    expect(bowTie.errors[0]?.message).toContain('无法安全修复');
    expect(await snapshot()).toEqual(before);

    const repaired = boundaryReport(await postGeoJson(jkAdmin, request([polygonFeature('320412001004', TWISTED)], { repair: true })));
    expect(repaired).toMatchObject({ applied: true, repaired: 1, errorCount: 0 });
    expect(issues(repaired.warnings)).toEqual([[0, 'repaired_geometry']]);
    const { rows } = await sql<{ valid: boolean; type: string }>`
      SELECT ST_IsValid(b.geom) AS valid, GeometryType(b.geom) AS type FROM area_boundaries b
       WHERE b.area_id = ${await areaIdByCode(t.database, '320412001004')} AND b.valid_to IS NULL`.execute(t.database.db);
    expect(rows).toEqual([{ valid: true, type: 'MULTIPOLYGON' }]);
  });

  it.each([
    ['an unclosed ring', polygonFeature('320412001006', SQUARE.slice(0, 4)), 'unclosed_ring', '未闭合'],
    ['latitude and longitude swapped', polygonFeature('320412001006', SQUARE.map(([lng, lat]): [number, number] => [lat, lng])), 'swapped_lat_lng', '经纬度顺序颠倒'],
    ['an area outside the caller’s scope', polygonFeature('320400000000', SQUARE), 'unknown_area', '不存在或不在您的管辖范围内'],
    ['an area that does not exist', polygonFeature('320412001999', SQUARE), 'unknown_area', '不存在或不在您的管辖范围内'],
  ])('%s: a feature-level error, 422, and nothing written', async (_what, bad, code, words) => {
    const before = await snapshot();
    const res = await postGeoJson(jkAdmin, request([polygonFeature('320412001007', SQUARE), bad]));
    expect(res.statusCode).toBe(422);
    const report = boundaryReport(res);
    expect(issues(report.errors)).toEqual([[1, code]]);
    expect(report.errors[0]?.message).toContain(words);
    expect(await snapshot()).toEqual(before);
  });

  it('answers 400 naming crs for an unknown coordinate system, and 403 to a grid worker', async () => {
    const res = await postGeoJson(jkAdmin, request([polygonFeature('320412001007', SQUARE)], { crs: 'epsg3857' }));
    expect(res.statusCode).toBe(400);
    const body = errorBodySchema.parse(res.json());
    expect(body.error.code).toBe('validation_failed');
    expect(Object.keys(body.error.details?.fields ?? {})).toEqual(['crs']);
    expect((await postGeoJson(zbWorker, request([polygonFeature('320412001001', SQUARE)]))).statusCode).toBe(403);
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
