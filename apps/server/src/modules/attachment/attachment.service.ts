import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { DEFAULT_MAX_PHOTOS, type Attachment, type AttachmentListQuery, type AttachmentPurpose, type AttachmentUploadQuery, type AttachmentVariant } from '@redgrid/contracts';
import type { RequestContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { read, write, type Unit, type WriteUnit } from '../../platform/unit-of-work.ts';
import { cleanFileName, inspectUpload, removeStaged, type InspectedFile } from './attachment-content.ts';
import { findOwnerKind, type AttachmentOwnerKind } from './attachment-owners.ts';
import { attachmentRepository, type AttachmentRow } from './attachment.repository.ts';
import { newBlobBase, storageFor, type BlobStorage } from './storage/index.ts';

/**
 * Attachments in two steps, so no transaction waits for a phone: `prepareAttachment` receives the
 * upload outside any transaction (checked by content, images decoded and derived, the blobs stored
 * under fresh random keys); `saveAttachment` runs inside the owning module's unit of work and writes
 * the row (idempotent by the uploader's client key). Blobs of an upload that was refused or turned
 * out to be a retry are removed again (`discardPrepared`); a crash between the two steps leaves
 * blobs no row names, which the orphan sweep (attachment-sweep.job.ts) removes a day later.
 */

/** The record an attachment belongs to, as its module located it. */
export interface AttachmentOwner {
  type: string;
  id: number;
  /** The area the record sits in: owns the row, so the record's scope is the file's. */
  areaId: number;
}

/** An upload received and stored, not yet recorded. */
export interface PreparedAttachment {
  readonly purpose: AttachmentPurpose;
  readonly fileName: string;
  readonly mime: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly width: number | null;
  readonly height: number | null;
  readonly storageKey: string;
  readonly thumbKey: string | null;
  readonly publicKey: string | null;
  /** Set once a row names these blobs (by `saveAttachment`); until then `discardPrepared` removes them. */
  recorded: boolean;
}

export interface SavedAttachment {
  attachment: Attachment;
  /** False when the client key had been used: the row of the first upload, nothing new stored. */
  created: boolean;
}

function storage(ctx: RequestContext): BlobStorage {
  return storageFor(ctx.config.storage);
}

export function toAttachmentView(row: AttachmentRow): Attachment {
  const url = `/api/attachments/${row.id}`;
  return {
    id: row.id,
    ownerType: row.owner_type,
    ownerId: Number(row.owner_id),
    purpose: row.purpose,
    fileName: row.file_name,
    mime: row.mime,
    sizeBytes: Number(row.size_bytes),
    sha256: row.sha256,
    width: row.width,
    height: row.height,
    uploadedBy: row.uploaded_by === null ? null : Number(row.uploaded_by),
    createdAt: new Date(row.created_at).toISOString(),
    urls: { original: url, thumb: row.thumb_key ? `${url}/thumb` : null, public: row.public_key ? `${url}/public` : null },
  };
}

async function putFile(store: BlobStorage, key: string, file: string, size: number, contentType: string): Promise<void> {
  await store.put(key, createReadStream(file), { size, contentType });
}

/**
 * Receives an upload (outside any transaction): 413 past the purpose's limit, 415 when the bytes are
 * not an accepted type or an image does not decode. The original, its thumbnail and its public copy
 * are in storage when this returns.
 */
export async function prepareAttachment(ctx: RequestContext, source: AsyncIterable<Uint8Array>, meta: { purpose: AttachmentPurpose; fileName?: string | null }): Promise<PreparedAttachment> {
  const file: InspectedFile = await inspectUpload(ctx.config.filesDir, source, meta.purpose);
  const base = newBlobBase(randomBytes(16));
  const prepared: PreparedAttachment = {
    purpose: meta.purpose,
    fileName: cleanFileName(meta.fileName, file.mime),
    mime: file.mime,
    sizeBytes: file.size,
    sha256: file.sha256,
    width: file.width,
    height: file.height,
    storageKey: `${base}.orig`,
    thumbKey: file.thumb ? `${base}.thumb.webp` : null,
    publicKey: file.publicCopy ? `${base}.public.jpg` : null,
    recorded: false,
  };
  const store = storage(ctx);
  try {
    await putFile(store, prepared.storageKey, file.path, file.size, file.mime);
    if (file.thumb && prepared.thumbKey) await putFile(store, prepared.thumbKey, file.thumb.path, file.thumb.size, 'image/webp');
    if (file.publicCopy && prepared.publicKey) await putFile(store, prepared.publicKey, file.publicCopy.path, file.publicCopy.size, 'image/jpeg');
  } catch (err) {
    await discardPrepared(ctx, prepared);
    throw err;
  } finally {
    await removeStaged([file.path, file.thumb?.path, file.publicCopy?.path]);
  }
  return prepared;
}

/**
 * The whole life of an upload for a module's own route: prepare it, hand it to `record` (which opens
 * the module's write unit and calls `saveAttachment` in it), and remove the blobs again unless a
 * committed row names them (refused, rolled back, or a retry answered with the first row).
 */
export async function receiveAttachment<T>(
  ctx: RequestContext,
  source: AsyncIterable<Uint8Array>,
  meta: { purpose: AttachmentPurpose; fileName?: string | null },
  record: (prepared: PreparedAttachment) => Promise<T>,
): Promise<T> {
  const prepared = await prepareAttachment(ctx, source, meta);
  try {
    return await record(prepared);
  } catch (err) {
    // saveAttachment may have marked it before the transaction failed: nothing was committed.
    prepared.recorded = false;
    throw err;
  } finally {
    await discardPrepared(ctx, prepared);
  }
}

/** Removes the blobs of an upload no row names (refused, or a retry of one already recorded). */
export async function discardPrepared(ctx: RequestContext, prepared: PreparedAttachment): Promise<void> {
  if (prepared.recorded) return;
  const store = storage(ctx);
  const keys = [prepared.storageKey, prepared.thumbKey, prepared.publicKey].filter((k): k is string => k !== null);
  const results = await Promise.allSettled(keys.map((k) => store.delete(k)));
  if (results.some((r) => r.status === 'rejected')) ctx.log.warn({ keys: keys.length }, 'attachment blobs of a refused upload were not all removed');
}

/**
 * Records a prepared upload on a record, inside the owning module's unit of work (which has located
 * the record through the caller's scope). The same client key again gives the first upload's row
 * (`created: false`); used for another record, it is a 409. Photos beyond the record's limit: 409.
 */
export async function saveAttachment(
  ctx: RequestContext,
  unit: WriteUnit,
  owner: AttachmentOwner,
  prepared: PreparedAttachment,
  options: { clientKey: string; maxPhotos?: number },
): Promise<SavedAttachment> {
  const repo = unit.use(attachmentRepository);
  await repo.lockOwner(owner.type, owner.id);
  // A guest (asGuest: no account, id 0) uploads as nobody; its client keys are guests' own.
  const uploader = unit.actor.id || null;
  const earlier = await repo.findByClientKey(uploader, options.clientKey);
  if (earlier) return { attachment: replayOf(earlier, owner), created: false };
  if (prepared.purpose === 'photo') {
    const max = options.maxPhotos ?? DEFAULT_MAX_PHOTOS;
    const count = await repo.countForOwner(owner.type, owner.id, 'photo');
    if (count >= max) throw new AppError('conflict', `最多 ${max} 张照片：已有 ${count} 张`, { maxPhotos: max, count });
  }
  const id = randomUUID();
  const row = await repo.insert({
    id,
    owner_type: owner.type,
    owner_id: owner.id,
    area_id: owner.areaId,
    purpose: prepared.purpose,
    uploaded_by: uploader,
    client_key: options.clientKey,
    file_name: prepared.fileName,
    mime: prepared.mime,
    size_bytes: prepared.sizeBytes,
    sha256: prepared.sha256,
    width: prepared.width,
    height: prepared.height,
    storage_key: prepared.storageKey,
    thumb_key: prepared.thumbKey,
    public_key: prepared.publicKey,
    created_at: ctx.clock(),
  });
  // The key is taken by a row this scope cannot see (the uploader has moved since): say so, do not guess.
  if (!row) throw new AppError('conflict', '这个 clientKey 已用于另一份附件', { field: 'clientKey' });
  prepared.recorded = true;
  // No file name in the trail: names of residents' documents are personal data.
  await unit.audit({ action: 'create', entity: 'attachment', entityId: id, areaId: owner.areaId, after: { ownerType: owner.type, ownerId: owner.id, purpose: prepared.purpose, mime: prepared.mime, sizeBytes: prepared.sizeBytes, sha256: prepared.sha256 } });
  return { attachment: toAttachmentView(row), created: true };
}

function replayOf(row: AttachmentRow, owner: { type: string; id: number }): Attachment {
  if (row.owner_type !== owner.type || Number(row.owner_id) !== owner.id) {
    throw new AppError('conflict', '这个 clientKey 已用于另一条记录的附件', { field: 'clientKey' });
  }
  if (row.deleted_at) throw new AppError('conflict', '这个 clientKey 的附件已被删除', { field: 'clientKey' });
  return toAttachmentView(row);
}

/** The live attachments of a record, oldest first (the caller's unit has located the record). */
export async function listAttachments(unit: Unit, owner: { type: string; id: number }): Promise<Attachment[]> {
  return (await unit.use(attachmentRepository).listForOwner(owner.type, owner.id)).map(toAttachmentView);
}

/** The record moved to another area: its attachments follow it (call inside the move's unit). */
export async function moveAttachments(unit: WriteUnit, owner: { type: string; id: number }, areaId: number): Promise<number> {
  return unit.use(attachmentRepository).moveOwner(owner.type, owner.id, areaId);
}

/** Takes an attachment off its record (the row stays, marked deleted; the blobs stay for the audit). */
export async function removeAttachment(ctx: RequestContext, unit: WriteUnit, owner: { type: string; id: number }, id: string): Promise<void> {
  const repo = unit.use(attachmentRepository);
  const row = await repo.find(id);
  if (!row || row.owner_type !== owner.type || Number(row.owner_id) !== owner.id) throw new AppError('not_found', '附件不存在');
  await repo.markDeleted(id, unit.actor.id, ctx.clock());
  await unit.audit({ action: 'delete', entity: 'attachment', entityId: id, areaId: row.area_id, before: { ownerType: row.owner_type, ownerId: Number(row.owner_id), purpose: row.purpose, sha256: row.sha256 } });
}

/** One variant of an attachment as it will be sent. */
export interface AttachmentFile {
  contentType: string;
  fileName: string;
  /** Strong validator: the content of an id and variant never changes. */
  etag: string;
  /** Opens the bytes; null when storage has lost them. */
  open(): Promise<{ stream: NodeJS.ReadableStream; size: number } | null>;
  /** Documents are downloaded, never shown in the console's origin. */
  inline: boolean;
}

const NOT_FOUND = () => new AppError('not_found', '附件不存在');

function variantOf(ctx: RequestContext, row: AttachmentRow, variant: AttachmentVariant): AttachmentFile {
  const key = variant === 'original' ? row.storage_key : variant === 'thumb' ? row.thumb_key : row.public_key;
  if (!key) throw new AppError('not_found', variant === 'thumb' ? '这个附件没有缩略图' : '这个附件没有公开版本');
  const stem = row.file_name.replace(/\.[^.]+$/, '');
  const contentType = variant === 'original' ? row.mime : variant === 'thumb' ? 'image/webp' : 'image/jpeg';
  const fileName = variant === 'original' ? row.file_name : variant === 'thumb' ? `${stem}-缩略图.webp` : `${stem}.jpg`;
  return {
    contentType,
    fileName,
    etag: `"${row.sha256.slice(0, 32)}-${variant}"`,
    inline: contentType.startsWith('image/'),
    open: async () => {
      const blob = await storage(ctx).get(key);
      if (!blob) ctx.log.error({ attachment: row.id, variant }, 'attachment blob missing from storage');
      return blob;
    },
  };
}

/**
 * An attachment for a module's own use case (the caller's unit has checked what its rules need):
 * 404 outside the caller's scope or when deleted.
 */
export async function openAttachment(ctx: RequestContext, unit: Unit, id: string, variant: AttachmentVariant): Promise<AttachmentFile> {
  const row = await unit.use(attachmentRepository).find(id);
  if (!row) throw NOT_FOUND();
  return variantOf(ctx, row, variant);
}

function kindOf(type: string): AttachmentOwnerKind {
  const kind = findOwnerKind(type);
  if (!kind) throw new AppError('not_found', `没有可附加文件的记录类型 ${type}`);
  return kind;
}

// ——— The generic routes' use cases ———

/** What the route hands over once the checks before the body have passed. */
export interface IncomingFile {
  stream: AsyncIterable<Uint8Array>;
  fileName: string | null;
}

/**
 * POST /api/attachments: the record is located (scope, the module's rules) and a retry recognised
 * before the file is read; then the file is received and recorded. 201 new, 200 a retry's answer.
 */
export async function uploadAttachment(ctx: RequestContext, query: AttachmentUploadQuery, receive: () => Promise<IncomingFile>, discard: () => Promise<void>): Promise<SavedAttachment> {
  const kind = kindOf(query.ownerType);
  if (!kind.purposes.includes(query.purpose)) throw new AppError('validation_failed', `${kind.label}不接受这种附件`, { fields: { purpose: [`可选：${kind.purposes.join('、')}`] } });
  const earlier = await read(ctx, kind.attachPermission, async (unit) => {
    await kind.locate(unit, query.ownerId, 'attach');
    return unit.use(attachmentRepository).findByClientKey(unit.actor.id, query.clientKey);
  });
  if (earlier) {
    await discard();
    return { attachment: replayOf(earlier, { type: kind.type, id: query.ownerId }), created: false };
  }
  const incoming = await receive();
  return receiveAttachment(ctx, incoming.stream, { purpose: query.purpose, fileName: incoming.fileName }, (prepared) =>
    write(ctx, kind.attachPermission, async (unit) => {
      const { areaId } = await kind.locate(unit, query.ownerId, 'attach');
      return saveAttachment(ctx, unit, { type: kind.type, id: query.ownerId, areaId }, prepared, { clientKey: query.clientKey, ...(kind.maxPhotos ? { maxPhotos: kind.maxPhotos } : {}) });
    }),
  );
}

/** GET /api/attachments?ownerType&ownerId: a record's files, for those who may see the record. */
export async function listOwnerAttachments(ctx: RequestContext, query: AttachmentListQuery): Promise<Attachment[]> {
  const kind = kindOf(query.ownerType);
  return read(ctx, kind.readPermission, async (unit) => {
    await kind.locate(unit, query.ownerId, 'read');
    return listAttachments(unit, { type: kind.type, id: query.ownerId });
  });
}

/**
 * GET /api/attachments/:id[/thumb|/public]: in the caller's scope, with the owning kind's read
 * permission, and the record itself still visible to them by its module's rules; otherwise 404,
 * so an id from elsewhere tells nothing.
 */
export async function fetchAttachment(ctx: RequestContext, id: string, variant: AttachmentVariant): Promise<AttachmentFile> {
  return read(ctx, 'signed_in', async (unit) => {
    const row = await unit.use(attachmentRepository).find(id);
    const kind = row ? findOwnerKind(row.owner_type) : undefined;
    if (!row || !kind || !unit.actor.permissions.has(kind.readPermission)) throw NOT_FOUND();
    await kind.locate(unit, Number(row.owner_id), 'read');
    return variantOf(ctx, row, variant);
  });
}
