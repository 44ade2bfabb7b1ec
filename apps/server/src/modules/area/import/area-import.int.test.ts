import { boundaryImportReportSchema, errorBodySchema, type BoundaryImportReport, type ImportIssue } from '@redgrid/contracts';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { areaIdByCode, createTestApp, loginAs, type Session, type TestApp } from '../../../../test/harness.ts';
import { distanceMeters, fromWgs84 } from '../../geo/index.ts';

let t: TestApp;
let jkAdmin: Session;
let zbWorker: Session;

beforeAll(async () => {
  t = await createTestApp();
  jkAdmin = await loginAs(t.app, 'jk_admin');
  zbWorker = await loginAs(t.app, 'zb_worker');
});
afterAll(async () => t?.close());

const postGeoJson = (session: Session, payload: unknown) =>
  t.app.inject({ method: 'POST', url: '/api/areas/import/boundaries', headers: { ...session.headers, 'content-type': 'application/json' }, payload: JSON.stringify(payload) });

type Response = Awaited<ReturnType<typeof postGeoJson>>;

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
