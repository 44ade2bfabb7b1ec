import { z } from 'zod';
import { idSchema, isoDateTime } from './common.ts';

/**
 * Attachments (附件): photos and files on a record of another module (a case's on-the-spot photos,
 * a visit's evidence, a handling result). The owning module decides who may attach to and see its
 * records; the attachment module keeps the files, checks them by content and serves them.
 */

export const ATTACHMENT_PURPOSES = ['photo', 'document'] as const;
export type AttachmentPurpose = (typeof ATTACHMENT_PURPOSES)[number];

const MiB = 1024 * 1024;

/** Accepted types by purpose, recognised from the file's bytes (never its name or declared type). */
export const ATTACHMENT_LIMITS = {
  photo: { maxBytes: 10 * MiB, mimes: ['image/jpeg', 'image/png', 'image/webp'] },
  document: { maxBytes: 20 * MiB, mimes: ['application/pdf', 'image/jpeg', 'image/png', 'image/webp'] },
} as const satisfies Record<AttachmentPurpose, { maxBytes: number; mimes: readonly string[] }>;

/** Photos on one record unless its module says otherwise (a report from a phone: 9, as the phones' pickers allow). */
export const DEFAULT_MAX_PHOTOS = 9;

/** Long side of a thumbnail and of the public (metadata-free) copy of a photo, in pixels. */
export const THUMBNAIL_SIZE = 320;
export const PUBLIC_IMAGE_MAX_SIDE = 2560;

export const ATTACHMENT_VARIANTS = ['original', 'thumb', 'public'] as const;
export type AttachmentVariant = (typeof ATTACHMENT_VARIANTS)[number];

const ownerType = z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, 'ownerType 为小写字母、数字和下划线');
/** The same key on a retry: a phone that lost its signal sends the same photo again with it. */
export const attachmentClientKeySchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'clientKey 为 8–64 位字母、数字、_ 或 -');

export const attachmentIdParamsSchema = z.object({ id: z.uuid('附件 id 无效') }).strict();

export const attachmentUploadQuerySchema = z
  .object({
    ownerType,
    ownerId: idSchema,
    purpose: z.enum(ATTACHMENT_PURPOSES),
    clientKey: attachmentClientKeySchema,
  })
  .strict();
export type AttachmentUploadQuery = z.infer<typeof attachmentUploadQuerySchema>;

export const attachmentListQuerySchema = z.object({ ownerType, ownerId: idSchema }).strict();
export type AttachmentListQuery = z.infer<typeof attachmentListQuerySchema>;

export const attachmentSchema = z
  .object({
    id: z.string(),
    ownerType: z.string(),
    ownerId: z.number().int(),
    purpose: z.enum(ATTACHMENT_PURPOSES),
    /** The name the file had on the device, cleaned (no folders, no control characters). */
    fileName: z.string(),
    /** Recognised from the content. */
    mime: z.string(),
    sizeBytes: z.number().int(),
    sha256: z.string(),
    /** Images only, as shown (the camera's orientation applied). */
    width: z.number().int().nullable(),
    height: z.number().int().nullable(),
    /** The account that uploaded it; null for a resident on the public report (no account). */
    uploadedBy: z.number().int().nullable(),
    createdAt: isoDateTime,
    /** Where to fetch each variant; null where the file has none (a PDF has no thumbnail). */
    urls: z.object({ original: z.string(), thumb: z.string().nullable(), public: z.string().nullable() }),
  })
  .meta({ id: 'Attachment' });
export type Attachment = z.infer<typeof attachmentSchema>;

export const attachmentListSchema = z.object({ items: z.array(attachmentSchema) });
export type AttachmentList = z.infer<typeof attachmentListSchema>;
