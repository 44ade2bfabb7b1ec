import { randomBytes } from 'node:crypto';
import exifr from 'exifr';
import { sql } from 'kysely';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { loginAs, useTestApp, type Session } from '../../../test/harness.ts';
import { loginAsRole } from '../../../test/factories.ts';

/**
 * The resident's channel (居民随手拍): a report without an account, its photos, the tracking page and the
 * rating; and residents signed in, who read their own reports and nobody else's.
 */

// The production defaults of the public limits (the test default is far higher).
const ctx = useTestApp({ publicRateLimit: { writesPerHour: 30, readsPerMinute: 60 } });
const GRID1 = '320412001001001';
const COMMUNITY = '320412001001';

let point: { lng: number; lat: number };
let reportable: string;
let staffOnly: string;
let worker: Session;
let secretary: Session;

interface Answer {
  caseNo: string;
  trackingCode: string;
  trackingPath: string;
  photosAllowed: number;
}
interface Tracked {
  caseNo: string;
  stage: string;
  handledBy: string | null;
  timeline: { step: string; by: string | null; note: string | null; at: string }[];
  result: string | null;
  rating: string | null;
  mayRate: boolean;
  mayReopen: boolean;
  photos: { id: string; url: string }[];
  photosAllowed: number;
}
type Refusal = { error: { code: string; message: string; details: { fields?: Record<string, string[]> } | null } };

/** Each test from its own address, so the per-address limits of the public pages stay out of the way. */
let address = 10;
const nextAddress = () => `10.1.0.${(address += 1)}`;

