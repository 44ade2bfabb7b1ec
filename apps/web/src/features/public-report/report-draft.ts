/** The resident's unsent report, kept on the phone until the server has it (photos stay in memory only). */
export interface ReportDraft {
  /** Made once per draft: a double tap or a retry after a dropped connection is the same case. */
  clientKey: string;
  itemCode: string | null;
  description: string;
  address: string;
  location: { lng: number; lat: number; source: 'gps' | 'map' } | null;
  anonymous: boolean;
  name: string;
  phone: string;
}

const KEY = 'redgrid.publicReportDraft';

export function newReportDraft(): ReportDraft {
  return { clientKey: crypto.randomUUID().replace(/-/g, ''), itemCode: null, description: '', address: '', location: null, anonymous: false, name: '', phone: '' };
}

function isDraft(v: unknown): v is ReportDraft {
  if (typeof v !== 'object' || v === null) return false;
  const d = v as Record<string, unknown>;
  const loc = d.location as Record<string, unknown> | null;
  return (
    typeof d.clientKey === 'string' &&
    /^[A-Za-z0-9_-]{8,64}$/.test(d.clientKey) &&
    (d.itemCode === null || typeof d.itemCode === 'string') &&
    typeof d.description === 'string' &&
    typeof d.address === 'string' &&
    typeof d.anonymous === 'boolean' &&
    typeof d.name === 'string' &&
    typeof d.phone === 'string' &&
    (loc === null || (typeof loc === 'object' && typeof loc.lng === 'number' && typeof loc.lat === 'number' && (loc.source === 'gps' || loc.source === 'map')))
  );
}

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

export function loadReportDraft(): ReportDraft | null {
  try {
    const raw = storage()?.getItem(KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    return isDraft(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

export function saveReportDraft(draft: ReportDraft): void {
  try {
    storage()?.setItem(KEY, JSON.stringify(draft));
  } catch {
    // Private mode or a full quota: the form works, the draft does not survive a reload.
  }
}

export function clearReportDraft(): void {
  try {
    storage()?.removeItem(KEY);
  } catch {
    // nothing kept
  }
}

export function hasContent(d: ReportDraft): boolean {
  return !!(d.itemCode || d.description.trim() || d.address.trim() || d.location || d.name.trim() || d.phone.trim());
}
