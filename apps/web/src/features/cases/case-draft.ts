import type { ReportCaseInput } from '@redgrid/contracts';

/** What the report form keeps on the phone until the server has the case (photos stay in memory only). */
export interface CaseDraft {
  /** Made once per draft: a double tap or a retry after a dropped connection is the same case. */
  clientKey: string;
  itemCode: string | null;
  title: string;
  description: string;
  address: string;
  urgency: 'normal' | 'urgent' | 'emergency';
  customFields: Record<string, string | number | boolean | null>;
  /** WGS84 from the device; null means "the grid I work in". */
  location: { lng: number; lat: number; accuracy?: number } | null;
  /** When the draft began — when the problem was found: the server counts the on-time report rate (按时上报率) from it. */
  startedAt?: string;
}

/** The custom fields of the chosen item, as the catalogue describes them. */
export interface DraftField {
  key: string;
  type: 'text' | 'number' | 'date' | 'select' | 'boolean';
}

const KEY = 'redgrid.caseDraft';

/** A fresh retry key: 32 hex characters (a UUID without dashes), which both the case and the upload accept. */
export function newClientKey(random: () => string = () => crypto.randomUUID()): string {
  return random().replace(/-/g, '');
}

export function emptyCaseDraft(key: string = newClientKey(), startedAt: Date = new Date()): CaseDraft {
  return { clientKey: key, itemCode: null, title: '', description: '', address: '', urgency: 'normal', customFields: {}, location: null, startedAt: startedAt.toISOString() };
}

function isPoint(value: unknown): value is CaseDraft['location'] {
  if (value === null) return true;
  if (typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.lng === 'number' && typeof v.lat === 'number' && Math.abs(v.lng) <= 180 && Math.abs(v.lat) <= 90;
}

function isDraft(value: unknown): value is CaseDraft {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.clientKey === 'string' &&
    /^[A-Za-z0-9_-]{8,64}$/.test(v.clientKey) &&
    (v.itemCode === null || typeof v.itemCode === 'string') &&
    typeof v.title === 'string' &&
    typeof v.description === 'string' &&
    typeof v.address === 'string' &&
    (v.urgency === 'normal' || v.urgency === 'urgent' || v.urgency === 'emergency') &&
    typeof v.customFields === 'object' &&
    v.customFields !== null &&
    !Array.isArray(v.customFields) &&
    isPoint(v.location) &&
    (v.startedAt === undefined || (typeof v.startedAt === 'string' && !Number.isNaN(Date.parse(v.startedAt))))
  );
}

/** The unsent report, if one survives (a reload, a lost signal, a closed tab); anything malformed is dropped. */
export function loadCaseDraft(storage: Pick<Storage, 'getItem'> | undefined): CaseDraft | null {
  try {
    const raw = storage?.getItem(KEY);
    if (!raw) return null;
    const parsed: unknown = JSON.parse(raw);
    return isDraft(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

export function saveCaseDraft(storage: Pick<Storage, 'setItem'> | undefined, draft: CaseDraft): void {
  try {
    storage?.setItem(KEY, JSON.stringify(draft));
  } catch {
    // A full quota or private mode: the form still works, the draft just does not survive a reload.
  }
}

export function clearCaseDraft(storage: Pick<Storage, 'removeItem'> | undefined): void {
  try {
    storage?.removeItem(KEY);
  } catch {
    // As above.
  }
}

/** Whether the draft holds anything worth keeping (an empty form is not "restored"). */
export function hasContent(draft: CaseDraft): boolean {
  return draft.itemCode !== null || draft.title.trim() !== '' || draft.description.trim() !== '' || draft.address.trim() !== '' || draft.location !== null;
}

/**
 * The request as the contract takes it: texts trimmed, the empty address dropped, the custom fields
 * of the chosen item only (a field of an item picked before is not sent), numbers as numbers, empty
 * values left out; the point as the device gave it (WGS84, GPS).
 */
export function toReportInput(draft: CaseDraft, fields: readonly DraftField[]): ReportCaseInput {
  const customFields: Record<string, string | number | boolean> = {};
  for (const field of fields) {
    const value = draft.customFields[field.key];
    if (value === null || value === undefined || value === '') continue;
    if (field.type === 'number') {
      const n = typeof value === 'number' ? value : Number(String(value).trim());
      if (Number.isFinite(n)) customFields[field.key] = n;
    } else if (field.type === 'boolean') customFields[field.key] = value === true || value === 'true';
    else customFields[field.key] = String(value).trim();
  }
  const address = draft.address.trim();
  return {
    itemCode: draft.itemCode ?? '',
    title: draft.title.trim(),
    description: draft.description.trim(),
    ...(address ? { address } : {}),
    ...(draft.location ? { location: { lng: draft.location.lng, lat: draft.location.lat, crs: 'wgs84' as const, source: 'gps' as const } } : {}),
    urgency: draft.urgency,
    customFields,
    clientKey: draft.clientKey,
    ...(draft.startedAt ? { discoveredAt: draft.startedAt } : {}),
  };
}

/**
 * How long until (or since) a deadline, in whole hours of the clock: "还剩 5 小时" / "超期 3 小时".
 * Null when there is no deadline. Minutes below an hour count as "less than an hour" (0).
 */
export function dueIn(dueAt: string | null, now: Date): { overdue: boolean; hours: number } | null {
  if (!dueAt) return null;
  const ms = Date.parse(dueAt) - now.getTime();
  if (Number.isNaN(ms)) return null;
  return { overdue: ms < 0, hours: Math.floor(Math.abs(ms) / 3_600_000) };
}
