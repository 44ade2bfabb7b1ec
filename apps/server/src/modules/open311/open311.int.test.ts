import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { loginAs, useTestApp, type Session } from '../../../test/harness.ts';
import { verifyAuditChain } from '../../platform/audit.ts';
import { DEMO_OPEN311_KEY } from './index.ts';

const ctx = useTestApp();
const GRID1 = '320412001001001';
const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };

let worker: Session;
let district: Session;
let street: Session;
let point: { lng: number; lat: number };
let fireHazard: string;
let illegalBuilding: string;

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

async function get(url: string) {
  const res = await ctx.t.app.inject({ method: 'GET', url });
  return { status: res.statusCode, type: String(res.headers['content-type']), body: res.body };
}

async function post(url: string, payload: string | object, headers: Record<string, string> = FORM) {
  const res = await ctx.t.app.inject({ method: 'POST', url, headers, payload: payload as string });
  return { status: res.statusCode, type: String(res.headers['content-type']), body: res.body };
}

const hazard = (extra: Record<string, string> = {}) =>
  form({ api_key: DEMO_OPEN311_KEY, service_code: fireHazard, lat: String(point.lat), long: String(point.lng), 'attribute[kind]': '堵塞通道', description: '3 栋楼道堆满纸箱 <script>alert(1)</script> & 电动车', first_name: '三', last_name: '张', phone: '17012345678', email: 'zhang@example.com', ...extra });

beforeAll(async () => {
  [worker, district, street] = await Promise.all([loginAs(ctx.t.app, 'zb_g1_worker'), loginAs(ctx.t.app, 'jk_admin'), loginAs(ctx.t.app, 'qsy_admin')]);
  const db = ctx.t.database.db;
  const p = await sql<{ lng: number; lat: number }>`
    SELECT ST_X(ST_PointOnSurface(b.geom)) AS lng, ST_Y(ST_PointOnSurface(b.geom)) AS lat
      FROM area_boundaries b JOIN areas a ON a.id = b.area_id WHERE a.code = ${GRID1} AND b.valid_to IS NULL`.execute(db);
  point = { lng: Number(p.rows[0]!.lng), lat: Number(p.rows[0]!.lat) };
  const items = await sql<{ code: string; name: string }>`SELECT code, name FROM affair_items WHERE name IN ('消防安全隐患', '私搭乱建')`.execute(db);
  fireHazard = items.rows.find((r) => r.name === '消防安全隐患')!.code;
  illegalBuilding = items.rows.find((r) => r.name === '私搭乱建')!.code;
});

