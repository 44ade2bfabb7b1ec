import { randomBytes } from 'node:crypto';
import exifr from 'exifr';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { ATTACHMENT_LIMITS, type Attachment } from '@redgrid/contracts';
import { scopedFrom } from '../../platform/data-access.ts';
import { AppError } from '../../platform/errors.ts';
import { buildOutsideDistrict } from '../../../test/factories.ts';
import { loginAs, type Session, type TestApp } from '../../../test/harness.ts';
import { cameraJpeg, PHOTO_GPS, pngImage, tinyPdf } from './attachment-fixtures.test-helper.ts';
import { registerAttachmentOwner } from './index.ts';

/**
 * The attachment routes end to end on the real app and database, run once per storage (disk, and an
 * S3-compatible bucket): a test-only owner kind makes buildings attachable (photos and documents,
 * at most 3 photos, basedata permissions), located through the caller's scope like any module's.
 */

const MAX_PHOTOS = 3;

registerAttachmentOwner({
  type: 'test_building',
  label: '楼栋',
  readPermission: 'basedata.read',
  attachPermission: 'basedata.manage',
  purposes: ['photo', 'document'],
  maxPhotos: MAX_PHOTOS,
  locate: async (unit, id) => {
    const row = await unit.use((db, scope) => scopedFrom(db, scope, 'areas as a').select(['a.id']).where('a.id', '=', id).where('a.level', '=', 'building').executeTakeFirst());
    if (!row) throw new AppError('not_found', '楼栋不存在或不在管辖范围内');
    return { areaId: row.id };
  },
});

