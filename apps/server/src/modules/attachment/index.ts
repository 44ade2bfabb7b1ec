/**
 * Attachments (附件): photos and files on the records of other modules — a case's on-the-spot photos,
 * a visit's evidence, a handling result. Checked by content (type by magic bytes, images decoded),
 * kept on disk or in an S3-compatible bucket, served with a thumbnail and a public copy stripped of
 * EXIF and GPS. A module makes its records attachable with `registerAttachmentOwner` (who may attach,
 * who may see, where a record sits); the generic routes then serve them, and its own use cases can
 * call `receiveAttachment` + `saveAttachment`, `listAttachments` and `openAttachment` directly.
 */
import { defineModule } from '../../platform/module.ts';
import { schedulerFor } from '../../platform/scheduler.ts';
import { orphanSweepJob } from './attachment-sweep.job.ts';
import { registerAttachmentRoutes } from './attachment.routes.ts';

export const attachmentModule = defineModule('attachment', async (app, { deps }) => {
  await registerAttachmentRoutes(app);
  schedulerFor(deps, app.log).register(orphanSweepJob());
});

export { registerAttachmentOwner, type AttachmentOwnerKind } from './attachment-owners.ts';
export {
  discardPrepared,
  listAttachments,
  moveAttachments,
  openAttachment,
  prepareAttachment,
  receiveAttachment,
  removeAttachment,
  saveAttachment,
  type AttachmentFile,
  type AttachmentOwner,
  type PreparedAttachment,
  type SavedAttachment,
} from './attachment.service.ts';
export { dispositionOf } from './attachment.routes.ts';
export { storageFor, type BlobStorage, type StoredBlob } from './storage/index.ts';