async function publicCall<T>(method: 'GET' | 'POST', url: string, payload?: unknown, remoteAddress = nextAddress()): Promise<{ status: number; body: T }> {
  const res = await ctx.t.app.inject({ method, url, remoteAddress, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.json() as T };
}

async function call<T>(s: Session, method: 'GET' | 'POST', url: string, payload?: unknown): Promise<{ status: number; body: T }> {
  const res = await ctx.t.app.inject({ method, url, headers: s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.json() as T };
}

function report(extra: Record<string, unknown> = {}) {
  return publicCall<Answer & Refusal>('POST', '/api/public/cases', {
    itemCode: reportable,
    description: '小区东门路灯连续三天不亮，晚上很黑',
    location: { ...point, crs: 'wgs84', source: 'map' },
    address: '站北花园东门',
    name: '李秀英',
    phone: '170 0000 1234',
    clientKey: `resident-${randomBytes(6).toString('hex')}`,
    ...extra,
  });
}

const codeOf = (a: Answer) => a.trackingCode.replace('-', '');
const track = (a: Answer, code = codeOf(a)) => publicCall<Tracked & Refusal>('GET', `/api/public/cases/${a.caseNo}?t=${code}`);

async function caseIdOf(caseNo: string): Promise<number> {
  const r = await sql<{ id: number }>`SELECT id::int AS id FROM cases WHERE case_no = ${caseNo}`.execute(ctx.t.database.db);
  return r.rows[0]!.id;
}

/** A multipart/form-data body with one file part, as a phone's browser sends it. */
function multipart(fileName: string, content: Buffer, contentType: string): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----redgrid${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${contentType}\r\n\r\n`, 'utf8');
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  return { payload: Buffer.concat([head, content, tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** A phone's photo that says where it was taken (GPS in its EXIF) and by which camera. */
function gpsJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 30, g: 90, b: 160 } } })
    .jpeg({ quality: 80 })
    .withExifMerge({ IFD0: { Make: 'ResidentPhone', Model: 'X1' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '31/1 46/1 4620/100', GPSLongitudeRef: 'E', GPSLongitude: '120/1 2/1 1200/100' } })
    .toBuffer();
}

function uploadPhoto(a: Answer, content: Buffer, type = 'image/jpeg', name = 'IMG_0001.jpg', key = `photo-${randomBytes(6).toString('hex')}`) {
  const body = multipart(name, content, type);
  return ctx.t.app.inject({ method: 'POST', url: `/api/public/cases/${a.caseNo}/photos?t=${codeOf(a)}&clientKey=${key}`, remoteAddress: nextAddress(), ...body });
}

beforeAll(async () => {
  [worker, secretary] = await Promise.all([loginAs(ctx.t.app, 'zb_g1_worker'), loginAs(ctx.t.app, 'zb_admin')]);
  const db = ctx.t.database.db;
  const p = await sql<{ lng: number; lat: number }>`
    SELECT ST_X(ST_PointOnSurface(b.geom)) AS lng, ST_Y(ST_PointOnSurface(b.geom)) AS lat
      FROM area_boundaries b JOIN areas a ON a.id = b.area_id WHERE a.code = ${GRID1} AND b.valid_to IS NULL`.execute(db);
  point = { lng: Number(p.rows[0]!.lng), lat: Number(p.rows[0]!.lat) };
  const items = await sql<{ code: string; resident_reportable: boolean }>`
    SELECT DISTINCT ON (resident_reportable) i.code, i.resident_reportable FROM affair_items i JOIN affair_categories c ON c.id = i.category_id
     WHERE i.active AND c.active ORDER BY resident_reportable, i.code`.execute(db);
  reportable = items.rows.find((r) => r.resident_reportable)!.code;
  staffOnly = items.rows.find((r) => !r.resident_reportable)!.code;
});

describe('a resident reports without an account', () => {
  it('files a case in the grid of the point, once for a retried submit, seen by the grid worker without the reporter', async () => {
    const key = `resident-retry-${randomBytes(4).toString('hex')}`;
    const first = await report({ clientKey: key });
    expect(first.status).toBe(201);
    expect(first.body.caseNo).toMatch(/^SJ\d{14}$/);
    expect(first.body.trackingCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    expect(first.body.trackingPath).toBe(`/track/${first.body.caseNo}?t=${codeOf(first.body)}`);
    // The phone lost its signal and sent it again: the same case and the same code.
    const again = await report({ clientKey: key });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);

    const id = await caseIdOf(first.body.caseNo);
    const seen = await call<{ channel: string; grid: { name: string }; title: string; reporter: { name: string | null; phoneMasked: string | null; isMe: boolean }; timeline: { actorName: string }[] }>(worker, 'GET', `/api/cases/${id}`);
    expect(seen.status).toBe(200);
    expect(seen.body.channel).toBe('resident');
    expect(seen.body.title).toBe('小区东门路灯连续三天不亮，晚上很黑');
    // The grid worker sees a resident and a masked phone, never the name or the number.
    expect(seen.body.reporter).toMatchObject({ name: '居民', phoneMasked: '170****1234', isMe: false });
    expect(JSON.stringify(seen.body)).not.toContain('李秀英');
    expect(JSON.stringify(seen.body)).not.toContain('17000001234');
    // Stored sealed: the name and the phone are nowhere in plain text.
    const stored = await sql<{ reporter_name_enc: string; reporter_phone_enc: string }>`SELECT reporter_name_enc, reporter_phone_enc FROM cases WHERE id = ${id}`.execute(ctx.t.database.db);
    expect(stored.rows[0]!.reporter_name_enc).toMatch(/^sm4:/);
    expect(JSON.stringify(stored.rows[0])).not.toMatch(/李秀英|17000001234/);
    // In their inbox too.
    const inbox = await call<{ items: { caseNo: string }[] }>(worker, 'GET', '/api/cases?view=area');
    expect(inbox.body.items.map((c) => c.caseNo)).toContain(first.body.caseNo);
  });

  it('refuses a point outside every grid, an item residents may not report, a bad phone, and a named anonymous report', async () => {
    const outside = await report({ location: { lng: 116.39, lat: 39.9, crs: 'wgs84', source: 'map' } });
    expect(outside.status).toBe(400);
    expect(outside.body.error.details?.fields?.location?.[0]).toContain('不在本平台服务的任何网格内');
    const staff = await report({ itemCode: staffOnly });
    expect(staff.status).toBe(400);
    expect(staff.body.error.details?.fields?.itemCode?.[0]).toContain('不接受居民上报');
    const phone = await report({ phone: '12345' });
    expect(phone.status).toBe(400);
    expect(phone.body.error.details?.fields?.phone).toBeDefined();
    const anonymous = await report({ anonymous: true });
    expect(anonymous.status).toBe(400);
    const quiet = await report({ anonymous: true, name: undefined, phone: undefined });
    expect(quiet.status).toBe(201);
  });

  it('answers a wrong code exactly like a number that does not exist', async () => {
    const a = (await report()).body;
    const wrong = await track(a, codeOf(a).replace(/^./, (c) => (c === '7' ? '8' : '7')));
    const missing = await publicCall<Refusal>('GET', `/api/public/cases/SJ20991231999999?t=${codeOf(a)}`);
    expect(wrong.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(wrong.body.error.message).toBe(missing.body.error.message);
    // The code as written down (lower case, a dash, O for 0) opens it.
    const typed = a.trackingCode.toLowerCase();
    expect((await publicCall('GET', `/api/public/cases/${a.caseNo.toLowerCase()}?t=${typed}`)).status).toBe(200);
  });
});

describe('following a report on the tracking page', () => {
  it('shows the stage, the levels by name and never a person; the resident rates, and 不满意 reopens', async () => {
    const a = (await report()).body;
    const id = await caseIdOf(a.caseNo);
    expect((await track(a)).body).toMatchObject({ stage: 'received', mayRate: false, timeline: [{ step: 'reported' }] });

    const act = (s: Session, body: Record<string, unknown>) => call<{ state: string; version: number }>(s, 'POST', `/api/cases/${id}/actions`, body);
    expect((await act(worker, { action: 'accept' })).body.state).toBe('accepted');
    const accepted = (await track(a)).body;
    expect(accepted.stage).toBe('accepted');
    expect(accepted.timeline.map((e) => e.step)).toEqual(['reported', 'accepted']);
    expect(accepted.timeline[1]!.by).toContain('网格');

    // Up to the community, handled there, checked by the grid worker.
    expect((await act(worker, { action: 'escalate', to: { level: 'community' }, reason: '需社区协调物业' })).status).toBe(200);
    expect((await act(secretary, { action: 'accept' })).status).toBe(200);
    expect((await act(secretary, { action: 'handle', result: '已联系物业更换灯泡，路灯恢复照明' })).status).toBe(200);
    expect((await act(worker, { action: 'verify_pass' })).body.state).toBe('closed');

    const closed = (await track(a)).body;
    expect(closed).toMatchObject({ stage: 'closed', result: '已联系物业更换灯泡，路灯恢复照明', mayRate: true, mayReopen: false });
    expect(closed.timeline.map((e) => e.step)).toEqual(['reported', 'accepted', 'escalated', 'accepted', 'handled', 'closed']);
    expect(closed.timeline.find((e) => e.step === 'escalated')!.by).toBe('站北社区');
    // No staff member's name anywhere: the levels speak, not the people.
    const names = await sql<{ display_name: string }>`SELECT display_name FROM users WHERE username IN ('zb_g1_worker', 'zb_admin')`.execute(ctx.t.database.db);
    const page = JSON.stringify(closed);
    for (const n of names.rows) expect(page).not.toContain(n.display_name);
    expect(page).not.toMatch(/李秀英|1234/);

    const code = codeOf(a);
    const rated = await publicCall<Tracked & Refusal>('POST', `/api/public/cases/${a.caseNo}/rating?t=${code}`, { action: 'rate', rating: 'unsatisfied', comment: '第二天又不亮了' });
    expect(rated.status).toBe(200);
    expect(rated.body).toMatchObject({ rating: 'unsatisfied', mayRate: false, mayReopen: true });
    expect(rated.body.timeline.at(-1)).toMatchObject({ step: 'rated', note: '不满意', by: null });
    // Rated once only: the workflow refuses a second rating by its reporter.
    const twice = await publicCall<Refusal>('POST', `/api/public/cases/${a.caseNo}/rating?t=${code}`, { action: 'rate', rating: 'satisfied' });
    expect(twice.status).toBe(403);
    expect(twice.body.error.message).toBe('已评价');
    const reopened = await publicCall<Tracked>('POST', `/api/public/cases/${a.caseNo}/rating?t=${code}`, { action: 'reopen', reason: '路灯第二天又不亮了' });
    expect(reopened.status).toBe(200);
    expect(reopened.body).toMatchObject({ stage: 'handling', rating: null, mayReopen: false });
    expect(reopened.body.timeline.at(-1)!.step).toBe('reopened');
    // The office sees the reopening by a resident, in its own timeline and counts.
    const seen = await call<{ state: string; counts: { reopens: number }; timeline: { action: string; actorName: string }[] }>(worker, 'GET', `/api/cases/${id}`);
    expect(seen.body).toMatchObject({ state: 'handling', counts: { reopens: 1 } });
    expect(seen.body.timeline.at(-1)).toMatchObject({ action: 'reopen', actorName: '居民（公众上报）' });
    // A wrong code rates nothing.
    expect((await publicCall('POST', `/api/public/cases/${a.caseNo}/rating?t=ZZZZZZZZZZ`, { action: 'rate', rating: 'satisfied' })).status).toBe(404);
  });
});

describe('photos on a public report', () => {
  it('takes images only, at most three, and shows only the copy without EXIF', async () => {
    const a = (await report()).body;
    const notImage = await uploadPhoto(a, Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n', 'latin1'), 'image/jpeg', 'fake.jpg');
    expect(notImage.statusCode).toBe(415);

    const photo = await gpsJpeg();
    expect(await exifr.gps(photo)).toBeDefined();
    const key = `photo-retry-${randomBytes(4).toString('hex')}`;
    const first = await uploadPhoto(a, photo, 'image/jpeg', 'IMG_0001.jpg', key);
    expect(first.statusCode).toBe(201);
    const saved = first.json<{ photo: { id: string; url: string; photosAllowed: number } }>().photo;
    expect(saved.photosAllowed).toBe(2);
    // A retried upload is the same photo.
    expect((await uploadPhoto(a, photo, 'image/jpeg', 'IMG_0001.jpg', key)).json<{ photo: { id: string } }>().photo.id).toBe(saved.id);

    const page = (await track(a)).body;
    expect(page.photos).toEqual([{ id: saved.id, url: saved.url }]);
    const served = await ctx.t.app.inject({ url: saved.url, remoteAddress: nextAddress() });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/jpeg');
    expect(await exifr.gps(served.rawPayload)).toBeUndefined();
    expect((await sharp(served.rawPayload).metadata()).exif).toBeUndefined();
    // Without the code, the photo is not there.
    expect((await ctx.t.app.inject({ url: saved.url.replace(/t=.*/, 't=ZZZZZZZZZZ'), remoteAddress: nextAddress() })).statusCode).toBe(404);
    // The grid worker sees the original beside the case, as with every case photo.
    const listed = await call<{ items: { id: string; uploadedBy: number | null }[] }>(worker, 'GET', `/api/attachments?ownerType=case&ownerId=${await caseIdOf(a.caseNo)}`);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: saved.id, uploadedBy: null })]);

    expect((await uploadPhoto(a, await gpsJpeg())).statusCode).toBe(201);
    expect((await uploadPhoto(a, await gpsJpeg())).statusCode).toBe(201);
    const fourth = await uploadPhoto(a, await gpsJpeg());
    expect(fourth.statusCode).toBe(409);
    expect((await track(a)).body.photosAllowed).toBe(0);
  });

  it('takes no photo once the case is accepted', async () => {
    const a = (await report()).body;
    await call(worker, 'POST', `/api/cases/${await caseIdOf(a.caseNo)}/actions`, { action: 'accept' });
    expect((await uploadPhoto(a, await gpsJpeg())).statusCode).toBe(409);
  });
});

describe('residents signed in', () => {
  it('read their own reports and not their neighbour’s, and list them as 我的上报', async () => {
    const communityId = (await sql<{ id: number }>`SELECT id::int AS id FROM areas WHERE code = ${COMMUNITY}`.execute(ctx.t.database.db)).rows[0]!.id;
    const [me, neighbour] = await Promise.all([loginAsRole(ctx.t.app, ctx.t.database, 'resident', communityId), loginAsRole(ctx.t.app, ctx.t.database, 'resident', communityId)]);
    const file = (s: Session, description: string) =>
      ctx.t.app.inject({ method: 'POST', url: '/api/public/cases', remoteAddress: nextAddress(), headers: s.headers, payload: { itemCode: reportable, description, location: { ...point, crs: 'wgs84', source: 'gps' }, clientKey: `signed-${randomBytes(6).toString('hex')}` } });
    const mine = (await file(me, '楼道里堆满了纸箱，影响通行')).json<Answer>();
    const theirs = (await file(neighbour, '单元门门禁坏了，外人随便进出')).json<Answer>();
    const anyone = (await report()).body;

    const list = await call<{ items: { caseNo: string }[] }>(me, 'GET', '/api/cases?view=area');
    expect(list.status).toBe(200);
    expect(list.body.items.map((c) => c.caseNo)).toEqual([mine.caseNo]);
    expect((await call(me, 'GET', `/api/cases/${await caseIdOf(mine.caseNo)}`)).status).toBe(200);
    expect((await call(me, 'GET', `/api/cases/${await caseIdOf(theirs.caseNo)}`)).status).toBe(404);
    expect((await call(me, 'GET', `/api/cases/${await caseIdOf(anyone.caseNo)}`)).status).toBe(404);
    // Staff views and figures stay closed to them.
    expect((await call(me, 'GET', '/api/cases/map')).status).toBe(403);
    // Nor may they handle anything, even their own.
    expect((await call(me, 'POST', `/api/cases/${await caseIdOf(mine.caseNo)}/actions`, { action: 'accept' })).status).toBe(403);
    // Without the CSRF token the session does not count: filed as a resident with no account.
    const forged = await ctx.t.app.inject({ method: 'POST', url: '/api/public/cases', remoteAddress: nextAddress(), headers: { cookie: me.cookie }, payload: { itemCode: reportable, description: '别的网站替我提交的上报', location: { ...point, crs: 'wgs84', source: 'gps' }, clientKey: `forged-${randomBytes(6).toString('hex')}` } });
    expect(forged.statusCode).toBe(201);
    expect((await call<{ items: unknown[] }>(me, 'GET', '/api/cases')).body.items).toHaveLength(1);
  });
});

describe('limits per address', () => {
  it('answers 429 with Retry-After once an address has filed too much', async () => {
    const from = '10.9.9.9';
    let last = 0;
    let retryAfter: string | undefined;
    for (let i = 0; i < 31; i += 1) {
      const res = await ctx.t.app.inject({ method: 'POST', url: '/api/public/cases', remoteAddress: from, payload: { itemCode: reportable, description: '同一地址反复提交', location: { lng: 116.39, lat: 39.9 }, clientKey: `flood-${i}-${randomBytes(4).toString('hex')}` } });
      last = res.statusCode;
      retryAfter = res.headers['retry-after'] as string | undefined;
    }
    expect(last).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});