/** A multipart/form-data body with one file part, as a phone's browser sends it. */
export function multipart(fileName: string, content: Buffer, contentType = 'application/octet-stream'): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----redgrid${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${contentType}\r\n\r\n`, 'utf8');
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  return { payload: Buffer.concat([head, content, tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export interface SuiteOptions {
  /** Every blob key the storage holds now. */
  blobKeys(): Promise<string[]>;
}

export function attachmentSuite(name: string, ctx: { readonly t: TestApp }, options: SuiteOptions): void {
  let worker: Session;
  let building: number;
  let otherBuilding: number;
  const key = () => randomBytes(12).toString('hex');

  async function upload(session: Session, ownerId: number, file: { name: string; content: Buffer; type?: string }, query: Record<string, string> = {}) {
    const body = multipart(file.name, file.content, file.type);
    const qs = new URLSearchParams({ ownerType: 'test_building', ownerId: String(ownerId), purpose: 'photo', clientKey: key(), ...query });
    return ctx.t.app.inject({ method: 'POST', url: `/api/attachments?${qs}`, headers: { ...session.headers, ...body.headers }, payload: body.payload });
  }

  async function rows() {
    return ctx.t.database.db.selectFrom('attachments').selectAll().orderBy('created_at').execute();
  }

  beforeAll(async () => {
    const db = ctx.t.database.db;
    worker = await loginAs(ctx.t.app, 'zb_g1_worker');
    const grid = await db.selectFrom('areas').select('path').where('code', '=', '320412001001001').executeTakeFirstOrThrow();
    const b = await db.selectFrom('areas').select('id').where('level', '=', 'building').where('path', 'like', `${grid.path}%`).orderBy('id').limit(2).execute();
    building = b[0]!.id;
    otherBuilding = b[1]!.id;
  });

  describe(`attachments on ${name} storage`, () => {
    let photo: Attachment;
    let original: Buffer;

    it('takes a phone photo: 201, recognised by content, shown upright, the name cleaned', async () => {
      original = await cameraJpeg();
      const res = await upload(worker, building, { name: '../../../etc/现场照片.jpg', content: original, type: 'text/plain' });
      expect(res.statusCode, res.body).toBe(201);
      photo = res.json<Attachment>();
      expect(photo).toMatchObject({ ownerType: 'test_building', ownerId: building, purpose: 'photo', mime: 'image/jpeg', width: 800, height: 1200, sizeBytes: original.length, fileName: '现场照片.jpg' });
      expect(photo.urls).toEqual({ original: `/api/attachments/${photo.id}`, thumb: `/api/attachments/${photo.id}/thumb`, public: `/api/attachments/${photo.id}/public` });
      const [row] = await rows();
      expect(row).toMatchObject({ id: photo.id, area_id: building, file_name: '现场照片.jpg' });
      // Nothing of the name reaches storage: keys are random.
      expect(row!.storage_key).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{32}\.orig$/);
      expect((await options.blobKeys()).sort()).toEqual([row!.storage_key, row!.thumb_key, row!.public_key].sort());
    });

    it('serves the original with its GPS to those in scope, with type, name, nosniff and a validator', async () => {
      const res = await ctx.t.app.inject({ url: photo.urls.original, headers: worker.headers });
      expect(res.statusCode).toBe(200);
      expect(res.rawPayload.equals(original)).toBe(true);
      expect(res.headers['content-type']).toBe('image/jpeg');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-disposition']).toBe(`inline; filename="____.jpg"; filename*=UTF-8''${encodeURIComponent('现场照片.jpg')}`);
      expect(res.headers['cache-control']).toBe('private, max-age=3600');
      expect(await exifr.gps(res.rawPayload)).toEqual(PHOTO_GPS);
      const again = await ctx.t.app.inject({ url: photo.urls.original, headers: { ...worker.headers, 'if-none-match': String(res.headers.etag) } });
      expect(again.statusCode).toBe(304);
      expect(again.rawPayload.length).toBe(0);
    });

    it('serves a 320 px WebP thumbnail and a public JPEG with no EXIF and no GPS', async () => {
      const thumb = await ctx.t.app.inject({ url: photo.urls.thumb!, headers: worker.headers });
      expect(thumb.statusCode).toBe(200);
      expect(thumb.headers['content-type']).toBe('image/webp');
      const t = await sharp(thumb.rawPayload).metadata();
      expect([t.format, t.width, t.height]).toEqual(['webp', 213, 320]);

      const pub = await ctx.t.app.inject({ url: photo.urls.public!, headers: worker.headers });
      expect(pub.statusCode).toBe(200);
      expect(pub.headers['content-type']).toBe('image/jpeg');
      const p = await sharp(pub.rawPayload).metadata();
      expect([p.width, p.height, p.exif, p.orientation]).toEqual([800, 1200, undefined, undefined]);
      expect(await exifr.gps(pub.rawPayload)).toBeUndefined();
      expect(pub.rawPayload.includes(Buffer.from('RedgridCam'))).toBe(false);
    });

    it('answers a retry with the same client key with the first attachment: one row, one set of blobs', async () => {
      const clientKey = key();
      const png = await pngImage(64, 48);
      const first = await upload(worker, building, { name: 'a.png', content: png }, { clientKey });
      expect(first.statusCode, first.body).toBe(201);
      const blobsAfterFirst = (await options.blobKeys()).length;
      const second = await upload(worker, building, { name: 'a.png', content: png }, { clientKey });
      expect(second.statusCode).toBe(200);
      expect(second.json<Attachment>().id).toBe(first.json<Attachment>().id);
      expect((await rows()).filter((r) => r.client_key === clientKey)).toHaveLength(1);
      expect(await options.blobKeys()).toHaveLength(blobsAfterFirst);
      // The same key for another record is a conflict, not a silent answer about the first.
      const elsewhere = await upload(worker, otherBuilding, { name: 'a.png', content: png }, { clientKey });
      expect(elsewhere.statusCode).toBe(409);
    });

    it('refuses a text file named .jpg (415), a photo over 10 MB (413 with the limit), and keeps nothing of either', async () => {
      const before = { rows: (await rows()).length, blobs: (await options.blobKeys()).length };
      const text = await upload(worker, building, { name: 'photo.jpg', content: Buffer.from('不是照片\n'.repeat(100)), type: 'image/jpeg' });
      expect(text.statusCode).toBe(415);
      expect(text.json().error.message).toContain('文件内容不是 JPEG、PNG 或 WebP 图片');

      const big = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(ATTACHMENT_LIMITS.photo.maxBytes)]);
      const large = await upload(worker, building, { name: 'big.jpg', content: big, type: 'image/jpeg' });
      expect(large.statusCode).toBe(413);
      expect(large.json().error).toMatchObject({ code: 'payload_too_large', message: '照片不能超过 10 MB', details: { limitBytes: 10 * 1024 * 1024 } });

      const json = await ctx.t.app.inject({ method: 'POST', url: `/api/attachments?ownerType=test_building&ownerId=${building}&purpose=photo&clientKey=${key()}`, headers: worker.headers, payload: { file: 'x' } });
      expect(json.statusCode).toBe(415);
      expect({ rows: (await rows()).length, blobs: (await options.blobKeys()).length }).toEqual(before);
    });

    it('takes a PDF as a document (downloaded, no thumbnail, no public copy) but not as a photo', async () => {
      const asPhoto = await upload(worker, building, { name: 'report.pdf', content: tinyPdf() });
      expect(asPhoto.statusCode).toBe(415);
      const res = await upload(worker, building, { name: '处置结果.pdf', content: tinyPdf() }, { purpose: 'document' });
      expect(res.statusCode, res.body).toBe(201);
      const doc = res.json<Attachment>();
      expect(doc).toMatchObject({ mime: 'application/pdf', width: null, urls: { thumb: null, public: null } });
      const file = await ctx.t.app.inject({ url: doc.urls.original, headers: worker.headers });
      expect(file.headers['content-type']).toBe('application/pdf');
      expect(String(file.headers['content-disposition'])).toMatch(/^attachment; /);
      expect((await ctx.t.app.inject({ url: `${doc.urls.original}/thumb`, headers: worker.headers })).statusCode).toBe(404);
    });

    it(`stops at ${MAX_PHOTOS} photos on one record`, async () => {
      const existing = (await rows()).filter((r) => r.owner_id === otherBuilding && r.purpose === 'photo').length;
      for (let i = existing; i < MAX_PHOTOS; i++) expect((await upload(worker, otherBuilding, { name: `p${i}.png`, content: await pngImage(32, 32) })).statusCode).toBe(201);
      const over = await upload(worker, otherBuilding, { name: 'over.png', content: await pngImage(32, 32) });
      expect(over.statusCode).toBe(409);
      expect(over.json().error.message).toBe(`最多 ${MAX_PHOTOS} 张照片：已有 ${MAX_PHOTOS} 张`);
      const list = await ctx.t.app.inject({ url: `/api/attachments?ownerType=test_building&ownerId=${otherBuilding}`, headers: worker.headers });
      expect(list.json<{ items: Attachment[] }>().items.filter((a) => a.purpose === 'photo')).toHaveLength(MAX_PHOTOS);
    });

    it('hides a photo from another district and another community (404), shows it to the community', async () => {
      const out = await buildOutsideDistrict(ctx.t.database);
      void out;
      const outsider = await loginAs(ctx.t.app, 'outsider_probe', 'Fixture#Pass2026');
      const otherCommunity = await loginAs(ctx.t.app, 'lsh_worker');
      for (const s of [outsider, otherCommunity]) {
        for (const url of [photo.urls.original, photo.urls.thumb!, photo.urls.public!]) {
          const res = await ctx.t.app.inject({ url, headers: s.headers });
          expect(res.statusCode, `${url}`).toBe(404);
          expect(res.rawPayload.includes(Buffer.from('现场照片'))).toBe(false);
        }
        expect((await ctx.t.app.inject({ url: `/api/attachments?ownerType=test_building&ownerId=${building}`, headers: s.headers })).statusCode).toBe(404);
        const sneaked = await upload(s, building, { name: 'x.png', content: await pngImage(16, 16) });
        expect(sneaked.statusCode).toBe(404);
      }
      const community = await loginAs(ctx.t.app, 'zb_worker');
      expect((await ctx.t.app.inject({ url: photo.urls.public!, headers: community.headers })).statusCode).toBe(200);
      // Without the kind's permission (a party member has no basedata.read): 404 as well.
      const member = await loginAs(ctx.t.app, 'dy_member');
      expect((await ctx.t.app.inject({ url: photo.urls.original, headers: member.headers })).statusCode).toBe(404);
      expect((await ctx.t.app.inject({ url: photo.urls.original })).statusCode).toBe(401);
    });

    it('over a real socket: a phone photo is streamed in (201), and an oversized one gets its 413 answer', async () => {
      const address = await ctx.t.app.listen({ port: 0, host: '127.0.0.1' });
      const send = async (content: Buffer, name: string, session = worker) => {
        const form = new FormData();
        form.append('file', new Blob([new Uint8Array(content)], { type: 'image/jpeg' }), name);
        const qs = new URLSearchParams({ ownerType: 'test_building', ownerId: String(building), purpose: 'photo', clientKey: key() });
        return fetch(`${address}/api/attachments?${qs}`, { method: 'POST', headers: session.headers, body: form });
      };
      const ok = await send(await cameraJpeg({ noise: true, width: 1200, height: 900 }), '手机照片.jpg');
      expect(ok.status).toBe(201);
      expect(await ok.json()).toMatchObject({ fileName: '手机照片.jpg', width: 900, height: 1200 });
      const big = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(ATTACHMENT_LIMITS.photo.maxBytes + 1024)]);
      const refused = await send(big, 'big.jpg');
      expect(refused.status).toBe(413);
      expect(await refused.json()).toMatchObject({ error: { code: 'payload_too_large', details: { limitBytes: ATTACHMENT_LIMITS.photo.maxBytes } } });
      // Refused before the file is read (the record is out of scope): the answer arrives all the same.
      const outsider = await send(randomBytes(3 * 1024 * 1024), 'x.jpg', await loginAs(ctx.t.app, 'lsh_worker'));
      expect(outsider.status).toBe(404);
      // Megabytes through a socket on a shared machine: room beyond the default 30 s (a stalled upload never ends).
    }, 120_000);

    it('answers 404 for a record type nobody registered and a 400 for a malformed id', async () => {
      const res = await upload(worker, building, { name: 'x.png', content: await pngImage(16, 16) }, { ownerType: 'no_such_kind' });
      expect(res.statusCode).toBe(404);
      expect((await ctx.t.app.inject({ url: '/api/attachments/not-a-uuid', headers: worker.headers })).statusCode).toBe(400);
      expect((await ctx.t.app.inject({ url: `/api/attachments/${crypto.randomUUID()}`, headers: worker.headers })).statusCode).toBe(404);
    });

    it('writes an audit row per upload, without the file name', async () => {
      const audit = await ctx.t.database.db.selectFrom('audit_log').select(['action', 'after']).where('entity', '=', 'attachment').where('entity_id', '=', photo.id).execute();
      expect(audit).toHaveLength(1);
      expect(JSON.stringify(audit[0]!.after)).not.toContain('现场照片');
      expect(audit[0]!.after).toMatchObject({ ownerType: 'test_building', sha256: photo.sha256 });
    });
  });
}