describe('Open311 GeoReport v2: discovery and services', () => {
  it('describes itself in XML and JSON', async () => {
    const xml = await get('/open311/v2/discovery.xml');
    expect(xml.status).toBe(200);
    expect(xml.type).toBe('text/xml; charset=utf-8');
    expect(xml.body.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<discovery><changeset>')).toBe(true);
    expect(xml.body).toContain('<specification>http://wiki.open311.org/GeoReport_v2</specification>');
    expect(xml.body).toContain('<formats><format>text/xml</format><format>application/json</format></formats>');
    const json = await get('/open311/v2/discovery.json');
    expect(json.type).toBe('application/json; charset=utf-8');
    expect(JSON.parse(json.body)).toMatchObject({ changeset: expect.stringMatching(/\+08:00$/), contact: expect.any(String), key_service: expect.any(String), endpoints: [{ specification: 'http://wiki.open311.org/GeoReport_v2', url: expect.stringMatching(/\/open311\/v2$/), type: 'test', formats: ['text/xml', 'application/json'] }] });
  });

  it('lists the resident-reportable items as services, with their custom fields as attributes', async () => {
    const services = JSON.parse((await get('/open311/v2/services.json')).body) as { service_code: string; service_name: string; metadata: boolean; type: string; group: string }[];
    const fire = services.find((s) => s.service_code === fireHazard);
    expect(fire).toMatchObject({ service_name: '消防安全隐患', metadata: true, type: 'realtime', group: expect.any(String) });
    // Internal work (key-population follow-ups) is not a service.
    expect(services.some((s) => s.service_name === '刑满释放人员帮教')).toBe(false);
    const xml = (await get('/open311/v2/services.xml')).body;
    expect(xml).toContain(`<service><service_code>${fireHazard}</service_code><service_name>消防安全隐患</service_name>`);
    expect(xml).toContain('<metadata>true</metadata><type>realtime</type>');

    const definition = JSON.parse((await get(`/open311/v2/services/${illegalBuilding}.json`)).body);
    expect(definition).toEqual({
      service_code: illegalBuilding,
      attributes: [
        { variable: true, code: 'area_m2', datatype: 'number', required: true, datatype_description: '数字', order: 1, description: '占地面积（平方米）', values: [] },
        { variable: true, code: 'stage', datatype: 'singlevaluelist', required: true, datatype_description: null, order: 2, description: '建设阶段', values: [{ key: '在建', name: '在建' }, { key: '已建成', name: '已建成' }] },
      ],
    });
    const defXml = (await get(`/open311/v2/services/${illegalBuilding}.xml`)).body;
    expect(defXml).toContain('<values><value><key>在建</key><name>在建</name></value><value><key>已建成</key><name>已建成</name></value></values>');

    const missing = await get('/open311/v2/services/nope.xml');
    expect(missing.status).toBe(404);
    expect(missing.body).toBe('<?xml version="1.0" encoding="utf-8"?>\n<errors><error><code>404</code><description>service_code nope was not found</description></error></errors>\n');
    expect((await get('/open311/v2/services.json?jurisdiction_id=110101000000')).status).toBe(404);
    expect((await get('/open311/v2/services.json?jurisdiction_id=320412000000')).status).toBe(200);
    expect((await get('/open311/v2/nothing.json')).status).toBe(404);
  });
});

describe('Open311 GeoReport v2: service requests', () => {
  it('refuses a POST without a valid api_key with the spec error', async () => {
    const missing = await post('/open311/v2/requests.xml', form({ service_code: fireHazard, lat: String(point.lat), long: String(point.lng) }));
    expect(missing.status).toBe(403);
    expect(missing.body).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<errors><error><code>403<\/code><description>api_key was not provided/);
    const wrong = await post('/open311/v2/requests.json', form({ api_key: 'guessed-key-123', service_code: fireHazard, lat: String(point.lat), long: String(point.lng) }));
    expect(wrong.status).toBe(403);
    expect(JSON.parse(wrong.body)).toEqual([{ code: 403, description: "Invalid api_key received -- can't proceed with create_request" }]);
  });

  it('files a case the grid worker of the point receives, follows it from open to closed, and keeps the reporter private', async () => {
    const created = await post('/open311/v2/requests.xml', hazard());
    expect(created.status).toBe(200);
    const no = /<service_request_id>(SJ\d+)<\/service_request_id>/.exec(created.body)?.[1];
    expect(no).toBeDefined();
    expect(created.body).toMatch(/<service_notice>已登记，由.+受理.*<\/service_notice><account_id\/><\/request><\/service_requests>/);

    const row = (await sql<{ id: number; channel: string; reporter_name_enc: string | null; reporter_phone_masked: string | null; tracking_token: string }>`SELECT id::int, channel, reporter_name_enc, reporter_phone_masked, tracking_token FROM cases WHERE case_no = ${no!}`.execute(ctx.t.database.db)).rows[0]!;
    expect(row.channel).toBe('open311');
    expect(row.reporter_name_enc).toMatch(/^sm4:/);
    expect(row.reporter_phone_masked).toBe('170****5678');
    // The grid worker of that grid has it in their inbox, from the Open311 application.
    const seen = await ctx.t.app.inject({ method: 'GET', url: `/api/cases/${row.id}`, headers: worker.headers });
    expect(seen.statusCode).toBe(200);
    expect(seen.json()).toMatchObject({ state: 'reported', timeline: [{ action: 'report', actorName: 'Open311: 演示应用' }] });

    // The public request: escaped, open, nobody's name, phone or e-mail.
    const one = await get(`/open311/v2/requests/${no!}.xml`);
    expect(one.status).toBe(200);
    expect(one.body).toContain('<description>3 栋楼道堆满纸箱 &lt;script&gt;alert(1)&lt;/script&gt; &amp; 电动车</description>');
    expect(one.body).toContain('<status>open</status><status_notes>已上报，待网格受理</status_notes>');
    for (const secret of ['张三', '17012345678', '5678', 'zhang@example.com']) expect(one.body).not.toContain(secret);
    const asJson = JSON.parse((await get(`/open311/v2/requests/${no!}.json`)).body);
    expect(asJson).toEqual([
      expect.objectContaining({ service_request_id: no, status: 'open', service_code: fireHazard, service_name: '消防安全隐患', lat: point.lat, long: point.lng, requested_datetime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/), expected_datetime: expect.any(String), address_id: null, zipcode: null }),
    ]);
    expect(Object.keys(asJson[0])).toEqual(['service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'description', 'agency_responsible', 'service_notice', 'requested_datetime', 'updated_datetime', 'expected_datetime', 'address', 'address_id', 'zipcode', 'lat', 'long', 'media_url']);

    // The token a resident holds leads to the number; another is 404.
    expect(JSON.parse((await get(`/open311/v2/tokens/${row.tracking_token}.json`)).body)).toEqual([{ service_request_id: no, token: row.tracking_token }]);
    expect((await get('/open311/v2/tokens/not-a-token.xml')).status).toBe(404);

    // The grid worker closes it on the spot: the public sees it closed.
    const photo = await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 10, g: 120, b: 40 } } }).jpeg().toBuffer();
    const boundary = `----o311${randomBytes(6).toString('hex')}`;
    const payload = Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`), photo, Buffer.from(`\r\n--${boundary}--\r\n`)]);
    const up = await ctx.t.app.inject({ method: 'POST', url: `/api/attachments?ownerType=case&ownerId=${row.id}&purpose=photo&clientKey=o311-photo-01`, headers: { ...worker.headers, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload });
    expect(up.statusCode).toBe(201);
    const closed = await ctx.t.app.inject({ method: 'POST', url: `/api/cases/${row.id}/actions`, headers: worker.headers, payload: { action: 'self_close', result: '纸箱已清走', attachmentIds: [up.json<{ id: string }>().id] } });
    expect(closed.statusCode).toBe(200);
    const after = JSON.parse((await get(`/open311/v2/requests/${no!}.json`)).body);
    expect(after[0]).toMatchObject({ status: 'closed', status_notes: '已办结', expected_datetime: null });
    const list = JSON.parse((await get(`/open311/v2/requests.json?status=closed&service_code=${fireHazard}`)).body) as { service_request_id: string }[];
    expect(list.map((r) => r.service_request_id)).toContain(no);
    expect(JSON.parse((await get(`/open311/v2/requests.json?status=open&service_code=${fireHazard}`)).body)).not.toContainEqual(expect.objectContaining({ service_request_id: no }));
  });

  it('accepts JSON, and an Idempotency-Key makes a retry the same request', async () => {
    const body = { api_key: DEMO_OPEN311_KEY, service_code: illegalBuilding, lat: point.lat, long: point.lng, description: '绿地上有人搭棚', attribute: { area_m2: '12', stage: '在建' } };
    const headers = { 'content-type': 'application/json', 'idempotency-key': 'app-retry-000001' };
    const first = await post('/open311/v2/requests.json', body, headers);
    expect(first.status).toBe(200);
    const again = await post('/open311/v2/requests.json', body, headers);
    expect(JSON.parse(again.body)[0].service_request_id).toBe(JSON.parse(first.body)[0].service_request_id);
    const custom = await sql<{ custom_fields: unknown }>`SELECT custom_fields FROM cases WHERE case_no = ${JSON.parse(first.body)[0].service_request_id as string}`.execute(ctx.t.database.db);
    expect(custom.rows[0]!.custom_fields).toEqual({ area_m2: 12, stage: '在建' });
  });

  it('files requests arriving at once each as one case with one audit row, and the audit chain stays whole', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => post('/open311/v2/requests.json', hazard({ description: `同时上报 ${i}` }))));
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
    const numbers = answers.map((a) => (JSON.parse(a.body) as { service_request_id: string }[])[0]!.service_request_id);
    expect(new Set(numbers).size).toBe(12);
    const filed = await sql<{ case_no: string; rows: number; actor: string }>`
      SELECT c.case_no, count(l.id)::int AS rows, max(l.actor_name) AS actor
        FROM cases c LEFT JOIN audit_log l ON l.entity = 'case' AND l.entity_id = c.id::text
       WHERE c.case_no IN (${sql.join(numbers)}) GROUP BY c.case_no`.execute(ctx.t.database.db);
    expect(filed.rows.map((r) => [r.rows, r.actor])).toEqual(Array(12).fill([1, 'Open311: 演示应用']));
    expect(await verifyAuditChain(ctx.t.database.db, ctx.t.deps.config.auditKey)).toMatchObject({ ok: true, problems: [] });
  });

  it('refuses a bad service, a missing or unroutable location and bad attributes, saying why', async () => {
    const unknown = await post('/open311/v2/requests.json', hazard({ service_code: 'XX99' }));
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toEqual([{ code: 404, description: 'service_code XX99 was not found' }]);
    // Internal work is no service either.
    const internal = (await sql<{ code: string }>`SELECT code FROM affair_items WHERE name = '刑满释放人员帮教'`.execute(ctx.t.database.db)).rows[0]!.code;
    expect((await post('/open311/v2/requests.json', hazard({ service_code: internal }))).status).toBe(404);

    const addressOnly = await post('/open311/v2/requests.json', form({ api_key: DEMO_OPEN311_KEY, service_code: fireHazard, address_string: '站北新村 3 栋', 'attribute[kind]': '其他' }));
    expect(addressOnly.status).toBe(400);
    expect(JSON.parse(addressOnly.body)[0].description).toMatch(/lat and long are required/);
    const outside = await post('/open311/v2/requests.json', hazard({ lat: '39.9042', long: '116.4074' }));
    expect(outside.status).toBe(400);
    expect(JSON.parse(outside.body)[0].description).toMatch(/outside every grid of 常州经开区/);
    const badAttr = await post('/open311/v2/requests.xml', hazard({ 'attribute[kind]': '<b>' }));
    expect(badAttr.status).toBe(400);
    expect(badAttr.body).toContain('<description>attribute[kind] must be one of: 堵塞通道, 电动车违规充电, 私拉电线, 消防设施损坏, 其他</description>');
    const window = await get('/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z');
    expect(window.status).toBe(400);
    expect(JSON.parse(window.body)[0].description).toMatch(/90 days/);
  });
});

describe('Open311 API keys', () => {
  it('are issued by a district admin, shown once, limited per minute, and refused once revoked', async () => {
    expect((await ctx.t.app.inject({ method: 'POST', url: '/api/open311/keys', headers: street.headers, payload: { name: '街道应用', owner: '戚墅堰' } })).statusCode).toBe(403);
    expect((await ctx.t.app.inject({ method: 'GET', url: '/api/open311/keys', headers: worker.headers })).statusCode).toBe(403);
    const made = await ctx.t.app.inject({ method: 'POST', url: '/api/open311/keys', headers: district.headers, payload: { name: '随手拍', owner: '常州市民服务中心', ratePerMinute: 2 } });
    expect(made.statusCode).toBe(201);
    const { key, apiKey } = made.json<{ key: { id: number; keyPrefix: string; active: boolean; createdBy: string }; apiKey: string }>();
    expect(apiKey.startsWith(key.keyPrefix)).toBe(true);
    expect(key).toMatchObject({ active: true, createdBy: expect.any(String) });
    // Only the hash is kept.
    const stored = await sql<{ n: number }>`SELECT count(*)::int AS n FROM open311_keys WHERE key_hash = ${apiKey} OR name = ${apiKey}`.execute(ctx.t.database.db);
    expect(stored.rows[0]!.n).toBe(0);
    const listed = await ctx.t.app.inject({ method: 'GET', url: '/api/open311/keys', headers: district.headers });
    expect(JSON.stringify(listed.json())).not.toContain(apiKey);

    expect((await post('/open311/v2/requests.json', hazard({ api_key: apiKey }))).status).toBe(200);
    expect((await post('/open311/v2/requests.json', hazard({ api_key: apiKey }))).status).toBe(200);
    // Two a minute: the third is told to wait (the test clock does not move).
    const limited = await post('/open311/v2/requests.json', hazard({ api_key: apiKey }));
    expect(limited.status).toBe(429);
    expect(JSON.parse(limited.body)[0].code).toBe(429);

    const revoked = await ctx.t.app.inject({ method: 'POST', url: `/api/open311/keys/${key.id}/revoke`, headers: district.headers });
    expect(revoked.json()).toMatchObject({ active: false, revokedBy: expect.any(String) });
    const refused = await post('/open311/v2/requests.json', hazard({ api_key: apiKey }));
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toEqual([{ code: 403, description: 'api_key has been revoked' }]);
    const audit = await sql<{ action: string }>`SELECT action FROM audit_log WHERE entity = 'open311_key' ORDER BY id`.execute(ctx.t.database.db);
    expect(audit.rows.map((r) => r.action)).toEqual(['create', 'revoke']);
  });
});
