import { sql } from 'kysely';
import type { Scope } from '../../platform/context.ts';
import { ownedInsert, scopedFrom, scopedUpdate, type Db } from '../../platform/data-access.ts';
import type { AttachmentsTable } from '../../db/types-attachment.ts';
import type { Insertable, Selectable } from 'kysely';

export type AttachmentRow = Selectable<AttachmentsTable>;
export type NewAttachmentRow = Insertable<AttachmentsTable>;

/** Advisory-lock class of "one owner's attachments" (count checks must not race). */
const OWNER_LOCK_CLASS = 17;

export function attachmentRepository(db: Db, scope: Scope) {
  const rows = () => scopedFrom(db, scope, 'attachments as at');
  return {
    /** A live attachment in scope, or undefined (absent, deleted or elsewhere: the caller answers 404). */
    find: (id: string) => rows().selectAll('at').where('at.id', '=', id).where('at.deleted_at', 'is', null).executeTakeFirst(),

    /** `uploadedBy` null: a guest's upload (a resident's public report), keyed among guests' uploads. */
    findByClientKey: (uploadedBy: number | null, clientKey: string) =>
      rows().selectAll('at').where('at.uploaded_by', uploadedBy === null ? 'is' : '=', uploadedBy).where('at.client_key', '=', clientKey).executeTakeFirst(),

    listForOwner: (ownerType: string, ownerId: number) =>
      rows().selectAll('at').where('at.owner_type', '=', ownerType).where('at.owner_id', '=', ownerId).where('at.deleted_at', 'is', null).orderBy('at.created_at').orderBy('at.id').execute(),

    countForOwner: async (ownerType: string, ownerId: number, purpose: 'photo' | 'document'): Promise<number> => {
      const row = await rows()
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('at.owner_type', '=', ownerType)
        .where('at.owner_id', '=', ownerId)
        .where('at.purpose', '=', purpose)
        .where('at.deleted_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Serialises uploads to one record until the transaction ends, so "at most 9 photos" holds under parallel uploads. */
    lockOwner: async (ownerType: string, ownerId: number): Promise<void> => {
      await sql`SELECT pg_advisory_xact_lock(${OWNER_LOCK_CLASS}::int, hashtext(${`${ownerType}:${ownerId}`}))`.execute(db);
    },

    /** Inserts unless this uploader already used the client key; returns the new row or undefined. */
    insert: (row: NewAttachmentRow) =>
      ownedInsert(db, scope, 'attachments')
        .values(row)
        .onConflict((oc) => (row.uploaded_by === null || row.uploaded_by === undefined ? oc.column('client_key').where('uploaded_by', 'is', null).doNothing() : oc.columns(['uploaded_by', 'client_key']).doNothing()))
        .returningAll()
        .executeTakeFirst(),

    markDeleted: (id: string, by: number, at: Date) =>
      scopedUpdate(db, scope, 'attachments').set({ deleted_at: at, deleted_by: by }).where('id', '=', id).where('deleted_at', 'is', null).returningAll().executeTakeFirst(),

    /** Which of these blob keys a row names (live or deleted: a deleted attachment keeps its files for the audit). */
    namedKeys: async (keys: readonly string[]): Promise<Set<string>> => {
      if (keys.length === 0) return new Set();
      const found = await rows()
        .select(['at.storage_key', 'at.thumb_key', 'at.public_key'])
        .where((eb) => eb.or([eb('at.storage_key', 'in', keys), eb('at.thumb_key', 'in', keys), eb('at.public_key', 'in', keys)]))
        .execute();
      return new Set(found.flatMap((r) => [r.storage_key, r.thumb_key, r.public_key]).filter((k): k is string => k !== null));
    },

    /** The record moved to another area (a building regridded): its files follow it. */
    moveOwner: async (ownerType: string, ownerId: number, areaId: number): Promise<number> => {
      const res = await scopedUpdate(db, scope, 'attachments').set({ area_id: areaId }).where('owner_type', '=', ownerType).where('owner_id', '=', ownerId).executeTakeFirst();
      return Number(res.numUpdatedRows);
    },
  };
}
