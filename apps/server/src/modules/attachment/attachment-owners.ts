import type { AttachmentPurpose, Permission } from '@redgrid/contracts';
import type { Unit } from '../../platform/unit-of-work.ts';

/**
 * What a module registers to let files be attached to its records (a case, a household visit …).
 * The attachment module keeps the files; the owning module alone says who may attach to a record
 * and see its files, and where the record sits (its area owns the attachment rows, so scope follows
 * the record).
 */
export interface AttachmentOwnerKind {
  /** The `ownerType` in URLs and rows: 'case', 'household_visit'. */
  type: string;
  /** Chinese name for messages: 事件. */
  label: string;
  /** Needed to see a record's files (as well as the record's area in scope). */
  readPermission: Permission;
  /** Needed to attach files to a record. */
  attachPermission: Permission;
  /** What may be attached: photos, documents, or both. */
  purposes: readonly AttachmentPurpose[];
  /** Photos on one record (default DEFAULT_MAX_PHOTOS). */
  maxPhotos?: number;
  /**
   * Finds the record through the caller's scope and says where it sits. Throws not_found for a record
   * out of scope or absent, and whatever refusal the module's rules give (a closed case takes no new
   * photos: conflict). `intent` tells a look from an upload.
   */
  locate(unit: Unit, ownerId: number, intent: 'read' | 'attach'): Promise<{ areaId: number }>;
}

const kinds = new Map<string, AttachmentOwnerKind>();

/** Registers (or, with the same type, replaces) an owner kind; modules call it when they load. */
export function registerAttachmentOwner(kind: AttachmentOwnerKind): void {
  if (!/^[a-z][a-z0-9_]{1,39}$/.test(kind.type)) throw new Error(`attachment owner type ${kind.type} must be lower case letters, digits and _`);
  if (kind.purposes.length === 0) throw new Error(`attachment owner ${kind.type} takes no purpose`);
  kinds.set(kind.type, kind);
}

export function findOwnerKind(type: string): AttachmentOwnerKind | undefined {
  return kinds.get(type);
}
